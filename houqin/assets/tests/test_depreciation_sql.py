"""The database computes exactly what the Python rules compute, to the cent, on SQLite and on
PostgreSQL: the monthly run and the ledger reports rely on it."""

import random
from datetime import date
from decimal import Decimal

import pytest

from houqin.assets import depreciation as rules
from houqin.assets.models import Asset, AssetKind
from houqin.assets.tests.factories import AssetCategoryFactory, AssetFactory
from houqin.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def _random_assets(school, count=150, seed=7):
    rng = random.Random(seed)
    categories = [
        AssetCategoryFactory(school=school, code=f"C{years}", useful_life_years=years)
        for years in (1, 5, 6, 8, 15, 50, 100)
    ]
    relics = AssetCategoryFactory(
        school=school, code="R", useful_life_years=None, depreciates=False
    )
    made = []
    for i in range(count):
        acquired = date(rng.randint(1995, 2026), rng.randint(1, 12), rng.randint(1, 28))
        disposed = None
        if rng.random() < 0.3:
            disposed = date(rng.randint(acquired.year, 2027), rng.randint(1, 12), 28)
            disposed = max(disposed, acquired)
        cents = rng.choice([0, 1, 3, 15, 70, 99, 150, 1_000_000, rng.randint(0, 10**12)])
        made.append(
            AssetFactory(
                school=school,
                number=f"R{i:04d}",
                category=rng.choice([*categories, relics]),
                total_value=Decimal(cents) / 100,
                unit_price=Decimal(cents) / 100,
                acquired_on=None if rng.random() < 0.05 else acquired,
                disposed_on=disposed,
                useful_life_years=rng.choice([None, None, None, 0, 3, 10]),
                kind=AssetKind.LOW_VALUE if rng.random() < 0.1 else AssetKind.FIXED,
            )
        )
    return made


@pytest.mark.parametrize(
    "month", [date(1995, 1, 1), date(2010, 7, 1), date(2024, 12, 1), date(2026, 2, 1)]
)
def test_sql_accumulated_and_last_month_match_python(month):
    school = SchoolFactory()
    _random_assets(school)
    rows = (
        Asset.objects.filter(school=school)
        .select_related("category")
        .annotate(
            acc=rules.Yuan(rules.accumulated_cents_sql(month)),
            last=rules.depreciated_through_sql(month),
        )
    )
    checked = 0
    for a in rows:
        assert a.acc == rules.accumulated_through(a, month), a.number
        if rules.life_months(a):
            assert a.last == rules.depreciated_through(a, month), a.number
        checked += 1
    assert checked == 150


def test_sql_month_helpers_round_trip():
    school = SchoolFactory()
    AssetFactory(school=school, acquired_on=date(2024, 12, 31))
    AssetFactory(school=school, acquired_on=date(2025, 1, 1))
    got = sorted(
        Asset.objects.filter(school=school)
        .annotate(i=rules.MonthIndex("acquired_on"))
        .annotate(back=rules.MonthFromIndex("i"))
        .values_list("i", "back")
    )
    assert got == [
        (rules.month_index(date(2024, 12, 1)), date(2024, 12, 1)),
        (rules.month_index(date(2025, 1, 1)), date(2025, 1, 1)),
    ]

"""The monthly depreciation run: what the clerk and the finance officer see after pressing
"run depreciation for March" (or after the scheduler did it on the 1st)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from houqin.assets import depreciation as rules
from houqin.assets import services_ledger
from houqin.assets.models import (
    Asset,
    AssetKind,
    AssetStatus,
    DepreciationEntry,
    DepreciationRun,
)
from houqin.assets.tests.factories import AssetCategoryFactory, AssetFactory
from houqin.core.errors import PermissionDenied
from houqin.core.timeline import entries_for
from houqin.factories import DepartmentFactory, SchoolFactory

D = Decimal
MARCH = date(2024, 3, 1)


@pytest.fixture
def clerk(school, make_member):
    return make_member(school, "clerk", username="clerk")


@pytest.fixture
def books(school):
    """Two computers and a desk in two departments, a relic, a low-value chair."""
    computers = AssetCategoryFactory(school=school, code="A02", name="计算机", useful_life_years=6)
    furniture = AssetCategoryFactory(school=school, code="A05", name="家具", useful_life_years=15)
    relics = AssetCategoryFactory(
        school=school, code="A03", name="文物", useful_life_years=None, depreciates=False
    )
    office = DepartmentFactory(school=school, name="办公室")
    teaching = DepartmentFactory(school=school, name="教务处")

    def make(number, category, value, acquired, department=office, funding="财政拨款", **kw):
        return AssetFactory(
            school=school,
            number=number,
            category=category,
            total_value=D(value),
            unit_price=D(value),
            acquired_on=acquired,
            department=department,
            funding_source=funding,
            **kw,
        )

    return {
        "pc1": make("PC1", computers, "10000.00", date(2024, 1, 31)),
        "pc2": make("PC2", computers, "7200.00", date(2024, 3, 15), department=teaching),
        "pc3": make("PC3", computers, "6000.00", date(2023, 5, 1), funding="自筹"),
        "desk": make("DESK", furniture, "18000.00", date(2010, 9, 1)),
        "relic": make("RELIC", relics, "50000.00", date(2000, 1, 1)),
        "chair": make("CHAIR", furniture, "300.00", date(2024, 2, 1), kind=AssetKind.LOW_VALUE),
    }


def _acc(asset):
    asset.refresh_from_db()
    return asset.accumulated_depreciation


def test_run_stores_each_assets_depreciation_through_the_month(school, clerk, books):
    run = services_ledger.run_depreciation(school=school, month=MARCH, by=clerk)

    assert run.period == MARCH
    assert _acc(books["pc1"]) == D("416.67")  # Jan–Mar 2024 at 138.89
    assert books["pc1"].depreciated_through == MARCH
    assert _acc(books["pc2"]) == D("100.00")  # bought mid-March: March counts in full
    assert _acc(books["pc3"]) == D("916.63")  # May 2023–Mar 2024: 11 × 83.33
    assert _acc(books["desk"]) == D("16300.00")  # 163 months at 100.00
    assert _acc(books["relic"]) == D("0.00")
    assert books["relic"].depreciated_through is None
    assert _acc(books["chair"]) == D("0.00")


def test_the_month_is_posted_by_category_department_and_funding_source(school, clerk, books):
    run = services_ledger.run_depreciation(school=school, month=MARCH, by=clerk)

    entries = {
        (e.category.code, e.department.name, e.funding_source): (e.asset_count, e.amount)
        for e in DepreciationEntry.objects.filter(run=run).select_related("category", "department")
    }
    assert entries == {
        ("A02", "办公室", "财政拨款"): (1, D("138.89")),
        ("A02", "教务处", "财政拨款"): (1, D("100.00")),
        ("A02", "办公室", "自筹"): (1, D("83.33")),
        ("A05", "办公室", "财政拨款"): (1, D("100.00")),
    }
    assert run.asset_count == 4
    assert run.total_amount == D("422.22")
    assert run.ran_by == clerk
    assert DepreciationRun.objects.filter(school=school).count() == 1


def test_the_summaries_add_up_to_the_sum_of_every_assets_charge(school, clerk):
    category = AssetCategoryFactory(school=school, code="A02", useful_life_years=6)
    department = DepartmentFactory(school=school)
    assets = [
        AssetFactory(
            school=school,
            category=category,
            department=department if i % 2 else None,
            funding_source=("财政拨款", "自筹", "")[i % 3],
            total_value=D(1000 + i * 37) + D("0.33"),
            acquired_on=date(2018 + i % 7, 1 + i % 12, 1 + i % 28),
        )
        for i in range(40)
    ]
    run = services_ledger.run_depreciation(school=school, month=MARCH, by=clerk)

    expected = sum(rules.charge_for_month(a, MARCH) for a in assets)
    assert run.total_amount == expected
    assert sum(e.amount for e in run.entries.all()) == expected
    assert run.asset_count == sum(1 for a in assets if rules.charge_for_month(a, MARCH) > 0)


def test_running_a_month_twice_changes_nothing(school, clerk, books):
    first = services_ledger.run_depreciation(school=school, month=MARCH, by=clerk)
    figures = dict(Asset.objects.values_list("number", "accumulated_depreciation"))
    entries = sorted(DepreciationEntry.objects.values_list("pk", "amount", "asset_count"))

    again = services_ledger.run_depreciation(school=school, month=MARCH, by=clerk)

    assert again.pk == first.pk
    assert (again.asset_count, again.total_amount) == (first.asset_count, first.total_amount)
    assert dict(Asset.objects.values_list("number", "accumulated_depreciation")) == figures
    assert sorted(DepreciationEntry.objects.values_list("pk", "amount", "asset_count")) == entries
    # Nothing left to write: every row already holds its figure.
    lives = services_ledger._category_lives(school)
    assert services_ledger._store_accumulated(school, MARCH, lives) == 0
    # Each run is on the run's timeline.
    assert len(list(entries_for(again))) == 2


def test_running_again_after_an_asset_was_registered_late_fixes_the_month(school, clerk, books):
    services_ledger.run_depreciation(school=school, month=MARCH, by=clerk)
    late = AssetFactory(
        school=school,
        number="LATE",
        category=books["pc1"].category,
        department=books["pc1"].department,
        funding_source="财政拨款",
        total_value=D("3600.00"),
        acquired_on=date(2024, 3, 20),
    )

    run = services_ledger.run_depreciation(school=school, month=MARCH, by=clerk)

    assert _acc(late) == D("50.00")
    assert run.asset_count == 5
    assert run.total_amount == D("472.22")
    entry = run.entries.get(
        category=books["pc1"].category,
        department=books["pc1"].department,
        funding_source="财政拨款",
    )
    assert (entry.asset_count, entry.amount) == (2, D("188.89"))


def test_running_an_old_month_again_does_not_wind_the_assets_back(school, clerk, books):
    services_ledger.run_depreciation(school=school, month=date(2024, 2, 1), by=clerk)
    services_ledger.run_depreciation(school=school, month=MARCH, by=clerk)

    february = services_ledger.run_depreciation(school=school, month=date(2024, 2, 1), by=clerk)

    assert february.total_amount == D("322.22")  # no PC2 yet: bought in March
    assert _acc(books["pc1"]) == D("416.67")  # still as at March, the latest run
    assert books["pc1"].depreciated_through == MARCH


def test_a_disposed_asset_stops_in_the_month_of_disposal(school, clerk, books):
    pc1 = books["pc1"]
    Asset.objects.filter(pk=pc1.pk).update(
        status=AssetStatus.DISPOSED, disposed_on=date(2024, 3, 5)
    )

    run = services_ledger.run_depreciation(school=school, month=MARCH, by=clerk)

    assert _acc(pc1) == D("277.78")  # January and February only
    assert pc1.depreciated_through == date(2024, 2, 1)
    assert not run.entries.filter(
        category=pc1.category, department=pc1.department, funding_source="财政拨款"
    ).exists()
    assert run.total_amount == D("283.33")


def test_figures_left_on_assets_that_do_not_depreciate_are_cleared(school, clerk, books):
    # An old ledger import put depreciation on a relic and a low-value chair.
    Asset.objects.filter(pk__in=[books["relic"].pk, books["chair"].pk]).update(
        accumulated_depreciation=D("123.00"), depreciated_through=date(2020, 1, 1)
    )

    services_ledger.run_depreciation(school=school, month=MARCH, by=clerk)

    for key in ("relic", "chair"):
        assert _acc(books[key]) == D("0.00")
        assert books[key].depreciated_through is None


def test_a_fully_depreciated_asset_is_not_posted(school, clerk, books):
    run = services_ledger.run_depreciation(school=school, month=date(2026, 10, 1), by=clerk)

    desk = books["desk"]
    assert _acc(desk) == D("18000.00")
    assert desk.depreciated_through == date(2025, 8, 1)  # 180 months from September 2010
    assert not run.entries.filter(category=desk.category).exists()


def test_a_month_that_has_not_begun_is_refused(school, clerk, books):
    today = timezone.localdate()
    next_month = rules.add_months(today, 1)

    with pytest.raises(services_ledger.FutureMonth):
        services_ledger.run_depreciation(school=school, month=next_month, by=clerk)
    assert not DepreciationRun.objects.exists()
    # The current month may be run (and run again when it is over).
    services_ledger.run_depreciation(school=school, month=today, by=clerk)


def test_only_people_who_may_depreciate_can_run_it(school, make_member, books):
    teacher = make_member(school, "staff")
    principal = make_member(school, "principal")
    finance = make_member(school, "finance")

    for user in (teacher, principal):
        with pytest.raises(PermissionDenied):
            services_ledger.run_depreciation(school=school, month=MARCH, by=user)
    assert services_ledger.run_depreciation(school=school, month=MARCH, by=finance).pk


def test_another_schools_assets_are_left_alone(school, clerk, books):
    other = SchoolFactory()
    theirs = AssetFactory(school=other, total_value=D("7200.00"), acquired_on=date(2020, 1, 1))

    services_ledger.run_depreciation(school=school, month=MARCH, by=clerk)

    assert _acc(theirs) == D("0.00")
    assert not DepreciationRun.objects.filter(school=other).exists()


def test_the_run_takes_the_same_queries_for_ten_or_a_hundred_assets(
    school, clerk, django_assert_max_num_queries
):
    category = AssetCategoryFactory(school=school, useful_life_years=6)

    def add(n):
        for _ in range(n):
            AssetFactory(school=school, category=category, acquired_on=date(2022, 1, 1))

    add(10)
    with django_assert_max_num_queries(40) as small:
        services_ledger.run_depreciation(school=school, month=MARCH, by=clerk)
    add(90)
    with django_assert_max_num_queries(len(small.captured_queries)):
        services_ledger.run_depreciation(school=school, month=date(2024, 4, 1), by=clerk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_people_running_the_same_month_at_once_post_it_once(school, make_member, books):
    from houqin.core.testing import race

    first, second = make_member(school, "clerk"), make_member(school, "finance")

    outcomes = race(
        lambda: services_ledger.run_depreciation(school=school, month=MARCH, by=first).pk,
        lambda: services_ledger.run_depreciation(school=school, month=MARCH, by=second).pk,
    )

    assert outcomes[0] == outcomes[1]
    run = DepreciationRun.objects.get(school=school)
    assert run.total_amount == D("422.22")
    assert run.entries.count() == 4
    assert _acc(books["pc1"]) == D("416.67")

"""The demo stores: ~300 items, a year of ledger consistent with the balances, and a paper
plan the consumption report reads back."""

from datetime import date

import pytest
from django.db.models import Sum

from houqin.factories import DepartmentFactory, member
from houqin.org.models import AcademicYear, Term
from houqin.stores import demo_catalogue, selectors
from houqin.stores.models import Item, StockBalance, StockMove, Store

from .catalogue_support import D

pytestmark = pytest.mark.django_db
TODAY = date(2026, 7, 10)


@pytest.fixture
def demo_school(school):
    member(school, "keeper", username="keeper")
    for name in ("教务处", "政教处", "总务处"):
        DepartmentFactory(school=school, name=name)
    year = AcademicYear.objects.create(
        school=school, name="2025-2026", start_date=date(2025, 9, 1), end_date=date(2026, 8, 31)
    )
    Term.objects.create(school=school, year=year, number=1, name="第一学期",
                        start_date=date(2025, 9, 1), end_date=date(2026, 1, 30))  # fmt: skip
    Term.objects.create(school=school, year=year, number=2, name="第二学期",
                        start_date=date(2026, 3, 2), end_date=date(2026, 7, 3))  # fmt: skip
    demo_catalogue.build({"a": school}, today=TODAY)
    return school


def test_demo_has_about_three_hundred_items_in_two_stores(demo_school):
    assert 280 <= Item.objects.filter(school=demo_school).count() <= 320
    assert set(Store.objects.filter(school=demo_school).values_list("name", flat=True)) == {
        "总务仓库", "文印室",
    }  # fmt: skip
    assert Store.objects.get(school=demo_school, is_default=True).name == "总务仓库"
    assert StockMove.objects.filter(school=demo_school).count() > 3000


def test_demo_balances_are_the_sums_of_their_ledger(demo_school):
    sums = {
        (row["item_id"], row["store_id"]): (row["q"], row["v"])
        for row in StockMove.objects.filter(school=demo_school)
        .values("item_id", "store_id")
        .annotate(q=Sum("quantity"), v=Sum("amount"))
    }
    for balance in StockBalance.objects.filter(school=demo_school):
        quantity, value = sums[(balance.item_id, balance.store_id)]
        assert (D(quantity).quantize(D("0.001")), selectors.money(value)) == (
            balance.quantity, balance.value,
        )  # fmt: skip
        assert balance.quantity >= 0 and balance.value >= 0


def test_demo_paper_use_goes_down_by_the_plan(demo_school):
    """Three departments × 3 reams on each of the 22 Mondays of the first term = 198 reams
    (99,000 sheets); 3 × 2 reams (a fifth less, rounded) × 18 Mondays of the second = 108
    reams (54,000 sheets): −45.5%."""
    second = Term.objects.get(school=demo_school, number=2)
    report = selectors.consumption(demo_school, second, by="item")
    weekly_a4 = next(r for r in report.rows if r.label.startswith("ZZ-001 "))
    assert (weekly_a4.previous_quantity, weekly_a4.quantity) == (D(198), D(108))
    assert (weekly_a4.previous_sheets, weekly_a4.sheets) == (99000, 54000)
    assert weekly_a4.sheets_change_percent == D("-45.5")
    by_department = selectors.consumption(demo_school, second)
    assert by_department.total_sheets < by_department.previous_total_sheets


def test_demo_is_skipped_when_the_school_has_items(demo_school):
    moves = StockMove.objects.count()
    assert demo_catalogue.build_school(demo_school, today=TODAY) == 0
    assert StockMove.objects.count() == moves

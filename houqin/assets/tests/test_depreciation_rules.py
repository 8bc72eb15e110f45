"""Depreciation figures a finance officer can check by hand (政府会计准则第3号): straight line,
monthly, no salvage value, from the month of acquisition, stopping in the month of disposal.

These use unsaved model instances and need no database."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from houqin.assets.depreciation import (
    accumulated_through,
    add_months,
    charge_for_month,
    depreciated_through,
    monthly_amount,
    net_book_value,
)
from houqin.assets.models import Asset, AssetCategory, AssetKind

D = Decimal


def category(years=6, depreciates=True):
    return AssetCategory(
        code="A02", name="计算机", useful_life_years=years, depreciates=depreciates
    )


def asset(value="10000.00", acquired=date(2020, 1, 1), years=None, disposed=None, cat=None, **kw):
    return Asset(
        number="ZC1",
        name="台式计算机",
        category=cat or category(),
        total_value=D(value),
        acquired_on=acquired,
        useful_life_years=years,
        disposed_on=disposed,
        **kw,
    )


# ---------------------------------------------------------------- hand-computed figures


def test_ten_thousand_over_six_years_is_71_months_of_138_89_and_a_last_of_138_81():
    pc = asset("10000.00", date(2020, 1, 1))

    assert monthly_amount(pc) == D("138.89")
    assert charge_for_month(pc, date(2020, 1, 1)) == D("138.89")
    # 71 months: January 2020 to November 2025.
    assert accumulated_through(pc, date(2025, 11, 30)) == D("9861.19")
    # The 72nd and last month takes the remainder: 10,000.00 − 71 × 138.89.
    assert charge_for_month(pc, date(2025, 12, 1)) == D("138.81")
    assert accumulated_through(pc, date(2025, 12, 1)) == D("10000.00")
    assert depreciated_through(pc, date(2030, 1, 1)) == date(2025, 12, 1)


def test_bought_on_the_first_or_on_the_31st_the_month_of_purchase_is_charged_in_full():
    first = asset(acquired=date(2024, 3, 1))
    last_day = asset(acquired=date(2024, 3, 31))

    for pc in (first, last_day):
        assert charge_for_month(pc, date(2024, 2, 1)) == D("0.00")
        assert charge_for_month(pc, date(2024, 3, 1)) == D("138.89")
        assert accumulated_through(pc, date(2024, 4, 30)) == D("277.78")


def test_a_fully_depreciated_asset_gets_no_more_and_is_worth_nothing_on_the_books():
    pc = asset(acquired=date(2015, 6, 20))

    assert accumulated_through(pc, date(2021, 5, 1)) == D("10000.00")
    assert charge_for_month(pc, date(2021, 6, 1)) == D("0.00")
    assert accumulated_through(pc, date(2026, 1, 1)) == D("10000.00")
    assert net_book_value(pc, date(2026, 1, 15)) == D("0.00")


def test_disposed_of_mid_year_the_month_of_disposal_is_not_charged():
    pc = asset(acquired=date(2024, 1, 10), disposed=date(2025, 6, 15))

    assert charge_for_month(pc, date(2025, 5, 1)) == D("138.89")
    assert charge_for_month(pc, date(2025, 6, 1)) == D("0.00")
    # January 2024 to May 2025: 17 months, and nothing after.
    assert accumulated_through(pc, date(2025, 12, 31)) == D("2361.13")
    assert depreciated_through(pc, date(2025, 12, 31)) == date(2025, 5, 1)
    assert net_book_value(pc, date(2025, 6, 14)) == D("7638.87")
    assert net_book_value(pc, date(2025, 6, 15)) == D("0.00")


def test_relics_books_and_land_are_never_depreciated():
    for name in ("文物和陈列品", "图书和档案", "土地"):
        kept = asset("250000.00", date(2001, 9, 1), cat=category(years=None, depreciates=False))
        kept.name = name
        assert monthly_amount(kept) == D("0.00")
        assert accumulated_through(kept, date(2026, 1, 1)) == D("0.00")
        assert net_book_value(kept, date(2026, 1, 1)) == D("250000.00")


def test_an_asset_with_its_own_life_overrides_the_category():
    pc = asset("10000.00", date(2020, 1, 1), years=10)

    assert monthly_amount(pc) == D("83.33")
    assert accumulated_through(pc, date(2029, 11, 1)) == D("9916.27")  # 119 × 83.33
    assert charge_for_month(pc, date(2029, 12, 1)) == D("83.73")
    assert accumulated_through(pc, date(2029, 12, 1)) == D("10000.00")


def test_low_value_items_are_expensed_not_depreciated():
    chair = asset("600.00", date(2024, 1, 1), kind=AssetKind.LOW_VALUE)

    assert monthly_amount(chair) == D("0.00")
    assert accumulated_through(chair, date(2026, 1, 1)) == D("0.00")


def test_an_asset_without_acquisition_date_is_not_depreciated():
    unknown = asset(acquired=None)

    assert accumulated_through(unknown, date(2026, 1, 1)) == D("0.00")
    assert net_book_value(unknown, date(2026, 1, 1)) == D("0.00")


def test_net_book_value_counts_the_whole_month_of_the_date_and_nothing_before_purchase():
    pc = asset(acquired=date(2024, 3, 31))

    assert net_book_value(pc, date(2024, 3, 30)) == D("0.00")
    assert net_book_value(pc, date(2024, 3, 31)) == D("9861.11")
    assert net_book_value(pc, date(2024, 4, 1)) == D("9722.22")


def test_monthly_charge_rounds_half_up_to_the_cent():
    # 1.50 over 12 months is 0.125 a month: 0.13, and the 12th month takes 1.50 − 11 × 0.13.
    half = asset("1.50", date(2024, 1, 1), cat=category(years=1))

    assert monthly_amount(half) == D("0.13")
    assert accumulated_through(half, date(2024, 11, 1)) == D("1.43")
    assert charge_for_month(half, date(2024, 12, 1)) == D("0.07")


def test_tiny_values_over_long_lives_never_pass_the_value():
    # 0.70 over 72 months: 0.0097 rounds to 0.01, which would reach 0.70 in month 70.
    tiny = asset("0.70", date(2020, 1, 1))

    assert monthly_amount(tiny) == D("0.01")
    assert accumulated_through(tiny, add_months(date(2020, 1, 1), 69)) == D("0.70")
    assert charge_for_month(tiny, add_months(date(2020, 1, 1), 70)) == D("0.00")
    assert accumulated_through(tiny, date(2030, 1, 1)) == D("0.70")


# ---------------------------------------------------------------- properties


@st.composite
def cards(draw):
    cents = draw(st.integers(min_value=0, max_value=10**14))
    years = draw(st.integers(min_value=1, max_value=100))
    acquired = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
    disposed = draw(
        st.one_of(
            st.none(),
            st.dates(min_value=acquired, max_value=date(2135, 12, 31)),
        )
    )
    return asset(D(cents) / 100, acquired, cat=category(years), disposed=disposed)


@settings(max_examples=150, deadline=None)
@given(cards())
def test_the_charges_add_up_to_the_value_and_never_exceed_it(pc):
    life = pc.life_months
    start = pc.acquired_on.replace(day=1)
    total = D("0.00")
    previous = D("0.00")
    for offset in range(-1, life + 2):
        month = add_months(start, offset)
        charge = charge_for_month(pc, month)
        assert charge >= 0
        total += charge
        now = accumulated_through(pc, month)
        assert previous <= now <= pc.total_value
        assert now == total
        previous = now
    if pc.disposed_on is None:
        assert total == pc.total_value
    else:
        assert total <= pc.total_value


@settings(max_examples=150, deadline=None)
@given(cards())
def test_every_month_but_the_last_charges_the_same_rounded_amount(pc):
    pc.disposed_on = None
    life = pc.life_months
    start = pc.acquired_on.replace(day=1)
    monthly = monthly_amount(pc)
    assert abs(monthly - pc.total_value / life) <= D("0.005")
    charges = [charge_for_month(pc, add_months(start, i)) for i in range(life)]
    reached = next(
        (i for i, _ in enumerate(charges) if sum(charges[: i + 1]) == pc.total_value), None
    )
    for i, charge in enumerate(charges[:-1]):
        if reached is None or i < reached:
            assert charge == monthly


@pytest.mark.parametrize("years", [1, 5, 6, 8, 15, 50])
def test_public_sector_lives_end_exactly_on_the_value(years):
    pc = asset("12345.67", date(2019, 9, 30), cat=category(years))
    last = add_months(date(2019, 9, 1), years * 12 - 1)

    assert accumulated_through(pc, add_months(last, -1)) < D("12345.67")
    assert accumulated_through(pc, last) == D("12345.67")

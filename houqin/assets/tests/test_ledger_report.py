"""The asset ledger for the finance officer: opening, additions, disposals, closing value,
depreciation and net book value for a year, a month, a term or a range of months — figures
checked by hand below, and the identities every ledger must keep."""

from datetime import date
from decimal import Decimal

import pytest

from houqin.assets import depreciation as rules
from houqin.assets import reports_ledger
from houqin.assets.models import (
    Asset,
    AssetKind,
    AssetStatus,
    Disposal,
    DisposalLine,
    DisposalStatus,
)
from houqin.assets.reports_ledger import PeriodError, ledger, make_period, parse_period
from houqin.assets.tests.factories import AssetCategoryFactory, AssetFactory
from houqin.factories import DepartmentFactory, SchoolFactory, member
from houqin.org.models import AcademicYear, Term

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = date(2026, 11, 24)
YEAR_2024 = make_period("year", date(2024, 1, 1), date(2024, 12, 31), "2024", today=TODAY)


@pytest.fixture
def books(school):
    equipment = AssetCategoryFactory(school=school, code="A02", name="设备", useful_life_years=6)
    computers = AssetCategoryFactory(
        school=school, code="A0201", name="计算机", useful_life_years=6, parent=equipment
    )
    relics = AssetCategoryFactory(
        school=school, code="A03", name="文物和陈列品", useful_life_years=None, depreciates=False
    )
    furniture = AssetCategoryFactory(school=school, code="A05", name="家具", useful_life_years=15)
    office = DepartmentFactory(school=school, name="办公室")
    teaching = DepartmentFactory(school=school, name="教务处")

    def make(number, category, value, acquired, **kw):
        kw.setdefault("department", office)
        kw.setdefault("funding_source", "财政拨款")
        return AssetFactory(
            school=school,
            number=number,
            category=category,
            total_value=D(value),
            unit_price=D(value),
            acquired_on=acquired,
            **kw,
        )

    made = {
        "pc1": make("PC1", computers, "10000.00", date(2023, 5, 10)),
        "pc2": make("PC2", computers, "7200.00", date(2024, 3, 15), department=teaching),
        "pc3": make(
            "PC3",
            computers,
            "6000.00",
            date(2022, 1, 1),
            disposed_on=date(2024, 6, 20),
            status=AssetStatus.DISPOSED,
            funding_source="自筹",
        ),
        "relic": make("RELIC", relics, "50000.00", date(2000, 1, 1), department=None),
        "old_desk": make(
            "OLD",
            furniture,
            "18000.00",
            date(2010, 9, 1),
            disposed_on=date(2023, 2, 1),
            status=AssetStatus.DISPOSED,
        ),
        # 120 desks at 500.00; 20 were disposed of on 10 May 2024, 100 remain on the card.
        "desks": make("DESKS", furniture, "50000.00", date(2021, 9, 1), quantity=D("100")),
        "chair": make("CHAIR", furniture, "300.00", date(2024, 2, 1), kind=AssetKind.LOW_VALUE),
        "undated": make("NODATE", computers, "4000.00", None),
    }
    clerk = member(school, "clerk")
    disposal = Disposal.objects.create(
        school=school,
        number="BF2024001",
        reason="损坏",
        requested_by=clerk,
        status=DisposalStatus.DISPOSED,
        disposed_on=date(2024, 5, 10),
        total_value=D("10000.00"),
    )
    DisposalLine.objects.create(
        school=school,
        disposal=disposal,
        asset=made["desks"],
        quantity=D("20"),
        original_value=D("10000.00"),
        accumulated_depreciation=D("1777.92"),
    )
    # PC3 went by a whole-card disposal: its line must not count twice.
    whole = Disposal.objects.create(
        school=school,
        number="BF2024002",
        reason="淘汰",
        requested_by=clerk,
        status=DisposalStatus.DISPOSED,
        disposed_on=date(2024, 6, 20),
        total_value=D("6000.00"),
    )
    DisposalLine.objects.create(
        school=school,
        disposal=whole,
        asset=made["pc3"],
        quantity=D("1"),
        original_value=D("6000.00"),
    )
    return made


def _rows(report):
    return {row.code or str(row.label): row for row in report.rows}


def _check_identities(row):
    assert row.opening_value + row.additions - row.disposals == row.closing_value
    assert row.opening_depreciation + row.depreciation - row.written_off == row.closing_depreciation
    assert row.net_book_value == row.closing_value - row.closing_depreciation


def test_a_year_by_category_matches_the_hand_computed_ledger(school, books):
    report = ledger(school, YEAR_2024)
    rows = _rows(report)

    computers = rows["A0201"]
    assert computers.figures() == [
        D("16000.00"),  # PC1 + PC3 on the books on 1 January
        D("7200.00"),  # PC2 bought in March
        D("6000.00"),  # PC3 disposed of in June
        D("17200.00"),
        D("3111.04"),  # PC1 8 × 138.89 + PC3 24 × 83.33
        D("3083.33"),  # PC1 12 × 138.89 + PC2 10 × 100.00 + PC3 5 × 83.33 (Jan–May)
        D("2416.57"),  # PC3's 29 months go with it
        D("3777.80"),
        D("13422.20"),
    ]
    assert computers.assets == 2
    relics = rows["A03"]
    assert (relics.opening_value, relics.closing_value, relics.closing_depreciation) == (
        D("50000.00"),
        D("50000.00"),
        D("0.00"),
    )
    furniture = rows["A05"]  # the desks: 100 remain, 20 disposed of in May
    assert furniture.figures() == [
        D("60000.00"),
        D("0.00"),
        D("10000.00"),
        D("50000.00"),
        D("9333.52"),  # 28 × 277.78 + 28 × 55.56
        D("3555.60"),  # 12 × 277.78 + 4 × 55.56
        D("1777.92"),  # the 20 desks' 32 months
        D("11111.20"),  # 40 × 277.78
        D("38888.80"),
    ]
    assert set(rows) == {"A0201", "A03", "A05"}  # the old desk left in 2023
    assert report.total.closing_value == D("117200.00")
    assert report.total.net_book_value == D("102311.00")
    for row in [*report.rows, report.total]:
        _check_identities(row)


def test_the_periods_depreciation_is_the_sum_of_each_months_charges(school, books):
    slice_of_desks = Asset(
        category=books["desks"].category,
        total_value=D("10000.00"),
        acquired_on=date(2021, 9, 1),
        disposed_on=date(2024, 5, 10),
    )
    cards = [books[k] for k in ("pc1", "pc2", "pc3", "relic", "old_desk", "desks")]
    expected = sum(
        rules.charge_for_month(card, month)
        for card in [*cards, slice_of_desks]
        for month in YEAR_2024.months
    )

    assert ledger(school, YEAR_2024).total.depreciation == expected == D("6638.93")


def test_assets_without_acquisition_date_are_counted_not_placed(school, books):
    report = ledger(school, YEAR_2024)

    assert report.undated == 1
    assert "NODATE" not in {row.label for row in report.rows}


def test_a_month(school, books):
    march = parse_period({"period": "month", "month": "2024-03"}, school_id=school.pk, today=TODAY)
    report = ledger(school, march)

    assert (march.start, march.end) == (date(2024, 3, 1), date(2024, 3, 31))
    assert report.total.additions == D("7200.00")
    # PC1 138.89 + PC2 100.00 + PC3 83.33 + desks 277.78 + the 20 desks 55.56
    assert report.total.depreciation == D("655.56")
    _check_identities(report.total)


def test_a_term_covers_the_months_its_dates_touch(school, books):
    year = AcademicYear.objects.create(
        school=school, name="2023-2024", start_date=date(2023, 9, 1), end_date=date(2024, 8, 31)
    )
    term = Term.objects.create(
        school=school,
        year=year,
        number=2,
        name="2023-2024学年第二学期",
        start_date=date(2024, 2, 26),
        end_date=date(2024, 7, 12),
    )
    period = parse_period(
        {"period": "term", "term": str(term.pk)}, school_id=school.pk, today=TODAY
    )
    report = ledger(school, period)

    assert (period.start, period.end, period.label) == (
        date(2024, 2, 1),
        date(2024, 7, 31),
        "2023-2024学年第二学期",
    )
    assert report.total.additions == D("7200.00")
    assert report.total.disposals == D("16000.00")
    _check_identities(report.total)


def test_another_schools_term_is_refused(school, books):
    other = SchoolFactory()
    year = AcademicYear.objects.create(
        school=other, name="2024", start_date=date(2024, 1, 1), end_date=date(2024, 12, 31)
    )
    term = Term.objects.create(
        school=other,
        year=year,
        number=1,
        name="T",
        start_date=date(2024, 2, 1),
        end_date=date(2024, 6, 30),
    )
    with pytest.raises(PeriodError):
        parse_period({"period": "term", "term": str(term.pk)}, school_id=school.pk, today=TODAY)


def test_consecutive_periods_chain_closing_into_opening(school, books):
    first = make_period("range", date(2024, 1, 1), date(2024, 5, 1), "", today=TODAY)
    second = make_period("range", date(2024, 6, 1), date(2024, 12, 1), "", today=TODAY)

    a, b = ledger(school, first).total, ledger(school, second).total
    whole = ledger(school, YEAR_2024).total

    assert a.closing_value == b.opening_value
    assert a.closing_depreciation == b.opening_depreciation
    assert a.depreciation + b.depreciation == whole.depreciation
    assert a.disposals + b.disposals == whole.disposals


def test_a_period_stops_at_the_current_month_and_may_not_start_in_the_future():
    this_year = make_period("year", date(2026, 1, 1), date(2026, 12, 31), "2026", today=TODAY)

    assert this_year.end == date(2026, 11, 30)
    assert this_year.capped
    with pytest.raises(PeriodError):
        make_period("month", date(2026, 12, 1), date(2026, 12, 1), "", today=TODAY)
    with pytest.raises(PeriodError):
        parse_period({"period": "month", "month": "March"}, school_id=1, today=TODAY)


def test_by_top_class_department_and_funding_source(school, books):
    classes = _rows(ledger(school, YEAR_2024, by="class"))
    assert set(classes) == {"A02", "A03", "A05"}
    assert classes["A02"].label == "设备"
    assert classes["A02"].closing_value == D("17200.00")

    departments = {str(r.label): r for r in ledger(school, YEAR_2024, by="department").rows}
    assert set(departments) == {"办公室", "教务处", "(no department)"}
    assert departments["教务处"].additions == D("7200.00")
    assert departments["(no department)"].closing_value == D("50000.00")

    funding = {str(r.label): r for r in ledger(school, YEAR_2024, by="funding").rows}
    assert funding["自筹"].disposals == D("6000.00")
    assert funding["财政拨款"].closing_value == D("117200.00")


def test_low_value_items_are_shown_apart_and_never_depreciated(school, books):
    low = ledger(school, YEAR_2024, kind="low_value").total
    both = ledger(school, YEAR_2024, kind="all").total

    assert (low.additions, low.depreciation, low.net_book_value) == (
        D("300.00"),
        D("0.00"),
        D("300.00"),
    )
    assert both.closing_value == D("117500.00")


def test_another_schools_assets_never_appear(school, books):
    other = SchoolFactory()
    AssetFactory(school=other, total_value=D("999999.00"), acquired_on=date(2020, 1, 1))

    assert ledger(school, YEAR_2024).total.closing_value == D("117200.00")


def test_the_report_runs_five_queries_whatever_the_number_of_assets(
    school, books, django_assert_num_queries
):
    with django_assert_num_queries(5):
        ledger(school, YEAR_2024)
    for _i in range(30):
        AssetFactory(school=school, category=books["pc1"].category, acquired_on=date(2024, 1, 1))
    with django_assert_num_queries(5):
        ledger(school, YEAR_2024, by="department")


def test_the_export_has_a_row_per_group_and_the_total(school, books):
    headers, rows = reports_ledger.export_table(ledger(school, YEAR_2024))

    assert headers[:3] == ["Code", "Category", "Assets at the end"]
    assert headers[-1] == "Net book value"
    assert [r[0] for r in rows] == ["A0201", "A03", "A05", ""]
    assert rows[-1][1] == "Total"
    assert rows[-1][-1] == D("102311.00")

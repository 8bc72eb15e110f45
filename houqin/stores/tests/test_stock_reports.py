"""Stock reports: valuation by store and category, consumption per term against the term
before (paper in sheets and reams), slow-moving items; each exports to Excel/CSV."""

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.factories import DepartmentFactory, member
from houqin.org.models import AcademicYear, Term
from houqin.stores import ledger, selectors
from houqin.stores.models import MoveKind

from .catalogue_support import D, make_category, make_item, make_store, stock

pytestmark = pytest.mark.django_db


def at(day: date, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def keeper(school):
    return member(school, "keeper", username="keeper")


@pytest.fixture
def terms(school):
    year = AcademicYear.objects.create(
        school=school, name="2025-2026", start_date=date(2025, 9, 1), end_date=date(2026, 8, 31)
    )
    first = Term.objects.create(school=school, year=year, number=1, name="第一学期",
                                start_date=date(2025, 9, 1), end_date=date(2026, 1, 30))  # fmt: skip
    second = Term.objects.create(school=school, year=year, number=2, name="第二学期",
                                 start_date=date(2026, 3, 2), end_date=date(2026, 7, 3))  # fmt: skip
    return first, second


@pytest.fixture
def paper_use(school, keeper, terms):
    """教务处 drew 40 reams of A4 in the first term and 30 in the second; 政教处 10 then 12,
    plus pens (not paper) in the second term only. A transfer and a count are not consumption."""
    academic = DepartmentFactory(school=school, name="教务处")
    moral = DepartmentFactory(school=school, name="政教处")
    store, print_room = make_store(school), make_store(school, "文印室")
    a4 = make_item(school, "A4复印纸", unit="包", sheets_per_unit=500, paper_size="A4",
                   category=make_category(school, "纸张"))  # fmt: skip
    pens = make_item(school, "签字笔", unit="盒")
    stock(a4, store, 200, "25.00", by=keeper, when=at(date(2025, 8, 25)))
    stock(pens, store, 10, "15.00", by=keeper, when=at(date(2025, 8, 25)))

    def draw(item, quantity, department, day):
        ledger.issue(item=item, store=store, quantity=quantity, by=keeper,
                     department=department, when=at(day))  # fmt: skip

    draw(a4, 40, academic, date(2025, 10, 8))
    draw(a4, 10, moral, date(2025, 11, 3))
    draw(a4, 30, academic, date(2026, 3, 16))
    draw(a4, 12, moral, date(2026, 7, 3))  # the last day of the term counts
    draw(a4, 5, moral, date(2026, 7, 4))  # the day after does not
    draw(pens, 2, moral, date(2026, 4, 1))
    ledger.transfer(item=a4, from_store=store, to_store=print_room, quantity=10, by=keeper,
                    when=at(date(2026, 4, 1)))  # fmt: skip
    ledger.adjust(item=pens, store=store, counted=7, by=keeper, when=at(date(2026, 5, 1)))
    return {"academic": academic, "moral": moral, "a4": a4, "pens": pens}


def test_consumption_by_department_shows_paper_in_sheets_and_reams_against_last_term(
    school, terms, paper_use
):
    report = selectors.consumption(school, terms[1], by="department")
    rows = {r.label: r for r in report.rows}
    academic, moral = rows["教务处"], rows["政教处"]
    # 教务处: 30 reams × 500 = 15,000 sheets, down from 40 reams = 20,000: −25.0%
    assert (academic.sheets, academic.previous_sheets) == (15000, 20000)
    assert academic.reams == D("30.0") and academic.sheets_change_percent == D("-25.0")
    assert (academic.value, academic.previous_value) == (D("750.00"), D("1000.00"))
    # 政教处: 12 reams (6,000 sheets) up from 10 (5,000): +20.0%; and ¥30 of pens
    assert (moral.sheets, moral.previous_sheets) == (6000, 5000)
    assert moral.sheets_change_percent == D("20.0")
    assert moral.value == D("330.00")
    # The school: 42 reams against 50 → 21,000 sheets against 25,000: −16.0%
    assert (report.total_sheets, report.previous_total_sheets) == (21000, 25000)
    assert report.total_sheets_change_percent == D("-16.0")
    assert report.total_reams == D("42.0")


def test_consumption_by_item_lists_paper_first_with_quantities(school, terms, paper_use):
    report = selectors.consumption(school, terms[1], by="item")
    paper, pens = report.rows
    assert paper.is_paper and (paper.quantity, paper.previous_quantity) == (D(42), D(50))
    assert (pens.quantity, pens.previous_quantity, pens.is_paper) == (D(2), D(0), False)
    assert pens.value_change_percent is None  # nothing before: no percentage


def test_consumption_page_and_export(client, school, keeper, terms, paper_use):
    client.force_login(keeper)
    url = reverse("stores:report_consumption")
    page = client.get(url, {"term": terms[1].pk})
    body = page.content.decode()
    assert page.status_code == 200
    assert "21000" in body and "-16.0%" in body
    export = client.get(url, {"term": terms[1].pk, "by": "item", "export": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][0].endswith("A4复印纸") and rows[1][7] == "21000"


def test_valuation_by_store_and_category_with_totals(client, school, keeper):
    paper, office = make_category(school, "纸张"), make_category(school, "办公用品")
    main, print_room = make_store(school), make_store(school, "文印室")
    stock(make_item(school, "A4", category=paper), main, 10, "25.00", by=keeper)
    stock(make_item(school, "A3", category=paper), main, 2, "50.00", by=keeper)
    stock(make_item(school, "笔", category=office), main, 3, "1.50", by=keeper)
    stock(make_item(school, "A4", code="PR1", category=paper), print_room, 4, "25.00", by=keeper)
    used = make_item(school, "用完", category=office)
    stock(used, main, 1, "9", by=keeper)
    ledger.issue(item=used, store=main, quantity=1, by=keeper)
    report = selectors.stock_valuation(school)
    rows = {(r.store, r.category): (r.items, r.value) for r in report.rows}
    assert rows == {
        ("总务仓库", "纸张"): (2, D("350.00")),
        ("总务仓库", "办公用品"): (1, D("4.50")),
        ("文印室", "纸张"): (1, D("100.00")),
    }
    assert report.total == D("454.50") and report.by_store["总务仓库"] == D("354.50")
    client.force_login(keeper)
    page = client.get(reverse("stores:report_valuation"))
    assert "454.50" in page.content.decode()
    export = client.get(reverse("stores:report_valuation"), {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_slow_moving_lists_stock_not_issued_for_the_period_with_value_tied_up(
    client, school, keeper
):
    store = make_store(school)
    long_ago = timezone.localdate() - timedelta(days=400)
    recent = timezone.localdate() - timedelta(days=10)
    idle = make_item(school, "旧硒鼓", code="OLD")
    busy = make_item(school, "签字笔", code="BUSY")
    fresh = make_item(school, "新到货", code="NEW")
    stock(idle, store, 3, "180", by=keeper, when=at(long_ago))
    ledger.issue(item=idle, store=store, quantity=1, by=keeper, when=at(long_ago, 11))
    stock(busy, store, 9, "1", by=keeper, when=at(long_ago))
    ledger.issue(item=busy, store=store, quantity=1, by=keeper, when=at(recent))
    stock(fresh, store, 5, "2", by=keeper, when=at(recent))
    slow = list(selectors.slow_moving(school, days=180))
    assert [b.item.code for b in slow] == ["OLD"]
    assert slow[0].value == D("360.00")
    client.force_login(keeper)
    page = client.get(reverse("stores:report_slow_moving"), {"days": 180})
    assert "¥360.00 tied up" in page.content.decode()
    export = client.get(reverse("stores:report_slow_moving"), {"days": 180, "export": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["OLD"]


def test_reports_are_for_the_stores_staff_only(client, school):
    teacher = member(school, "staff", username="t1")
    client.force_login(teacher)
    for name in ("report_valuation", "report_consumption", "report_slow_moving"):
        assert client.get(reverse(f"stores:{name}")).status_code == 403


def test_transfers_and_counts_are_not_consumption(school, terms, paper_use):
    report = selectors.consumption(school, terms[1], by="item")
    assert sum(r.quantity for r in report.rows) == D(44)
    assert MoveKind.TRANSFER_OUT not in selectors.CONSUMPTION_KINDS

"""Spending reports: accepted deliveries × order prices by department, category, vendor and
term, against the budgets; hand-computed figures; Excel export; bounded queries."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from houqin import factories as f
from houqin.org.models import AcademicYear, Term
from houqin.purchasing import reports_spending as reports
from houqin.purchasing import services_orders as orders
from houqin.purchasing import services_receiving as receiving
from houqin.purchasing.models import Budget, BudgetCategory

from .orders_support import make_item, make_people, paper_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(school):
    return make_people(school)


def bought(people, *, code, quantity, price, delivered, received_on, vendor=None, department=None):
    """An approved request ordered at ``price`` with ``delivered`` accepted on ``received_on``."""
    item = make_item(people, code=code, vendor=vendor)
    request = paper_request(people, item=item, quantity=str(quantity), price=str(price))
    if department is not None:
        request.department = department
        request.save(update_fields=["department"])
    (order,) = orders.create_orders(
        by=people.buyer, school=people.school, selections=[request.lines.get()]
    )
    orders.place(order, by=people.buyer)
    receipt = receiving.record_receipt(
        order, by=people.keeper, lines={order.lines.get(): delivered}, received_on=received_on
    )
    receiving.accept(receipt, by=people.director)
    return request


@pytest.fixture
def spending(people):
    """This year: 教务处 spent 40 × 25 = 1,000 and 10 × 12.5 = 125 from 得力; 总务处 spent
    3 × 200 = 600 from 晨光; a budget of 5,000 for 教务处's 办公用品 with 20 × 25 = 500 still
    committed (ordered, not received)."""
    year = timezone.localdate().year
    general = f.DepartmentFactory(school=people.school, name="总务处")
    other_vendor = f.CompanyFactory(school=people.school, name="晨光")
    bought(people, code="A", quantity=60, price=25, delivered=40,
           received_on=date(year, 3, 10))  # fmt: skip
    bought(people, code="B", quantity=10, price="12.5", delivered=10,
           received_on=date(year, 10, 8))  # fmt: skip
    bought(people, code="C", quantity=3, price=200, delivered=3, received_on=date(year, 4, 1),
           vendor=other_vendor, department=general)  # fmt: skip
    category = BudgetCategory.objects.get(school=people.school, name="办公用品")
    Budget.objects.create(
        school=people.school, year=year, department=people.department, category=category,
        amount=Decimal("5000"),
    )  # fmt: skip
    return year


def test_spending_by_department_against_the_budget(people, spending):
    report = reports.for_year(people.school, spending, "department")

    rows = {row.label: row for row in report.rows}
    teaching = rows["教务处"]
    assert (teaching.spent, teaching.committed, teaching.budget) == (
        Decimal("1125.00"),
        Decimal("500.00"),
        Decimal("5000"),
    )
    assert teaching.remaining == Decimal("3375.00")
    assert (rows["总务处"].spent, rows["总务处"].budget) == (Decimal("600.00"), None)
    assert report.total.spent == Decimal("1725.00")


def test_spending_by_vendor(people, spending):
    report = reports.for_year(people.school, spending, "vendor")
    assert [(r.label, r.spent) for r in report.rows] == [
        (people.vendor.name, Decimal("1125.00")),
        ("晨光", Decimal("600.00")),
    ]


def test_spending_by_term_with_the_change_against_the_term_before(people, spending):
    year = spending
    academic = AcademicYear.objects.create(
        school=people.school, name=f"{year - 1}-{year}", start_date=date(year - 1, 9, 1),
        end_date=date(year, 8, 31),
    )  # fmt: skip
    autumn_year = AcademicYear.objects.create(
        school=people.school, name=f"{year}-{year + 1}", start_date=date(year, 9, 1),
        end_date=date(year + 1, 8, 31),
    )  # fmt: skip
    spring = Term.objects.create(
        school=people.school, year=academic, number=2, name="春季学期",
        start_date=date(year, 2, 15), end_date=date(year, 7, 10),
    )  # fmt: skip
    autumn = Term.objects.create(
        school=people.school, year=autumn_year, number=1, name="秋季学期",
        start_date=date(year, 9, 1), end_date=date(year + 1, 1, 20),
    )  # fmt: skip

    report = reports.by_term(people.school)

    assert [(r.label, r.spent, r.change) for r in report.rows] == [
        ("秋季学期", Decimal("125.00"), Decimal("-1475.00")),
        ("春季学期", Decimal("1600.00"), None),
    ]
    by_department = reports.for_term(people.school, spring, "department")
    assert {r.label: r.spent for r in by_department.rows} == {
        "教务处": Decimal("1000.00"),
        "总务处": Decimal("600.00"),
    }
    assert reports.for_term(people.school, autumn, "category").rows[0].spent == Decimal("125.00")


def test_a_refused_or_waiting_delivery_is_not_spending(people):
    year = timezone.localdate().year
    request = paper_request(people, quantity="10", price="30")
    (order,) = orders.create_orders(
        by=people.buyer, school=people.school, selections=[request.lines.get()]
    )
    orders.place(order, by=people.buyer)
    refused = receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 5})
    receiving.refuse(refused, by=people.director, reason="错货")
    receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 5})

    assert reports.for_year(people.school, year, "vendor").rows == []


def test_the_report_page_exports_what_it_shows(
    client, people, spending, django_assert_max_num_queries
):
    client.force_login(people.director)
    url = reverse("purchasing:spending_report")
    with django_assert_max_num_queries(20):
        page = client.get(url, {"by": "department", "year": spending})
    assert page.status_code == 200 and "1125.00" in page.content.decode()

    download = client.get(url, {"by": "vendor", "year": spending, "export": "xlsx"})
    sheet = load_workbook(BytesIO(download.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:2] == [people.vendor.name, 1125]
    assert values[-1][:2] == ["Total", 1725]


def test_a_teacher_cannot_read_the_spending_report(client, people):
    client.force_login(people.teacher)
    assert client.get(reverse("purchasing:spending_report")).status_code == 403

"""A budget's committed, spent and remaining amounts, hand-computed."""

from datetime import date
from decimal import Decimal

import pytest

from houqin.core.errors import DomainError, PermissionDenied
from houqin.factories import CompanyFactory
from houqin.purchasing import selectors_budgets, services_budgets
from houqin.purchasing import services_requests as requests
from houqin.purchasing.models import (
    BudgetCategory,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequestLine,
    Receipt,
    ReceiptLine,
    ReceiptStatus,
)
from houqin.purchasing.progress import refresh_progress

from .requests_support import YEAR, approve_all, budget, draft, make_people, service_line, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(school):
    return make_people(school)


def deliver(people, line: PurchaseRequestLine, *, ordered, received, unit_price, accepted=True):
    """What ordering and receiving leave behind (their services are the orders area's)."""
    vendor = CompanyFactory(school=people.school)
    order = PurchaseOrder(school=people.school, vendor=vendor, buyer=people.clerk)
    order.assign_number()
    order.save()
    order_line = PurchaseOrderLine.objects.create(
        school=people.school,
        order=order,
        request_line=line,
        quantity=ordered,
        unit_price=Decimal(unit_price),
        received_quantity=received if accepted else 0,
    )
    receipt = Receipt(
        school=people.school,
        order=order,
        received_on=date(YEAR, 5, 1),
        recorded_by=people.clerk,
        status=ReceiptStatus.ACCEPTED if accepted else ReceiptStatus.RECORDED,
    )
    receipt.assign_number()
    receipt.save()
    ReceiptLine.objects.create(
        school=people.school, receipt=receipt, order_line=order_line, quantity=received
    )
    PurchaseRequestLine.objects.filter(pk=line.pk).update(
        ordered_quantity=ordered, received_quantity=received if accepted else 0
    )
    refresh_progress(line.request)


def test_committed_spent_and_remaining_match_hand_computed_values(people):
    budget(people, "20000")
    # A: 10 × ¥300 estimated, approved; 4 received at ¥280 → spent 1,120; committed 6 × 300.
    a, _f = submitted(people, service_line("300", quantity=10))
    approve_all(a, people.head)
    deliver(people, a.lines.get(), ordered=10, received=4, unit_price="280")
    # B: ¥2,500 waiting for approval → committed 2,500.
    submitted(people, service_line("2500"))
    # C: a draft, D: rejected, E: cancelled → none of them counts.
    draft(people, service_line("9999"))
    d, _f = submitted(people, service_line("700"))
    from houqin.core import approvals

    approvals.reject(d, by=people.head, reason="不需要")
    e = draft(people, service_line("400"))
    requests.cancel(e, by=people.teacher, reason="重复")
    # F: fully received at ¥95 × 10 → spent 950, committed nothing.
    f, _f = submitted(people, service_line("100", quantity=10))
    approve_all(f, people.head)
    deliver(people, f.lines.get(), ordered=10, received=10, unit_price="95")

    figures = selectors_budgets.figures_for(people.school, YEAR, people.department, people.category)

    assert figures.amount == Decimal("20000.00")
    assert figures.committed == Decimal("4300.00")  # 6 × 300 + 2,500
    assert figures.spent == Decimal("2070.00")  # 4 × 280 + 10 × 95
    assert figures.remaining == Decimal("13630.00")


def test_a_delivery_waiting_for_its_acceptance_check_is_not_spent(people):
    budget(people, "5000")
    request, _f = submitted(people, service_line("100", quantity=10))
    approve_all(request, people.head)
    deliver(people, request.lines.get(), ordered=10, received=5, unit_price="90", accepted=False)

    figures = selectors_budgets.figures_for(people.school, YEAR, people.department, people.category)

    assert figures.spent == Decimal("0.00")
    assert figures.committed == Decimal("1000.00")


def test_figures_keep_departments_categories_and_years_apart(people):
    books = BudgetCategory.objects.create(school=people.school, name="图书资料")
    budget(people, "1000")
    budget(people, "2000", category=books)
    budget(people, "3000", department=people.other_department)
    budget(people, "4000", year=YEAR + 1)
    submitted(people, service_line("600"))
    submitted(people, service_line("50"), budget_category=books)
    submitted(people, service_line("70"), needed_by=date(YEAR + 1, 3, 1))

    cells = selectors_budgets.figures(people.school, YEAR)

    office = cells[(people.department.pk, people.category.pk)]
    assert (office.amount, office.committed) == (Decimal("1000"), Decimal("600.00"))
    assert cells[(people.department.pk, books.pk)].committed == Decimal("50.00")
    assert cells[(people.other_department.pk, people.category.pk)].committed == 0
    next_year = selectors_budgets.figures(people.school, YEAR + 1)
    assert next_year[(people.department.pk, people.category.pk)].committed == Decimal("70.00")


def test_the_years_grid_runs_a_fixed_number_of_queries(people, django_assert_max_num_queries):
    budget(people, "1000")
    for _n in range(5):
        submitted(people, service_line("10"))
    with django_assert_max_num_queries(6):
        grid = selectors_budgets.grid(people.school, YEAR)
        rows = list(grid.rows())
    assert rows[0][0] == people.department
    assert grid.total().committed == Decimal("50.00")


def test_finance_sets_a_budget_and_a_teacher_cannot(people):
    budget_row = services_budgets.set_budget(
        by=people.finance,
        school=people.school,
        year=YEAR,
        department=people.department,
        category=people.category,
        amount="12000",
    )
    again = services_budgets.set_budget(
        by=people.finance,
        school=people.school,
        year=YEAR,
        department=people.department,
        category=people.category,
        amount="15000.5",
    )
    assert again.pk == budget_row.pk
    assert again.amount == Decimal("15000.50")
    with pytest.raises(PermissionDenied):
        services_budgets.set_budget(
            by=people.teacher,
            school=people.school,
            year=YEAR,
            department=people.department,
            category=people.category,
            amount="1",
        )
    with pytest.raises(DomainError):
        services_budgets.set_budget(
            by=people.finance,
            school=people.school,
            year=YEAR,
            department=people.department,
            category=people.category,
            amount="-5",
        )

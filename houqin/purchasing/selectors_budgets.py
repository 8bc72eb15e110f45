"""A budget's figures, derived and never typed in (SPEC §4.3).

- **committed**: what the requests still waiting or under way (``COMMITTED_STATUSES``) are
  expected to cost: each line's quantity not yet received × its estimated unit price;
- **spent**: what was received and accepted: accepted receipt lines × the order line's unit
  price, for every request of the budget (whatever its status now);
- **remaining**: amount − committed − spent (negative when overspent).

A request belongs to the budget of its department, budget category and budget year. Each
function runs a fixed number of queries whatever the number of requests (three for a year).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum

from .models import (
    COMMITTED_STATUSES,
    ZERO,
    Budget,
    PurchaseRequestLine,
    ReceiptLine,
    ReceiptStatus,
)

CENT = Decimal("0.01")
_AMOUNT = DecimalField(max_digits=30, decimal_places=8)

Key = tuple[int, int | None]  # (department id, budget category id)


@dataclass
class Figures:
    """One budget line (department × category × year): amounts in ¥."""

    department_id: int
    category_id: int | None
    amount: Decimal | None = None  # None: no budget set
    committed: Decimal = ZERO
    spent: Decimal = ZERO
    budget: Budget | None = None

    @property
    def has_budget(self) -> bool:
        return self.amount is not None

    @property
    def remaining(self) -> Decimal | None:
        if self.amount is None:
            return None
        return self.amount - self.committed - self.spent

    @property
    def used_percent(self) -> int | None:
        """Committed and spent as a share of the budget (for the grid's bar)."""
        if not self.amount:
            return None
        return int((self.committed + self.spent) * 100 / self.amount)

    @property
    def is_overspent(self) -> bool:
        remaining = self.remaining
        return remaining is not None and remaining < 0


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def _school_id(school) -> int:
    return getattr(school, "pk", school)


def _committed(school_id: int, year: int, extra: Q) -> dict[Key, Decimal]:
    open_part = ExpressionWrapper(
        (F("quantity") - F("received_quantity")) * F("estimated_price"), output_field=_AMOUNT
    )
    rows = (
        PurchaseRequestLine.objects.filter(
            extra,
            school_id=school_id,
            request__budget_year=year,
            request__status__in=COMMITTED_STATUSES,
            received_quantity__lt=F("quantity"),
        )
        .values("request__department_id", "request__budget_category_id")
        .annotate(total=Sum(open_part))
        .order_by()
    )
    return {
        (r["request__department_id"], r["request__budget_category_id"]): _money(r["total"])
        for r in rows
    }


def _spent(school_id: int, year: int, extra: Q) -> dict[Key, Decimal]:
    amount = ExpressionWrapper(F("quantity") * F("order_line__unit_price"), output_field=_AMOUNT)
    prefix = "order_line__request_line__request__"
    rows = (
        ReceiptLine.objects.filter(
            extra,
            school_id=school_id,
            receipt__status=ReceiptStatus.ACCEPTED,
            **{f"{prefix}budget_year": year},
        )
        .values(f"{prefix}department_id", f"{prefix}budget_category_id")
        .annotate(total=Sum(amount))
        .order_by()
    )
    return {
        (r[f"{prefix}department_id"], r[f"{prefix}budget_category_id"]): _money(r["total"])
        for r in rows
    }


def figures(school, year: int, *, department=None, category=None) -> dict[Key, Figures]:
    """Every budget line of ``year`` with a budget or with requests against it, keyed by
    (department id, category id); optionally of one department and/or category (3 queries)."""
    school_id = _school_id(school)
    budget_q, line_q, receipt_q = Q(), Q(), Q()
    prefix = "order_line__request_line__request__"
    if department is not None:
        department_id = getattr(department, "pk", department)
        budget_q &= Q(department_id=department_id)
        line_q &= Q(request__department_id=department_id)
        receipt_q &= Q(**{f"{prefix}department_id": department_id})
    if category is not None:
        category_id = getattr(category, "pk", category)
        budget_q &= Q(category_id=category_id)
        line_q &= Q(request__budget_category_id=category_id)
        receipt_q &= Q(**{f"{prefix}budget_category_id": category_id})
    out: dict[Key, Figures] = {}
    for budget in Budget.objects.filter(budget_q, school_id=school_id, year=year):
        key = (budget.department_id, budget.category_id)
        out[key] = Figures(key[0], key[1], amount=budget.amount, budget=budget)
    for key, value in _committed(school_id, year, line_q).items():
        out.setdefault(key, Figures(*key)).committed = value
    for key, value in _spent(school_id, year, receipt_q).items():
        out.setdefault(key, Figures(*key)).spent = value
    return out


def figures_for(school, year: int, department, category) -> Figures:
    """The figures of one budget line (an empty one when nothing is set or asked)."""
    department_id = getattr(department, "pk", department)
    category_id = getattr(category, "pk", category)
    found = figures(school, year, department=department_id, category=category_id)
    return found.get((department_id, category_id)) or Figures(department_id, category_id)


@dataclass
class Grid:
    """A year's budgets as a table: departments down, categories across, with totals."""

    year: int
    departments: list
    categories: list
    cells: dict[Key, Figures]

    def rows(self):
        """(department, [Figures or None per category], row total Figures)."""
        for department in self.departments:
            row = [self.cells.get((department.pk, c.pk)) for c in self.categories]
            yield department, row, _total(f for f in row if f is not None)

    def column_totals(self) -> list[Figures]:
        return [
            _total(self.cells[key] for key in self.cells if key[1] == category.pk)
            for category in self.categories
        ]

    def total(self) -> Figures:
        return _total(self.cells.values())

    @property
    def uncategorised(self) -> list[Figures]:
        """Requests of the year without a budget category (committed or spent)."""
        return [f for key, f in self.cells.items() if key[1] is None]


def _total(cells) -> Figures:
    total = Figures(0, None, amount=ZERO)
    for cell in cells:
        total.amount += cell.amount or ZERO
        total.committed += cell.committed
        total.spent += cell.spent
    return total


def grid(school, year: int, *, departments=None) -> Grid:
    """The year's grid for ``school`` (5 queries); ``departments`` limits the rows (a queryset
    of the departments the user may see, e.g. those they head)."""
    from houqin.org.models import Department

    from .models import BudgetCategory

    school_id = _school_id(school)
    cells = figures(school_id, year)
    if departments is None:
        departments = Department.objects.filter(school_id=school_id)
    department_ids = {key[0] for key in cells}
    shown = [
        d
        for d in departments.filter(school_id=school_id).order_by("name")
        if d.pk in department_ids
    ]
    visible = {d.pk for d in shown}
    cells = {key: value for key, value in cells.items() if key[0] in visible}
    categories = list(BudgetCategory.objects.filter(school_id=school_id))
    return Grid(year=year, departments=shown, categories=categories, cells=cells)


def may_read_budgets(access) -> bool:
    """Logistics, finance and readers read every budget, a department head (by role) those of
    the departments they head: who is shown the way to the budgets (menu, buttons). Decided
    without a query: it is asked on every page."""
    from houqin.org.roles import Role

    return access.has_perm("purchasing.view_budget") or Role.DEPT_HEAD in access.roles

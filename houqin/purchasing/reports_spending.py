"""Spending reports: what was bought (accepted deliveries × the order price) by department, by
budget category, by vendor and by term, against the budgets.

Two kinds of period:

- a **budget year**: spending counts against the year of the request's budget (as the budget
  figures do, ``selectors_budgets.figures``), so department and category rows show budget,
  committed, spent and remaining side by side;
- a **term** (``org.Term``): spending by the date of delivery within the term's dates; no
  budget column (budgets are per calendar year).

Every report runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from .models import ZERO, Budget, ReceiptLine, ReceiptStatus

CENT = Decimal("0.01")
_AMOUNT = DecimalField(max_digits=30, decimal_places=8)
REQUEST = "order_line__request_line__request__"

DIMENSIONS = {
    "department": _("Department"),
    "category": _("Budget category"),
    "vendor": _("Vendor"),
    "term": _("Term"),
}
# The grouping field and the label field of each dimension on ReceiptLine.
_GROUP = {
    "department": (f"{REQUEST}department_id", f"{REQUEST}department__name"),
    "category": (f"{REQUEST}budget_category_id", f"{REQUEST}budget_category__name"),
    "vendor": ("receipt__order__vendor_id", "receipt__order__vendor__name"),
}


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def _school_id(school) -> int:
    return getattr(school, "pk", school)


@dataclass
class Row:
    key: object
    label: str
    spent: Decimal = ZERO
    budget: Decimal | None = None
    committed: Decimal | None = None
    previous: Decimal | None = None  # the term before (term rows)

    @property
    def remaining(self) -> Decimal | None:
        if self.budget is None:
            return None
        return self.budget - (self.committed or ZERO) - self.spent

    @property
    def used_percent(self) -> int | None:
        if not self.budget:
            return None
        return int(((self.committed or ZERO) + self.spent) * 100 / self.budget)

    @property
    def change(self) -> Decimal | None:
        if self.previous is None:
            return None
        return self.spent - self.previous

    @property
    def change_percent(self) -> int | None:
        if not self.previous:
            return None
        return int((self.spent - self.previous) * 100 / self.previous)


@dataclass
class Report:
    dimension: str
    period_label: str
    rows: list[Row] = field(default_factory=list)
    with_budget: bool = False

    @property
    def total(self) -> Row:
        total = Row(key=None, label=str(_("Total")))
        for row in self.rows:
            total.spent += row.spent
            if row.budget is not None:
                total.budget = (total.budget or ZERO) + row.budget
            if row.committed is not None:
                total.committed = (total.committed or ZERO) + row.committed
        return total


def _accepted(school_id: int):
    return ReceiptLine.objects.filter(school_id=school_id, receipt__status=ReceiptStatus.ACCEPTED)


def _amount():
    return Sum(ExpressionWrapper(F("quantity") * F("order_line__unit_price"), output_field=_AMOUNT))


def _grouped(lines, dimension: str) -> list[Row]:
    key_field, label_field = _GROUP[dimension]
    rows = lines.values(key_field, label_field).annotate(spent=_amount()).order_by()
    return [
        Row(key=r[key_field], label=r[label_field] or str(_("(none)")), spent=_money(r["spent"]))
        for r in rows
    ]


def for_year(school, year: int, dimension: str = "department") -> Report:
    """Spending of the budget year ``year`` by ``dimension`` (department, category, vendor);
    department and category rows carry the budget, committed and remaining (4 queries)."""
    if dimension not in _GROUP:
        raise ValueError(f"unknown dimension {dimension!r}")
    school_id = _school_id(school)
    report = Report(dimension=dimension, period_label=str(year))
    if dimension == "vendor":
        lines = _accepted(school_id).filter(**{f"{REQUEST}budget_year": year})
        report.rows = sorted(_grouped(lines, dimension), key=lambda r: -r.spent)
        return report
    from .selectors_budgets import figures

    report.with_budget = True
    index = 0 if dimension == "department" else 1
    rows: dict = {}
    for key, cell in figures(school_id, year).items():
        row = rows.setdefault(key[index], Row(key=key[index], label="", committed=ZERO))
        row.spent += cell.spent
        row.committed += cell.committed
        if cell.amount is not None:
            row.budget = (row.budget or ZERO) + cell.amount
    labels = _labels(dimension, [k for k in rows if k is not None])
    for key, row in rows.items():
        row.label = labels.get(key, str(_("(no category)")))
    report.rows = sorted(rows.values(), key=lambda r: (r.label == str(_("(no category)")), r.label))
    return report


def _labels(dimension: str, ids) -> dict:
    if dimension == "department":
        from houqin.org.models import Department

        return dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    from .models import BudgetCategory

    return dict(BudgetCategory.objects.filter(pk__in=ids).values_list("pk", "name"))


def for_dates(school, start: date, end: date, dimension: str, label: str = "") -> Report:
    """Spending delivered between ``start`` and ``end`` (inclusive) by ``dimension``."""
    if dimension not in _GROUP:
        raise ValueError(f"unknown dimension {dimension!r}")
    lines = _accepted(_school_id(school)).filter(
        receipt__received_on__gte=start, receipt__received_on__lte=end
    )
    report = Report(dimension=dimension, period_label=label or f"{start} – {end}")
    report.rows = sorted(_grouped(lines, dimension), key=lambda r: -r.spent)
    return report


def for_term(school, term, dimension: str = "department") -> Report:
    return for_dates(school, term.start_date, term.end_date, dimension, label=str(term))


def by_term(school, terms=None) -> Report:
    """Spending in each term (newest first) with the change against the term before it
    (2 queries)."""
    from houqin.org.models import Term

    school_id = _school_id(school)
    if terms is None:
        terms = list(Term.objects.filter(school_id=school_id).order_by("-start_date")[:12])
    terms = sorted(terms, key=lambda t: t.start_date)
    report = Report(dimension="term", period_label=str(_("By term")))
    if not terms:
        return report
    sums = {
        term.pk: Sum(
            ExpressionWrapper(F("quantity") * F("order_line__unit_price"), output_field=_AMOUNT),
            filter=Q(
                receipt__received_on__gte=term.start_date, receipt__received_on__lte=term.end_date
            ),
        )
        for term in terms
    }
    totals = _accepted(school_id).aggregate(**{f"t{pk}": s for pk, s in sums.items()})
    previous = None
    rows = []
    for term in terms:
        row = Row(key=term.pk, label=str(term), spent=_money(totals[f"t{term.pk}"]))
        row.previous = previous
        previous = row.spent
        rows.append(row)
    report.rows = list(reversed(rows))
    return report


def years(school) -> list[int]:
    """Budget years with budgets, newest first (for the period choice)."""
    return sorted(
        set(Budget.objects.filter(school_id=_school_id(school)).values_list("year", flat=True)),
        reverse=True,
    )


def export_rows(report: Report) -> tuple[list, list]:
    """Headers and rows of ``report`` for an Excel download."""
    headers = [str(DIMENSIONS[report.dimension]), str(_("Spent (¥)"))]
    if report.with_budget:
        headers += [str(_("Budget (¥)")), str(_("Committed (¥)")), str(_("Remaining (¥)"))]
    if report.dimension == "term":
        headers += [str(_("Change against the term before (¥)"))]
    out = []
    for row in [*report.rows, report.total]:
        values = [row.label, row.spent]
        if report.with_budget:
            values += [row.budget, row.committed, row.remaining]
        if report.dimension == "term":
            values += [row.change]
        out.append(values)
    return headers, out

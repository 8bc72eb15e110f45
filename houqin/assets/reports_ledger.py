"""The asset ledger (资产增减变动表): for a period, by category, top class, department or
funding source — opening value, additions, disposals, closing value, depreciation and net
book value — in a few GROUP BY queries, whatever the number of assets.

Conventions (docs/assets-depreciation.md):

- Depreciation is monthly, so **a period is a run of whole months**: a month, a calendar year
  (the fiscal year), a term (the months its dates touch: 2 September – 20 January is
  September to January) or a range of months. A period reaching past the current month stops
  at the current month (the figures are not forecasts).
- **Values** are original values (原值): *opening* — assets acquired before the period and not
  disposed of before it; *additions* — acquired in the period; *disposals* — disposed of in
  the period (``Asset.disposed_on``; part of a batch card disposed of is its disposal line's
  value, dated by its disposal); *closing* — opening + additions − disposals.
- **Depreciation** follows ``houqin.assets.depreciation`` month by month (the same rules as
  the monthly run, computed here, so months not yet run are still right — the page says
  which months have no run): *opening* accumulated depreciation; *depreciation* of the
  period; *written off* with disposals; *closing* accumulated = opening + depreciation −
  written off. *Net book value* = closing value − closing accumulated depreciation.
- Assets without an acquisition date are not on the ledger (there is no month to place them
  in); the report counts them so they get fixed.
- By default fixed assets only; low-value items (not depreciated, see the rules) can be
  shown on their own or with the fixed assets.

Queries: one GROUP BY over the assets, one over the disposal lines of batches disposed of in
part, one for the names of the groups, one for the months that have runs, one count of
undated assets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from . import depreciation as rules
from .models import (
    Asset,
    AssetCategory,
    AssetKind,
    DepreciationRun,
    DisposalLine,
    DisposalStatus,
)

ZERO = Decimal("0.00")

GROUPINGS = {
    "category": _("Category"),
    "class": _("Top class"),
    "department": _("Department"),
    "funding": _("Funding source"),
}
KINDS = {
    "fixed": _("Fixed assets"),
    "low_value": _("Low-value items"),
    "all": _("Fixed assets and low-value items"),
}
PERIOD_KINDS = {
    "month": _("Month"),
    "year": _("Year"),
    "term": _("Term"),
    "range": _("Range of months"),
}

# The figures of a row, in the order of the table and the export.
FIGURES = (
    ("opening_value", _("Opening value")),
    ("additions", _("Additions")),
    ("disposals", _("Disposals")),
    ("closing_value", _("Closing value")),
    ("opening_depreciation", _("Opening accumulated depreciation")),
    ("depreciation", _("Depreciation in the period")),
    ("written_off", _("Depreciation written off with disposals")),
    ("closing_depreciation", _("Accumulated depreciation")),
    ("net_book_value", _("Net book value")),
)

LINE_COLUMNS = rules.Columns(
    value="original_value",
    acquired="asset__acquired_on",
    disposed="disposal__disposed_on",
    own_life="asset__useful_life_years",
    category_life="asset__category__useful_life_years",
    kind="asset__kind",
    depreciates="asset__category__depreciates",
)


class PeriodError(ValueError):
    """A period the ledger cannot show (a message for the user)."""


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """Whole months from ``start`` (a first day) to ``end`` (a last day)."""

    kind: str
    start: date
    end: date
    label: str
    capped: bool = False  # cut at the current month

    @property
    def first_month(self) -> date:
        return self.start

    @property
    def last_month(self) -> date:
        return rules.month_start(self.end)

    @property
    def months(self) -> list[date]:
        out, month = [], self.first_month
        while month <= self.last_month:
            out.append(month)
            month = rules.add_months(month, 1)
        return out


def make_period(kind: str, first: date, last: date, label: str, *, today: date) -> Period:
    """The months ``first`` to ``last`` touch, stopping at ``today``'s month."""
    start, end = rules.month_start(first), rules.month_end(last)
    if end < start:
        raise PeriodError(_("The period ends before it starts."))
    if start > today:
        raise PeriodError(_("That period has not begun yet."))
    capped = end > rules.month_end(today)
    if capped:
        end = rules.month_end(today)
    return Period(kind=kind, start=start, end=end, label=label, capped=capped)


def parse_month(text: str) -> date:
    try:
        year, month = (int(part) for part in str(text).strip()[:7].split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        raise PeriodError(_("Give the month as YYYY-MM.")) from None


def parse_period(params, *, school_id: int, today: date) -> Period:
    """The period a page or API request asks for (``period`` = month, year, term or range);
    this calendar year so far when none is given."""
    kind = params.get("period") or "year"
    if kind == "month":
        month = parse_month(params.get("month") or f"{today:%Y-%m}")
        return make_period(kind, month, month, f"{month:%Y-%m}", today=today)
    if kind == "year":
        try:
            year = int(params.get("year") or today.year)
            first = date(year, 1, 1)
        except (TypeError, ValueError):
            raise PeriodError(_("Give the year as four digits.")) from None
        return make_period(kind, first, date(year, 12, 31), str(year), today=today)
    if kind == "term":
        from houqin.org.models import Term

        term = None
        term_id = params.get("term")
        if term_id and str(term_id).isdigit():
            term = Term.objects.filter(school_id=school_id, pk=term_id).first()
        if term is None:
            raise PeriodError(_("Choose one of the school's terms."))
        return make_period(kind, term.start_date, term.end_date, term.name, today=today)
    if kind == "range":
        first = parse_month(params.get("start") or "")
        last = parse_month(params.get("end") or "")
        label = f"{first:%Y-%m} – {last:%Y-%m}"
        return make_period(kind, first, last, label, today=today)
    raise PeriodError(_("Unknown period."))


# ---------------------------------------------------------------- the report


@dataclass
class Row:
    key: object
    label: str
    code: str = ""
    assets: int = 0  # cards on the books at the end of the period
    opening_value: Decimal = ZERO
    additions: Decimal = ZERO
    disposals: Decimal = ZERO
    closing_value: Decimal = ZERO
    opening_depreciation: Decimal = ZERO
    depreciation: Decimal = ZERO
    written_off: Decimal = ZERO
    closing_depreciation: Decimal = ZERO

    @property
    def net_book_value(self) -> Decimal:
        return self.closing_value - self.closing_depreciation

    def add(self, other: Row) -> None:
        self.assets += other.assets
        for name, _label in FIGURES[:-1]:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> list[Decimal]:
        return [getattr(self, name) for name, _label in FIGURES]

    def as_dict(self) -> dict:
        data = {"key": self.key, "label": str(self.label), "code": self.code, "assets": self.assets}
        # Money as strings, like every amount in the API (no float rounding on the way).
        data.update({name: str(getattr(self, name)) for name, _label in FIGURES})
        return data


@dataclass
class LedgerReport:
    period: Period
    by: str
    kind: str
    rows: list[Row]
    total: Row
    undated: int = 0
    months_without_run: list[date] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "period": {
                "kind": self.period.kind,
                "label": self.period.label,
                "start": self.period.start,
                "end": self.period.end,
                "capped": self.period.capped,
            },
            "by": self.by,
            "kind": self.kind,
            "rows": [row.as_dict() for row in self.rows],
            "total": self.total.as_dict(),
            "undated_assets": self.undated,
            "months_without_run": [f"{m:%Y-%m}" for m in self.months_without_run],
        }


_GROUP_FIELDS = {
    "category": "category_id",
    "class": "category_id",
    "department": "department_id",
    "funding": "funding_source",
}


def _kind_q(kind: str, prefix: str = "") -> Q:
    if kind == "fixed":
        return Q(**{f"{prefix}kind": AssetKind.FIXED})
    if kind == "low_value":
        return Q(**{f"{prefix}kind": AssetKind.LOW_VALUE})
    return Q()


def _aggregates(period: Period, columns: rules.Columns) -> dict:
    """The Sum/Count of every figure, over rows already limited to the period."""
    start, end = period.start, period.end
    value, acquired, disposed = columns.value, columns.acquired, columns.disposed
    on_open = Q(**{f"{acquired}__lt": start})
    disposed_in = Q(**{f"{disposed}__isnull": False, f"{disposed}__lte": end})
    on_close = Q(**{f"{disposed}__isnull": True}) | Q(**{f"{disposed}__gt": end})
    acc_open = rules.accumulated_cents_sql(rules.add_months(start, -1), columns=columns)
    acc_end = rules.accumulated_cents_sql(period.last_month, columns=columns)
    return {
        "opening_value": Sum(value, filter=on_open),
        "additions": Sum(value, filter=~on_open),
        "disposals": Sum(value, filter=disposed_in),
        "closing_value": Sum(value, filter=on_close),
        "opening_depreciation": Sum(acc_open, filter=on_open),
        "depreciation": Sum(acc_end - acc_open),
        "written_off": Sum(acc_end, filter=disposed_in),
        "closing_depreciation": Sum(acc_end, filter=on_close),
        "assets": Count("pk", filter=on_close),
    }


def _in_period(period: Period, columns: rules.Columns) -> Q:
    """On the books at some time in the period: acquired by its end, not disposed before it."""
    return Q(**{f"{columns.acquired}__lte": period.end}) & (
        Q(**{f"{columns.disposed}__isnull": True}) | Q(**{f"{columns.disposed}__gte": period.start})
    )


def _rows_from(queryset, key_field: str) -> dict:
    rows = {}
    for data in queryset:
        key = data.pop(key_field)
        row = rows.setdefault(key, Row(key=key, label=""))
        row.assets += data.pop("assets") or 0
        for name in ("opening_value", "additions", "disposals", "closing_value"):
            setattr(row, name, getattr(row, name) + (data[name] or ZERO))
        for name in (
            "opening_depreciation",
            "depreciation",
            "written_off",
            "closing_depreciation",
        ):
            setattr(row, name, getattr(row, name) + _yuan(data[name]))
    return rows


def _yuan(cents) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(rules.CENT)


def ledger(school, period: Period, *, by: str = "category", kind: str = "fixed") -> LedgerReport:
    """The ledger of ``school`` for ``period``, one row per group and a total."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    school_id = getattr(school, "pk", school)
    key_field = _GROUP_FIELDS[by]

    assets = (
        Asset.objects.filter(school_id=school_id)
        .filter(_kind_q(kind))
        .filter(_in_period(period, rules.ASSET))
        .order_by()
        .values(key_field)
        .annotate(**_aggregates(period, rules.ASSET))
    )
    rows = _rows_from(assets, key_field)

    # Part of a batch card disposed of: the card now holds the rest; the part, with its own
    # value and disposal date, is a card of its own for the periods it was on the books.
    slices = (
        DisposalLine.objects.filter(school_id=school_id, disposal__status=DisposalStatus.DISPOSED)
        .filter(
            Q(asset__disposed_on__isnull=True)
            | Q(asset__disposed_on__gt=F("disposal__disposed_on"))
        )
        .filter(_kind_q(kind, "asset__"))
        .filter(_in_period(period, LINE_COLUMNS))
        .order_by()
        .values(f"asset__{key_field}")
        .annotate(**_aggregates(period, LINE_COLUMNS))
    )
    for key, row in _rows_from(slices, f"asset__{key_field}").items():
        rows.setdefault(key, Row(key=key, label="")).add(row)

    rows = _label(school_id, by, rows)
    total = Row(key=None, label=_("Total"))
    for row in rows:
        total.add(row)
    ran = set(
        DepreciationRun.objects.filter(
            school_id=school_id, period__gte=period.first_month, period__lte=period.last_month
        ).values_list("period", flat=True)
    )
    undated = Asset.objects.filter(school_id=school_id, acquired_on__isnull=True).filter(
        _kind_q(kind)
    )
    return LedgerReport(
        period=period,
        by=by,
        kind=kind,
        rows=rows,
        total=total,
        undated=undated.count(),
        months_without_run=[m for m in period.months if m not in ran],
    )


def _top_class(categories: dict, pk):
    """The root of a category's tree (its top class under GB/T 14885)."""
    node, seen = categories.get(pk), set()
    while node is not None and node.parent_id in categories and node.pk not in seen:
        seen.add(node.pk)
        node = categories[node.parent_id]
    return node


def _label(school_id, by: str, rows: dict) -> list[Row]:
    """Names for the groups (one query), rolled up to top classes for ``class``."""
    if by in ("category", "class"):
        categories = {
            c.pk: c
            for c in AssetCategory.objects.filter(school_id=school_id).only(
                "pk", "code", "name", "parent_id"
            )
        }
        if by == "class":
            rolled: dict = {}
            for key, row in rows.items():
                top = _top_class(categories, key)
                top_key = top.pk if top is not None else key
                rolled.setdefault(top_key, Row(key=top_key, label="")).add(row)
            rows = rolled
        for key, row in rows.items():
            category = categories.get(key)
            row.code = category.code if category else ""
            row.label = category.name if category else str(key)
        return sorted(rows.values(), key=lambda r: (r.code, str(r.label)))
    if by == "department":
        from houqin.org.models import Department

        names = dict(
            Department.objects.filter(
                school_id=school_id, pk__in=[k for k in rows if k]
            ).values_list("pk", "name")
        )
        for key, row in rows.items():
            row.label = names.get(key, "") if key else _("(no department)")
        return sorted(rows.values(), key=lambda r: (r.key is None, str(r.label)))
    for key, row in rows.items():
        row.label = key or _("(not recorded)")
    return sorted(rows.values(), key=lambda r: (not r.key, str(r.label)))


# ---------------------------------------------------------------- export


def export_table(report: LedgerReport) -> tuple[list[str], list[list]]:
    """Headers and rows for the Excel/CSV export (the total last)."""
    first = [str(GROUPINGS[report.by])]
    if report.by in ("category", "class"):
        first = [str(_("Code")), *first]
    headers = [*first, str(_("Assets at the end")), *[str(label) for _n, label in FIGURES]]
    out = []
    for row in [*report.rows, report.total]:
        lead = [str(row.label)]
        if report.by in ("category", "class"):
            lead = [row.code, *lead]
        out.append([*lead, row.assets, *row.figures()])
    return headers, out

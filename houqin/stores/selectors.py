"""Reading the stores: stock per item, reorder suggestions, valuation, consumption, slow movers.

Every function reads in a fixed number of queries whatever the number of items or moves:
on-hand and value come from ``StockBalance`` (what the ledger leaves), flows from
``StockMove`` aggregated in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import ZERO, Item, MoveKind, StockBalance, StockMove, Store

QTY = DecimalField(max_digits=14, decimal_places=3)
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)
COST = DecimalField(max_digits=14, decimal_places=4)
SHEETS_PER_REAM = 500
CENT = Decimal("0.01")
# What counts as consumption: stock that left to a department (requisitions, work orders,
# print jobs); transfers and count adjustments are not.
CONSUMPTION_KINDS = (MoveKind.ISSUE, MoveKind.WORK_ORDER, MoveKind.PRINT_JOB)
RECEIPT_KINDS = (MoveKind.RECEIPT, MoveKind.OPENING, MoveKind.RETURN)


def default_store(school) -> Store:
    """The school's default store (总务仓库), created on first use."""
    school_id = getattr(school, "pk", school)
    store = Store.objects.filter(school_id=school_id, is_default=True).first()
    if store is None:
        store = Store.objects.filter(school_id=school_id, is_active=True).order_by("pk").first()
        if store is None:
            store, _ = Store.objects.get_or_create(
                school_id=school_id, name="总务仓库", defaults={"is_default": True}
            )
        elif not Store.objects.filter(school_id=school_id, is_default=True).exists():
            Store.objects.filter(pk=store.pk).update(is_default=True)
            store.is_default = True
    return store


def money(value) -> Decimal:
    """A sum of amounts to the cent (SQLite sums decimals as floats: 454.5, 354.49999…)."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- items with their stock


def with_stock(items: QuerySet, store: Store | int | None = None) -> QuerySet:
    """Items annotated with ``on_hand`` and ``stock_value`` (all stores, or one), in the same
    query as the items."""
    store_id = getattr(store, "pk", store)
    balances = StockBalance.objects.filter(item=OuterRef("pk"))
    if store_id:
        balances = balances.filter(store_id=store_id)
    totals = balances.order_by().values("item")
    return items.annotate(
        on_hand=Coalesce(
            Subquery(totals.annotate(t=Sum("quantity")).values("t")[:1], output_field=QTY),
            Value(ZERO),
            output_field=QTY,
        ),
        stock_value=Coalesce(
            Subquery(totals.annotate(t=Sum("value")).values("t")[:1], output_field=MONEY_FIELD),
            Value(ZERO),
            output_field=MONEY_FIELD,
        ),
    )


def below_reorder_level(items: QuerySet) -> QuerySet:
    """Items (annotated by ``with_stock``) whose stock has fallen to their reorder level."""
    return items.filter(reorder_level__gt=0, on_hand__lte=F("reorder_level"))


def last_receipt_cost_subquery():
    return Subquery(
        StockMove.objects.filter(item=OuterRef("pk"), kind__in=RECEIPT_KINDS, quantity__gt=0)
        .order_by("-occurred_at", "-pk")
        .values("unit_cost")[:1],
        output_field=COST,
    )


@dataclass
class Suggestion:
    item: Item
    on_hand: Decimal
    suggested_quantity: Decimal
    vendor: object
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.suggested_quantity * self.unit_price).quantize(Decimal("0.01"))


def suggested_quantity(item: Item, on_hand: Decimal) -> Decimal:
    """The item's reorder quantity, or enough to bring it up to twice its level."""
    if item.reorder_quantity and item.reorder_quantity > 0:
        return Decimal(item.reorder_quantity)
    return max(Decimal(item.reorder_level) * 2 - Decimal(on_hand), Decimal(item.reorder_level))


def reorder_suggestions(school, items: QuerySet | None = None) -> list[Suggestion]:
    """Active items at or below their reorder level, with how much to buy, from whom, at what
    price (the last receipt's, else the reference price). Two queries."""
    school_id = getattr(school, "pk", school)
    items = items if items is not None else Item.objects.all()
    rows = (
        below_reorder_level(with_stock(items.filter(school_id=school_id, is_active=True)))
        .annotate(last_cost=last_receipt_cost_subquery())
        .select_related("preferred_vendor", "category")
        .order_by("category__sort_order", "category__name", "code")
    )
    suggestions = []
    for item in rows:
        price = item.last_cost if item.last_cost is not None else (item.reference_price or ZERO)
        suggestions.append(
            Suggestion(
                item=item,
                on_hand=item.on_hand,
                suggested_quantity=suggested_quantity(item, item.on_hand),
                vendor=item.preferred_vendor,
                unit_price=Decimal(price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
            )
        )
    return suggestions


# ---------------------------------------------------------------- stock valuation


@dataclass
class ValuationRow:
    store: str
    category: str
    items: int
    value: Decimal


@dataclass
class Valuation:
    rows: list[ValuationRow]
    by_store: dict[str, Decimal]
    total: Decimal
    items: int
    as_of: date


def stock_valuation(school, store: Store | int | None = None) -> Valuation:
    """What the stock is worth today, by store and category (one grouped query over balances)."""
    school_id = getattr(school, "pk", school)
    balances = StockBalance.objects.filter(school_id=school_id).filter(
        Q(quantity__gt=0) | Q(value__gt=0)
    )
    store_id = getattr(store, "pk", store)
    if store_id:
        balances = balances.filter(store_id=store_id)
    grouped = (
        balances.order_by()
        .values("store__name", "item__category__name", "item__category__sort_order")
        .annotate(value=Sum("value"), items=Sum(Value(1)))
        .order_by("store__name", "item__category__sort_order", "item__category__name")
    )
    rows, by_store, total, count = [], {}, ZERO, 0
    for row in grouped:
        value = money(row["value"])
        rows.append(
            ValuationRow(
                store=row["store__name"],
                category=row["item__category__name"] or "",
                items=row["items"],
                value=value,
            )
        )
        by_store[row["store__name"]] = by_store.get(row["store__name"], ZERO) + value
        total += value
        count += row["items"]
    return Valuation(rows, by_store, total, count, timezone.localdate())


# ---------------------------------------------------------------- consumption by term


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def term_range(term) -> tuple[datetime, datetime]:
    """From the first moment of the term's first day to the first moment after its last."""
    return day_start(term.start_date), day_start(term.end_date + timedelta(days=1))


def previous_term(term):
    from houqin.org.models import Term

    return (
        Term.objects.filter(school_id=term.school_id, start_date__lt=term.start_date)
        .order_by("-start_date")
        .first()
    )


@dataclass
class ConsumptionRow:
    key: object
    label: str
    unit: str = ""
    quantity: Decimal = ZERO
    value: Decimal = ZERO
    previous_quantity: Decimal = ZERO
    previous_value: Decimal = ZERO
    sheets: int = 0
    previous_sheets: int = 0
    is_paper: bool = False

    @property
    def value_change(self) -> Decimal:
        return self.value - self.previous_value

    @property
    def value_change_percent(self) -> Decimal | None:
        return _percent(self.value, self.previous_value)

    @property
    def sheets_change(self) -> int:
        return self.sheets - self.previous_sheets

    @property
    def sheets_change_percent(self) -> Decimal | None:
        return _percent(Decimal(self.sheets), Decimal(self.previous_sheets))

    @property
    def reams(self) -> Decimal:
        return (Decimal(self.sheets) / SHEETS_PER_REAM).quantize(Decimal("0.1"))

    @property
    def previous_reams(self) -> Decimal:
        return (Decimal(self.previous_sheets) / SHEETS_PER_REAM).quantize(Decimal("0.1"))


def _percent(now: Decimal, before: Decimal) -> Decimal | None:
    if not before:
        return None
    return ((now - before) * 100 / before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Consumption:
    term: object
    previous: object
    by: str
    rows: list[ConsumptionRow] = field(default_factory=list)

    @property
    def total_value(self) -> Decimal:
        return sum((r.value for r in self.rows), ZERO)

    @property
    def previous_total_value(self) -> Decimal:
        return sum((r.previous_value for r in self.rows), ZERO)

    @property
    def total_sheets(self) -> int:
        return sum(r.sheets for r in self.rows)

    @property
    def previous_total_sheets(self) -> int:
        return sum(r.previous_sheets for r in self.rows)

    @property
    def total_sheets_change_percent(self) -> Decimal | None:
        return _percent(Decimal(self.total_sheets), Decimal(self.previous_total_sheets))

    @property
    def total_reams(self) -> Decimal:
        return (Decimal(self.total_sheets) / SHEETS_PER_REAM).quantize(Decimal("0.1"))

    @property
    def previous_total_reams(self) -> Decimal:
        return (Decimal(self.previous_total_sheets) / SHEETS_PER_REAM).quantize(Decimal("0.1"))


def _consumed(school_id, start, end, group: tuple[str, ...], paper_only=False):
    moves = StockMove.objects.filter(
        school_id=school_id,
        kind__in=CONSUMPTION_KINDS,
        department__isnull=False,
        occurred_at__gte=start,
        occurred_at__lt=end,
    )
    if paper_only:
        moves = moves.filter(item__sheets_per_unit__isnull=False)
    return moves.order_by().values(*group).annotate(quantity=Sum("quantity"), value=Sum("amount"))


def consumption(school, term, *, by: str = "department") -> Consumption:
    """What departments consumed in ``term`` against the term before, by department or by item;
    paper also in sheets (quantity × sheets per unit) and reams of 500. Four queries."""
    school_id = getattr(school, "pk", school)
    previous = previous_term(term)
    report = Consumption(term=term, previous=previous, by=by)
    periods = [("", term_range(term))]
    if previous is not None:
        periods.append(("previous_", term_range(previous)))
    rows: dict[object, ConsumptionRow] = {}
    if by == "item":
        group = (
            "item_id", "item__code", "item__name", "item__specification", "item__unit",
            "item__sheets_per_unit",
        )  # fmt: skip
        for prefix, (start, end) in periods:
            for entry in _consumed(school_id, start, end, group):
                row = rows.get(entry["item_id"])
                if row is None:
                    spec = entry["item__specification"]
                    label = f"{entry['item__code']} {entry['item__name']}" + (
                        f" {spec}" if spec else ""
                    )
                    row = rows[entry["item_id"]] = ConsumptionRow(
                        key=entry["item_id"],
                        label=label,
                        unit=entry["item__unit"],
                        is_paper=bool(entry["item__sheets_per_unit"]),
                    )
                quantity = -(entry["quantity"] or ZERO)
                setattr(row, f"{prefix}quantity", quantity)
                setattr(row, f"{prefix}value", -money(entry["value"]))
                if entry["item__sheets_per_unit"]:
                    setattr(row, f"{prefix}sheets", int(quantity * entry["item__sheets_per_unit"]))
        ordered = sorted(rows.values(), key=lambda r: (not r.is_paper, -r.value, r.label))
    else:
        group = ("department_id", "department__name")
        for prefix, (start, end) in periods:
            for entry in _consumed(school_id, start, end, group):
                row = rows.setdefault(
                    entry["department_id"],
                    ConsumptionRow(key=entry["department_id"], label=entry["department__name"]),
                )
                setattr(row, f"{prefix}value", -money(entry["value"]))
            paper = _consumed(
                school_id, start, end, ("department_id", "item__sheets_per_unit"), paper_only=True
            )
            for entry in paper:
                row = rows[entry["department_id"]]
                sheets = int(-(entry["quantity"] or ZERO) * entry["item__sheets_per_unit"])
                setattr(row, f"{prefix}sheets", getattr(row, f"{prefix}sheets") + sheets)
                row.is_paper = True
        ordered = sorted(rows.values(), key=lambda r: (-r.value, r.label))
    report.rows = ordered
    return report


# ---------------------------------------------------------------- slow-moving items


def slow_moving(school, *, days: int = 180, store: Store | int | None = None) -> QuerySet:
    """Balances with stock that has not gone out to anyone for ``days`` days (or never), the
    value tied up first. ``last_out`` is the last consumption; one query."""
    school_id = getattr(school, "pk", school)
    since = timezone.now() - timedelta(days=days)
    last_out = (
        StockMove.objects.filter(
            item=OuterRef("item"), store=OuterRef("store"), kind__in=CONSUMPTION_KINDS
        )
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    first_in = (
        StockMove.objects.filter(item=OuterRef("item"), store=OuterRef("store"))
        .order_by("occurred_at")
        .values("occurred_at")[:1]
    )
    balances = StockBalance.objects.filter(school_id=school_id, quantity__gt=0)
    store_id = getattr(store, "pk", store)
    if store_id:
        balances = balances.filter(store_id=store_id)
    # Stock that never went out counts from its first arrival: new stock is not slow.
    return (
        balances.annotate(last_out=Subquery(last_out), first_in=Subquery(first_in))
        .filter(Q(last_out__lt=since) | Q(last_out__isnull=True, first_in__lt=since))
        .select_related("item__category", "store")
        .order_by("-value", "item__code")
    )

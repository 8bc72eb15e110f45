"""The stock ledger: the one place where stock changes (see ``houqin.stores.models``).

Every function writes one ``StockMove`` per item and store and updates that pair's
``StockBalance`` in the same transaction. The balance row is locked first (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions queue writers) and changed with a
conditional UPDATE that refuses to take it below zero, so two keepers issuing the last box at
once get one issue and one clear refusal. Several balances are locked in one fixed order
(item, then store) so that two multi-line issues cannot deadlock.

Costs follow the moving average: a receipt adds its quantity at its price; anything going out
leaves at the average (value / quantity) of the moment, and the last unit out takes the value
that is left, so no rounding residue stays behind.

These are primitives: they check quantities and stock, not who is acting. Callers (the stores'
services, purchasing's receiving, maintenance's parts, the print shop) check permissions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.documents import doc_type_of
from houqin.core.errors import DomainError

from .models import ZERO, Item, MoveKind, StockBalance, StockMove, Store

CENT = Decimal("0.01")
MILLI = Decimal("0.001")
COST_PLACES = Decimal("0.0001")


class InsufficientStock(DomainError):
    """An issue, draw or transfer asks for more than is on hand."""

    default_message = _("Not enough in stock.")

    def __init__(self, message=None, *, item=None, store=None, on_hand=None, wanted=None):
        if message is None and item is not None:
            message = _(
                "Only %(on_hand)s %(unit)s of %(item)s in %(store)s; %(wanted)s %(unit)s asked for."
            ) % {
                "on_hand": _plain(on_hand),
                "unit": item.unit,
                "item": item,
                "store": store,
                "wanted": _plain(wanted),
            }
        super().__init__(message)
        self.item, self.store, self.on_hand, self.wanted = item, store, on_hand, wanted


def _plain(value) -> str:
    """1.000 → "1", 2.500 → "2.5": quantities as people write them."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


def quantity_of(value, *, allow_zero=False) -> Decimal:
    """A positive quantity (three decimal places), or a clear error."""
    try:
        quantity = Decimal(str(value)).quantize(MILLI, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_("The quantity must be a number.")) from None
    if not quantity.is_finite() or quantity < 0 or (quantity == 0 and not allow_zero):
        raise DomainError(_("The quantity must be greater than zero."))
    return quantity


def cost_of(value) -> Decimal:
    """A unit cost of zero or more (four decimal places), or a clear error."""
    try:
        cost = Decimal(str(value)).quantize(COST_PLACES, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_("The unit price must be a number.")) from None
    if not cost.is_finite() or cost < 0:
        raise DomainError(_("The unit price cannot be negative."))
    return cost


@dataclass(frozen=True)
class Document:
    """What caused a move, as the ledger records it."""

    type: str = ""
    id: int | None = None
    number: str = ""

    @classmethod
    def of(cls, obj) -> Document:
        if obj is None:
            return cls()
        if isinstance(obj, Document):
            return obj
        return cls(doc_type_of(obj), obj.pk, str(getattr(obj, "number", "") or ""))


# ---------------------------------------------------------------- balances, locked


def _same_school(item: Item, store: Store) -> None:
    if item.school_id != store.school_id:
        raise DomainError(_("The item and the store belong to different schools."))


def lock_balance(item: Item, store: Store) -> StockBalance:
    """The item's balance in the store, created at zero if new, locked until the transaction
    ends. Call inside ``transaction.atomic``."""
    _same_school(item, store)
    balance, _created = StockBalance.objects.get_or_create(
        item=item, store=store, defaults={"school_id": item.school_id}
    )
    if connection.features.has_select_for_update:
        balance = StockBalance.objects.select_for_update().get(pk=balance.pk)
    return balance


def lock_balances(pairs: Iterable[tuple[Item, Store]]) -> dict[tuple[int, int], StockBalance]:
    """Lock several balances in one fixed order (item id, then store id): no deadlocks."""
    unique = {(item.pk, store.pk): (item, store) for item, store in pairs}
    return {key: lock_balance(*unique[key]) for key in sorted(unique)}


def _write(balance: StockBalance, *, item, store, kind, quantity, amount, by, when, document,
           department=None, note="", unit_cost=None) -> StockMove:  # fmt: skip
    """Move the locked balance by (quantity, amount) and write the ledger row."""
    # The new totals are computed here in Decimal and written as values, not as
    # ``F("value") + amount``: SQLite keeps decimals as binary floats, and summing in the
    # database there leaves residues (428.35 − 428.35 = −5.7e-14) that break the
    # "never negative" checks when the last unit goes out. The balance row is locked (or the
    # SQLite transaction IMMEDIATE), so the values read are current; the condition still
    # refuses to go below zero should a writer ever get in first.
    new_quantity, new_value = balance.quantity + quantity, balance.value + amount
    updated = StockBalance.objects.filter(
        pk=balance.pk, quantity__gte=-quantity if quantity < 0 else ZERO
    ).update(quantity=new_quantity, value=new_value, last_move_at=when)
    if not updated:  # only reachable where no row lock exists and another writer got in first
        balance.refresh_from_db()
        raise InsufficientStock(item=item, store=store, on_hand=balance.quantity, wanted=-quantity)
    balance.quantity, balance.value, balance.last_move_at = new_quantity, new_value, when
    if unit_cost is None:
        unit_cost = (abs(amount) / abs(quantity)).quantize(COST_PLACES, rounding=ROUND_HALF_UP)
    document = Document.of(document)
    return StockMove.objects.create(
        school_id=item.school_id,
        item=item,
        store=store,
        kind=kind,
        quantity=quantity,
        unit_cost=unit_cost,
        amount=amount,
        balance_quantity=balance.quantity,
        balance_value=balance.value,
        occurred_at=when,
        by=by,
        department=department,
        document_type=document.type,
        document_id=document.id,
        document_number=document.number[:40],
        note=str(note or "")[:200],
    )


def _outgoing_amount(balance: StockBalance, quantity: Decimal) -> Decimal:
    """The value leaving with ``quantity`` at the moving average; all of it with the last unit."""
    if quantity >= balance.quantity:
        return balance.value
    return (balance.value * quantity / balance.quantity).quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- moves


@transaction.atomic
def receive(*, item: Item, store: Store, quantity, unit_cost, by, document=None, note="",
            kind: str = MoveKind.RECEIPT, when=None) -> StockMove:  # fmt: skip
    """Stock in at a price: a purchase receipt, an opening balance, a return to stores."""
    quantity, unit_cost = quantity_of(quantity), cost_of(unit_cost)
    balance = lock_balance(item, store)
    amount = (quantity * unit_cost).quantize(CENT, rounding=ROUND_HALF_UP)
    return _write(
        balance, item=item, store=store, kind=kind, quantity=quantity, amount=amount, by=by,
        when=when or timezone.now(), document=document, note=note, unit_cost=unit_cost,
    )  # fmt: skip


def _take(balance, *, item, store, quantity, kind, by, document, department, note, when):
    if quantity > balance.quantity:
        raise InsufficientStock(item=item, store=store, on_hand=balance.quantity, wanted=quantity)
    amount = _outgoing_amount(balance, quantity)
    return _write(
        balance, item=item, store=store, kind=kind, quantity=-quantity, amount=-amount, by=by,
        when=when, document=document, department=department, note=note,
    )  # fmt: skip


@transaction.atomic
def issue(*, item: Item, store: Store, quantity, by, document=None, department=None, note="",
          kind: str = MoveKind.ISSUE, when=None) -> StockMove:  # fmt: skip
    """Stock out at the moving average: a requisition, a work order's part, a print job's paper.
    Refuses (``InsufficientStock``) rather than go below zero."""
    quantity = quantity_of(quantity)
    balance = lock_balance(item, store)
    return _take(
        balance, item=item, store=store, quantity=quantity, kind=kind, by=by, document=document,
        department=department, note=note, when=when or timezone.now(),
    )  # fmt: skip


@dataclass(frozen=True)
class Line:
    item: Item
    store: Store
    quantity: Decimal


@transaction.atomic
def issue_many(lines: Iterable[Line], *, by, document=None, department=None, note="",
               kind: str = MoveKind.ISSUE, when=None) -> list[StockMove]:  # fmt: skip
    """Several lines out at once, all or nothing: every balance is locked first (in one order),
    then every line is checked, then written."""
    lines = [Line(line.item, line.store, quantity_of(line.quantity)) for line in lines]
    balances = lock_balances((line.item, line.store) for line in lines)
    wanted: dict[tuple[int, int], Decimal] = {}
    for line in lines:
        key = (line.item.pk, line.store.pk)
        wanted[key] = wanted.get(key, ZERO) + line.quantity
        if wanted[key] > balances[key].quantity:
            raise InsufficientStock(
                item=line.item, store=line.store, on_hand=balances[key].quantity, wanted=wanted[key]
            )
    when = when or timezone.now()
    return [
        _take(
            balances[(line.item.pk, line.store.pk)], item=line.item, store=line.store,
            quantity=line.quantity, kind=kind, by=by, document=document, department=department,
            note=note, when=when,
        )  # fmt: skip
        for line in lines
    ]


@transaction.atomic
def transfer(*, item: Item, from_store: Store, to_store: Store, quantity, by, note="",
             document=None, when=None) -> tuple[StockMove, StockMove]:  # fmt: skip
    """Move stock between two stores at its average cost (value moves with it)."""
    if from_store.pk == to_store.pk:
        raise DomainError(_("Choose a different store to transfer to."))
    quantity = quantity_of(quantity)
    balances = lock_balances([(item, from_store), (item, to_store)])
    source = balances[(item.pk, from_store.pk)]
    when = when or timezone.now()
    out = _take(
        source, item=item, store=from_store, quantity=quantity, kind=MoveKind.TRANSFER_OUT,
        by=by, document=document, department=None, note=note, when=when,
    )  # fmt: skip
    into = _write(
        balances[(item.pk, to_store.pk)], item=item, store=to_store, kind=MoveKind.TRANSFER_IN,
        quantity=quantity, amount=-out.amount, by=by, when=when, document=document, note=note,
        unit_cost=out.unit_cost,
    )  # fmt: skip
    return out, into


def last_unit_cost(item: Item, store: Store | None = None) -> Decimal:
    """The price of the latest receipt (or the item's reference price): what a unit found in
    a count is worth when none is on hand to average."""
    moves = StockMove.objects.filter(item=item, quantity__gt=0).exclude(
        kind=MoveKind.ADJUSTMENT
    )
    if store is not None:
        moves = moves.filter(store=store)
    cost = moves.order_by("-occurred_at", "-pk").values_list("unit_cost", flat=True).first()
    if cost is None:
        cost = item.reference_price or ZERO
    return Decimal(cost)


@transaction.atomic
def adjust(*, item: Item, store: Store, counted, by, document=None, note="",
           when=None) -> StockMove | None:  # fmt: skip
    """Set the quantity on hand to what a count found (an approved stock count). Losses leave
    at the moving average; gains come in at it (or at the last price when none is on hand).
    Returns None when the count matches."""
    counted = quantity_of(counted, allow_zero=True)
    balance = lock_balance(item, store)
    difference = counted - balance.quantity
    when = when or timezone.now()
    if difference == 0:
        return None
    if difference < 0:
        return _take(
            balance, item=item, store=store, quantity=-difference, kind=MoveKind.ADJUSTMENT,
            by=by, document=document, department=None, note=note, when=when,
        )  # fmt: skip
    cost = balance.average_cost if balance.quantity else last_unit_cost(item, store)
    amount = (difference * cost).quantize(CENT, rounding=ROUND_HALF_UP)
    return _write(
        balance, item=item, store=store, kind=MoveKind.ADJUSTMENT, quantity=difference,
        amount=amount, by=by, when=when, document=document, note=note, unit_cost=cost,
    )  # fmt: skip


# ---------------------------------------------------------------- reading


def on_hand(item: Item, store: Store | None = None) -> Decimal:
    """Quantity on hand of an item, in one store or in all."""
    balances = StockBalance.objects.filter(item=item)
    if store is not None:
        balances = balances.filter(store=store)
    total = balances.aggregate(total=Sum("quantity"))["total"] or ZERO
    return Decimal(total).quantize(MILLI)  # SQLite sums decimals as floats


def derived_balance(item: Item, store: Store) -> tuple[Decimal, Decimal]:
    """(quantity, value) summed from the ledger itself: always equal to the balance row."""
    totals = StockMove.objects.filter(item=item, store=store).aggregate(
        quantity=Sum("quantity"), value=Sum("amount")
    )
    # SQLite sums decimals as floats (6.92800000000001): back to the columns' places.
    quantity = Decimal(totals["quantity"] or ZERO).quantize(MILLI)
    return quantity, Decimal(totals["value"] or ZERO).quantize(CENT)

"""Receiving (验收入库): recording a delivery against a placed order, the acceptance check and
what accepting does.

- A delivery (``Receipt``) may be partial; with the deliveries still waiting for their check
  it never exceeds what is left on the order (the order row is locked while this is checked).
- The acceptance check is done by someone other than the order's buyer (separation of duties:
  who bought does not also certify what came). Whoever recorded the delivery may check it if
  they are not the buyer (in a small school the keeper does both).
- Accepting, in one transaction: each stock line goes into the chosen store at the order price
  (``houqin.stores.ledger.receive``); a free-text stock line first gets a catalogue item made
  from its description (reused when the same name, specification and unit exist), and the
  request line is linked to it so later deliveries reuse it. Each asset line becomes cards on
  the register (``houqin.assets.services``): fixed or low-value by the school's thresholds;
  one card per unit for fixed assets, one batch card for batch-style categories (desks,
  books: "always fixed") and for low-value items. Service lines only count as received.
  Received quantities move the order lines, the request lines and both statuses.
- Refusing a delivery (with the reason) writes nothing to stock or the register.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from houqin.core import timeline
from houqin.core.attachments import validate_upload
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.notify import notify
from houqin.core.scoping import access_for
from houqin.core.states import StateMachine, Transition

from .models import (
    ZERO,
    LineKind,
    OrderStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    Receipt,
    ReceiptLine,
    ReceiptStatus,
)
from .progress import refresh_progress
from .services_orders import MACHINE as ORDER_MACHINE
from .services_orders import lock_order, plain

RECORD_PERM = "purchasing.add_receipt"
CHECK_PERM = "purchasing.change_receipt"
STOCK_PERM = "stores.receive_stock"
ASSET_PERM = "assets.add_asset"
RECEIVABLE = (OrderStatus.PLACED, OrderStatus.PARTLY_RECEIVED)
MAX_FILES = 10
MAX_CARDS_PER_LINE = 1000

MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition(
            "accept",
            source={ReceiptStatus.RECORDED},
            target=ReceiptStatus.ACCEPTED,
            system_only=True,
            label=_("Accept the delivery"),
        ),
        Transition(
            "refuse",
            source={ReceiptStatus.RECORDED},
            target=ReceiptStatus.REFUSED,
            system_only=True,
            label=_("Refuse the delivery"),
        ),
    ],
)


def _access(by, school_id: int, perm: str, message):
    access = access_for(by, school_id)
    if not access.is_member or access.school_id != school_id or not access.has_perm(perm):
        raise PermissionDenied(message)
    return access


def _money(value):
    if value in (None, ""):
        return None
    value = Decimal(str(value))
    if value < 0:
        raise DomainError(_("The invoice amount cannot be negative."))
    return value.quantize(Decimal("0.01"))


def _check_files(files) -> list:
    files = [f for f in (files or ()) if f]
    if len(files) > MAX_FILES:
        raise DomainError(_("At most %(count)d files can be added.") % {"count": MAX_FILES})
    for f in files:
        validate_upload(f)
    return files


def waiting_quantities(order: PurchaseOrder, exclude: Receipt | None = None) -> dict[int, Decimal]:
    """Order line id → quantity delivered but still waiting for its check."""
    rows = ReceiptLine.objects.filter(receipt__order=order, receipt__status=ReceiptStatus.RECORDED)
    if exclude is not None:
        rows = rows.exclude(receipt=exclude)
    return dict(
        rows.values("order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "total")
    )


def _default_store(school_id: int):
    from houqin.stores.models import Store

    return (
        Store.objects.filter(school_id=school_id, is_active=True)
        .order_by("-is_default", "pk")
        .first()
    )


# ---------------------------------------------------------------- recording a delivery


@transaction.atomic
def record_receipt(
    order: PurchaseOrder,
    *,
    by,
    lines,
    received_on=None,
    store=None,
    invoice_number="",
    invoice_amount=None,
    invoice_files=(),
    note="",
) -> Receipt:
    """A delivery against a placed order: ``lines`` maps order lines (or ids) to the quantity
    that came (or is a list of pairs); zero quantities are left out. Waits for its check."""
    order = lock_order(order)
    _access(by, order.school_id, RECORD_PERM, _("You may not record deliveries in this school."))
    if order.status not in RECEIVABLE:
        raise IllegalTransition(
            _("Deliveries are recorded against a placed order; this one is %(status)s.")
            % {"status": order.get_status_display()},
            code="NotPlaced",
        )
    pairs = list(lines.items()) if isinstance(lines, dict) else list(lines or ())
    order_lines = {
        line.pk: line
        for line in order.lines.select_related("request_line__request", "request_line__item")
    }
    waiting = waiting_quantities(order)
    wanted: list[tuple[PurchaseOrderLine, Decimal]] = []
    seen: set[int] = set()
    for key, quantity in pairs:
        pk = getattr(key, "pk", key)
        line = order_lines.get(pk)
        if line is None:
            raise DomainError(_("A delivered line is not on this order."))
        if pk in seen:
            raise DomainError(_("A line is given twice."))
        seen.add(pk)
        if quantity in (None, ""):
            continue
        from houqin.stores.ledger import quantity_of

        quantity = quantity_of(quantity, allow_zero=True)
        if quantity == 0:
            continue
        request_line = line.request_line
        left = line.quantity - line.received_quantity - waiting.get(pk, ZERO)
        if quantity > left:
            raise DomainError(
                _(
                    "%(what)s: %(wanted)s %(unit)s delivered, but only %(left)s %(unit)s are left "
                    "to receive on this order."
                )  # fmt: skip
                % {
                    "what": request_line.description,
                    "wanted": plain(quantity),
                    "left": plain(max(left, ZERO)),
                    "unit": request_line.unit,
                },  # fmt: skip
                code="OverReceived",
            )
        if request_line.kind == LineKind.ASSET:
            if not request_line.asset_category_id:
                raise DomainError(
                    _("%(what)s becomes an asset but its request names no asset category.")
                    % {"what": request_line.description},
                    code="NoAssetCategory",
                )
            if quantity != quantity.to_integral_value():
                raise DomainError(
                    _("%(what)s: assets are received in whole units.")
                    % {"what": request_line.description}
                )
        wanted.append((line, quantity))
    if not wanted:
        raise DomainError(_("Give the quantity delivered of at least one line."), code="NoLines")
    has_stock = any(line.request_line.kind == LineKind.STOCK for line, _q in wanted)
    if has_stock:
        store = store or _default_store(order.school_id)
        if store is None:
            raise DomainError(
                _("Choose the store the goods go into (no store is set up yet)."),
                code="StoreRequired",
            )
    if store is not None and store.school_id != order.school_id:
        raise DomainError(_("Choose a store of this school."))
    files = _check_files(invoice_files)
    receipt = Receipt(
        school_id=order.school_id,
        order=order,
        received_on=received_on or timezone.localdate(),
        recorded_by=by,
        invoice_number=(invoice_number or "").strip(),
        invoice_amount=_money(invoice_amount),
        store=store if has_stock else None,
        check_note="",
    )
    receipt.assign_number()
    receipt.full_clean()
    receipt.save()
    ReceiptLine.objects.bulk_create(
        [
            ReceiptLine(school_id=order.school_id, receipt=receipt, order_line=line, quantity=q)
            for line, q in wanted
        ]
    )
    timeline.record(
        receipt,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        to_state=ReceiptStatus.RECORDED,
        text=(note or "").strip()
        or gettext("Delivery recorded; waiting for the acceptance check."),
    )
    if files:
        timeline.attach(receipt, by=by, files=files, text=gettext("Invoice"))
    timeline.record(
        order,
        by=by,
        kind=timeline.Kind.EVENT,
        text=gettext("Delivery %(number)s recorded.") % {"number": receipt.number},
        data={"receipt": receipt.pk},
    )
    return receipt


@transaction.atomic
def attach_invoice(receipt: Receipt, *, by, files, invoice_number=None, invoice_amount=None):
    """Add the invoice (number, amount, scan) to a delivery, also after it was accepted."""
    _access(by, receipt.school_id, RECORD_PERM, _("You may not change deliveries in this school."))
    fields = []
    if invoice_number is not None:
        receipt.invoice_number = invoice_number.strip()
        fields.append("invoice_number")
    if invoice_amount not in (None, ""):
        receipt.invoice_amount = _money(invoice_amount)
        fields.append("invoice_amount")
    files = _check_files(files)
    if fields:
        receipt.save(update_fields=[*fields, "updated_at"])
    if files:
        timeline.attach(receipt, by=by, files=files, text=gettext("Invoice"))
    return receipt


# ---------------------------------------------------------------- the acceptance check


def _lock_receipt(receipt: Receipt) -> Receipt:
    from django.db import connection

    rows = Receipt.objects.filter(pk=receipt.pk)
    if connection.features.has_select_for_update:
        rows = rows.select_for_update()
    fresh = rows.get()
    for field in fresh._meta.concrete_fields:
        setattr(receipt, field.attname, getattr(fresh, field.attname))
    return receipt


def may_check(receipt: Receipt, user) -> bool:
    """Is ``user`` someone who may check this delivery (not the order's buyer)?"""
    access = access_for(user, receipt.school_id)
    return (
        access.is_member
        and access.has_perm(CHECK_PERM)
        and receipt.order.buyer_id != getattr(user, "pk", None)
    )


def _check_checker(receipt: Receipt, by):
    access = _access(
        by, receipt.school_id, CHECK_PERM, _("You may not check deliveries in this school.")
    )
    if receipt.order.buyer_id == getattr(by, "pk", None):
        raise PermissionDenied(
            _(
                "The buyer of the order cannot check its delivery: someone else does the "
                "acceptance check (验收)."
            ),  # fmt: skip
            code="BuyerCannotAccept",
        )
    return access


@transaction.atomic
def accept(receipt: Receipt, *, by, note="") -> Receipt:
    """The acceptance check passed: the goods go into stock or onto the register, and the
    received quantities move on the order and the requests."""
    receipt = _lock_receipt(receipt)
    order = lock_order(receipt.order)
    access = _check_checker(receipt, by)
    if receipt.status != ReceiptStatus.RECORDED:
        raise IllegalTransition(
            _("This delivery is %(status)s already.") % {"status": receipt.get_status_display()}
        )
    lines = list(
        receipt.lines.select_related(
            "order_line__request_line__request__department",
            "order_line__request_line__item",
            "order_line__request_line__asset_category",
            "order_line__request_line__request__budget_category",
        ).order_by("pk")
    )
    kinds = {line.order_line.request_line.kind for line in lines}
    if LineKind.STOCK in kinds and not access.has_perm(STOCK_PERM):
        raise PermissionDenied(_("Accepting stock needs the right to receive stock."))
    if LineKind.ASSET in kinds and not access.has_perm(ASSET_PERM):
        raise PermissionDenied(
            _("This delivery brings assets: whoever keeps the asset register checks it.")
        )
    if LineKind.STOCK in kinds and receipt.store_id is None:
        raise DomainError(_("Choose the store the goods go into."), code="StoreRequired")
    now = timezone.now()
    MACHINE.perform(
        receipt,
        "accept",
        by=by,
        system=True,
        note=(note or "").strip(),
        values={"accepted_by": by, "accepted_at": now, "check_note": (note or "").strip()},
    )
    request_ids = set()
    for line in lines:
        order_line = line.order_line
        request_line = order_line.request_line
        updated = PurchaseOrderLine.objects.filter(
            pk=order_line.pk, received_quantity__lte=F("quantity") - line.quantity
        ).update(received_quantity=F("received_quantity") + line.quantity)
        if not updated:
            raise DomainError(
                _("%(what)s: more would be received than was ordered.")
                % {"what": request_line.description},
                code="OverReceived",
            )
        PurchaseRequestLine.objects.filter(pk=request_line.pk).update(
            received_quantity=F("received_quantity") + line.quantity
        )
        request_ids.add(request_line.request_id)
        if request_line.kind == LineKind.STOCK:
            line.stock_move = _into_stock(receipt, order, line, by=by)
            line.save(update_fields=["stock_move", "updated_at"])
        elif request_line.kind == LineKind.ASSET:
            line.asset_ids = _onto_register(receipt, order, line, by=by)
            line.save(update_fields=["asset_ids", "updated_at"])
    _move_order(order, by=by)
    for request in PurchaseRequest.objects.filter(pk__in=sorted(request_ids)).order_by("pk"):
        refresh_progress(request)
    _tell(receipt, order, request_ids, by=by)
    return receipt


@transaction.atomic
def refuse(receipt: Receipt, *, by, reason) -> Receipt:
    """The delivery failed its check (wrong, damaged, short): nothing goes into stock; the
    quantities stay open on the order."""
    receipt = _lock_receipt(receipt)
    _check_checker(receipt, by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for refusing the delivery."), code="ReasonRequired")
    if receipt.status != ReceiptStatus.RECORDED:
        raise IllegalTransition(
            _("This delivery is %(status)s already.") % {"status": receipt.get_status_display()}
        )
    MACHINE.perform(
        receipt,
        "refuse",
        by=by,
        system=True,
        note=reason,
        values={"accepted_by": by, "accepted_at": timezone.now(), "check_note": reason},
    )
    notify(
        recipients=[receipt.order.buyer],
        title=gettext("Delivery %(number)s was refused") % {"number": receipt.number},
        body=reason,
        url=receipt.get_absolute_url(),
        category="purchasing",
        school=receipt.school_id,
        source=receipt,
    )
    return receipt


# ---------------------------------------------------------------- what accepting makes


def _note(receipt: Receipt, order: PurchaseOrder, request: PurchaseRequest) -> str:
    return gettext("Order %(order)s, request %(request)s, receipt %(receipt)s") % {
        "order": order.number,
        "request": request.number,
        "receipt": receipt.number,
    }


def item_for(request_line: PurchaseRequestLine):
    """The catalogue item of a stock line; a free-text line gets one made (or an existing one
    with the same name, specification and unit), remembered on the request line."""
    from houqin.stores.models import Item

    if request_line.item_id:
        return request_line.item
    school_id = request_line.school_id
    item = (
        Item.objects.filter(
            school_id=school_id,
            name=request_line.description,
            specification=request_line.specification,
            unit=request_line.unit,
        )
        .order_by("pk")
        .first()
    )
    if item is None:
        code = f"CG{request_line.pk:06d}"
        suffix = 1
        while Item.objects.filter(school_id=school_id, code=code).exists():
            suffix += 1
            code = f"CG{request_line.pk:06d}-{suffix}"
        item = Item(
            school_id=school_id,
            code=code,
            name=request_line.description,
            specification=request_line.specification,
            unit=request_line.unit,
            reference_price=request_line.estimated_price.quantize(Decimal("0.01")),
            note=gettext("Added by receiving request %(number)s")
            % {"number": request_line.request.number},
        )
        item.full_clean()
        item.save()
    PurchaseRequestLine.objects.filter(pk=request_line.pk).update(item=item)
    request_line.item = item
    return item


def _into_stock(receipt: Receipt, order: PurchaseOrder, line: ReceiptLine, *, by):
    from houqin.stores import ledger

    request_line = line.order_line.request_line
    return ledger.receive(
        item=item_for(request_line),
        store=receipt.store,
        quantity=line.quantity,
        unit_cost=line.order_line.unit_price,
        by=by,
        document=receipt,
        note=_note(receipt, order, request_line.request),
    )


def _onto_register(receipt: Receipt, order: PurchaseOrder, line: ReceiptLine, *, by) -> list:
    from houqin.assets import services as assets
    from houqin.assets.models import AssetKind, AssetSettings
    from houqin.assets.models.categories import ValueRule

    request_line = line.order_line.request_line
    request = request_line.request
    category = request_line.asset_category
    unit_price = line.order_line.unit_price.quantize(Decimal("0.01"))
    settings = AssetSettings.for_school(receipt.school_id)
    kind = settings.kind_for(category, unit_price)
    fields = {
        "category": category,
        "name": request_line.description[:100],
        "model": request_line.specification,
        "unit": request_line.unit,
        "unit_price": unit_price,
        "supplier": order.vendor.name,
        "invoice_number": receipt.invoice_number,
        "acquired_on": receipt.received_on,
        "funding_source": order.funding_source,
        "department": request.department,
        "kind": kind,
        "notes": _note(receipt, order, request),
    }
    count = int(line.quantity)
    if kind == AssetKind.FIXED and category.value_rule != ValueRule.ALWAYS_FIXED:
        if count > MAX_CARDS_PER_LINE:
            raise DomainError(
                _("%(what)s: at most %(count)d cards are registered from one line.")
                % {"what": request_line.description, "count": MAX_CARDS_PER_LINE}
            )
        cards = assets.register_batch(
            school=receipt.school_id, by=by, count=count, quantity=Decimal("1"), **fields
        )
    else:  # batch-style categories and low-value items: one card counting the quantity
        cards = [
            assets.register_asset(
                school=receipt.school_id,
                by=by,
                quantity=line.quantity.quantize(Decimal("0.01")),
                **fields,
            )
        ]
    return [card.pk for card in cards]


def _move_order(order: PurchaseOrder, *, by) -> None:
    short = order.lines.filter(received_quantity__lt=F("quantity")).exists()
    target = "partly_received" if short else "received"
    if target == "partly_received" and order.status == OrderStatus.PARTLY_RECEIVED:
        return
    ORDER_MACHINE.perform(order, target, by=by, system=True)


def _tell(receipt: Receipt, order: PurchaseOrder, request_ids, *, by) -> None:
    requesters = {
        r.requested_by
        for r in PurchaseRequest.objects.filter(pk__in=request_ids).select_related("requested_by")
    }
    recipients = [u for u in {order.buyer, *requesters} if u.pk != getattr(by, "pk", None)]
    if not recipients:
        return
    notify(
        recipients=recipients,
        title=gettext("Delivery %(number)s was accepted") % {"number": receipt.number},
        body=gettext("Order %(order)s from %(vendor)s.")
        % {"order": order.number, "vendor": order.vendor.name},
        url=receipt.get_absolute_url(),
        category="purchasing",
        school=receipt.school_id,
        source=receipt,
    )


def pending_by_line(receipts) -> dict[int, Decimal]:
    """Order line id → quantity in these receipts (for pages)."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for receipt in receipts:
        for line in receipt.lines.all():
            totals[line.order_line_id] += line.quantity
    return dict(totals)


__all__ = [
    "MACHINE",
    "accept",
    "attach_invoice",
    "item_for",
    "may_check",
    "record_receipt",
    "refuse",
    "waiting_quantities",
]

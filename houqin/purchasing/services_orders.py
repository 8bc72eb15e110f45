"""Purchase orders (采购单): consolidating approved request lines by vendor, editing a draft,
placing it with the vendor, cancelling it. Receiving is in ``services_receiving``.

Ordered quantities are reserved on the request lines when a draft is created
(``PurchaseRequestLine.ordered_quantity``), so two buyers cannot order the same line twice:
the request lines are locked in id order (PostgreSQL; SQLite's writer holds the file) and
each reservation is a conditional UPDATE that refuses to order more than was approved.
A cancelled order gives its quantities back. The request's status follows its lines
(``houqin.purchasing.progress.refresh_progress``).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from houqin.core import timeline
from houqin.core.errors import Conflict, DomainError, IllegalTransition, PermissionDenied
from houqin.core.scoping import access_for
from houqin.core.states import StateMachine, Transition, has_perm

from .models import (
    ZERO,
    OrderStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    ReceiptStatus,
    RequestStatus,
)
from .progress import refresh_progress

BUY_PERM = "purchasing.add_purchaseorder"
CHANGE_PERM = "purchasing.change_purchaseorder"
MILLI = Decimal("0.001")
PRICE_PLACES = Decimal("0.0001")
CENT = Decimal("0.01")
# Requests whose lines may still be ordered.
ORDERABLE_STATUSES = (
    RequestStatus.APPROVED,
    RequestStatus.ORDERED,
    RequestStatus.PARTLY_RECEIVED,
)
MAX_LINES = 200

MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition(
            "place",
            source={OrderStatus.DRAFT},
            target=OrderStatus.PLACED,
            allowed=has_perm(CHANGE_PERM),
            label=_("Place the order with the vendor"),
        ),
        Transition(
            "cancel",
            source={OrderStatus.DRAFT, OrderStatus.PLACED},
            target=OrderStatus.CANCELLED,
            allowed=has_perm(CHANGE_PERM),
            label=_("Cancel the order"),
        ),
        Transition(
            "partly_received",
            source={OrderStatus.PLACED, OrderStatus.PARTLY_RECEIVED},
            target=OrderStatus.PARTLY_RECEIVED,
            system_only=True,
            label=_("Partly received"),
        ),
        Transition(
            "received",
            source={OrderStatus.PLACED, OrderStatus.PARTLY_RECEIVED},
            target=OrderStatus.RECEIVED,
            system_only=True,
            label=_("Received in full"),
        ),
    ],
)


# ---------------------------------------------------------------- small helpers


def _school_id(school) -> int:
    return getattr(school, "pk", school)


def plain(value) -> str:
    """1.000 → "1", 2.500 → "2.5"."""
    return format(Decimal(value).normalize(), "f") if value is not None else ""


def _quantity(value, *, what) -> Decimal:
    try:
        quantity = Decimal(str(value)).quantize(MILLI, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_("%(what)s: the quantity must be a number.") % {"what": what}) from None
    if not quantity.is_finite() or quantity <= 0:
        raise DomainError(_("%(what)s: the quantity must be greater than zero.") % {"what": what})
    return quantity


def _price(value, *, what) -> Decimal:
    try:
        price = Decimal(str(value)).quantize(PRICE_PLACES, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_("%(what)s: the price must be a number.") % {"what": what}) from None
    if not price.is_finite() or price < 0:
        raise DomainError(_("%(what)s: the price cannot be negative.") % {"what": what})
    return price


def check_buyer(by, school_id: int, perm: str = BUY_PERM):
    """``by`` buys for the school (the director or the clerk); returns the access."""
    access = access_for(by, school_id)
    if not access.is_member or access.school_id != school_id or not access.has_perm(perm):
        raise PermissionDenied(_("Only the school's buyers (logistics) may do this."))
    return access


def lock_order(order: PurchaseOrder) -> PurchaseOrder:
    """Re-read the order under lock so two people do not change it at once."""
    rows = PurchaseOrder.objects.filter(pk=order.pk)
    if connection.features.has_select_for_update:
        rows = rows.select_for_update()
    fresh = rows.get()
    for field in fresh._meta.concrete_fields:
        setattr(order, field.attname, getattr(fresh, field.attname))
    return order


def _lock_request_lines(ids) -> dict[int, PurchaseRequestLine]:
    rows = (
        PurchaseRequestLine.objects.filter(pk__in=sorted(set(ids)))
        .select_related("request", "item", "request__chosen_quote")
        .order_by("pk")
    )
    if connection.features.has_select_for_update:
        rows = rows.select_for_update(of=("self",))
    return {line.pk: line for line in rows}


def _refresh_requests(request_ids) -> None:
    for request in PurchaseRequest.objects.filter(pk__in=sorted(set(request_ids))).order_by("pk"):
        refresh_progress(request)


def _recompute_total(order: PurchaseOrder) -> Decimal:
    total = sum((line.amount for line in order.lines.all()), ZERO)
    PurchaseOrder.objects.filter(pk=order.pk).update(total=total)
    order.total = total
    return total


# ---------------------------------------------------------------- what may be ordered


def quote_price(line: PurchaseRequestLine) -> Decimal:
    """The line's unit price: its share of the chosen quote (the quote is for the whole request,
    shared out in proportion to the estimates), else the estimate."""
    request = line.request
    quote = request.chosen_quote if request.chosen_quote_id else None
    estimate = line.estimated_price
    if quote is None or not request.estimated_total:
        return estimate.quantize(PRICE_PLACES)
    ratio = quote.amount / request.estimated_total
    return (estimate * ratio).quantize(PRICE_PLACES, rounding=ROUND_HALF_UP)


def vendor_for(line: PurchaseRequestLine):
    """Who the line is bought from: the chosen quote's vendor, else the item's preferred
    vendor, else nobody yet (the buyer chooses)."""
    request = line.request
    if request.chosen_quote_id:
        return request.chosen_quote.vendor
    if line.item_id and line.item.preferred_vendor_id:
        return line.item.preferred_vendor
    return None


def orderable_lines(school):
    """Approved request lines not yet fully ordered (for the buyer's "to order" page)."""
    return (
        PurchaseRequestLine.objects.filter(
            school_id=_school_id(school),
            request__status__in=ORDERABLE_STATUSES,
            ordered_quantity__lt=F("quantity"),
        )
        .select_related(
            "request__department",
            "request__chosen_quote__vendor",
            "item__preferred_vendor",
            "asset_category",
        )
        .order_by("request__approved_at", "request_id", "pk")
    )


@dataclass
class VendorGroup:
    vendor: object  # org.Company or None: "choose a vendor"
    lines: list


def group_by_vendor(lines) -> list[VendorGroup]:
    """Lines grouped by their vendor (those without one last)."""
    groups: OrderedDict = OrderedDict()
    for line in lines:
        vendor = vendor_for(line)
        key = vendor.pk if vendor is not None else None
        groups.setdefault(key, VendorGroup(vendor=vendor, lines=[])).lines.append(line)
    known = sorted((g for k, g in groups.items() if k is not None), key=lambda g: g.vendor.name)
    return known + ([groups[None]] if None in groups else [])


@dataclass
class Selection:
    """One request line to order: ``quantity`` None orders all that is left; ``vendor`` None
    takes the line's own (chosen quote, preferred vendor); ``unit_price`` None the quote share or
    the estimate."""

    request_line: PurchaseRequestLine | int
    quantity: Decimal | None = None
    vendor: object = None
    unit_price: Decimal | None = None


def _check_quotes(request: PurchaseRequest) -> None:
    """H4's rule: above the school's threshold, the quotes and a choice come first."""
    try:
        from houqin.purchasing.services_requests import check_ready_to_order
    except ImportError:  # the requests area not there yet: nothing to check against
        return
    check_ready_to_order(request)


# ---------------------------------------------------------------- creating


@transaction.atomic
def create_orders(*, by, school, selections, expected_on=None, note="") -> list[PurchaseOrder]:
    """Draft orders from approved request lines, one per vendor. Each line's quantity is
    reserved on its request line at once; nothing is written when one line is refused."""
    school_id = _school_id(school)
    check_buyer(by, school_id)
    selections = [s if isinstance(s, Selection) else Selection(s) for s in selections or ()]
    if not selections:
        raise DomainError(_("Choose at least one request line to order."), code="NoLines")
    if len(selections) > MAX_LINES:
        raise DomainError(_("At most %(count)d lines fit on one go.") % {"count": MAX_LINES})
    ids = [getattr(s.request_line, "pk", s.request_line) for s in selections]
    if len(set(ids)) != len(ids):
        raise DomainError(_("A request line is chosen twice."))
    locked = _lock_request_lines(ids)
    missing = [i for i in ids if i not in locked or locked[i].school_id != school_id]
    if missing:
        raise DomainError(_("Some of the chosen lines are not in this school."))
    checked_requests: set[int] = set()
    groups: OrderedDict = OrderedDict()
    for selection, line_id in zip(selections, ids, strict=True):
        line = locked[line_id]
        request = line.request
        what = f"{request.number} {line.description}"
        if request.status not in ORDERABLE_STATUSES:
            raise IllegalTransition(
                _("%(what)s: the request is %(status)s; only approved requests are ordered.")
                % {"what": what, "status": request.get_status_display()}
            )
        if request.pk not in checked_requests:
            _check_quotes(request)
            checked_requests.add(request.pk)
        left = line.quantity - line.ordered_quantity
        quantity = (
            left if selection.quantity in (None, "") else _quantity(selection.quantity, what=what)
        )
        if quantity > left or left <= 0:
            raise DomainError(
                _("%(what)s: only %(left)s %(unit)s are left to order, not %(wanted)s.")
                % {
                    "what": what,
                    "left": plain(max(left, ZERO)),
                    "unit": line.unit,
                    "wanted": plain(quantity),
                },  # fmt: skip
                code="OverOrdered",
            )
        vendor = selection.vendor or vendor_for(line)
        if vendor is None:
            raise DomainError(
                _("%(what)s: choose a vendor.") % {"what": what}, code="VendorRequired"
            )
        if vendor.school_id != school_id:
            raise DomainError(_("Choose a vendor of this school."))
        price = (
            quote_price(line)
            if selection.unit_price in (None, "")
            else _price(selection.unit_price, what=what)
        )
        groups.setdefault(vendor.pk, (vendor, []))[1].append((line, quantity, price))

    orders = []
    for vendor, rows in groups.values():
        order = PurchaseOrder(
            school_id=school_id,
            vendor=vendor,
            buyer=by,
            expected_on=expected_on,
            note=(note or "").strip(),
        )
        order.assign_number()
        order.full_clean()
        order.save()
        order_lines = []
        for line, quantity, price in rows:
            _reserve(line, quantity)
            order_lines.append(
                PurchaseOrderLine(
                    school_id=school_id,
                    order=order,
                    request_line=line,
                    quantity=quantity,
                    unit_price=price,
                )
            )
        PurchaseOrderLine.objects.bulk_create(order_lines)
        _recompute_total(order)
        timeline.record(
            order,
            by=by,
            kind=timeline.Kind.STATE_CHANGE,
            to_state=OrderStatus.DRAFT,
            text=gettext("Order drafted from %(requests)s.")
            % {"requests": "、".join(sorted({line.request.number for line, _q, _p in rows}))},
        )
        orders.append(order)
    _refresh_requests(line.request_id for line in locked.values())
    return orders


def _reserve(line: PurchaseRequestLine, quantity: Decimal) -> None:
    """Add ``quantity`` to the line's ordered quantity, never past what was approved."""
    updated = PurchaseRequestLine.objects.filter(
        pk=line.pk, ordered_quantity__lte=F("quantity") - quantity
    ).update(ordered_quantity=F("ordered_quantity") + quantity)
    if not updated:
        raise Conflict(
            _("%(what)s was ordered by someone else meanwhile. Reload and try again.")
            % {"what": line.description}
        )
    line.ordered_quantity += quantity


def _release(line_id: int, quantity: Decimal) -> None:
    PurchaseRequestLine.objects.filter(pk=line_id).update(
        ordered_quantity=F("ordered_quantity") - quantity
    )


# ---------------------------------------------------------------- changing a draft


@transaction.atomic
def update_order(
    order: PurchaseOrder,
    *,
    by,
    lines: dict | None = None,
    expected_on=None,
    note=None,
    funding_source=None,
) -> PurchaseOrder:
    """Change a draft: ``lines`` maps an order line (or its id) to ``{"quantity", "unit_price"}``
    (either optional; quantity 0 removes the line). Quantities move the reservation on the
    request lines."""
    order = lock_order(order)
    check_buyer(by, order.school_id, CHANGE_PERM)
    if order.status != OrderStatus.DRAFT:
        raise IllegalTransition(_("Only a draft order can be changed; this one is %(status)s.")
                                % {"status": order.get_status_display()})  # fmt: skip
    changed = []
    if expected_on is not None:
        order.expected_on = expected_on or None
        changed.append("expected_on")
    if note is not None:
        order.note = note.strip()
        changed.append("note")
    if funding_source is not None:
        order.funding_source = funding_source.strip()
        changed.append("funding_source")
    request_ids = set()
    if lines:
        current = {line.pk: line for line in order.lines.select_related("request_line")}
        wanted = {getattr(k, "pk", k): v for k, v in lines.items()}
        unknown = [k for k in wanted if k not in current]
        if unknown:
            raise DomainError(_("A line is not on this order."))
        locked = _lock_request_lines(current[k].request_line_id for k in wanted)
        for pk, values in wanted.items():
            line = current[pk]
            request_line = locked[line.request_line_id]
            what = request_line.description
            if values.get("unit_price") not in (None, ""):
                line.unit_price = _price(values["unit_price"], what=what)
            quantity = values.get("quantity")
            if quantity in (None, ""):
                line.save(update_fields=["unit_price"])
                continue
            if Decimal(str(quantity)) == 0:
                _release(request_line.pk, line.quantity)
                line.delete()
                request_ids.add(request_line.request_id)
                continue
            quantity = _quantity(quantity, what=what)
            difference = quantity - line.quantity
            if difference > 0:
                left = request_line.quantity - request_line.ordered_quantity
                if difference > left:
                    raise DomainError(
                        _("%(what)s: only %(left)s %(unit)s more can be ordered.")
                        % {"what": what, "left": plain(left), "unit": request_line.unit},
                        code="OverOrdered",
                    )
                _reserve(request_line, difference)
            elif difference < 0:
                _release(request_line.pk, -difference)
            line.quantity = quantity
            line.full_clean(exclude=["order", "request_line", "school"])
            line.save(update_fields=["quantity", "unit_price"])
            request_ids.add(request_line.request_id)
        if not order.lines.exists():
            raise DomainError(
                _("An order needs at least one line; cancel it instead."), code="NoLines"
            )
    order.version += 1
    order.full_clean()
    order.save(update_fields=[*changed, "version", "updated_at"])
    _recompute_total(order)
    _refresh_requests(request_ids)
    timeline.record(order, by=by, kind=timeline.Kind.EVENT, text=gettext("Order changed."))
    return order


# ---------------------------------------------------------------- placing and cancelling


@transaction.atomic
def place(order: PurchaseOrder, *, by, placed_on=None, expected_on=None) -> PurchaseOrder:
    """Draft → placed with the vendor (the date it was sent)."""
    order = lock_order(order)
    check_buyer(by, order.school_id, CHANGE_PERM)
    if order.status == OrderStatus.DRAFT and not order.lines.exists():
        raise DomainError(_("An order needs at least one line."), code="NoLines")
    values = {"placed_on": placed_on or timezone.localdate()}
    if expected_on:
        values["expected_on"] = expected_on
    return MACHINE.perform(order, "place", by=by, values=values)


def _nothing_received(order: PurchaseOrder) -> bool:
    return not order.receipts.exclude(status=ReceiptStatus.REFUSED).exists()


@transaction.atomic
def cancel(order: PurchaseOrder, *, by, reason) -> PurchaseOrder:
    """A draft or placed order that nothing was delivered against: its quantities go back to the
    request lines (which can be ordered again)."""
    order = lock_order(order)
    check_buyer(by, order.school_id, CHANGE_PERM)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."), code="ReasonRequired")
    if order.status in (OrderStatus.DRAFT, OrderStatus.PLACED) and not _nothing_received(order):
        raise IllegalTransition(
            _(
                "Deliveries were recorded against this order: it cannot be cancelled. Refuse "
                "the waiting delivery first."
            ),  # fmt: skip
            code="HasReceipts",
        )
    lines = list(order.lines.select_related("request_line"))
    MACHINE.perform(order, "cancel", by=by, note=reason)
    _lock_request_lines(line.request_line_id for line in lines)
    request_ids = set()
    for line in lines:
        _release(line.request_line_id, line.quantity)
        request_ids.add(line.request_line.request_id)
    _refresh_requests(request_ids)
    return order


def available_actions(order: PurchaseOrder, user) -> list[Transition]:
    """The buttons ``user`` may press on ``order`` now."""
    found = MACHINE.available(order, user)
    if order.status == OrderStatus.PLACED and not _nothing_received(order):
        found = [t for t in found if t.name != "cancel"]
    return found


__all__ = [
    "MACHINE",
    "Selection",
    "VendorGroup",
    "available_actions",
    "cancel",
    "create_orders",
    "group_by_vendor",
    "orderable_lines",
    "place",
    "quote_price",
    "update_order",
    "vendor_for",
]

"""Demo records of this area (called by the app's demo.build, after the requests' demo and the
stores' catalogue): orders for most approved requests, placed with their vendors, and
deliveries — most accepted in full, some partly, one waiting for its acceptance check, a few
orders still waiting for the vendor. Stock comes into the default store; asset lines become
cards on the register. Everything goes through the services, as the demo people (the clerk
buys, the keeper records deliveries, the director checks them). Idempotent: a school that
already has orders is left alone; a school with no approved requests gets nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from houqin.core.errors import DomainError

from . import services_orders as orders
from . import services_receiving as receiving
from .models import LineKind, PurchaseOrder, PurchaseRequest, RequestStatus


def _member_with(school, role):
    from houqin.org.models import User

    return (
        User.objects.filter(
            memberships__school=school,
            memberships__is_active=True,
            memberships__roles__role=role,
        )
        .order_by("pk")
        .first()
    )


def _people(school):
    buyer = _member_with(school, "clerk") or _member_with(school, "director")
    checker = _member_with(school, "director")
    if checker is not None and buyer is not None and checker.pk == buyer.pk:
        checker = _member_with(school, "principal")
    keeper = _member_with(school, "keeper") or buyer
    return buyer, checker, keeper


def _as_member(user, school):
    """The services act in the user's current school: the demo makes it this one."""
    user.current_school = school
    return user


def _fallback_vendor(school):
    from houqin.org.models import Company

    return Company.objects.filter(school=school, is_active=True).order_by("pk").first()


def build(schools) -> None:
    for school in schools.values() if hasattr(schools, "values") else schools:
        build_school(school)


def build_school(school) -> int:
    """Orders and deliveries for ``school``; returns how many orders were made."""
    if PurchaseOrder.objects.filter(school=school).exists():
        return 0
    requests = list(
        PurchaseRequest.objects.filter(school=school, status=RequestStatus.APPROVED)
        .prefetch_related("lines")
        .order_by("approved_at", "pk")
    )
    buyer, checker, keeper = _people(school)
    if not requests or buyer is None or checker is None:
        return 0
    buyer, checker, keeper = (_as_member(u, school) for u in (buyer, checker, keeper))
    vendor = _fallback_vendor(school)
    today = timezone.localdate()
    made = 0
    # Most approved requests are ordered; the last few wait on the "to order" page.
    to_order = requests[: max(1, len(requests) * 4 // 5)]
    for index, request in enumerate(to_order):
        try:
            with transaction.atomic():
                created = _order(request, buyer=buyer, vendor=vendor, today=today)
        except DomainError:
            continue  # e.g. quotes still missing: it stays on the "to order" page
        for order in created:
            made += 1
            _deliver(order, index, by=keeper, checker=checker, today=today)
    return made


def _order(request, *, buyer, vendor, today):
    selections = []
    for line in request.lines.all():
        if line.left_to_order <= 0:
            continue
        selections.append(
            orders.Selection(line, vendor=None if orders.vendor_for(line) else vendor)
        )
    if not selections:
        return []
    created = orders.create_orders(by=buyer, school=request.school_id, selections=selections)
    approved = timezone.localdate(request.approved_at) if request.approved_at else today
    placed_on = min(approved + timedelta(days=2), today)
    return [orders.place(order, by=buyer, placed_on=placed_on) for order in created]


def _deliver(order, index: int, *, by, checker, today) -> None:
    """Every fifth order waits for the vendor; one in five comes in part; one delivery waits
    for its check; the rest come in full and are accepted."""
    kind = index % 5
    if kind == 0:
        return
    lines = list(order.lines.select_related("request_line"))
    received_on = min(order.placed_on + timedelta(days=5 + index % 7), today)
    half = kind == 1
    quantities = {}
    for line in lines:
        quantity = line.quantity
        if half:
            quantity = (quantity / 2).quantize(Decimal("1"), rounding=ROUND_DOWN)
        if line.request_line.kind == LineKind.ASSET and not line.request_line.asset_category_id:
            continue
        if quantity > 0:
            quantities[line] = quantity
    if not quantities:
        return
    try:
        with transaction.atomic():
            receipt = receiving.record_receipt(
                order,
                by=by,
                lines=quantities,
                received_on=received_on,
                invoice_number=f"FP{order.number[-6:]}",
                invoice_amount=sum((q * line.unit_price for line, q in quantities.items()),
                                   Decimal("0")).quantize(Decimal("0.01")),
            )  # fmt: skip
            if kind == 2 and index < 5:
                return  # the one waiting for its acceptance check
            receiving.accept(receipt, by=checker, note="数量、规格、外观核对无误")
    except DomainError:
        return

"""This area's registrations, imported by the app's ready(): the to-do source "deliveries
waiting for my acceptance check" (for those who may check deliveries, minus the orders they
bought themselves)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core import todo

CHECK_PERM = "purchasing.change_receipt"


def _waiting(access):
    from .models import Receipt, ReceiptStatus

    if not access.is_member or not access.has_perm(CHECK_PERM):
        return None
    return (
        Receipt.objects.filter(school_id=access.school_id, status=ReceiptStatus.RECORDED)
        .exclude(order__buyer_id=getattr(access.user, "pk", None))
        .select_related("order__vendor")
    )


def _items(access, limit):
    waiting = _waiting(access)
    if waiting is None:
        return []
    return [
        todo.TodoItem(
            title=str(_("Check the delivery of %(order)s from %(vendor)s"))
            % {"order": receipt.order.number, "vendor": receipt.order.vendor.name},
            url=reverse("purchasing:receipt_detail", args=[receipt.pk]),
            source="purchasing.receipts",
            module=str(_("Purchasing")),
            number=receipt.number,
            created_at=receipt.created_at,
        )
        for receipt in waiting.order_by("created_at", "pk")[:limit]
    ]


todo.register(
    todo.TodoSource(
        key="purchasing.receipts",
        label=_("Deliveries waiting for my acceptance check"),
        items=_items,
        counted=_waiting,
    )
)

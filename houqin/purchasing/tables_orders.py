"""Tables of the order and receipt lists and of their lines (pages and Excel exports)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import BaseTable

from .models import PurchaseOrder, Receipt

NEWEST_FIRST = ("-created_at", "-pk")
NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class OrderTable(BaseTable):
    number = tables.Column(
        linkify=("purchasing:order_detail", [tables.A("pk")]), order_by=("number", "pk")
    )
    vendor = tables.Column(order_by=("vendor__name", *NEWEST_FIRST))
    status = tables.Column(order_by=("status", *NEWEST_FIRST))
    buyer = tables.Column(orderable=False)
    placed_on = tables.DateColumn(format="Y-m-d", order_by=("placed_on", "pk"))
    expected_on = tables.DateColumn(format="Y-m-d", order_by=("expected_on", "pk"))
    total = tables.Column(order_by=("total", "pk"), attrs=NUMBER)
    # Export only.
    funding_source = tables.Column(visible=False)
    note = tables.Column(visible=False)

    class Meta(BaseTable.Meta):
        model = PurchaseOrder
        fields = (
            "number",
            "vendor",
            "status",
            "buyer",
            "placed_on",
            "expected_on",
            "total",
            "funding_source",
            "note",
        )
        order_by = ("-created_at",)


class ReceiptTable(BaseTable):
    number = tables.Column(
        linkify=("purchasing:receipt_detail", [tables.A("pk")]), order_by=("number", "pk")
    )
    order = tables.Column(
        linkify=lambda record: record.order.get_absolute_url(), order_by=("order__number", "pk")
    )
    vendor = tables.Column(
        accessor="order__vendor", verbose_name=_("vendor"), order_by=("order__vendor__name", "pk")
    )
    received_on = tables.DateColumn(format="Y-m-d", order_by=("received_on", "pk"))
    status = tables.Column(order_by=("status", "-received_on", "-pk"))
    recorded_by = tables.Column(orderable=False)
    accepted_by = tables.Column(orderable=False)
    invoice_number = tables.Column(orderable=False)
    invoice_amount = tables.Column(order_by=("invoice_amount", "pk"), attrs=NUMBER)
    # Export only.
    check_note = tables.Column(visible=False)

    class Meta(BaseTable.Meta):
        model = Receipt
        fields = (
            "number",
            "order",
            "vendor",
            "received_on",
            "status",
            "recorded_by",
            "accepted_by",
            "invoice_number",
            "invoice_amount",
            "check_note",
        )
        order_by = ("-received_on",)


class OrderLineTable(BaseTable):
    request = tables.Column(
        accessor="request_line__request",
        verbose_name=_("request"),
        linkify=lambda record: record.request_line.request.get_absolute_url(),
        orderable=False,
    )
    description = tables.Column(
        accessor="request_line__description", verbose_name=_("description"), orderable=False
    )
    specification = tables.Column(
        accessor="request_line__specification", verbose_name=_("specification"), orderable=False
    )
    kind = tables.Column(accessor="request_line__kind", verbose_name=_("becomes"), orderable=False)
    quantity = tables.Column(orderable=False, attrs=NUMBER)
    unit = tables.Column(accessor="request_line__unit", verbose_name=_("unit"), orderable=False)
    unit_price = tables.Column(orderable=False, attrs=NUMBER)
    amount = tables.Column(verbose_name=_("amount (¥)"), orderable=False, attrs=NUMBER)
    received_quantity = tables.Column(orderable=False, attrs=NUMBER)

    class Meta(BaseTable.Meta):
        fields = ()

    def render_quantity(self, value):
        return format(value.normalize(), "f")

    def render_received_quantity(self, value):
        return format(value.normalize(), "f")

    def render_kind(self, record):
        return record.request_line.get_kind_display()


class ReceiptLineTable(BaseTable):
    description = tables.Column(
        accessor="order_line__request_line__description",
        verbose_name=_("description"),
        orderable=False,
    )
    quantity = tables.Column(orderable=False, attrs=NUMBER)
    unit = tables.Column(
        accessor="order_line__request_line__unit", verbose_name=_("unit"), orderable=False
    )
    unit_price = tables.Column(
        accessor="order_line__unit_price", verbose_name=_("unit price (¥)"), orderable=False,
        attrs=NUMBER,
    )  # fmt: skip
    became = tables.Column(
        verbose_name=_("became"), accessor="pk", orderable=False, empty_values=()
    )

    class Meta(BaseTable.Meta):
        fields = ()

    def render_quantity(self, value):
        return format(value.normalize(), "f")

    def render_became(self, record):
        if record.stock_move_id:
            return _("Stock move of %(quantity)s") % {
                "quantity": format(record.stock_move.quantity.normalize(), "f")
            }
        if record.asset_ids:
            return _("%(count)d asset cards") % {"count": len(record.asset_ids)}
        return record.order_line.request_line.get_kind_display()

"""Tables of the purchase request and budget lists (pages and Excel exports)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import ActionsColumn, BaseTable

from .models import Budget, PurchaseRequest, PurchaseRequestLine

NEWEST_FIRST = ("-created_at", "-pk")
MONEY = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class RequestTable(BaseTable):
    number = tables.Column(
        linkify=("purchasing:request_detail", [tables.A("pk")]), order_by=("number", "pk")
    )
    title = tables.Column(orderable=False)
    department = tables.Column(order_by=("department__name", *NEWEST_FIRST))
    status = tables.Column(order_by=("status", *NEWEST_FIRST))
    estimated_total = tables.Column(order_by=("estimated_total", "pk"), attrs=MONEY)
    over_budget = tables.BooleanColumn(orderable=False)
    requested_by = tables.Column(orderable=False)
    needed_by = tables.DateColumn(format="Y-m-d", order_by=("needed_by", "pk"))
    created_at = tables.DateTimeColumn(
        format="Y-m-d", verbose_name=_("asked on"), order_by=("created_at", "pk")
    )
    # Export only.
    budget_category = tables.Column(visible=False)
    budget_year = tables.Column(visible=False)
    reason = tables.Column(visible=False)

    class Meta(BaseTable.Meta):
        model = PurchaseRequest
        fields = (
            "number", "title", "department", "status", "estimated_total", "over_budget",
            "requested_by", "needed_by", "created_at", "budget_category", "budget_year", "reason",
        )  # fmt: skip
        order_by = ("-created_at",)


class RequestLineTable(BaseTable):
    description = tables.Column(verbose_name=_("what"), orderable=False)
    specification = tables.Column(orderable=False)
    kind = tables.Column(orderable=False)
    quantity = tables.Column(orderable=False, attrs=MONEY)
    unit = tables.Column(orderable=False)
    estimated_price = tables.Column(orderable=False, attrs=MONEY)
    estimated_amount = tables.Column(verbose_name=_("amount (¥)"), orderable=False, attrs=MONEY)
    ordered_quantity = tables.Column(orderable=False, attrs=MONEY)
    received_quantity = tables.Column(orderable=False, attrs=MONEY)

    class Meta(BaseTable.Meta):
        model = PurchaseRequestLine
        fields = (
            "description", "specification", "kind", "quantity", "unit", "estimated_price",
            "estimated_amount", "ordered_quantity", "received_quantity",
        )  # fmt: skip

    def render_quantity(self, value):
        return format(value.normalize(), "f")

    render_ordered_quantity = render_quantity
    render_received_quantity = render_quantity

    def render_estimated_price(self, value):
        return format(value.quantize(value.__class__("0.01")), "f")


class BudgetTable(BaseTable):
    year = tables.Column(order_by=("year", "pk"))
    department = tables.Column(order_by=("department__name", "pk"))
    category = tables.Column(order_by=("category__sort_order", "category__name", "pk"))
    amount = tables.Column(order_by=("amount", "pk"), attrs=MONEY)
    note = tables.Column(orderable=False)
    actions = ActionsColumn("purchasing:budget_edit")

    class Meta(BaseTable.Meta):
        model = Budget
        fields = ("year", "department", "category", "amount", "note")
        order_by = ("-year", "department")

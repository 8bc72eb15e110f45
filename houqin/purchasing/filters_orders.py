"""Filters of the order and receipt lists (one FilterSet for the page, the API and the export)."""

from __future__ import annotations

import django_filters
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import TenantFilterSet

from .models import OrderStatus, PurchaseOrder, Receipt, ReceiptStatus


def _org(name):
    return apps.get_model("org", name)


class OrderFilterSet(TenantFilterSet):
    search_fields = ("number", "vendor__name", "note", "lines__request_line__request__number")

    status = django_filters.MultipleChoiceFilter(
        choices=OrderStatus.choices, label=_("Status"), distinct=False
    )
    vendor = django_filters.ModelChoiceFilter(
        queryset=lambda request: _org("Company").objects.all(), label=_("Vendor")
    )
    # ?placed_after=YYYY-MM-DD&placed_before=YYYY-MM-DD
    placed = django_filters.DateFromToRangeFilter(
        field_name="placed_on", label=_("Ordered between")
    )

    class Meta:
        model = PurchaseOrder
        fields = ["q", "status", "vendor", "placed"]

    def search(self, queryset, name, value):
        # Searching through the lines may repeat an order: keep each once.
        return super().search(queryset, name, value).distinct()


class ReceiptFilterSet(TenantFilterSet):
    search_fields = ("number", "order__number", "order__vendor__name", "invoice_number")

    status = django_filters.MultipleChoiceFilter(
        choices=ReceiptStatus.choices, label=_("Status"), distinct=False
    )
    vendor = django_filters.ModelChoiceFilter(
        field_name="order__vendor",
        queryset=lambda request: _org("Company").objects.all(),
        label=_("Vendor"),
    )
    # ?received_after=YYYY-MM-DD&received_before=YYYY-MM-DD
    received = django_filters.DateFromToRangeFilter(
        field_name="received_on", label=_("Delivered between")
    )

    class Meta:
        model = Receipt
        fields = ["q", "status", "vendor", "received"]

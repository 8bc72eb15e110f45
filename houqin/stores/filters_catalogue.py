"""Filters of the item list and the stock ledger, shared by the pages, their exports and the
API (one FilterSet each)."""

from __future__ import annotations

import django_filters
from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import DateRangeWidget

from houqin.core.filters import TenantFilterSet, YesNoFilter

from .models import Item, ItemCategory, MoveKind, StockBalance, StockMove, Store
from .selectors import below_reorder_level


class ItemFilterSet(TenantFilterSet):
    """``store`` limits the list to items held in that store (and its on-hand column to it:
    the view annotates with ``selectors.with_stock``); ``below`` to items at or under their
    reorder level."""

    search_fields = ("code", "name", "specification")

    category = django_filters.ModelChoiceFilter(
        queryset=ItemCategory.objects.all(), label=_("Category")
    )
    store = django_filters.ModelChoiceFilter(
        field_name="balances__store",  # for the API schema; filter_store does the filtering
        queryset=Store.objects.all(),
        method="filter_store",
        label=_("Store"),
    )
    below = YesNoFilter(method="filter_below", label=_("At or below reorder level"))
    is_active = YesNoFilter(label=_("Active"))
    paper = YesNoFilter(field_name="sheets_per_unit", lookup_expr="isnull", exclude=True,
                        label=_("Paper"))  # fmt: skip

    class Meta:
        model = Item
        fields = ["q", "category", "store", "below", "is_active", "paper"]

    def filter_store(self, queryset, name, value):
        if not value:
            return queryset
        held = StockBalance.objects.filter(store=value, quantity__gt=0).values("item_id")
        return queryset.filter(pk__in=held)

    def filter_below(self, queryset, name, value):
        if value is None:
            return queryset
        if "on_hand" not in queryset.query.annotations:
            from .selectors import with_stock

            queryset = with_stock(queryset)
        below = below_reorder_level(queryset).values("pk")
        return queryset.filter(pk__in=below) if value else queryset.exclude(pk__in=below)


def _departments(request):
    return apps.get_model("org", "Department").objects.all()


class StockMoveFilterSet(TenantFilterSet):
    search_fields = ("item__code", "item__name", "document_number", "note")

    item = django_filters.ModelChoiceFilter(queryset=Item.objects.all(), label=_("Item"))
    store = django_filters.ModelChoiceFilter(queryset=Store.objects.all(), label=_("Store"))
    kind = django_filters.MultipleChoiceFilter(
        choices=MoveKind.choices, label=_("Kind"), distinct=False
    )
    department = django_filters.ModelChoiceFilter(queryset=_departments, label=_("Department"))
    # ?occurred_after=YYYY-MM-DD&occurred_before=YYYY-MM-DD, whole days in the school's zone.
    occurred = django_filters.DateFromToRangeFilter(
        field_name="occurred_at", label=_("Between"), widget=DateRangeWidget(attrs={"type": "date"})
    )
    category = django_filters.ModelChoiceFilter(
        queryset=ItemCategory.objects.all(), field_name="item__category", label=_("Category")
    )

    class Meta:
        model = StockMove
        fields = ["q", "item", "store", "kind", "department", "category", "occurred"]

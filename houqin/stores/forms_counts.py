"""Stock counts' forms, list filters and tables (one FilterSet for page, API and export)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import TenantFilterSet, scope_choices
from houqin.core.tables import BaseTable

from .models import Item, ItemCategory, Store
from .models.counts import StockCount, StockCountLine, StockCountStatus


class StartCountForm(forms.Form):
    store = forms.ModelChoiceField(queryset=Store.objects.filter(is_active=True), label=_("Store"))
    categories = forms.ModelMultipleChoiceField(
        queryset=ItemCategory.objects.all(),
        required=False,
        label=_("Categories"),
        help_text=_("Leave empty to count every item of the store."),
        widget=forms.SelectMultiple(attrs={"data-tom-select": ""}),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("store", "categories"):
            field = self.fields[name]
            field.queryset = scope_choices(field.queryset, user, school_id)
        from houqin.core.views.generic import style_form

        style_form(self)


class AddItemForm(forms.Form):
    """An item found in the store but not on the count."""

    item = forms.ModelChoiceField(
        queryset=Item.objects.filter(is_active=True),
        label=_("Item"),
        widget=forms.Select(attrs={"data-tom-select": ""}),
    )
    counted = forms.DecimalField(
        label=_("Counted"), min_value=0, max_digits=14, decimal_places=3,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )  # fmt: skip

    def __init__(self, *args, user, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = scope_choices(
            self.fields["item"].queryset, user, school_id
        ).only("pk", "code", "name", "specification")
        from houqin.core.views.generic import style_form

        style_form(self)


class StockCountFilterSet(TenantFilterSet):
    search_fields = ("number", "note")
    status = django_filters.ChoiceFilter(choices=StockCountStatus.choices, label=_("Status"))
    store = django_filters.ModelChoiceFilter(queryset=Store.objects.all(), label=_("Store"))

    class Meta:
        model = StockCount
        fields = ["q", "status", "store"]


class StockCountTable(BaseTable):
    number = tables.Column(linkify=("stores:count_detail", [tables.A("pk")]))
    store = tables.Column(order_by=("store__name", "pk"))
    status = tables.Column()
    started_at = tables.DateTimeColumn(format="Y-m-d H:i")
    started_by = tables.Column(orderable=False)
    difference_value = tables.Column(attrs={"td": {"class": "text-end"}})
    applied_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = StockCount
        fields = (
            "number",
            "store",
            "status",
            "started_at",
            "started_by",
            "difference_value",
            "applied_at",
        )


class CountLineFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    only = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=(
            ("", _("All items")),
            ("uncounted", _("Not counted yet")),
            ("differing", _("With a difference")),
        ),
    )


def export_headers():
    return [
        _("item code"),
        _("name"),
        _("specification"),
        _("unit"),
        _("category"),
        _("expected"),
        _("counted"),
        _("difference"),
        _("average cost (¥)"),
        _("value of the difference (¥)"),
        _("applied"),
        _("note"),
    ]


def export_row(line: StockCountLine) -> list:
    item = line.item
    return [
        item.code,
        item.name,
        item.specification,
        item.unit,
        str(item.category) if item.category_id else "",
        line.expected,
        line.counted,
        line.difference,
        line.unit_cost,
        line.difference_value,
        line.adjustment.quantity if line.adjustment_id else None,
        line.note,
    ]

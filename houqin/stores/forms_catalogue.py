"""Forms of the catalogue (items, categories, stores) and of stock moved by hand."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from houqin.core.views.generic import TenantModelForm, style_form

from .models import Item, ItemCategory, MoveKind, Store


class ItemForm(TenantModelForm):
    class Meta:
        model = Item
        fields = [
            "code", "name", "specification", "unit", "category", "reorder_level",
            "reorder_quantity", "preferred_vendor", "reference_price", "sheets_per_unit",
            "paper_size", "is_active", "note",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("paper_size") and not data.get("sheets_per_unit"):
            self.add_error(
                "sheets_per_unit", _("Paper needs the number of sheets in one unit (a ream: 500).")
            )
        return data


class CategoryForm(TenantModelForm):
    class Meta:
        model = ItemCategory
        fields = ["name", "code", "sort_order"]


class StoreForm(TenantModelForm):
    choice_select_related = {"room": ("floor__building",)}

    class Meta:
        model = Store
        fields = ["name", "room", "keeper", "is_default", "is_active"]


class _StockForm(forms.Form):
    def __init__(self, *args, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        items = Item.objects.filter(school_id=school_id, is_active=True).order_by("code")
        stores = Store.objects.filter(school_id=school_id, is_active=True)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = items if name == "item" else stores
        style_form(self)


class ReceiveForm(_StockForm):
    item = forms.ModelChoiceField(queryset=Item.objects.none(), label=_("Item"))
    store = forms.ModelChoiceField(queryset=Store.objects.none(), label=_("Store"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(MoveKind.RECEIPT, _("Receipt (donation, bought elsewhere)")),
                 (MoveKind.RETURN, MoveKind.RETURN.label)],
    )  # fmt: skip
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal("0.001"), max_digits=14, decimal_places=3
    )
    unit_cost = forms.DecimalField(
        label=_("Unit price (¥)"), min_value=0, max_digits=14, decimal_places=4, initial=0
    )
    note = forms.CharField(
        label=_("Where from"), max_length=200, help_text=_("Who gave or returned it, and why.")
    )


class TransferForm(_StockForm):
    item = forms.ModelChoiceField(queryset=Item.objects.none(), label=_("Item"))
    from_store = forms.ModelChoiceField(queryset=Store.objects.none(), label=_("From store"))
    to_store = forms.ModelChoiceField(queryset=Store.objects.none(), label=_("To store"))
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal("0.001"), max_digits=14, decimal_places=3
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("from_store") and data.get("from_store") == data.get("to_store"):
            self.add_error("to_store", _("Choose a different store to transfer to."))
        return data

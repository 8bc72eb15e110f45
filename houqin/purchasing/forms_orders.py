"""Forms of the order, receipt and report pages. They only collect and check input; every
change goes through ``services_orders`` and ``services_receiving``. Line quantities and prices
come as ``qty-<line id>`` / ``price-<line id>`` fields next to each line (``line_values``)."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.assets.forms import PhotosField
from houqin.core.filters import scope_choices
from houqin.core.views.generic import style_form

from .reports_spending import DIMENSIONS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def line_values(data, prefix: str) -> dict[int, str]:
    """``{line id: value}`` from ``<prefix>-<id>`` fields (empty values left out)."""
    out = {}
    for key, value in data.items():
        if not key.startswith(f"{prefix}-"):
            continue
        try:
            pk = int(key[len(prefix) + 1 :])
        except ValueError:
            continue
        value = (value or "").strip()
        if value:
            out[pk] = value
    return out


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class CreateOrdersForm(_Styled):
    """The header of the orders made from the chosen lines (the lines are checkboxes)."""

    expected_on = forms.DateField(label=_("Expected on"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OrderEditForm(_Styled):
    expected_on = forms.DateField(label=_("Expected on"), required=False, widget=DateInput())
    funding_source = forms.CharField(
        label=_("Funding source"), required=False, max_length=60,
        help_text=_("Written on the asset cards of what this order brings (e.g. 财政拨款)."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(_Styled):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CheckForm(_Styled):
    note = forms.CharField(
        label=_("Acceptance check note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReceiptForm(_Styled):
    """A delivery: when, into which store, the invoice; quantities per line beside it."""

    received_on = forms.DateField(label=_("Delivered on"), widget=DateInput())
    store = forms.ModelChoiceField(
        label=_("Into store"),
        queryset=None,
        required=False,
        help_text=_("For consumables; the default store when empty."),
    )
    invoice_number = forms.CharField(label=_("Invoice number"), required=False, max_length=40)
    invoice_amount = forms.DecimalField(
        label=_("Invoice amount (¥)"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    invoice_files = PhotosField(label=_("Invoice scan or photo"), images_only=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, school_id, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        store_model = apps.get_model("stores", "Store")
        self.fields["store"].queryset = scope_choices(
            store_model.objects.filter(is_active=True), user, school_id, ()
        )
        style_form(self)


class InvoiceForm(_Styled):
    invoice_number = forms.CharField(label=_("Invoice number"), required=False, max_length=40)
    invoice_amount = forms.DecimalField(
        label=_("Invoice amount (¥)"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    invoice_files = PhotosField(label=_("Invoice scan or photo"), images_only=False)


class ReportForm(_Styled):
    """Which spending report: by what, for which budget year or term."""

    by = forms.ChoiceField(
        label=_("By"), choices=list(DIMENSIONS.items()), required=False, initial="department"
    )
    year = forms.TypedChoiceField(label=_("Budget year"), coerce=int, required=False)
    term = forms.ModelChoiceField(label=_("Term"), queryset=None, required=False,
                                  help_text=_("Deliveries within the term's dates."))  # fmt: skip

    def __init__(self, *args, school_id, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "—"), *((y, str(y)) for y in years)]
        term_model = apps.get_model("org", "Term")
        self.fields["term"].queryset = term_model.objects.filter(school_id=school_id).order_by(
            "-start_date"
        )
        style_form(self)

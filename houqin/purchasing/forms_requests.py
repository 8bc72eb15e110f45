"""Forms of the purchase request, quote, budget and settings pages. Forms only collect and
check input; every change goes through ``services_requests`` / ``services_budgets``.

The request's lines are a formset edited without JavaScript: "Add a line" posts the form back
with one more blank row; a row is removed by ticking its "remove" box (or leaving it blank).
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import scope_choices
from houqin.core.views.generic import style_form

from .models import MONEY, PRICE, QUANTITY, BudgetCategory, LineKind
from .services_requests import MAX_FILES, MAX_LINES, LineInput

LINE_PREFIX = "lines"
BLANK_ROWS = 2


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("At most %(count)d files can be added.") % {"count": MAX_FILES}
            )
        return files


def _school_rows(model_label: str, school_id):
    return apps.get_model(model_label).objects.filter(school_id=school_id)


class RequestForm(forms.Form):
    """The request's head: department, title, reason, needed-by, budget category, files."""

    department = forms.ModelChoiceField(queryset=None, label=_("Department"))
    title = forms.CharField(label=_("Title"), max_length=100)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    needed_by = forms.DateField(label=_("Needed by"), required=False, widget=DateInput())
    budget_category = forms.ModelChoiceField(
        queryset=None,
        label=_("Budget category"),
        required=False,
        help_text=_("The budget of the year it is needed in (this year when no date is given)."),
    )
    files = FilesField(label=_("Attachments"), help_text=_("Specifications, photos, offers."))

    def __init__(self, *args, user, school_id, departments, with_files=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["budget_category"].queryset = BudgetCategory.objects.filter(school_id=school_id)
        if not with_files:
            del self.fields["files"]
        style_form(self)


class LineForm(forms.Form):
    item = forms.ModelChoiceField(queryset=None, label=_("Catalogue item"), required=False)
    description = forms.CharField(label=_("Or describe it"), max_length=100, required=False)
    specification = forms.CharField(label=_("Specification"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Becomes"), choices=LineKind.choices, initial=LineKind.STOCK)
    asset_category = forms.ModelChoiceField(
        queryset=None, label=_("Asset category"), required=False
    )
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=QUANTITY["max_digits"],
        decimal_places=QUANTITY["decimal_places"], required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )  # fmt: skip
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False)
    estimated_price = forms.DecimalField(
        label=_("Estimated unit price (¥)"), max_digits=PRICE["max_digits"],
        decimal_places=PRICE["decimal_places"], required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, school_id, user, **kwargs):
        super().__init__(*args, **kwargs)
        items = _school_rows("stores.Item", school_id).filter(is_active=True).order_by("code")
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: f"{item.code} {item}"
        self.fields["asset_category"].queryset = scope_choices(
            apps.get_model("assets", "AssetCategory").objects.all(), user, school_id
        )
        style_form(self)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("item") and not (data.get("description") or "").strip()

    def line_input(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            item=data.get("item"),
            description=data.get("description") or "",
            specification=data.get("specification") or "",
            kind=data.get("kind") or LineKind.STOCK,
            asset_category=data.get("asset_category"),
            quantity=data.get("quantity"),
            unit=data.get("unit") or "",
            estimated_price=data.get("estimated_price"),
            note=data.get("note") or "",
        )


class BaseLineFormSet(forms.BaseFormSet):
    def line_inputs(self) -> list[LineInput]:
        return [
            form.line_input()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()
        ]


LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=0, can_delete=True, max_num=MAX_LINES,
    validate_max=True, absolute_max=MAX_LINES,
)  # fmt: skip


def line_formset(data=None, *, school_id, user, initial=None):
    return LineFormSet(
        data,
        initial=initial,
        prefix=LINE_PREFIX,
        form_kwargs={"school_id": school_id, "user": user},
    )


def with_blank_line(data):
    """The posted form with one more blank line (the "Add a line" button)."""
    copy = data.copy()
    try:
        total = int(copy.get(f"{LINE_PREFIX}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        total = 0
    copy[f"{LINE_PREFIX}-TOTAL_FORMS"] = str(min(total + 1, MAX_LINES))
    return copy


def initial_lines(request=None) -> list[dict]:
    if request is None:
        return [{"kind": LineKind.STOCK} for _n in range(BLANK_ROWS)]
    return [
        {
            "item": line.item_id,
            "description": line.description if line.item_id is None else "",
            "specification": line.specification,
            "kind": line.kind,
            "asset_category": line.asset_category_id,
            "quantity": line.quantity.normalize(),
            "unit": line.unit,
            "estimated_price": line.estimated_price.normalize(),
            "note": line.note,
        }
        for line in request.lines.order_by("pk")
    ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class QuoteForm(forms.Form):
    vendor = forms.ModelChoiceField(queryset=None, label=_("Vendor"))
    amount = forms.DecimalField(
        label=_("Amount (¥)"), max_digits=MONEY["max_digits"], decimal_places=2, min_value=0
    )
    quoted_on = forms.DateField(label=_("Quoted on"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    files = FilesField(label=_("The vendor's quote"))

    def __init__(self, *args, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = (
            _school_rows("org.Company", school_id).filter(is_active=True).order_by("name")
        )
        style_form(self)


class ChooseQuoteForm(forms.Form):
    quote = forms.ModelChoiceField(queryset=None, label=_("Buy from"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why this vendor"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when it is not the cheapest quote."),
    )  # fmt: skip

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quote"].queryset = request.quotes.select_related("vendor")
        self.fields["quote"].label_from_instance = lambda q: f"{q.vendor} · ¥{q.amount}"
        style_form(self)


class FilesForm(forms.Form):
    files = FilesField(label=_("Files"), required=True)
    text = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class BudgetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    department = forms.ModelChoiceField(queryset=None, label=_("Department"))
    category = forms.ModelChoiceField(queryset=None, label=_("Category"))
    amount = forms.DecimalField(
        label=_("Amount (¥)"), max_digits=MONEY["max_digits"], decimal_places=2, min_value=0
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _school_rows("org.Department", school_id).order_by(
            "name"
        )
        self.fields["category"].queryset = BudgetCategory.objects.filter(school_id=school_id)
        style_form(self)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    code = forms.CharField(label=_("Code"), max_length=20, required=False)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class SettingsForm(forms.Form):
    quote_threshold = forms.DecimalField(
        label=_("Quotes needed from (¥)"), max_digits=MONEY["max_digits"], decimal_places=2,
        min_value=0, help_text=_("A request of this amount or more needs quotes before it is "
                                 "ordered."),
    )  # fmt: skip
    quotes_required = forms.IntegerField(
        label=_("Quotes needed"), min_value=1, max_value=10, help_text=_("From different vendors.")
    )
    missing_budget_is_over = forms.BooleanField(
        label=_("No budget counts as over budget"), required=False,
        help_text=_("A request for a department and category without a budget for its year "
                    "needs the extra over-budget approval step."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel or CSV file"))
    create_categories = forms.BooleanField(
        label=_("Create categories the school does not have yet"), required=False,
        help_text=_("Unticked, a row naming an unknown category is an error (a typo would "
                    "otherwise become a new budget category)."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

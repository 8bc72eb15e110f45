"""Filters, tables and forms of the disposal and damage pages (and their API and exports).

Forms only collect and check input; every change goes through ``services_disposal`` and
``services_damage``.
"""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import TenantFilterSet, YesNoFilter, scope_choices
from houqin.core.tables import BaseTable
from houqin.core.views.generic import style_form

from .forms import PhotosField as _PhotosField
from .models import (
    Asset,
    DamageCause,
    DamageRecord,
    DamageStatus,
    Disposal,
    DisposalKind,
    DisposalStatus,
)
from .services_disposal import MAX_PHOTOS

NEWEST_FIRST = ("-created_at", "-pk")
MONEY = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


def _org(name):
    return apps.get_model("org", name)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# ---------------------------------------------------------------- filters


class DisposalFilterSet(TenantFilterSet):
    search_fields = ("number", "reason", "approval_reference")

    status = django_filters.MultipleChoiceFilter(
        choices=DisposalStatus.choices, label=_("Status"), distinct=False
    )
    kind = django_filters.ChoiceFilter(choices=DisposalKind.choices, label=_("Kind"))
    department = django_filters.ModelChoiceFilter(
        queryset=lambda request: _org("Department").objects.all(), label=_("Department")
    )
    is_historic = YesNoFilter(label=_("Historic write-off"))
    # ?disposed_after=YYYY-MM-DD&disposed_before=YYYY-MM-DD
    disposed = django_filters.DateFromToRangeFilter(
        field_name="disposed_on", label=_("Disposed between")
    )

    class Meta:
        model = Disposal
        fields = ["q", "status", "kind", "department", "is_historic", "disposed"]


class DamageFilterSet(TenantFilterSet):
    search_fields = ("number", "description", "responsible_name", "asset__number")
    choice_select_related = {"room": ("floor__building",)}

    status = django_filters.MultipleChoiceFilter(
        choices=DamageStatus.choices, label=_("Status"), distinct=False
    )
    cause = django_filters.ChoiceFilter(choices=DamageCause.choices, label=_("Cause"))
    school_class = django_filters.ModelChoiceFilter(
        queryset=lambda request: _org("SchoolClass").objects.all(), label=_("Class")
    )
    term = django_filters.ModelChoiceFilter(
        queryset=lambda request: _org("Term").objects.all(),
        method="filter_term",
        label=_("Term"),
    )
    # ?occurred_after=YYYY-MM-DD&occurred_before=YYYY-MM-DD
    occurred = django_filters.DateFromToRangeFilter(
        field_name="occurred_on", label=_("Happened between")
    )

    class Meta:
        model = DamageRecord
        fields = ["q", "status", "cause", "school_class", "term", "occurred"]

    def filter_term(self, queryset, name, value: int):  # the API takes the term's id
        if value is None:
            return queryset
        return queryset.filter(occurred_on__gte=value.start_date, occurred_on__lte=value.end_date)


# ---------------------------------------------------------------- tables


class DisposalTable(BaseTable):
    number = tables.Column(
        linkify=("assets:disposal_detail", [tables.A("pk")]), order_by=("number", "pk")
    )
    kind = tables.Column(order_by=("kind", *NEWEST_FIRST))
    status = tables.Column(order_by=("status", *NEWEST_FIRST))
    is_historic = tables.BooleanColumn(orderable=False)
    department = tables.Column(order_by=("department_id", *NEWEST_FIRST))
    total_value = tables.Column(order_by=("total_value", "pk"), attrs=MONEY)
    requested_by = tables.Column(orderable=False)
    submitted_at = tables.DateTimeColumn(format="Y-m-d", order_by=("submitted_at", "pk"))
    disposed_on = tables.DateColumn(format="Y-m-d", order_by=("disposed_on", "pk"))
    # Export only.
    reason = tables.Column(visible=False)
    approval_reference = tables.Column(visible=False)

    class Meta(BaseTable.Meta):
        model = Disposal
        fields = (
            "number",
            "kind",
            "status",
            "is_historic",
            "department",
            "total_value",
            "requested_by",
            "submitted_at",
            "disposed_on",
            "reason",
            "approval_reference",
        )
        order_by = ("-created_at",)


class DisposalLineTable(BaseTable):
    asset = tables.Column(linkify=lambda record: record.asset.get_absolute_url(), orderable=False)
    category = tables.Column(accessor="asset__category", orderable=False)
    quantity = tables.Column(orderable=False, attrs=MONEY)
    unit = tables.Column(accessor="asset__unit", orderable=False)
    original_value = tables.Column(orderable=False, attrs=MONEY)
    accumulated_depreciation = tables.Column(orderable=False, attrs=MONEY)
    net_value = tables.Column(verbose_name=_("net value (¥)"), orderable=False, attrs=MONEY)

    class Meta(BaseTable.Meta):
        fields = ()


class DamageTable(BaseTable):
    number = tables.Column(
        linkify=("assets:damage_detail", [tables.A("pk")]), order_by=("number", "pk")
    )
    occurred_on = tables.DateColumn(format="Y-m-d", order_by=("occurred_on", "pk"))
    what = tables.Column(
        verbose_name=_("Asset or place"), accessor="asset", orderable=False, empty_values=()
    )
    school_class = tables.Column(order_by=("school_class_id", "-occurred_on", "-pk"))
    responsible = tables.Column(
        verbose_name=_("Responsible"), accessor="responsible_name", orderable=False, empty_values=()
    )
    cause = tables.Column(order_by=("cause", "-occurred_on", "-pk"))
    assessed_amount = tables.Column(order_by=("assessed_amount", "pk"), attrs=MONEY)
    paid_amount = tables.Column(orderable=False, attrs=MONEY)
    status = tables.Column(order_by=("status", "-occurred_on", "-pk"))
    # Export only.
    description = tables.Column(visible=False)
    class_points = tables.Column(visible=False)
    paid_on = tables.DateColumn(format="Y-m-d", visible=False)

    class Meta(BaseTable.Meta):
        model = DamageRecord
        fields = (
            "number",
            "occurred_on",
            "what",
            "school_class",
            "responsible",
            "cause",
            "assessed_amount",
            "paid_amount",
            "status",
            "description",
            "class_points",
            "paid_on",
        )
        order_by = ("-occurred_on",)

    def render_what(self, record):
        return record.asset or record.room or "—"

    def value_what(self, record):
        return str(record.asset or record.room or "")

    def render_responsible(self, record):
        who = [str(p) for p in (record.responsible_user, record.responsible_name) if p]
        return "、".join(who) or "—"

    def value_responsible(self, record):
        return "、".join(str(p) for p in (record.responsible_user, record.responsible_name) if p)


# ---------------------------------------------------------------- photos


def PhotosField(**kwargs):  # noqa: N802 - a field, named like one
    """Photos or scans (an appraisal is often a PDF), as many as a disposal may take."""
    return _PhotosField(images_only=False, max_files=MAX_PHOTOS, **kwargs)


# ---------------------------------------------------------------- disposal forms


class DisposalForm(forms.Form):
    """A request: what, why, and the assets as "number [quantity]" lines."""

    kind = forms.ChoiceField(label=_("Kind"), choices=DisposalKind.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    appraisal = forms.CharField(
        label=_("Technical appraisal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who examined the assets and what they found (技术鉴定意见)."),
    )
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False)
    residual_income = forms.DecimalField(
        label=_("Residual income (¥)"), min_value=0, decimal_places=2, required=False
    )
    lines = forms.CharField(
        label=_("Assets"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        help_text=_(
            "One asset number per line. For part of a batch card, add the quantity after the "
            "number (e.g. “ZC2024000123 20”)."
        ),
    )
    photos = PhotosField(label=_("Photos and appraisal scans"))

    def __init__(self, *args, user, school_id, with_photos=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = scope_choices(
            _org("Department").objects.filter(is_active=True).order_by("name"), user, school_id
        )
        if not with_photos:
            del self.fields["photos"]
        style_form(self)


class WriteOffForm(forms.Form):
    """A historic write-off: the approving document, its date, and the assets."""

    approval_reference = forms.CharField(
        label=_("Approving document number"),
        max_length=100,
        help_text=_("The number of the document that approved the write-off."),
    )
    disposed_on = forms.DateField(label=_("Disposed on"), widget=DateInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=DisposalKind.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False)
    numbers = forms.CharField(
        label=_("Asset numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        help_text=_(
            "Paste the asset numbers from Excel: one per line, or separated by commas or spaces."
        ),
    )
    selection = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = scope_choices(
            _org("Department").objects.filter(is_active=True).order_by("name"), user, school_id
        )
        style_form(self)

    def clean_disposed_on(self):
        value = self.cleaned_data["disposed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("A historic write-off has a disposal date in the past."))
        return value

    def clean(self):
        data = super().clean()
        if not (data.get("numbers") or "").strip() and not data.get("selection"):
            self.add_error("numbers", _("Paste the numbers of the assets to write off."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class PhotosForm(forms.Form):
    photos = PhotosField(label=_("Photos or files"), required=True)
    text = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


# ---------------------------------------------------------------- damage forms


class DamageForm(forms.Form):
    """Record damage; the amount left empty is the school rule's suggestion."""

    asset_number = forms.CharField(
        label=_("Asset number"),
        required=False,
        max_length=40,
        help_text=_("The number on the asset's label; or choose the place below."),
    )
    room = forms.ModelChoiceField(label=_("Place"), queryset=None, required=False)
    occurred_on = forms.DateField(label=_("Happened on"), widget=DateInput)
    description = forms.CharField(
        label=_("What was damaged and how"), widget=forms.Textarea(attrs={"rows": 3})
    )
    cause = forms.ChoiceField(label=_("Cause"), choices=DamageCause.choices)
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=None, required=False)
    responsible_name = forms.CharField(
        label=_("Responsible person"),
        required=False,
        max_length=60,
        help_text=_("A student or an outsider, by name."),
    )
    responsible_user = forms.ModelChoiceField(
        label=_("Responsible staff member"), queryset=None, required=False
    )
    repair_cost = forms.DecimalField(
        label=_("Repair cost (¥)"),
        min_value=0,
        decimal_places=2,
        required=False,
        help_text=_("When known: the rule's amount is based on it instead of the asset's value."),
    )
    assessed_amount = forms.DecimalField(
        label=_("Assessed amount (¥)"),
        min_value=0,
        decimal_places=2,
        required=False,
        help_text=_(
            "Leave empty for the school rule: wear is waived, negligence pays the value, "
            "deliberate damage pays double, an unknown culprit's class pays."
        ),
    )
    class_points = forms.DecimalField(
        label=_("Class points deducted"),
        min_value=0,
        decimal_places=1,
        required=False,
        help_text=_("Empty: 1 point when nobody owns up, else none."),
    )
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args, user, school_id, own_classes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school_id = school_id
        rooms = _org("Room").objects.filter(is_active=True)
        self.fields["room"].queryset = scope_choices(
            rooms, user, school_id, ("floor__building",)
        ).order_by("floor__building__name", "number")
        classes = _org("SchoolClass").objects.filter(is_active=True)
        if own_classes is not None:
            classes = classes.filter(pk__in=list(own_classes))
            self.fields["school_class"].required = True
        self.fields["school_class"].queryset = scope_choices(classes, user, school_id)
        self.fields["responsible_user"].queryset = scope_choices(
            get_user_model().objects.filter(is_active=True), user, school_id
        )
        self.fields["occurred_on"].initial = timezone.localdate()
        for name in ("room", "responsible_user"):
            self.fields[name].widget.attrs["data-tom-select"] = ""
        style_form(self)

    def clean_asset_number(self):
        number = (self.cleaned_data.get("asset_number") or "").strip()
        if not number:
            return None
        asset = Asset.objects.filter(school_id=self.school_id, number=number).first()
        if asset is None:
            raise ValidationError(_("No asset of this school has this number."))
        return asset

    def clean(self):
        data = super().clean()
        if not data.get("asset_number") and not data.get("room") and not self.errors:
            raise ValidationError(_("Choose the damaged asset or the place."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "asset": data["asset_number"],
            "room": data["room"],
            "occurred_on": data["occurred_on"],
            "description": data["description"],
            "cause": data["cause"],
            "school_class": data["school_class"],
            "responsible_name": data["responsible_name"],
            "responsible_user": data["responsible_user"],
            "repair_cost": data["repair_cost"],
            "assessed_amount": data["assessed_amount"],
            "class_points": data["class_points"],
            "photos": data.get("photos") or [],
        }


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount paid (¥)"), min_value=0.01, decimal_places=2)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput)

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        if record is not None:
            self.fields["amount"].initial = record.outstanding
        style_form(self)

    def service_kwargs(self) -> dict:
        return {"amount": self.cleaned_data["amount"], "paid_on": self.cleaned_data["paid_on"]}


class ReassessForm(forms.Form):
    amount = forms.DecimalField(label=_("Assessed amount (¥)"), min_value=0, decimal_places=2)
    class_points = forms.DecimalField(
        label=_("Class points deducted"), min_value=0, decimal_places=1, required=False
    )
    reason = forms.CharField(label=_("Why"), required=False, max_length=200)

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        if record is not None:
            self.fields["amount"].initial = record.assessed_amount
            self.fields["class_points"].initial = record.class_points
        style_form(self)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class LinkOrderForm(forms.Form):
    work_order = forms.CharField(
        label=_("Repair order number"), max_length=40, help_text=_("For example WX-2026-00042.")
    )

    def __init__(self, *args, user=None, school_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.school_id = user, school_id
        style_form(self)

    def clean_work_order(self):
        number = self.cleaned_data["work_order"].strip()
        WorkOrder = apps.get_model("maintenance", "WorkOrder")
        order = (
            WorkOrder.objects.restrict(self.user, "view", school=self.school_id)
            .filter(number=number)
            .first()
        )
        if order is None:
            raise ValidationError(_("No repair order of this school has this number."))
        return order

    def service_kwargs(self) -> dict:
        return {"work_order": self.cleaned_data["work_order"]}


class ReportRepairForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Repair category"), queryset=None)
    description = forms.CharField(
        label=_("What needs repairing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: the damage record's description."),
    )

    def __init__(self, *args, user=None, school_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        categories = apps.get_model("maintenance", "RepairCategory").objects.filter(is_active=True)
        self.fields["category"].queryset = scope_choices(categories, user, school_id).order_by(
            "order", "pk"
        )
        style_form(self)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class ClassTotalsForm(forms.Form):
    term = forms.ModelChoiceField(label=_("Term"), queryset=None, required=False)

    def __init__(self, *args, user, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = scope_choices(
            _org("Term").objects.order_by("-start_date"), user, school_id
        )
        style_form(self)

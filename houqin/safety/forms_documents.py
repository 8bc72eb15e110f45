"""Forms of regulations, plans and drills; they validate input, the services decide."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import scope_choices
from houqin.core.views.generic import style_form

from .models.documents import DrillKind, SafetyDocument, SafetyDocumentKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to 10 photos (each is checked by its content when stored on the timeline)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*,.heic", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > 10:
            raise forms.ValidationError(_("At most %(count)d photos can be added.") % {"count": 10})
        return files


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Scoped(forms.Form):
    """Choice fields limited to what the user may see in the school."""

    def __init__(self, *args, user, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = scope_choices(field.queryset, user, school_id)
        style_form(self)


def _users():
    return apps.get_model("org", "User").objects.order_by("full_name", "pk")


class SafetyDocumentForm(_Scoped):
    title = forms.CharField(label=_("Title"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=SafetyDocumentKind.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=_users(), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=apps.get_model("org", "Department").objects.order_by("name"),
        required=False,
    )
    is_active = forms.BooleanField(label=_("In force"), required=False, initial=True)


class VersionForm(_Scoped):
    label = forms.CharField(
        label=_("Version"), max_length=30, help_text=_("For example 2026版 or V2.")
    )
    effective_date = forms.DateField(label=_("Effective date"), widget=DATE)
    review_by = forms.DateField(
        label=_("Review by"), widget=DATE, required=False,
        help_text=_("Leave empty for the latest date the school's rule allows."),
    )  # fmt: skip
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), required=False
    )
    file = forms.FileField(
        label=_("File"), required=False,
        help_text=_("The signed or published document (PDF, Word, a photo)."),
    )  # fmt: skip


class DrillForm(_Scoped):
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=DrillKind.choices)
    planned_date = forms.DateField(label=_("Planned date"), widget=DATE)
    plan = forms.ModelChoiceField(
        label=_("Emergency plan"), required=False,
        queryset=SafetyDocument.objects.filter(kind=SafetyDocumentKind.EMERGENCY_PLAN).order_by("title"),
    )  # fmt: skip
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=_users(), required=False)
    buildings = forms.ModelMultipleChoiceField(
        label=_("Buildings"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=apps.get_model("org", "Building").objects.order_by("name"),
    )  # fmt: skip
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RecordDrillForm(forms.Form):
    """Done on a phone right after the drill: big fields, findings one per line."""

    done_date = forms.DateField(label=_("Held on"), widget=DATE)
    participants = forms.IntegerField(label=_("Participants"), min_value=1, max_value=100000)
    evacuation_seconds = forms.IntegerField(
        label=_("Evacuation time (seconds)"), min_value=1, max_value=36000, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, for example: 3号楼东侧楼梯堆放杂物."),
    )  # fmt: skip
    raise_hazards = forms.BooleanField(
        label=_("Report each finding as a hazard"), required=False, initial=True
    )
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("done_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        style_form(self)

    def finding_lines(self) -> list[str]:
        text = self.cleaned_data.get("findings") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class FindingForm(_Scoped):
    description = forms.CharField(label=_("Finding"), max_length=200)
    room = forms.ModelChoiceField(
        label=_("Place"), required=False,
        queryset=apps.get_model("org", "Room").objects.select_related("floor__building").order_by("number"),
    )  # fmt: skip
    raise_hazard = forms.BooleanField(
        label=_("Report it as a hazard"), required=False, initial=True
    )


class CancelDrillForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)

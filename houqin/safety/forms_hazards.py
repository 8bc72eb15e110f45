"""Hazard forms: the staff phone report, the public QR report, and one form per action.

Forms only collect and check input; every change goes through ``services_hazards``. Photos are
checked by their content here as well (maintenance's ``PhotosField``), so a refused file costs
nothing."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import scope_choices
from houqin.core.views.generic import style_form
from houqin.maintenance.forms import PhotosField, phone_ok
from houqin.maintenance.models import RepairCategory, Urgency
from houqin.org.models import Department, Room, User

from .models.hazards import HazardLevel

MAX_PHOTOS = 6


def _rooms(user, school_id):
    return scope_choices(Room.objects.filter(is_active=True), user, school_id, ("floor__building",))


def members_of(school_id):
    """Active members of the school, for owner choices."""
    return (
        User.objects.filter(
            is_active=True, memberships__school_id=school_id, memberships__is_active=True
        )
        .distinct()
        .order_by("full_name", "username")
    )


class HazardReportForm(forms.Form):
    """A member reports a hazard from a phone: place, what, how serious, photos."""

    room = forms.ModelChoiceField(queryset=Room.objects.none(), label=_("Place"), required=False)
    location_note = forms.CharField(label=_("Where exactly"), max_length=100, required=False)
    title = forms.CharField(label=_("What is the hazard"), max_length=100)
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=HazardLevel.choices,
        initial=HazardLevel.GENERAL,
        widget=forms.RadioSelect,
    )
    photos = PhotosField(label=_("Photos (up to 6)"), max_files=MAX_PHOTOS)

    def __init__(self, *args, user, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = _rooms(user, school_id)
        self.fields["title"].widget.attrs["placeholder"] = _("e.g. Fire exit blocked by desks")
        style_form(self)

    def clean(self):
        data = super().clean()
        if not data.get("room") and not (data.get("location_note") or "").strip():
            raise ValidationError(_("Choose a place or say where the hazard is."))
        return data


class PublicHazardForm(forms.Form):
    """The one-screen form behind a room's QR code (no login)."""

    title = forms.CharField(label=_("What is the hazard"), max_length=100)
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    location_note = forms.CharField(label=_("Where exactly"), max_length=100, required=False)
    photos = PhotosField(label=_("Photos (up to 3)"), max_files=3)
    reporter_name = forms.CharField(label=_("Your name"), max_length=40)
    reporter_phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    # A honeypot: people never see it, form-filling robots do.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        if member is not None:
            for name in ("reporter_name", "reporter_phone"):
                self.fields[name].required = False
                self.fields[name].widget = forms.HiddenInput()
        style_form(self)

    def clean_reporter_phone(self):
        if self.member is not None:
            return ""
        return phone_ok(self.cleaned_data.get("reporter_phone"))

    def clean_reporter_name(self):
        return "" if self.member is not None else self.cleaned_data.get("reporter_name", "").strip()

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


# ---------------------------------------------------------------- actions


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, hazard, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", hazard.version)
        super().__init__(*args, **kwargs)
        self.hazard = hazard
        style_form(self)


class AssignForm(ActionForm):
    owner = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Responsible person"))
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), label=_("Responsible department"), required=False
    )
    deadline = forms.DateField(
        label=_("Rectify by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    control_measures = forms.CharField(
        label=_("Temporary control measures"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What keeps people safe until it is rectified (cordon, warning sign…)."),
    )
    level = forms.ChoiceField(label=_("Level"), choices=HazardLevel.choices)

    def __init__(self, *args, hazard, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("level", hazard.level)
        kwargs["initial"].setdefault("owner", hazard.owner_id)
        kwargs["initial"].setdefault("department", hazard.department_id)
        kwargs["initial"].setdefault("control_measures", hazard.control_measures)
        kwargs["initial"].setdefault(
            "deadline", hazard.deadline or timezone.localdate() + timedelta(days=7)
        )
        super().__init__(*args, hazard=hazard, **kwargs)
        self.fields["owner"].queryset = members_of(hazard.school_id)
        self.fields["department"].queryset = Department.objects.filter(
            school_id=hazard.school_id
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("level") == HazardLevel.MAJOR and not data.get("deadline"):
            self.add_error("deadline", _("A major hazard needs a deadline for its rectification."))
        return data


class ReassignForm(AssignForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["level"]


class RectifyForm(ActionForm):
    note = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = PhotosField(label=_("Photos after rectification"), max_files=MAX_PHOTOS)


class VerifyForm(ActionForm):
    note = forms.CharField(label=_("Verification note"), required=False, max_length=1000)
    photos = PhotosField(label=_("Photos"), max_files=MAX_PHOTOS)


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)
    photos = PhotosField(label=_("Photos"), max_files=MAX_PHOTOS)


class CancelForm(ActionForm):
    reason = forms.CharField(label=_("Why this is not a hazard"), max_length=500)


class WorkOrderForm(ActionForm):
    category = forms.ModelChoiceField(
        queryset=RepairCategory.objects.none(), label=_("Repair category"), empty_label=None
    )
    urgency = forms.ChoiceField(label=_("How urgent"), choices=Urgency.choices)
    description = forms.CharField(
        label=_("What the repair team should do"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, hazard, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault(
            "urgency", Urgency.URGENT if hazard.level == HazardLevel.MAJOR else Urgency.NORMAL
        )
        super().__init__(*args, hazard=hazard, **kwargs)
        categories = RepairCategory.objects.filter(school_id=hazard.school_id, is_active=True)
        self.fields["category"].queryset = categories.order_by("order", "pk")


ACTION_FORMS = {
    "assign": AssignForm,
    "reassign": ReassignForm,
    "rectify": RectifyForm,
    "verify": VerifyForm,
    "fail": ReasonForm,
    "cancel": CancelForm,
    "work_order": WorkOrderForm,
}

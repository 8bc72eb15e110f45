"""Forms of the repair pages: the public QR report, the staff report and the action forms.

Forms only collect and check input; every change goes through ``houqin.maintenance.services``.
Photos are checked by their content here as well, so a refused file costs no order at all.
"""

from __future__ import annotations

import base64
import binascii
import re
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from houqin.core.attachments import InvalidUpload, validate_upload
from houqin.core.views.generic import style_form

from . import parts as stock_parts
from .models import OPEN_STATUSES, RepairCategory, Urgency, WorkOrder

MAX_PHOTOS = 3
PART_ROWS = 3
PHONE_RE = re.compile(r"^1\d{10}$")
NEW_REPORT = "new"
# A signature PNG drawn on a phone is a few tens of kB; refuse anything far larger.
MAX_SIGNATURE_CHARS = 700_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``max_files`` photos, each checked by its content (not its name)."""

    def __init__(self, *args, max_files=MAX_PHOTOS, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*,.heic", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > self.max_files:
            raise ValidationError(
                _("At most %(count)d photos can be added.") % {"count": self.max_files}
            )
        for f in files:
            super().clean(f, initial)
            try:
                info = validate_upload(f)
            except InvalidUpload as exc:
                raise ValidationError(str(exc.message)) from None
            if not info.is_image:
                raise ValidationError(
                    _("“%(name)s” is not a photo.") % {"name": getattr(f, "name", "")}
                )
        return files


def phone_ok(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if not PHONE_RE.match(value):
        raise ValidationError(_("Enter an 11-digit mobile number."))
    return value


def join_label(order: WorkOrder) -> str:
    text = (order.description or order.title or "").strip().replace("\n", " ")
    if len(text) > 40:
        text = text[:40] + "…"
    return _("Same problem: %(number)s %(text)s") % {"number": order.number, "text": text}


class ReportForm(forms.Form):
    """What a reporter fills in. ``room`` is known (QR) or chosen (staff form)."""

    category = forms.ModelChoiceField(
        queryset=RepairCategory.objects.none(), label=_("What is broken"), empty_label=None
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    location_note = forms.CharField(label=_("Where exactly"), max_length=100, required=False)
    urgency = forms.ChoiceField(
        label=_("How urgent"), choices=Urgency.choices, initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    photos = PhotosField(label=_("Photos (up to 3)"))
    join = forms.ChoiceField(label=_("Already reported?"), required=False, widget=forms.RadioSelect)

    def __init__(self, *args, school, room=None, duplicates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.room = room
        categories = RepairCategory.objects.filter(school=school, is_active=True)
        if not categories.exists():
            # A school nobody has set up yet still gets the default list, so reports work.
            from .services import ensure_categories

            ensure_categories(school)
        self.fields["category"].queryset = categories
        self.set_duplicates(duplicates)
        style_form(self)

    def set_duplicates(self, orders) -> None:
        """Offer these open orders to join (or none: the field is hidden)."""
        self.duplicates = {str(o.pk): o for o in orders}
        choices = [(pk, join_label(o)) for pk, o in self.duplicates.items()]
        self.fields["join"].choices = [*choices, (NEW_REPORT, _("No, report a new problem"))]
        if not choices:
            self.fields["join"].widget = forms.HiddenInput()

    def clean_join(self):
        value = self.cleaned_data.get("join") or ""
        if value in ("", NEW_REPORT):
            return value
        order = self.duplicates.get(value)
        if order is None or order.status not in OPEN_STATUSES:
            raise ValidationError(_("That report is closed now; report a new problem instead."))
        return order

    def place(self):
        return self.room


class PublicReportForm(ReportForm):
    """The one-screen form behind a room's QR code (no login)."""

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

    field_order = [
        "category", "description", "urgency", "photos", "location_note",
        "reporter_name", "reporter_phone", "join", "website",
    ]

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        if member is not None:
            # A logged-in member of the school reports as themselves.
            for name in ("reporter_name", "reporter_phone"):
                self.fields[name].required = False
                self.fields[name].widget = forms.HiddenInput()

    def clean_reporter_phone(self):
        if self.member is not None:
            return ""
        return phone_ok(self.cleaned_data.get("reporter_phone"))

    def clean_reporter_name(self):
        return "" if self.member is not None else self.cleaned_data.get("reporter_name", "").strip()

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class StaffReportForm(ReportForm):
    """A logged-in member reports from the site: the place is chosen from the school's rooms."""

    room = forms.ModelChoiceField(queryset=None, label=_("Place"), required=False)
    title = forms.CharField(label=_("Title"), max_length=100, required=False)

    field_order = [
        "room", "location_note", "category", "title", "description", "urgency", "photos", "join",
    ]

    def __init__(self, *args, user, **kwargs):
        from houqin.core.filters import scope_choices

        super().__init__(*args, **kwargs)
        from django.apps import apps

        Room = apps.get_model("org", "Room")
        self.fields["room"].queryset = scope_choices(
            Room.objects.filter(is_active=True), user, self.school.pk, ("floor__building",)
        )

    def clean(self):
        data = super().clean()
        if not data.get("room") and not data.get("location_note"):
            self.add_error("room", _("Choose the place, or say where it is."))
        return data

    def place(self):
        return self.cleaned_data.get("room")


# ---------------------------------------------------------------- action forms


def worker_choices(school_id):
    """In-house workers and contractor staff of the school, for the assign select."""
    return (
        get_user_model()
        .objects.filter(
            memberships__school_id=school_id,
            memberships__is_active=True,
            memberships__roles__role__in=("worker", "contractor"),
        )
        .distinct()
        .order_by("full_name")
    )


def decode_signature(value):
    """A signature drawn on a phone, sent as a PNG data URL → a file (None when empty);
    ValueError with a message for the signer when it cannot be read."""
    value = (value or "").strip()
    if not value:
        return None
    prefix = "data:image/png;base64,"
    message = str(_("The signature could not be read. Sign again."))
    if not value.startswith(prefix) or len(value) > MAX_SIGNATURE_CHARS:
        raise ValueError(message)
    try:
        raw = base64.b64decode(value[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(message) from None
    return ContentFile(raw, name="signature.png")


class ActionForm(forms.Form):
    """Fields one action needs; ``service_kwargs`` turns them into the service's arguments."""

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        style_form(self)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class AssignForm(ActionForm):
    worker = forms.ModelChoiceField(queryset=None, label=_("Worker"), required=False)
    company = forms.ModelChoiceField(queryset=None, label=_("Contractor"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, order, **kwargs):
        from django.apps import apps

        Company = apps.get_model("org", "Company")
        super().__init__(*args, order=order, **kwargs)
        self.fields["worker"].queryset = worker_choices(order.school_id)
        self.fields["company"].queryset = Company.objects.filter(
            school_id=order.school_id, is_active=True
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if not data.get("worker") and not data.get("company"):
            raise ValidationError(_("Choose a worker or a contractor."))
        return data


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


class FinishForm(ActionForm):
    labour_minutes = forms.IntegerField(label=_("Labour (minutes)"), min_value=0, initial=0)
    outside_cost = forms.DecimalField(
        label=_("Outside cost (¥)"), min_value=0, max_digits=12, decimal_places=2, initial=0,
        required=False,
    )
    photos = PhotosField(label=_("Photos after the fix"), max_files=5)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    # The requester signs on the worker's phone: the canvas's PNG arrives as a data URL.
    signature = forms.CharField(widget=forms.HiddenInput(), required=False)
    signed_by = forms.CharField(label=_("Signed by"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = self.order
        for i, line in enumerate(getattr(order, "checklist", None) or []):
            self.fields[f"check_{i}"] = forms.BooleanField(label=line.get("item", ""), required=False)
            self.fields[f"check_note_{i}"] = forms.CharField(
                label=_("Note"), max_length=200, required=False
            )
        # Parts from the stores (when installed): pick an item on hand instead of typing one.
        self.stock_choices = stock_parts.stock_choices(getattr(order, "school_id", None))
        for i in range(PART_ROWS):
            if self.stock_choices:
                self.fields[f"part_stock_{i}"] = forms.ChoiceField(
                    label=_("From stock"),
                    choices=[("", _("Not from stock: type the part"))] + self.stock_choices,
                    required=False,
                )
            self.fields[f"part_name_{i}"] = forms.CharField(
                label=_("Part"), max_length=100, required=False
            )
            self.fields[f"part_quantity_{i}"] = forms.DecimalField(
                label=_("Quantity"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2,
                required=False,
            )
            self.fields[f"part_unit_{i}"] = forms.CharField(
                label=_("Unit"), max_length=10, required=False
            )
            self.fields[f"part_unit_cost_{i}"] = forms.DecimalField(
                label=_("Unit cost (¥)"), min_value=0, max_digits=10, decimal_places=2,
                required=False,
            )
        style_form(self)

    def checklist_rows(self):
        """(tick, note) bound fields per checklist line of the order."""
        count = len(getattr(self.order, "checklist", None) or [])
        return [(self[f"check_{i}"], self[f"check_note_{i}"]) for i in range(count)]

    def clean_signature(self):
        try:
            return decode_signature(self.cleaned_data.get("signature"))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def part_rows(self):
        """Bound fields grouped per parts row, for the template."""
        keys = ("stock", "name", "quantity", "unit", "unit_cost")
        return [
            [self[f"part_{k}_{i}"] for k in keys if f"part_{k}_{i}" in self.fields]
            for i in range(PART_ROWS)
        ]

    def clean(self):
        data = super().clean()
        parts = []
        for i in range(PART_ROWS):
            stock = data.get(f"part_stock_{i}") or ""
            if stock:
                quantity = data.get(f"part_quantity_{i}") or Decimal("1")
                parts.append({"stock": stock, "quantity": quantity})
                continue
            name = (data.get(f"part_name_{i}") or "").strip()
            if not name:
                continue
            parts.append(
                {
                    "name": name,
                    "quantity": data.get(f"part_quantity_{i}") or Decimal("1"),
                    "unit": data.get(f"part_unit_{i}") or "",
                    "unit_cost": data.get(f"part_unit_cost_{i}") or Decimal("0"),
                }
            )
        data["parts"] = parts
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "labour_minutes": data["labour_minutes"],
            "outside_cost": data.get("outside_cost") or Decimal("0"),
            "parts": data["parts"],
            "photos": data.get("photos") or [],
            "note": data.get("note", ""),
            "checklist": [
                {"done": data.get(f"check_{i}", False), "note": data.get(f"check_note_{i}", "")}
                for i in range(len(getattr(self.order, "checklist", None) or []))
            ],
            "signature": data.get("signature"),
            "signed_by": data.get("signed_by", ""),
        }


class ConfirmForm(ActionForm):
    rating = forms.TypedChoiceField(
        label=_("How well was it fixed?"),
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        coerce=int,
        initial=5,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), max_length=200, required=False)


# Which form each action needs (an action not listed needs no input).
ACTION_FORMS: dict[str, type[ActionForm]] = {
    "assign": AssignForm,
    "reassign": AssignForm,
    "hold": ReasonForm,
    "reject": ReasonForm,
    "cancel": ReasonForm,
    "reopen": ReasonForm,
    "finish": FinishForm,
    "confirm": ConfirmForm,
}

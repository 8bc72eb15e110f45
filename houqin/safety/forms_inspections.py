"""Forms of inspections: a template with its checklist lines, a schedule, equipment, and the
phone forms of a round (one place's answers, the signatures)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from houqin.core.views.generic import TenantModelForm, style_form
from houqin.maintenance.forms import decode_signature
from houqin.org.models import Building, Room, RoomType

from . import compliance_inspections
from .models.equipment import EquipmentKind, SafetyEquipment
from .models.inspections import AnswerType, InspectionSchedule, InspectionTemplate, Recurrence

MAX_ITEMS = 40


def rule_choices():
    from houqin.core import compliance

    return [("", _("None"))] + [
        (key, compliance.get(key).title)
        for key in compliance_inspections.RULE_KEYS
        if key != compliance_inspections.SIGNATURE_RULE
    ]


class TemplateForm(forms.ModelForm):
    needs_second_signature = forms.BooleanField(
        label=_("Needs a second signature (head of the inspected department)"), required=False
    )
    equipment_kinds = forms.MultipleChoiceField(
        label=_("Equipment kinds checked"),
        choices=EquipmentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = InspectionTemplate
        fields = [
            "name",
            "kind",
            "rule_key",
            "description",
            "checks_equipment",
            "equipment_kinds",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_key"] = forms.ChoiceField(
            label=_("Compliance rule"),
            choices=rule_choices,
            required=False,
            help_text=InspectionTemplate._meta.get_field("rule_key").help_text,
        )
        style_form(self)


class ItemForm(forms.Form):
    """One checklist line; choice options are written "Good; Needs repair*" (* = failing)."""

    label = forms.CharField(label=_("Checklist item"), max_length=120, required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=200, required=False)
    answer_type = forms.ChoiceField(label=_("Answer"), choices=AnswerType.choices)
    min_value = forms.DecimalField(
        label=_("Minimum"), max_digits=10, decimal_places=2, required=False
    )
    max_value = forms.DecimalField(
        label=_("Maximum"), max_digits=10, decimal_places=2, required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=12, required=False)
    options = forms.CharField(
        label=_("Options"),
        max_length=300,
        required=False,
        help_text=_("Separate with “;”; end a failing option with *, e.g. Good; Needs repair*"),
    )
    photo_required = forms.BooleanField(label=_("Photo required"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

    def as_item(self) -> dict:
        data = dict(self.cleaned_data)
        options = []
        for part in (data.pop("options") or "").split(";"):
            part = part.strip()
            if part:
                fails = part.endswith("*")
                options.append({"label": part.rstrip("*").strip(), "fails": fails})
        data["options"] = options
        return data


ItemFormSet = forms.formset_factory(ItemForm, extra=3, max_num=MAX_ITEMS, validate_max=True)


def item_initial(version) -> list[dict]:
    if version is None:
        return []
    return [
        {
            "label": i.label,
            "help_text": i.help_text,
            "answer_type": i.answer_type,
            "min_value": i.min_value,
            "max_value": i.max_value,
            "unit": i.unit,
            "options": "; ".join(
                f"{o['label']}{'*' if o.get('fails') else ''}" for o in i.options or []
            ),
            "photo_required": i.photo_required,
        }
        for i in version.items.all()
    ]


def _people(school_id):
    return (
        get_user_model()
        .objects.filter(
            memberships__school_id=school_id, memberships__is_active=True, is_active=True
        )
        .distinct()
        .order_by("full_name", "pk")
    )


# Which recurrences use which of the schedule's fields.
RECURRENCE_FIELDS = {
    "every_days": (Recurrence.DAILY,),
    "times_a_day": (Recurrence.TIMES_A_DAY,),
    "day_starts": (Recurrence.TIMES_A_DAY,),
    "day_ends": (Recurrence.TIMES_A_DAY,),
    "weekday": (Recurrence.WEEKLY,),
    "day_of_month": (Recurrence.MONTHLY, Recurrence.QUARTERLY),
    "offset_days": (Recurrence.TERM,),
    "on_date": (Recurrence.ONCE,),
}


class ScheduleForm(TenantModelForm):
    room_types = forms.MultipleChoiceField(
        label=_("Each place of type"),
        choices=RoomType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    choice_select_related = {"rooms": ("floor__building",)}

    class Meta:
        model = InspectionSchedule
        fields = [
            "template",
            "name",
            "recurrence",
            "every_days",
            "times_a_day",
            "day_starts",
            "day_ends",
            "weekday",
            "day_of_month",
            "offset_days",
            "on_date",
            "starts_on",
            "ends_on",
            "room_types",
            "buildings",
            "rooms",
            "inspectors",
            "is_active",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "on_date": forms.DateInput(attrs={"type": "date"}),
            "day_starts": forms.TimeInput(attrs={"type": "time"}),
            "day_ends": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = InspectionTemplate.objects.filter(
            school_id=self.school_id, is_active=True
        )
        self.fields["buildings"].queryset = Building.objects.filter(school_id=self.school_id)
        self.fields["rooms"].queryset = Room.objects.filter(
            school_id=self.school_id, is_active=True
        ).select_related("floor__building")
        self.fields["inspectors"].queryset = _people(self.school_id)
        # Only the fields of the chosen recurrence are shown (static/js/houqin.js, initShowIf).
        for name, recurrences in RECURRENCE_FIELDS.items():
            self.fields[name].widget.attrs["data-show-if"] = "recurrence:" + ",".join(recurrences)


class EquipmentForm(TenantModelForm):
    choice_select_related = {"room": ("floor__building",)}

    class Meta:
        model = SafetyEquipment
        fields = [
            "code",
            "kind",
            "model_name",
            "size",
            "room",
            "location_note",
            "installed_on",
            "last_checked_on",
            "next_check_on",
            "refill_due_on",
            "expires_on",
            "status",
            "note",
        ]
        widgets = {
            name: forms.DateInput(attrs={"type": "date"})
            for name in (
                "installed_on",
                "last_checked_on",
                "next_check_on",
                "refill_due_on",
                "expires_on",
            )
        }


class SignatureField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return decode_signature(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class CompleteForm(forms.Form):
    signed_by = forms.CharField(label=_("Inspector's name"), max_length=40)
    signature = SignatureField()
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class SecondSignatureForm(forms.Form):
    """The inspected department's head signs (a form of its own: one signature pad a form)."""

    second_signed_by = forms.CharField(label=_("Head of the inspected department"), max_length=40)
    second_signature = SignatureField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

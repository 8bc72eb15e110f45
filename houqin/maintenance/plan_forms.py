"""The maintenance plan form and the dispatch forms (settings, bulk assign)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from houqin.core.views.generic import TenantModelForm, style_form
from houqin.org.models import RoomType

from . import plans
from .forms import worker_choices
from .models import MaintenancePlan, MaintenanceSettings, Recurrence

MAX_CHECKLIST_LINES = 40
# Which recurrences use each setting (the others are hidden on the form).
SHOWN_FOR = {
    "offset_days": Recurrence.TERM,
    "day_of_month": f"{Recurrence.MONTHLY},{Recurrence.YEARLY}",
    "month": Recurrence.YEARLY,
    "rrule": Recurrence.RRULE,
    "interval_days": Recurrence.AFTER_COMPLETION,
}


class ChecklistField(forms.CharField):
    """One checklist line per row of a text box; stored as a list of strings."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(v).strip() for v in value if str(v).strip()]
        lines = [line.strip() for line in (value or "").splitlines()]
        lines = [line[:100] for line in lines if line]
        if len(lines) > MAX_CHECKLIST_LINES:
            raise ValidationError(
                _("A checklist has at most %(count)d lines.") % {"count": MAX_CHECKLIST_LINES}
            )
        return lines


class PlanForm(TenantModelForm):
    room_types = forms.MultipleChoiceField(
        label=_("Room types"),
        choices=RoomType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("e.g. every office: choose Office. Leave empty to use buildings or rooms."),
    )
    checklist = ChecklistField(
        label=_("Checklist"), required=False, help_text=_("One line per step.")
    )
    choice_select_related = {"rooms": ("floor__building",)}

    class Meta:
        model = MaintenancePlan
        fields = [
            "name", "description", "category", "room_types", "buildings", "rooms",
            "asset_categories", "recurrence", "offset_days", "day_of_month", "month", "rrule", "interval_days",
            "lead_days", "checklist", "urgency", "default_worker", "default_company",
            "requires_photo", "requires_signature", "starts_on", "ends_on", "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "rooms": forms.SelectMultiple(attrs={"data-tom-select": ""}),
            "asset_categories": forms.SelectMultiple(attrs={"data-tom-select": ""}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_worker"].queryset = worker_choices(self.school_id)
        self.fields["category"].queryset = self.fields["category"].queryset.filter(
            is_active=True
        )
        # Only the settings of the chosen recurrence are shown (static/js/houqin.js).
        for name, shown_for in SHOWN_FOR.items():
            self.fields[name].widget.attrs["data-show-if"] = f"recurrence:{shown_for}"
        style_form(self)
        # Checkbox lists keep Tabler's look through the template, not a form-control class.
        self.fields["room_types"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        plan = self.instance
        for name in ("recurrence", "rrule", "starts_on", "ends_on", "room_types", "category"):
            if name in data:
                setattr(plan, name, data[name])
        try:
            plans.validate(
                plan,
                room_ids=[r.pk for r in data.get("rooms") or []],
                building_ids=[b.pk for b in data.get("buildings") or []],
                asset_category_ids=[c.pk for c in data.get("asset_categories") or []],
            )
        except plans.InvalidPlan as exc:
            field = "rrule" if data.get("recurrence") == Recurrence.RRULE and "RRULE" in str(
                exc.message
            ) else None
            raise ValidationError({field: exc.message} if field else exc.message) from None
        return data


class SettingsForm(TenantModelForm):
    class Meta:
        model = MaintenanceSettings
        fields = [
            "autoclose_days", "claim_pool", "require_signature", "workday_start", "workday_end",
            "workdays", "urgent_respond_hours", "urgent_fix_hours", "normal_respond_hours",
            "normal_fix_hours", "low_respond_hours", "low_fix_hours",
        ]
        widgets = {
            "workday_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "workday_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

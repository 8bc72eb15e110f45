"""Filters of rounds, schedules and equipment: one FilterSet for the page, its export and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import TenantFilterSet
from houqin.org.models import Building, Room

from . import services_equipment
from .models.equipment import EquipmentKind, EquipmentStatus, SafetyEquipment
from .models.inspections import InspectionRound, InspectionSchedule, InspectionTemplate, RoundStatus


def _rule_choices():
    from houqin.core import compliance

    from . import compliance_inspections

    return [
        (key, compliance.get(key).title)
        for key in compliance_inspections.RULE_KEYS
        if key != compliance_inspections.SIGNATURE_RULE
    ]


class RoundFilterSet(TenantFilterSet):
    search_fields = ("number", "template__name", "signed_by")
    status = django_filters.MultipleChoiceFilter(choices=RoundStatus.choices, label=_("Status"))
    template = django_filters.ModelChoiceFilter(
        queryset=InspectionTemplate.objects.all(), label=_("Template")
    )
    schedule = django_filters.ModelChoiceFilter(
        queryset=InspectionSchedule.objects.all(), label=_("Schedule")
    )
    rule = django_filters.ChoiceFilter(
        field_name="template__rule_key", choices=_rule_choices, label=_("Compliance rule")
    )
    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label=_("Due from")
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("Due until")
    )
    failed = django_filters.BooleanFilter(method="filter_failed", label=_("With failed items"))
    late = django_filters.BooleanFilter(field_name="is_late", label=_("Late"))

    class Meta:
        model = InspectionRound
        fields = [
            "status",
            "template",
            "schedule",
            "rule",
            "due_after",
            "due_before",
            "failed",
            "late",
        ]

    def filter_failed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(failed_count__gt=0) if value else queryset.filter(failed_count=0)


class ScheduleFilterSet(TenantFilterSet):
    search_fields = ("name", "template__name")
    template = django_filters.ModelChoiceFilter(
        queryset=InspectionTemplate.objects.all(), label=_("Template")
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = InspectionSchedule
        fields = ["template", "is_active"]


class EquipmentFilterSet(TenantFilterSet):
    search_fields = ("code", "model_name", "location_note", "room__number", "room__name")
    choice_select_related = {"room": ("floor__building",)}
    kind = django_filters.MultipleChoiceFilter(choices=EquipmentKind.choices, label=_("Kind"))
    status = django_filters.MultipleChoiceFilter(choices=EquipmentStatus.choices, label=_("Status"))
    building = django_filters.ModelChoiceFilter(
        field_name="room__floor__building", queryset=Building.objects.all(), label=_("Building")
    )
    room = django_filters.ModelChoiceFilter(queryset=Room.objects.all(), label=_("Place"))
    state = django_filters.ChoiceFilter(
        method="filter_state",
        label=_("Dates"),
        choices=[
            ("due", _("Check, refill or expiry due")),
            ("expired", _("Expired")),
            ("soon", _("Due within 30 days")),
        ],
    )

    class Meta:
        model = SafetyEquipment
        fields = ["kind", "status", "building", "room", "state"]

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        rule = {
            "due": services_equipment.due_q(today),
            "expired": services_equipment.expired_q(today),
            "soon": services_equipment.soon_q(today),
        }.get(value)
        return queryset.filter(rule) if rule is not None else queryset


__all__ = ["RoundFilterSet", "ScheduleFilterSet", "EquipmentFilterSet", "Q"]

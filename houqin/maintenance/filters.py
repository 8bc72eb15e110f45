"""The work-order list's filters, shared by the page, its export and the API."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import TenantFilterSet, YesNoFilter

from .models import OPEN_STATUSES, RepairCategory, Status, Urgency, WorkOrder
from .sla import overdue_q


class WorkOrderFilterSet(TenantFilterSet):
    search_fields = ("number", "title", "description")
    choice_select_related = {"room": ("floor__building",), "building": ("campus",)}

    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    open_only = YesNoFilter(method="filter_open", label=_("Open only"))
    category = django_filters.ModelChoiceFilter(
        queryset=RepairCategory.objects.all(), label=_("Category")
    )
    overdue = YesNoFilter(method="filter_overdue", label=_("Overdue"))
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label=_("Urgency"))
    building = django_filters.ModelChoiceFilter(
        queryset=lambda request: _building_model().objects.all(),
        field_name="room__floor__building",
        label=_("Building"),
    )
    room = django_filters.ModelChoiceFilter(
        queryset=lambda request: _room_model().objects.all(), label=_("Place")
    )
    assignee = django_filters.ModelChoiceFilter(
        queryset=lambda request: get_user_model().objects.all(), label=_("Assignee")
    )
    created = django_filters.DateFromToRangeFilter(
        field_name="created_at__date", label=_("Reported between")
    )

    class Meta:
        model = WorkOrder
        fields = ["q", "status", "open_only", "overdue", "category", "urgency", "building", "room", "assignee"]

    def filter_open(self, queryset, name, value):
        if value is True:
            return queryset.filter(status__in=OPEN_STATUSES)
        if value is False:
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset

    def filter_overdue(self, queryset, name, value):
        # On the stored dues, so the database does the work (see sla.overdue_q).
        if value is True:
            return queryset.filter(overdue_q())
        if value is False:
            return queryset.exclude(overdue_q())
        return queryset


def _building_model():
    from django.apps import apps

    return apps.get_model("org", "Building")


def _room_model():
    from django.apps import apps

    return apps.get_model("org", "Room")

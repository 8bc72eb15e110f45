"""Hazard filters: one FilterSet for the list page, its export and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import TenantFilterSet, YesNoFilter
from houqin.org.models import Building, Room, User

from .models.hazards import Hazard, HazardLevel, HazardSource, HazardStatus


def overdue_q(today=None) -> Q:
    """Open hazards past their deadline (not yet rectified)."""
    today = today or timezone.localdate()
    return Q(status__in=(HazardStatus.REPORTED, HazardStatus.RECTIFYING), deadline__lt=today)


class HazardFilterSet(TenantFilterSet):
    search_fields = ("number", "title", "description", "location_note", "reporter_name")
    choice_select_related = {"room": ("floor__building",)}

    status = django_filters.MultipleChoiceFilter(choices=HazardStatus.choices, label=_("Status"))
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("Level"))
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=_("Found by"))
    building = django_filters.ModelChoiceFilter(
        field_name="room__floor__building", queryset=Building.objects.all(), label=_("Building")
    )
    room = django_filters.ModelChoiceFilter(queryset=Room.objects.all(), label=_("Place"))
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.all(), label=_("Responsible person")
    )
    open = YesNoFilter(method="filter_open", label=_("Not closed"))
    overdue = YesNoFilter(method="filter_overdue", label=_("Overdue"))
    mine = YesNoFilter(method="filter_mine", label=_("Mine to rectify"))
    year = django_filters.NumberFilter(field_name="found_at", lookup_expr="year", label=_("Year"))
    found_after = django_filters.DateFilter(
        field_name="found_at", lookup_expr="date__gte", label=_("Found from")
    )
    found_before = django_filters.DateFilter(
        field_name="found_at", lookup_expr="date__lte", label=_("Found until")
    )

    class Meta:
        model = Hazard
        fields = [
            "q",
            "status",
            "level",
            "source",
            "building",
            "room",
            "owner",
            "open",
            "overdue",
            "mine",
            "year",
        ]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        from .models.hazards import OPEN_HAZARD_STATUSES

        q = Q(status__in=OPEN_HAZARD_STATUSES)
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        user_id = getattr(getattr(self.request, "user", None), "pk", None)
        return queryset.filter(owner_id=user_id) if value else queryset.exclude(owner_id=user_id)

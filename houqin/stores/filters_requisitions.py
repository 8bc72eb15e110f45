"""Requisition and quota filters: one FilterSet each for the page, the API and the export."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import TenantFilterSet, YesNoFilter
from houqin.org.models import Department, Term

from .models import Item
from .models.requisitions import TO_ISSUE, Requisition, RequisitionQuota, RequisitionStatus


class RequisitionFilterSet(TenantFilterSet):
    search_fields = ("number", "purpose", "requested_by__full_name", "lines__item__name")
    status = django_filters.MultipleChoiceFilter(
        choices=RequisitionStatus.choices, label=_("Status")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("Department")
    )
    mine = YesNoFilter(method="filter_mine", label=_("Asked for by me"))
    to_issue = YesNoFilter(method="filter_to_issue", label=_("Still to issue"))
    submitted_after = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__gte", label=_("Submitted from")
    )
    submitted_before = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__lte", label=_("Submitted until")
    )

    class Meta:
        model = Requisition
        fields = ["q", "status", "department", "mine", "to_issue"]

    def search(self, queryset, name, value):
        # A search through the lines may match one requisition several times.
        return super().search(queryset, name, value).distinct()

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        user_id = getattr(getattr(self.request, "user", None), "pk", None)
        return queryset.filter(requested_by_id=user_id) if value else queryset.exclude(
            requested_by_id=user_id
        )

    def filter_to_issue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=TO_ISSUE) if value else queryset.exclude(
            status__in=TO_ISSUE
        )


class QuotaFilterSet(TenantFilterSet):
    search_fields = ("department__name", "item__name", "category__name", "note")
    term = django_filters.ModelChoiceFilter(queryset=Term.objects.all(), label=_("Term"))
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("Department")
    )
    item = django_filters.ModelChoiceFilter(queryset=Item.objects.all(), label=_("Item"))

    class Meta:
        model = RequisitionQuota
        fields = ["q", "term", "department", "item"]

"""Filters of the purchase request and budget lists, shared by the pages, the API and the
exports."""

from __future__ import annotations

import django_filters
from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import TenantFilterSet, YesNoFilter

from .models import Budget, BudgetCategory, PurchaseRequest, RequestStatus


def _department_choices(request):
    return apps.get_model("org", "Department").objects.all()


def _category_choices(request):
    return BudgetCategory.objects.all()


class RequestFilterSet(TenantFilterSet):
    search_fields = ("number", "title", "reason", "lines__description")

    # ?mine=yes: only what I asked for.
    mine = YesNoFilter(method="filter_mine", label=_("Mine"))
    status = django_filters.MultipleChoiceFilter(
        choices=RequestStatus.choices, label=_("Status"), distinct=False
    )
    department = django_filters.ModelChoiceFilter(
        queryset=_department_choices, label=_("Department")
    )
    budget_category = django_filters.ModelChoiceFilter(
        queryset=_category_choices, label=_("Budget category")
    )
    budget_year = django_filters.NumberFilter(label=_("Budget year"))
    over_budget = YesNoFilter(label=_("Over budget"))
    # ?created_after=YYYY-MM-DD&created_before=YYYY-MM-DD
    created = django_filters.DateFromToRangeFilter(
        field_name="created_at__date", label=_("Asked between")
    )

    class Meta:
        model = PurchaseRequest
        fields = [
            "q", "mine", "status", "department", "budget_category", "budget_year",
            "over_budget", "created",
        ]  # fmt: skip

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        user_id = getattr(getattr(self.request, "user", None), "pk", None)
        mine = Q(requested_by_id=user_id)
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def search(self, queryset, name, value):
        # A text matching several lines of one request lists it once.
        found = super().search(PurchaseRequest.objects.all(), name, value)
        return queryset.filter(pk__in=found.values("pk"))


class BudgetFilterSet(TenantFilterSet):
    search_fields = ("department__name", "category__name", "note")

    year = django_filters.NumberFilter(label=_("Year"))
    department = django_filters.ModelChoiceFilter(
        queryset=_department_choices, label=_("Department")
    )
    category = django_filters.ModelChoiceFilter(queryset=_category_choices, label=_("Category"))

    class Meta:
        model = Budget
        fields = ["q", "year", "department", "category"]

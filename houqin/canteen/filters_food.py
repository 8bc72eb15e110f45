"""Filters of the canteen and water lists, shared by the pages, their exports and the API."""

from __future__ import annotations

import django_filters
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import DateRangeWidget

from houqin.core.filters import TenantFilterSet, YesNoFilter

from .models.food import (
    AccompaniedMeal,
    Disinfection,
    DisinfectionMethod,
    FoodSample,
    Meal,
    MealKind,
)
from .models.goods import GoodsCheck, LicenceKind, SupplierLicence
from .models.staff import DutyRecord, FoodHandler, MorningCheck
from .models.water import Dispenser, EducationCampaign, FilterChange, WaterContract, WaterTest

DATES = {"type": "date"}


def _companies(request):
    return apps.get_model("org", "Company").objects.all()


def _range(field, label=None):
    return django_filters.DateFromToRangeFilter(
        field_name=field, label=label or _("Between"), widget=DateRangeWidget(attrs=DATES)
    )


class MealFilterSet(TenantFilterSet):
    search_fields = ("dishes__name", "note")
    date = _range("date")
    kind = django_filters.ChoiceFilter(choices=MealKind.choices, label=_("Meal"))

    class Meta:
        model = Meal
        fields = ["q", "date", "kind"]

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()


class FoodSampleFilterSet(TenantFilterSet):
    search_fields = ("meal_dish__name", "container")
    date = _range("meal__date")
    kind = django_filters.ChoiceFilter(
        field_name="meal__kind", choices=MealKind.choices, label=_("Meal")
    )
    kept = YesNoFilter(field_name="disposed_at", lookup_expr="isnull", label=_("Still kept"))
    disposable = YesNoFilter(method="filter_disposable", label=_("May be disposed of now"))

    class Meta:
        model = FoodSample
        fields = ["q", "date", "kind", "kept", "disposable"]

    def filter_disposable(self, queryset, name, value):
        if value is None:
            return queryset
        due = {"disposed_at__isnull": True, "dispose_after__lte": timezone.now()}
        return queryset.filter(**due) if value else queryset.exclude(**due)


class DisinfectionFilterSet(TenantFilterSet):
    search_fields = ("items", "done_by_name")
    date = _range("meal__date")
    method = django_filters.ChoiceFilter(choices=DisinfectionMethod.choices, label=_("Method"))

    class Meta:
        model = Disinfection
        fields = ["q", "date", "method"]


class AccompaniedMealFilterSet(TenantFilterSet):
    search_fields = ("problems", "action", "leader__full_name")
    date = _range("meal__date")
    problems_found = YesNoFilter(method="filter_problems", label=_("Problems found"))

    class Meta:
        model = AccompaniedMeal
        fields = ["q", "date", "problems_found"]

    def filter_problems(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(problems="") if value else queryset.filter(problems="")


class FoodHandlerFilterSet(TenantFilterSet):
    search_fields = ("name", "job", "certificate_number", "phone")
    company = django_filters.ModelChoiceFilter(queryset=_companies, label=_("Company"))
    is_active = YesNoFilter(label=_("Working here"))
    expires = _range("certificate_expires", _("Certificate expires between"))

    class Meta:
        model = FoodHandler
        fields = ["q", "company", "is_active", "expires"]


class MorningCheckFilterSet(TenantFilterSet):
    search_fields = ("handler__name", "exclusion_reason", "other_symptoms")
    date = _range("date")
    fit = YesNoFilter(label=_("Fit for work"))
    handler = django_filters.ModelChoiceFilter(
        queryset=FoodHandler.objects.all(), label=_("Handler")
    )

    class Meta:
        model = MorningCheck
        fields = ["q", "date", "fit", "handler"]


class DutyRecordFilterSet(TenantFilterSet):
    search_fields = ("handler__name",)
    date = _range("date")
    meal_kind = django_filters.ChoiceFilter(choices=MealKind.choices, label=_("Meal"))

    class Meta:
        model = DutyRecord
        fields = ["q", "date", "meal_kind"]


class GoodsCheckFilterSet(TenantFilterSet):
    search_fields = ("goods", "batch", "supplier_name", "company__name")
    date = _range("date")
    company = django_filters.ModelChoiceFilter(queryset=_companies, label=_("Supplier"))
    accepted = YesNoFilter(label=_("Accepted"))
    documents_missing = YesNoFilter(method="filter_documents", label=_("Documents missing"))

    class Meta:
        model = GoodsCheck
        fields = ["q", "date", "company", "accepted", "documents_missing"]

    def filter_documents(self, queryset, name, value):
        from django.db.models import Q

        missing = Q(licence_seen=False) | Q(certificate_seen=False)
        if value is None:
            return queryset
        return queryset.filter(missing) if value else queryset.exclude(missing)


class SupplierLicenceFilterSet(TenantFilterSet):
    search_fields = ("supplier_name", "company__name", "licence_number")
    kind = django_filters.ChoiceFilter(choices=LicenceKind.choices, label=_("Licence"))
    expires = _range("expires", _("Expires between"))

    class Meta:
        model = SupplierLicence
        fields = ["q", "kind", "expires"]


class WaterContractFilterSet(TenantFilterSet):
    search_fields = ("title", "contract_number", "company__name")

    class Meta:
        model = WaterContract
        fields = ["q"]


class DispenserFilterSet(TenantFilterSet):
    search_fields = ("location", "model", "room__number", "room__name")
    is_active = YesNoFilter(label=_("In use"))
    due = YesNoFilter(method="filter_due", label=_("Filter change due"))

    class Meta:
        model = Dispenser
        fields = ["q", "is_active", "due"]

    def filter_due(self, queryset, name, value):
        from django.db.models import Q

        due = Q(next_due__lte=timezone.localdate()) | Q(next_due__isnull=True)
        if value is None:
            return queryset
        return queryset.filter(due, is_active=True) if value else queryset.exclude(due)


class FilterChangeFilterSet(TenantFilterSet):
    search_fields = ("done_by_name", "dispenser__location", "note")
    date = _range("date")

    class Meta:
        model = FilterChange
        fields = ["q", "date"]


class WaterTestFilterSet(TenantFilterSet):
    search_fields = ("place", "tested_by", "results", "dispenser__location")
    date = _range("date")
    passed = YesNoFilter(label=_("Passed"))

    class Meta:
        model = WaterTest
        fields = ["q", "date", "passed"]


class EducationCampaignFilterSet(TenantFilterSet):
    search_fields = ("topic", "audience", "summary")
    date = _range("date")

    class Meta:
        model = EducationCampaign
        fields = ["q", "date"]

"""The canteen's registers as lists (filters, Excel export), detail pages with their timeline,
and edit pages whose saving goes through the services."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView
from houqin.core.views.timeline import timeline_context

from . import filters_food as filters
from . import forms_food as forms
from . import services_goods, services_handlers, services_water
from . import tables_food as tables
from .models.food import AccompaniedMeal, Dish, Disinfection, FoodSample, Meal, MealDish
from .models.goods import GoodsCheck, SupplierLicence
from .models.staff import DutyRecord, FoodHandler, MorningCheck
from .models.water import Dispenser, EducationCampaign, FilterChange, WaterContract, WaterTest
from .selectors_food import with_flags


def link(url_name, label, icon="", query=""):
    return {"url": reverse(url_name) + query, "label": label, "icon": icon}


class CanteenList(ObjectListView):
    template_name = "canteen/list.html"
    links: tuple = ()

    def get_extra_context(self):
        return {"extra_links": [link(*spec) for spec in self.links]}


class CanteenDetail(ObjectDetailView):
    template_name = "canteen/detail.html"

    def get_extra_context(self, obj):
        return timeline_context(self.request, obj)


class ServiceEdit(ObjectEditView):
    """An edit page whose save is a service call ``service(obj, by=user[, files=...])``."""

    template_name = "canteen/form.html"
    service = None
    takes_files = True

    def save(self, form):
        obj = form.save(commit=False)
        if obj._state.adding:
            obj.school_id = self.access.school_id
        kwargs = {"by": self.request.user}
        if self.takes_files:
            kwargs["files"] = form.cleaned_data.get("documents") or ()
        return type(self).service(obj, **kwargs)


# ---------------------------------------------------------------- meals and their records


class MealListView(CanteenList):
    queryset = with_flags(Meal.objects.order_by("-date", "kind")).prefetch_related(
        Prefetch("dishes", queryset=MealDish.objects.order_by("position", "pk"))
    )
    filterset_class = filters.MealFilterSet
    table_class = tables.MealTable
    route_prefix = "canteen:meal"
    links = (
        ("canteen:today", _("Today"), "calendar-event"),
        ("canteen:ledgers", _("Ledgers"), "printer"),
    )

    def route(self, action, *args):
        return None if action == "add" else super().route(action, *args)

    def get_extra_context(self):
        context = super().get_extra_context()
        if self.may("add"):
            context["extra_links"].append(
                link("canteen:today", _("Record a meal"), "plus", "#record-meal")
            )
        return context


def meal_detail(request, pk):
    """A meal is kept and completed on its day's page."""
    meal = get_object_or_404(Meal.objects.restrict(request.user, "view"), pk=pk)
    return redirect(f"{reverse('canteen:today')}?day={meal.date.isoformat()}#meal-{meal.pk}")


class FoodSampleListView(CanteenList):
    queryset = FoodSample.objects.select_related("meal", "meal_dish", "taken_by", "disposed_by")
    filterset_class = filters.FoodSampleFilterSet
    table_class = tables.FoodSampleTable
    route_prefix = "canteen:sample"
    links = (("canteen:ledger_samples", _("Print ledger"), "printer"),)


class DisinfectionListView(CanteenList):
    queryset = Disinfection.objects.select_related("meal", "done_by")
    filterset_class = filters.DisinfectionFilterSet
    table_class = tables.DisinfectionTable
    route_prefix = "canteen:disinfection"
    links = (("canteen:ledger_disinfection", _("Print ledger"), "printer"),)


class AccompaniedMealListView(CanteenList):
    queryset = AccompaniedMeal.objects.select_related("meal", "leader")
    filterset_class = filters.AccompaniedMealFilterSet
    table_class = tables.AccompaniedMealTable
    route_prefix = "canteen:accompanied"
    links = (("canteen:ledger_accompanied", _("Print ledger"), "printer"),)


class DishListView(CanteenList):
    model = Dish
    table_class = tables.DishTable
    route_prefix = "canteen:dish"


class DishEditView(ObjectEditView):
    form_class = forms.DishForm
    model = Dish
    route_prefix = "canteen:dish"

    def success_url(self, obj):
        return reverse("canteen:dish_list")


# ---------------------------------------------------------------- handlers


class FoodHandlerListView(CanteenList):
    queryset = FoodHandler.objects.select_related("company")
    filterset_class = filters.FoodHandlerFilterSet
    table_class = tables.FoodHandlerTable
    route_prefix = "canteen:handler"
    links = (
        ("canteen:certificate_list", _("Certificates to renew"), "alert-triangle"),
        ("canteen:checks", _("Morning checks"), "stethoscope"),
    )


class CertificateListView(CanteenList):
    """Handlers whose certificate has expired or expires within the school's warning days."""

    queryset = FoodHandler.objects.select_related("company")
    table_class = tables.FoodHandlerTable
    route_prefix = "canteen:certificate"
    title = _("Health certificates to renew")

    def base_queryset(self):
        from .selectors_food import certificates_due

        return certificates_due(self.access.school_id)


class FoodHandlerDetailView(CanteenDetail):
    model = FoodHandler
    route_prefix = "canteen:handler"
    detail_fields = (
        "name",
        "company",
        "job",
        "phone",
        "user",
        "certificate_number",
        "certificate_issued",
        "certificate_expires",
        "is_active",
    )


class FoodHandlerEditView(ServiceEdit):
    form_class = forms.FoodHandlerForm
    model = FoodHandler
    route_prefix = "canteen:handler"
    service = staticmethod(services_handlers.save_handler)
    takes_files = False


class MorningCheckListView(CanteenList):
    queryset = MorningCheck.objects.select_related("handler", "checked_by")
    filterset_class = filters.MorningCheckFilterSet
    table_class = tables.MorningCheckTable
    route_prefix = "canteen:check"
    links = (
        ("canteen:checks", _("Check today"), "stethoscope"),
        ("canteen:ledger_checks", _("Print ledger"), "printer"),
    )


class DutyRecordListView(CanteenList):
    queryset = DutyRecord.objects.select_related("handler", "recorded_by")
    filterset_class = filters.DutyRecordFilterSet
    table_class = tables.DutyRecordTable
    route_prefix = "canteen:duty"


# ---------------------------------------------------------------- goods and licences


class GoodsCheckListView(CanteenList):
    queryset = GoodsCheck.objects.select_related("company", "checked_by")
    filterset_class = filters.GoodsCheckFilterSet
    table_class = tables.GoodsCheckTable
    route_prefix = "canteen:goods"
    links = (
        ("canteen:ledger_goods", _("Print ledger"), "printer"),
        ("canteen:licence_list", _("Supplier licences"), "license"),
    )


class GoodsCheckDetailView(CanteenDetail):
    queryset = GoodsCheck.objects.select_related("company", "checked_by")
    route_prefix = "canteen:goods"
    detail_fields = (
        "date", "company", "supplier_name", "goods", "quantity", "unit", "batch", "production_date",
        "shelf_life_days", "best_before", "licence_seen", "certificate_seen", "accepted", "refusal_reason",
        "keep_until", "checked_by",
    )  # fmt: skip
    detail_optional_fields = (
        "company",
        "supplier_name",
        "refusal_reason",
        "best_before",
        "shelf_life_days",
    )


class GoodsCheckAddView(ServiceEdit):
    form_class = forms.GoodsCheckForm
    model = GoodsCheck
    route_prefix = "canteen:goods"
    service = staticmethod(services_goods.record_goods_check)


class SupplierLicenceListView(CanteenList):
    queryset = SupplierLicence.objects.select_related("company")
    filterset_class = filters.SupplierLicenceFilterSet
    table_class = tables.SupplierLicenceTable
    route_prefix = "canteen:licence"


class SupplierLicenceDetailView(CanteenDetail):
    queryset = SupplierLicence.objects.select_related("company")
    route_prefix = "canteen:licence"
    detail_fields = ("company", "supplier_name", "kind", "licence_number", "issued", "expires")
    detail_optional_fields = ("company", "supplier_name")


class SupplierLicenceEditView(ServiceEdit):
    form_class = forms.SupplierLicenceForm
    model = SupplierLicence
    route_prefix = "canteen:licence"
    service = staticmethod(services_goods.save_licence)


# ---------------------------------------------------------------- water and campaigns


class WaterContractListView(CanteenList):
    queryset = WaterContract.objects.select_related("company")
    filterset_class = filters.WaterContractFilterSet
    table_class = tables.WaterContractTable
    route_prefix = "canteen:contract"


class WaterContractDetailView(CanteenDetail):
    queryset = WaterContract.objects.select_related("company")
    route_prefix = "canteen:contract"
    detail_fields = (
        "company",
        "title",
        "contract_number",
        "start_date",
        "end_date",
        "contact_name",
        "contact_phone",
        "note",
    )


class WaterContractEditView(ServiceEdit):
    form_class = forms.WaterContractForm
    model = WaterContract
    route_prefix = "canteen:contract"
    service = staticmethod(services_water.save_contract)


class DispenserListView(CanteenList):
    queryset = Dispenser.objects.select_related("room__floor__building")
    filterset_class = filters.DispenserFilterSet
    table_class = tables.DispenserTable
    route_prefix = "canteen:dispenser"
    links = (
        ("canteen:filterchange_list", _("Filter changes"), "filter"),
        ("canteen:ledger_water", _("Print ledger"), "printer"),
    )


class DispenserDetailView(CanteenDetail):
    queryset = Dispenser.objects.select_related("room__floor__building")
    route_prefix = "canteen:dispenser"
    detail_fields = (
        "room",
        "location",
        "model",
        "filter_days",
        "last_changed",
        "next_due",
        "is_active",
    )
    template_name = "canteen/dispenser_detail.html"

    def get_extra_context(self, obj):
        context = super().get_extra_context(obj)
        context["changes"] = list(obj.filter_changes.order_by("-date", "-pk")[:20])
        context["filter_form"] = forms.FilterChangeForm()
        context["may_change_filter"] = self.access.has_perm("canteen.add_filterchange")
        return context


class DispenserEditView(ServiceEdit):
    form_class = forms.DispenserForm
    model = Dispenser
    route_prefix = "canteen:dispenser"
    service = staticmethod(services_water.save_dispenser)
    takes_files = False


class FilterChangeListView(CanteenList):
    queryset = FilterChange.objects.select_related("dispenser__room__floor__building")
    filterset_class = filters.FilterChangeFilterSet
    table_class = tables.FilterChangeTable
    route_prefix = "canteen:filterchange"

    def route(self, action, *args):
        return None if action == "add" else super().route(action, *args)


class WaterTestListView(CanteenList):
    queryset = WaterTest.objects.select_related("dispenser__room__floor__building")
    filterset_class = filters.WaterTestFilterSet
    table_class = tables.WaterTestTable
    route_prefix = "canteen:watertest"
    links = (("canteen:ledger_water", _("Print ledger"), "printer"),)


class WaterTestDetailView(CanteenDetail):
    queryset = WaterTest.objects.select_related("dispenser__room__floor__building", "recorded_by")
    route_prefix = "canteen:watertest"
    detail_fields = (
        "date",
        "dispenser",
        "place",
        "tested_by",
        "results",
        "passed",
        "follow_up",
        "followed_up_at",
        "recorded_by",
    )
    detail_optional_fields = ("dispenser", "place", "follow_up", "followed_up_at")
    template_name = "canteen/watertest_detail.html"

    def get_extra_context(self, obj):
        context = super().get_extra_context(obj)
        context["followup_form"] = forms.FollowUpForm()
        context["may_follow_up"] = not obj.passed and self.access.has_perm(
            "canteen.change_watertest"
        )
        return context


class WaterTestAddView(ServiceEdit):
    form_class = forms.WaterTestForm
    model = WaterTest
    route_prefix = "canteen:watertest"
    service = staticmethod(services_water.record_water_test)


class EducationCampaignListView(CanteenList):
    queryset = EducationCampaign.objects.all()
    filterset_class = filters.EducationCampaignFilterSet
    table_class = tables.EducationCampaignTable
    route_prefix = "canteen:campaign"


class EducationCampaignDetailView(CanteenDetail):
    model = EducationCampaign
    route_prefix = "canteen:campaign"
    detail_fields = ("date", "topic", "audience", "participants", "summary")


class EducationCampaignEditView(ServiceEdit):
    form_class = forms.EducationCampaignForm
    model = EducationCampaign
    route_prefix = "canteen:campaign"
    service = staticmethod(services_water.save_campaign)

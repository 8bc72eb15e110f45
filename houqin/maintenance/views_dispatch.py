"""Dispatch pages: the claim pool (抢单), bulk assign (派单) and the school's repair settings."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.scoping import access_for
from houqin.core.views.generic import ObjectEditView, style_form

from . import selectors, services
from .forms import worker_choices
from .models import DISPATCH_PERM, MaintenanceSettings, RepairCategory, Status, WorkOrder
from .plan_forms import SettingsForm
from .views import WORK_ORDER_RELATED

POOL_SHOWN = 100
BULK_SHOWN = 200


class PoolView(LoginRequiredMixin, View):
    """Unassigned repairs a worker may take (when the school turned the pool on)."""

    template_name = "maintenance/pool.html"

    def get(self, request):
        access = access_for(request.user)
        if not access.is_member:
            raise PermissionDenied
        enabled = MaintenanceSettings.for_school(access.school_id).claim_pool
        orders = selectors.pool_for(request.user).select_related(
            "category", "room__floor__building"
        )[:POOL_SHOWN]
        context = {"title": _("Job pool"), "orders": list(orders), "enabled": enabled}
        return render(request, self.template_name, context)

    def post(self, request):
        order = get_object_or_404(selectors.pool_for(request.user), pk=request.POST.get("order"))
        try:
            services.claim(order, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("maintenance:pool")
        messages.success(
            request, _("%(number)s is yours now.") % {"number": order.number}
        )
        return redirect("maintenance:workorder_detail", pk=order.pk)


class BulkAssignForm(forms.Form):
    orders = forms.ModelMultipleChoiceField(queryset=None, label=_("Work orders"))
    worker = forms.ModelChoiceField(queryset=None, label=_("Worker"), required=False)
    company = forms.ModelChoiceField(queryset=None, label=_("Contractor"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, school_id, orders, **kwargs):
        from houqin.org.models import Company

        super().__init__(*args, **kwargs)
        self.fields["orders"].queryset = orders
        self.fields["worker"].queryset = worker_choices(school_id)
        self.fields["company"].queryset = Company.objects.filter(
            school_id=school_id, is_active=True
        ).order_by("name")
        style_form(self)

    def clean(self):
        data = super().clean()
        if not data.get("worker") and not data.get("company"):
            raise forms.ValidationError(_("Choose a worker or a contractor."))
        return data


class BulkAssignView(LoginRequiredMixin, View):
    """派单: the unassigned orders (filter by category and building), tick many, one assignee."""

    template_name = "maintenance/bulk_assign.html"

    def setup_access(self, request):
        self.access = access_for(request.user)
        if not self.access.is_member or not self.access.has_perm(DISPATCH_PERM):
            raise PermissionDenied

    def pending(self, request):
        qs = WorkOrder.objects.restrict(request.user, "view").filter(status=Status.SUBMITTED)
        category = request.GET.get("category")
        building = request.GET.get("building")
        if category and category.isdigit():
            qs = qs.filter(category_id=category)
        if building and building.isdigit():
            qs = qs.filter(room__floor__building_id=building)
        return selectors.urgent_first(qs)

    def render_page(self, request, form):
        from houqin.org.models import Building

        school_id = self.access.school_id
        context = {
            "title": _("Assign many"),
            "form": form,
            "orders": list(self.pending(request).select_related(*WORK_ORDER_RELATED)[:BULK_SHOWN]),
            "categories": RepairCategory.objects.filter(school_id=school_id),
            "buildings": Building.objects.filter(school_id=school_id).order_by("name"),
            "chosen": {str(pk) for pk in request.POST.getlist("orders")},
            "category": request.GET.get("category", ""),
            "building": request.GET.get("building", ""),
        }
        return render(request, self.template_name, context)

    def form(self, request, data=None):
        orders = WorkOrder.objects.restrict(request.user, "view").filter(status=Status.SUBMITTED)
        return BulkAssignForm(data, school_id=self.access.school_id, orders=orders)

    def get(self, request):
        self.setup_access(request)
        return self.render_page(request, self.form(request))

    def post(self, request):
        self.setup_access(request)
        form = self.form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = services.bulk_assign(
                    data["orders"], by=request.user, worker=data.get("worker"),
                    company=data.get("company"), note=data.get("note", ""),
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d work order assigned.", "%(count)d work orders assigned.",
                        len(done),
                    )
                    % {"count": len(done)},
                )
                return redirect(reverse("maintenance:bulk_assign") + _query(request))
        return self.render_page(request, form)


def _query(request) -> str:
    query = request.GET.urlencode()
    return f"?{query}" if query else ""


class SettingsView(ObjectEditView):
    """The school's repair settings (one page, no list)."""

    model = MaintenanceSettings
    form_class = SettingsForm
    template_name = "core/generic/object_edit.html"

    def get_object(self, pk=None):
        access = self.access
        if not access.is_member or not access.has_perm("maintenance.change_maintenancesettings"):
            raise PermissionDenied
        return MaintenanceSettings.for_school(access.school_id)

    def success_url(self, obj) -> str:
        return reverse("maintenance:settings")

    def render_form(self, obj, form):
        context = {
            "object": obj,
            "form": form,
            "title": _("Repair settings"),
            "cancel_url": reverse("maintenance:workorder_list"),
        }
        return render(self.request, self.template_name, context)

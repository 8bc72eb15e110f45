"""Maintenance plan pages: the list with this term's compliance, the plan with its targets,
occurrences and orders, add/edit, and "generate now"."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.views.generic import ObjectEditView, ScopedViewMixin

from . import plans
from .models import MaintenancePlan, Recurrence, WorkOrder
from .plan_forms import PlanForm

PLAN_RELATED = ("category", "default_worker", "default_company")
ORDERS_SHOWN = 200


class PlanMixin(ScopedViewMixin):
    model = MaintenancePlan
    route_prefix = "maintenance:plan"

    def check_view(self):
        if not self.may("view"):
            raise PermissionDenied


def plan_rows(plan_list, school_id, today):
    """Each plan with this term's compliance; a few queries whatever the number of plans."""
    calendar = plans.SchoolCalendar.load(school_id)
    rows = []
    for plan in plan_list:
        rows.append(
            {
                "plan": plan,
                "compliance": plans.compliance(plan, today=today, school_calendar=calendar),
            }
        )
    return rows


class PlanListView(PlanMixin, View):
    template_name = "maintenance/plan_list.html"

    def get(self, request):
        self.check_view()
        school_id = self.access.school_id
        plan_list = list(
            self.restricted("view")
            .select_related(*PLAN_RELATED)
            .prefetch_related("buildings", "rooms", "asset_categories")
            .order_by("-is_active", "name", "pk")
        )
        context = {
            "title": _("Maintenance plans"),
            "rows": plan_rows(plan_list, school_id, timezone.localdate()),
            "add_url": reverse("maintenance:plan_add") if self.may("add") else None,
        }
        return render(request, self.template_name, context)


class PlanDetailView(PlanMixin, View):
    template_name = "maintenance/plan_detail.html"

    def get(self, request, pk):
        self.check_view()
        plan = get_object_or_404(
            self.restricted("view")
            .select_related(*PLAN_RELATED)
            .prefetch_related("buildings", "rooms__floor__building", "asset_categories"),
            pk=pk,
        )
        today = timezone.localdate()
        calendar = plans.SchoolCalendar.load(plan.school_id)
        target_list = list(plans.targets(plan))
        now = plans.compliance(
            plan, today=today, target_count=len(target_list), school_calendar=calendar
        )
        last_term = plans.previous_term(plan.school_id, plans._term_on(calendar.terms, today))
        before = (
            plans.compliance(
                plan, start=last_term.start_date, end=last_term.end_date, today=today,
                target_count=len(target_list), school_calendar=calendar,
            )
            if last_term
            else None
        )
        upcoming = []
        if plan.recurrence != Recurrence.AFTER_COMPLETION:
            upcoming = plans.occurrences(
                plan, today, today + timedelta(days=400), school_calendar=calendar
            )[:5]
        orders = (
            WorkOrder.objects.filter(plan=plan, plan_due__gte=now.period_start,
                                     plan_due__lte=now.period_end)
            .select_related("room__floor__building", "assignee", "company")
            .order_by("plan_due", "room__floor__building__name", "room__number", "pk")
        )
        status_counts = dict(
            orders.order_by().values_list("status").annotate(n=Count("pk")).values_list(
                "status", "n"
            )
        )
        context = {
            "title": plan.name,
            "plan": plan,
            "targets": target_list[:100],
            "target_count": len(target_list),
            "asset_categories": list(plan.asset_categories.all()),
            "compliance": now,
            "previous": before,
            "previous_term": last_term,
            "upcoming": upcoming,
            "orders": list(orders[:ORDERS_SHOWN]),
            "orders_more": max(sum(status_counts.values()) - ORDERS_SHOWN, 0),
            "edit_url": reverse("maintenance:plan_edit", args=[plan.pk])
            if self.restricted("change").filter(pk=plan.pk).exists()
            else None,
            "may_generate": self.access.has_perm("maintenance.generate_maintenanceplan"),
        }
        return render(request, self.template_name, context)


class PlanCreateView(PlanMixin, ObjectEditView):
    form_class = PlanForm

    def get(self, request, pk=None):
        return super().get(request, pk)

    def get_form(self, obj, data=None, files=None):
        form = super().get_form(obj, data, files)
        if obj._state.adding and data is None and not form.initial.get("starts_on"):
            form.initial["starts_on"] = timezone.localdate()
        return form


class PlanEditView(PlanCreateView):
    pass


class PlanGenerateView(PlanMixin, View):
    """POST: make the orders that are due now (the same as the scheduler does)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        plan = get_object_or_404(self.restricted("view"), pk=pk)
        try:
            made = plans.generate_now(plan, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if made:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d work order was made.",
                        "%(count)d work orders were made.",
                        len(made),
                    )
                    % {"count": len(made)},
                )
            else:
                messages.info(request, _("Nothing is due now: every order is already there."))
        return redirect("maintenance:plan_detail", pk=plan.pk)

"""Pages of inspection templates (with the built-ins copied in on first visit) and schedules."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.views.generic import (
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
    add_validation_error,
)
from houqin.org.terms import school_terms, school_tz

from . import builtin_inspections, schedules, services_inspections
from .filters_inspections import ScheduleFilterSet
from .forms_inspections import ItemFormSet, ScheduleForm, TemplateForm, item_initial
from .models.inspections import (
    InspectionRound,
    InspectionSchedule,
    InspectionTemplate,
    TemplateItem,
    TemplateVersion,
)
from .tables_inspections import ScheduleTable


class TemplateMixin(ScopedViewMixin):
    model = InspectionTemplate
    route_prefix = "safety:inspection_template"


class TemplateListView(TemplateMixin, View):
    template_name = "safety/inspections/template_list.html"

    def get(self, request):
        if not self.may("view"):
            raise PermissionDenied
        if self.may("add"):
            builtin_inspections.ensure_templates(self.access.school_id, by=request.user)
        current = TemplateVersion.objects.filter(is_current=True).annotate(n_items=Count("items"))
        rows = list(
            self.restricted("view")
            .prefetch_related(Prefetch("versions", queryset=current, to_attr="current"))
            .annotate(
                n_schedules=Count("schedules", filter=Q(schedules__is_active=True), distinct=True)
            )
            .order_by("-is_active", "kind", "name", "pk")
        )
        context = {
            "title": _("Inspection templates"),
            "rows": rows,
            "add_url": reverse("safety:inspection_template_add") if self.may("add") else None,
        }
        return render(request, self.template_name, context)


class TemplateDetailView(TemplateMixin, View):
    template_name = "safety/inspections/template_detail.html"

    def get(self, request, pk):
        if not self.may("view"):
            raise PermissionDenied
        template = get_object_or_404(self.restricted("view"), pk=pk)
        versions = list(template.versions.annotate(n_rounds=Count("rounds")).order_by("-number"))
        current = next((v for v in versions if v.is_current), None)
        items = list(TemplateItem.objects.filter(version=current)) if current else []
        terms = school_terms(template.school_id)
        context = {
            "title": template.name,
            "template": template,
            "versions": versions,
            "current": current,
            "items": items,
            "schedules": list(template.schedules.order_by("-is_active", "name")),
            "terms": terms,
            "rule": _rule(template.rule_key),
            "edit_url": reverse("safety:inspection_template_edit", args=[pk])
            if self.may("change")
            else None,
        }
        return render(request, self.template_name, context)


def _rule(key):
    from houqin.core import compliance

    try:
        return compliance.get(key) if key else None
    except KeyError:
        return None


class TemplateEditView(TemplateMixin, View):
    template_name = "safety/inspections/template_form.html"

    def get_object(self, pk):
        if pk is None:
            if not self.may("add"):
                raise PermissionDenied
            return InspectionTemplate(school_id=self.access.school_id)
        obj = get_object_or_404(self.restricted("view"), pk=pk)
        if not self.restricted("change").filter(pk=pk).exists():
            raise PermissionDenied
        return obj

    def get(self, request, pk=None):
        template = self.get_object(pk)
        current = None if pk is None else template.versions.filter(is_current=True).first()
        form = TemplateForm(
            instance=template,
            initial={
                "needs_second_signature": bool(current and current.needs_second_signature),
            },
        )
        formset = ItemFormSet(initial=item_initial(current), prefix="items")
        return self.render_form(template, form, formset, current)

    def post(self, request, pk=None):
        template = self.get_object(pk)
        form = TemplateForm(request.POST, instance=template)
        formset = ItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            template = form.save(commit=False)
            template.school_id = self.access.school_id
            items = [f.as_item() for f in formset.forms if f.cleaned_data.get("label")]
            try:
                with transaction.atomic():
                    version = services_inspections.save_template(
                        template,
                        by=request.user,
                        items=items,
                        needs_second_signature=form.cleaned_data["needs_second_signature"],
                    )
            except DomainError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, _("Saved as version %(n)s.") % {"n": version.number})
                return redirect("safety:inspection_template_detail", pk=template.pk)
        current = None if pk is None else template.versions.filter(is_current=True).first()
        return self.render_form(template, form, formset, current)

    def render_form(self, template, form, formset, current):
        has_rounds = bool(current and current.rounds.exists())
        return render(
            self.request,
            self.template_name,
            {
                "title": _("Edit %(object)s") % {"object": template}
                if template.pk
                else _("Add an inspection template"),
                "form": form,
                "formset": formset,
                "template": template,
                "has_rounds": has_rounds,
                "cancel_url": reverse("safety:inspection_template_detail", args=[template.pk])
                if template.pk
                else reverse("safety:inspection_template_list"),
            },
        )


# ---------------------------------------------------------------- schedules


class ScheduleListView(ObjectListView):
    queryset = InspectionSchedule.objects.select_related("template")
    filterset_class = ScheduleFilterSet
    table_class = ScheduleTable
    route_prefix = "safety:inspection_schedule"
    title = _("Inspection schedules")


class ScheduleDetailView(ScopedViewMixin, View):
    model = InspectionSchedule
    route_prefix = "safety:inspection_schedule"
    template_name = "safety/inspections/schedule_detail.html"

    def get(self, request, pk):
        if not self.may("view"):
            raise PermissionDenied
        schedule = get_object_or_404(
            self.restricted("view")
            .select_related("template", "school")
            .prefetch_related("inspectors", "buildings", "rooms__floor__building"),
            pk=pk,
        )
        tz = school_tz(schedule.school)
        today = timezone.localdate()
        upcoming = schedules.slots(schedule, today, today + timedelta(days=60), tz=tz)[:8]
        rounds = list(
            InspectionRound.objects.filter(schedule=schedule)
            .select_related("assignee")
            .order_by("-due_date", "-slot")[:30]
        )
        context = {
            "title": schedule.name,
            "schedule": schedule,
            "places": schedules.target_rooms(schedule),
            "upcoming": upcoming,
            "rounds": rounds,
            "edit_url": reverse("safety:inspection_schedule_edit", args=[pk])
            if self.may("change")
            else None,
            "may_generate": self.access.has_perm("safety.change_inspectionschedule"),
        }
        return render(request, self.template_name, context)


class ScheduleEditView(ObjectEditView):
    model = InspectionSchedule
    form_class = ScheduleForm
    route_prefix = "safety:inspection_schedule"

    def get(self, request, pk=None):
        return super().get(request, pk)

    def get_form(self, obj, data=None, files=None):
        form = super().get_form(obj, data, files)
        if obj._state.adding and data is None:
            form.initial.setdefault("starts_on", timezone.localdate())
            template_id = self.request.GET.get("template")
            if template_id:
                form.initial["template"] = template_id
        return form

    def save(self, form):
        schedule = form.save(commit=False)
        schedule.school_id = self.access.school_id
        schedule.room_types = form.cleaned_data.get("room_types") or []
        return services_inspections.save_schedule(
            schedule,
            by=self.request.user,
            rooms=list(form.cleaned_data["rooms"]),
            buildings=list(form.cleaned_data["buildings"]),
            inspectors=list(form.cleaned_data["inspectors"]),
        )


class ScheduleGenerateView(ScopedViewMixin, View):
    model = InspectionSchedule
    http_method_names = ["post"]

    def post(self, request, pk):
        schedule = get_object_or_404(
            self.restricted("view").select_related("template", "school"), pk=pk
        )
        try:
            made = schedules.generate_now(schedule, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if made:
                messages.success(
                    request,
                    ngettext("%(count)d round was made.", "%(count)d rounds were made.", len(made))
                    % {"count": len(made)},
                )
            else:
                messages.info(request, _("Nothing is due now: every round is already there."))
        return redirect("safety:inspection_schedule_detail", pk=schedule.pk)

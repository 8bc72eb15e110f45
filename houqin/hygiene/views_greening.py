"""Greening pages: plots and their plants, the plant register, care tasks (plan, done with a
photo by the contractor, checked by the office), and the A4 care log."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
    add_validation_error,
)
from houqin.org.models import School

from . import forms_greening as forms
from . import services_greening as services
from .models.greening import CareStatus, CareTask, GreenPlot, Plant

# ---------------------------------------------------------------- plots


class PlotMixin:
    model = GreenPlot
    route_prefix = "hygiene:plot"


class PlotListView(PlotMixin, ObjectListView):
    queryset = GreenPlot.objects.select_related("room__floor__building", "company").annotate(
        plant_count=Sum("plants__count")
    )
    filterset_class = forms.GreenPlotFilterSet
    table_class = forms.GreenPlotTable
    title = _("Green plots")


class PlotDetailView(PlotMixin, ObjectDetailView):
    queryset = GreenPlot.objects.select_related("room__floor__building", "company")
    template_name = "hygiene/greening/plot_detail.html"
    detail_fields = ("name", "room", "location", "size_m2", "company", "note", "is_active")

    def get_extra_context(self, obj):
        today = timezone.localdate()
        tasks = CareTask.objects.restrict(self.request.user).filter(plot=obj)
        return {
            "plants": obj.plants.all(),
            "may_add_plant": self.access.has_perm("hygiene.add_plant"),
            "upcoming": tasks.filter(due_on__gte=today - timedelta(days=30)).order_by(
                "due_on", "pk"
            )[:20],
            "status_counts": dict(tasks.values_list("status").annotate(n=Count("pk")).order_by()),
        }


class PlotEditView(PlotMixin, ObjectEditView):
    form_class = forms.GreenPlotForm


class PlotDeleteView(PlotMixin, ObjectDeleteView):
    pass


# ---------------------------------------------------------------- plants


class PlantMixin:
    model = Plant
    route_prefix = "hygiene:plant"


class PlantListView(PlantMixin, ObjectListView):
    queryset = Plant.objects.select_related("plot")
    filterset_class = forms.PlantFilterSet
    table_class = forms.PlantTable
    title = _("Plant register")


class PlantEditView(PlantMixin, ObjectEditView):
    form_class = forms.PlantForm

    def get_form(self, obj, data=None, files=None):
        initial = {}
        plot = self.request.GET.get("plot")
        if obj._state.adding and plot and plot.isdigit():
            initial["plot"] = int(plot)
        return self.form_class(
            data,
            files,
            instance=obj,
            user=self.request.user,
            school_id=self.access.school_id,
            initial=initial,
        )

    def success_url(self, obj):
        return reverse("hygiene:plot_detail", args=[obj.plot_id])


class PlantDeleteView(PlantMixin, ObjectDeleteView):
    pass


# ---------------------------------------------------------------- care tasks


class TaskMixin:
    model = CareTask
    route_prefix = "hygiene:task"


class TaskListView(TaskMixin, ObjectListView):
    queryset = CareTask.objects.select_related("plot", "company", "done_by", "checked_by")
    filterset_class = forms.CareTaskFilterSet
    table_class = forms.CareTaskTable
    title = _("Greening care tasks")

    def get_extra_context(self):
        return {
            "add_url": reverse("hygiene:task_plan")
            if self.access.has_perm("hygiene.add_caretask")
            else None,
        }


class TaskDetailView(TaskMixin, ObjectDetailView):
    queryset = CareTask.objects.select_related("plot", "company", "done_by", "checked_by")
    template_name = "hygiene/greening/task_detail.html"
    detail_fields = (
        "plot",
        "kind",
        "due_on",
        "status",
        "company",
        "note",
        "done_at",
        "done_by",
        "done_note",
        "checked_at",
        "checked_by",
        "check_note",
        "redo_count",
    )
    detail_optional_fields = (
        "note",
        "done_at",
        "done_by",
        "done_note",
        "checked_at",
        "checked_by",
        "check_note",
    )

    def get_extra_context(self, obj):
        actions = {t.name for t in CareTask.machine.available(obj, self.request.user)}
        return {"actions": actions, "overdue": obj.overdue, "edit_url": None}


class TaskActionView(TaskMixin, ScopedViewMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, action):
        task = get_object_or_404(self.restricted("view"), pk=pk)
        note = request.POST.get("note", "")
        try:
            if action == "done":
                services.mark_done(
                    task, by=request.user, note=note, photos=request.FILES.getlist("photos")
                )
            elif action == "accept":
                services.accept(task, by=request.user, note=note)
            elif action == "redo":
                services.send_back(task, by=request.user, reason=note)
            elif action == "cancel":
                services.cancel(task, by=request.user, reason=note)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(task)s: %(status)s.") % {"task": task, "status": task.get_status_display()},
            )
        return redirect(task.get_absolute_url())


class TaskPlanView(ScopedViewMixin, View):
    model = CareTask
    template_name = "hygiene/greening/plan.html"

    def _check(self):
        if not self.access.has_perm("hygiene.add_caretask"):
            raise PermissionDenied

    def _form(self, data=None):
        plots = GreenPlot.objects.restrict(self.request.user).filter(is_active=True)
        initial = {"first": timezone.localdate()}
        plot = self.request.GET.get("plot")
        if plot and plot.isdigit():
            initial["plot"] = int(plot)
        return forms.PlanTasksForm(data, plots=plots, initial=initial)

    def get(self, request):
        self._check()
        return self._render(self._form())

    def post(self, request):
        self._check()
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                tasks = services.plan_tasks(
                    by=request.user,
                    plot=data["plot"],
                    kind=data["kind"],
                    first=data["first"],
                    until=data["until"],
                    every_days=data["every_days"],
                    note=data["note"],
                )
            except (ValidationError, DomainError) as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, _("%(n)d care tasks planned.") % {"n": len(tasks)})
                return redirect(reverse("hygiene:task_list") + f"?plot={data['plot'].pk}")
        return self._render(form)

    def _render(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "title": _("Plan greening care"),
                "cancel_url": reverse("hygiene:task_list"),
            },
        )


class CareLogPrintView(ScopedViewMixin, View):
    """绿化养护记录: the care done (and still due) over a span, with signature boxes."""

    model = CareTask
    template_name = "hygiene/print/care_log.html"

    def get(self, request):
        if not self.may("view"):
            raise PermissionDenied
        today = timezone.localdate()
        start = parse_date(request.GET.get("from") or "") or today.replace(day=1)
        end = parse_date(request.GET.get("to") or "") or today
        tasks = (
            CareTask.objects.restrict(request.user)
            .filter(due_on__gte=start, due_on__lte=end)
            .exclude(status=CareStatus.CANCELLED)
            .select_related("plot", "company", "done_by", "checked_by")
            .order_by("due_on", "plot__name", "pk")
        )
        return render(
            request,
            self.template_name,
            {
                "title": _("Greening care log"),
                "school": School.objects.get(pk=self.access.school_id),
                "tasks": tasks,
                "start": start,
                "end": end,
                "today": today,
                "back_url": reverse("hygiene:task_list"),
                "printed_at": timezone.now(),
            },
        )

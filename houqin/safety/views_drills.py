"""Drills: the list (filters, Excel), a drill's page (record it on a phone, findings → hazards,
photos on the timeline), the plan form, and the A4 drill register of a term. Every write goes
through ``services_drills``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from houqin.core import compliance
from houqin.core.errors import DomainError
from houqin.core.scoping import access_for
from houqin.core.views.generic import ObjectDetailView, ObjectListView, add_validation_error

from . import services_drills as services
from .filters_documents import DrillFilterSet, DrillTable, drills_annotated
from .forms_documents import CancelDrillForm, DrillForm, FindingForm, RecordDrillForm
from .models.documents import MANAGE_DRILLS, Drill, DrillFinding, DrillStatus


def _error(exc) -> str:
    return str(exc.message) if isinstance(exc, DomainError) else "; ".join(exc.messages)


class DrillMixin:
    model = Drill
    route_prefix = "safety:drill"


class DrillListView(DrillMixin, ObjectListView):
    queryset = drills_annotated()
    filterset_class = DrillFilterSet
    table_class = DrillTable
    template_name = "safety/documents/drill_list.html"
    title = _("Drills")

    def get_extra_context(self):
        term = self.request.GET.get("term", "")
        return {
            "register_url": reverse("safety:drill_register") + (f"?term={term}" if term else "")
        }


class DrillDetailView(DrillMixin, ObjectDetailView):
    template_name = "safety/documents/drill_detail.html"
    detail_fields = (
        "title", "kind", "status", "planned_date", "plan", "organiser", "done_date",
        "participants", "evacuation_seconds", "target_seconds", "notes", "cancel_reason",
    )  # fmt: skip
    detail_optional_fields = (
        "plan", "done_date", "participants", "evacuation_seconds", "target_seconds", "notes",
        "cancel_reason",
    )  # fmt: skip

    def base_queryset(self):
        return Drill.objects.select_related("plan", "organiser").prefetch_related(
            "buildings",
            Prefetch("rooms"),
            Prefetch(
                "findings",
                queryset=DrillFinding.objects.select_related("room", "hazard").order_by("pk"),
            ),
        )

    def get_extra_context(self, obj):
        user, access = self.request.user, self.access
        may_record = access.is_member and (
            access.has_perm(MANAGE_DRILLS) or obj.organiser_id == user.pk
        )
        planned = obj.status == DrillStatus.PLANNED
        school_id = access.school_id
        return {
            "edit_url": reverse("safety:drill_edit", args=[obj.pk])
            if planned and access.has_perm(MANAGE_DRILLS)
            else None,
            "delete_url": None,
            "record_form": RecordDrillForm() if planned and may_record else None,
            "cancel_form": CancelDrillForm()
            if planned and access.has_perm(MANAGE_DRILLS)
            else None,
            "finding_form": FindingForm(user=user, school_id=school_id)
            if obj.status == DrillStatus.DONE and may_record
            else None,
            "may_raise": may_record and access.has_perm("safety.add_hazard"),
            "target": compliance.value(school_id, services.EVACUATION_RULE),
        }


def _drill_form_view(request, drill=None):
    access = access_for(request.user)
    if drill is None:
        if not access.is_member or not access.has_perm("safety.add_drill"):
            raise PermissionDenied
    elif not access.has_perm(MANAGE_DRILLS):
        raise PermissionDenied
    initial = {"organiser": request.user.pk}
    if drill is not None:
        initial = {
            "title": drill.title, "kind": drill.kind, "planned_date": drill.planned_date,
            "plan": drill.plan_id, "organiser": drill.organiser_id, "notes": drill.notes,
            "buildings": [b.pk for b in drill.buildings.all()],
        }  # fmt: skip
    form = DrillForm(
        request.POST or None, initial=initial, user=request.user, school_id=access.school_id
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if drill is None:
                drill = services.plan_drill(school=access.school_id, by=request.user, **data)
            else:
                services.update_drill(drill, by=request.user, **data)
        except (DomainError, ValidationError) as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, gettext("The drill was saved."))
            return redirect(drill.get_absolute_url())
    return render(
        request,
        "core/generic/object_edit.html",
        {
            "form": form,
            "title": _("Plan a drill")
            if drill is None
            else gettext("Edit %(drill)s") % {"drill": drill},
            "cancel_url": drill.get_absolute_url() if drill else reverse("safety:drill_list"),
        },
    )


@login_required
def drill_add(request):
    return _drill_form_view(request)


@login_required
def drill_edit(request, pk):
    drill = get_object_or_404(Drill.objects.restrict(request.user, "view"), pk=pk)
    return _drill_form_view(request, drill)


def _drill(request, pk):
    return get_object_or_404(Drill.objects.restrict(request.user, "view"), pk=pk)


@login_required
def drill_record(request, pk):
    """Record the drill (a phone page: big fields, photos from the camera)."""
    drill = _drill(request, pk)
    if drill.status != DrillStatus.PLANNED or not services.may_record(drill, request.user):
        raise PermissionDenied
    form = RecordDrillForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        findings = [(line, None, data["raise_hazards"]) for line in form.finding_lines()]
        try:
            services.record_drill(
                drill, by=request.user, done_date=data["done_date"],
                participants=data["participants"], evacuation_seconds=data["evacuation_seconds"],
                notes=data["notes"], photos=data["photos"], findings=findings,
            )  # fmt: skip
        except (DomainError, ValidationError) as exc:
            add_validation_error(form, exc)
        else:
            drill.refresh_from_db()
            if drill.is_slow:
                messages.warning(
                    request,
                    gettext(
                        "Recorded. The evacuation took %(seconds)d s, over the target of %(target)d s."
                    )
                    % {"seconds": drill.evacuation_seconds, "target": drill.target_seconds},
                )
            else:
                messages.success(request, gettext("The drill was recorded."))
            return redirect(drill.get_absolute_url())
    return render(
        request,
        "safety/documents/drill_record.html",
        {
            "title": gettext("Record %(drill)s") % {"drill": drill},
            "drill": drill,
            "form": form,
            "target": compliance.value(drill.school_id, services.EVACUATION_RULE),
            "cancel_url": drill.get_absolute_url(),
        },
    )


@login_required
def drill_cancel(request, pk):
    drill = _drill(request, pk)
    if request.method == "POST":
        try:
            services.cancel_drill(drill, by=request.user, reason=request.POST.get("reason", ""))
        except DomainError as exc:
            messages.error(request, _error(exc))
        else:
            messages.success(request, gettext("The drill was cancelled."))
    return redirect(drill.get_absolute_url())


@login_required
def drill_finding_add(request, pk):
    drill = _drill(request, pk)
    access = access_for(request.user)
    if request.method == "POST":
        form = FindingForm(request.POST, user=request.user, school_id=access.school_id)
        if form.is_valid():
            try:
                finding = services.add_finding(
                    drill, by=request.user, description=form.cleaned_data["description"],
                    room=form.cleaned_data["room"], raise_hazard=form.cleaned_data["raise_hazard"],
                )  # fmt: skip
            except (DomainError, ValidationError) as exc:
                messages.error(request, _error(exc))
            else:
                if finding.hazard_id:
                    messages.success(
                        request, gettext("Finding noted; hazard %(number)s was reported.")
                        % {"number": finding.hazard.number},
                    )  # fmt: skip
                else:
                    messages.success(request, gettext("Finding noted."))
        else:
            messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect(drill.get_absolute_url())


@login_required
def drill_finding_hazard(request, pk):
    finding = get_object_or_404(DrillFinding.objects.restrict(request.user, "view"), pk=pk)
    drill = _drill(request, finding.drill_id)
    if request.method == "POST":
        try:
            hazard = services.raise_finding_hazard(finding, by=request.user)
        except DomainError as exc:
            messages.error(request, _error(exc))
        else:
            messages.success(
                request, gettext("Hazard %(number)s was reported.") % {"number": hazard.number}
            )
    return redirect(drill.get_absolute_url())


@login_required
def drill_register(request):
    """The A4 drill register of a term: date, kind, participants, time, findings, signature."""
    from houqin.org import terms as org_terms
    from houqin.org.models import School

    access = access_for(request.user)
    if not access.is_member or not access.has_perm("safety.view_drill"):
        raise PermissionDenied
    today = timezone.localdate()
    terms = org_terms.school_terms(access.school_id)
    chosen = request.GET.get("term")
    term = next((t for t in terms if str(t.pk) == chosen), None) or org_terms.current_term(
        terms, today
    )
    drills = Drill.objects.restrict(request.user, "view").exclude(status=DrillStatus.CANCELLED)
    if term is not None:
        drills = DrillFilterSet({"term": term.pk}, queryset=drills, request=request).qs
    drills = list(
        drills.select_related("organiser", "plan")
        .prefetch_related(
            Prefetch(
                "findings", queryset=DrillFinding.objects.select_related("hazard").order_by("pk")
            )
        )
        .order_by("planned_date", "pk")
    )
    per_sheet = 12
    sheets = [drills[i : i + per_sheet] for i in range(0, len(drills), per_sheet)] or [[]]
    return render(
        request,
        "safety/documents/drill_register.html",
        {
            "title": _("Drill register"),
            "school": School.objects.get(pk=access.school_id),
            "term": term,
            "terms": terms,
            "sheets": sheets,
            "target": compliance.value(access.school_id, services.EVACUATION_RULE),
            "back_url": reverse("safety:drill_list"),
            "printed_at": timezone.now(),
        },
    )

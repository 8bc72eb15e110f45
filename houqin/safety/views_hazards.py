"""Hazard pages: the list (filters, Excel), the phone report form, the phone-friendly detail page
with the buttons the user may press, and the action posts. Every change goes through
``services_hazards``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.scoping import can
from houqin.core.tables import register_detail_route
from houqin.core.views.generic import ObjectListView, ScopedViewMixin, add_validation_error

from . import forms_hazards as forms
from . import services_hazards as hz
from .filters_hazards import HazardFilterSet
from .models.hazards import (
    ASSIGN_PERM,
    EXPORT_PERM,
    Hazard,
    HazardSource,
    HazardStatus,
)
from .tables_hazards import LIST_RELATED, HazardTable

DETAIL_RELATED = (
    "room__floor__building", "owner", "department", "reported_by", "fixed_by", "verified_by",
    "work_order",
)  # fmt: skip


class HazardMixin:
    model = Hazard
    route_prefix = "safety:hazard"


class HazardListView(HazardMixin, ObjectListView):
    queryset = Hazard.objects.select_related(*LIST_RELATED)
    filterset_class = HazardFilterSet
    table_class = HazardTable
    export_perm = EXPORT_PERM
    title = _("Hazards")
    template_name = "safety/hazards/list.html"

    def get_extra_context(self):
        access = self.access
        return {
            "add_url": reverse("safety:hazard_add") if access.has_perm(hz.ADD_PERM) else None,
            "register_url": reverse("safety:hazard_register")
            if access.has_perm("safety.view_hazard")
            else None,
        }


class HazardAddView(ScopedViewMixin, View):
    """A member reports a hazard from a phone (``?room=<pk>`` preselects the place)."""

    model = Hazard
    template_name = "safety/hazards/add.html"

    def check(self):
        if not self.access.is_member or not self.access.has_perm(hz.ADD_PERM):
            raise PermissionDenied

    def get_form(self, data=None, files=None):
        initial = {}
        room = self.request.GET.get("room")
        if room and room.isdigit():
            initial["room"] = int(room)
        return forms.HazardReportForm(
            data, files, user=self.request.user, school_id=self.access.school_id, initial=initial
        )

    def get(self, request):
        self.check()
        return self.render_form(self.get_form())

    def post(self, request):
        self.check()
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                hazard = hz.report_hazard(
                    school=self.access.school_id,
                    by=request.user,
                    title=data["title"],
                    description=data["description"],
                    level=data["level"],
                    room=data["room"],
                    location_note=data["location_note"],
                    source=HazardSource.REPORT,
                    photos=data["photos"],
                )
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                messages.success(
                    request, _("Hazard reported as %(number)s.") % {"number": hazard.number}
                )
                return redirect("safety:hazard_detail", hazard.pk)
        return self.render_form(form)

    def render_form(self, form):
        return render(
            self.request,
            self.template_name,
            {"form": form, "title": _("Report a hazard"), "cancel_url": "/"},
        )


# ---------------------------------------------------------------- detail and actions


def _may_order(hazard, access) -> bool:
    if hazard.status != HazardStatus.RECTIFYING or not access.is_member:
        return False
    if hazard.work_order_id and hazard.work_order.is_open:
        return False
    return access.has_perm(ASSIGN_PERM) or hazard.owner_id == getattr(access.user, "pk", None)


def action_forms(hazard, user, access, *, bound=None) -> list[dict]:
    """One entry per button the user may press now; ``bound`` = (name, form) after a failed
    post, shown with its errors."""
    names = [t.name for t in Hazard.machine.available(hazard, user)]
    if hazard.status == HazardStatus.TO_VERIFY and hazard.fixed_by_id == getattr(user, "pk", None):
        names = [n for n in names if n not in ("verify", "fail")]
    if _may_order(hazard, access):
        names.insert(0, "work_order")
    entries = []
    for name in names:
        if bound and bound[0] == name:
            form = bound[1]
        else:
            form = forms.ACTION_FORMS[name](hazard=hazard, prefix=name)
        label = (
            _("Create a work order") if name == "work_order" else Hazard.machine.get(name).display
        )
        entries.append(
            {
                "name": name,
                "label": label,
                "form": form,
                "danger": name in ("cancel", "fail"),
                "url": reverse("safety:hazard_action", args=[hazard.pk, name]),
                "open": bool(bound and bound[0] == name),
            }
        )
    return entries


class HazardDetailView(HazardMixin, ScopedViewMixin, View):
    template_name = "safety/hazards/detail.html"

    def get(self, request, pk):
        return self.render_page(self.load(pk))

    def load(self, pk):
        return get_object_or_404(self.restricted("view").select_related(*DETAIL_RELATED), pk=pk)

    def render_page(self, hazard, *, bound=None, status=200):
        access = self.access
        context = {
            "object": hazard,
            "hazard": hazard,
            "title": str(hazard),
            "actions": action_forms(hazard, self.request.user, access, bound=bound),
            "list_url": reverse("safety:hazard_list"),
            "history_url": reverse("object_history", args=["safety", "hazard", hazard.pk]),
            "work_order_visible": bool(
                hazard.work_order_id and can(self.request.user, "view", hazard.work_order)
            ),
            "fixer_waiting": hazard.status == HazardStatus.TO_VERIFY
            and hazard.fixed_by_id == getattr(self.request.user, "pk", None),
        }
        return render(self.request, self.template_name, context, status=status)


register_detail_route(Hazard, "safety:hazard_detail")


class HazardActionView(HazardDetailView):
    """POST one action; a form error shows the page again with that form open."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        hazard = self.load(pk)
        form_class = forms.ACTION_FORMS.get(action)
        if form_class is None:
            raise Http404
        form = form_class(request.POST, request.FILES, hazard=hazard, prefix=action)
        if form.is_valid():
            try:
                text = self.perform(hazard, action, form.cleaned_data)
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, text)
                return redirect("safety:hazard_detail", hazard.pk)
        return self.render_page(self.load(pk), bound=(action, form), status=400)

    def perform(self, hazard, action, data) -> str:
        by = self.request.user
        version = data.get("version")
        number = {"number": hazard.number}
        if action == "assign":
            hz.assign(
                hazard,
                by=by,
                owner=data["owner"],
                deadline=data["deadline"],
                control_measures=data["control_measures"],
                department=data["department"],
                level=data["level"],
                version=version,
            )
            return _("%(number)s is assigned for rectification.") % number
        if action == "reassign":
            hz.reassign(
                hazard,
                by=by,
                owner=data["owner"],
                deadline=data["deadline"],
                control_measures=data["control_measures"],
                department=data["department"],
                note=data["note"],
                version=version,
            )
            return _("%(number)s was updated.") % number
        if action == "work_order":
            order = hz.create_work_order(
                hazard,
                by=by,
                category=data["category"],
                urgency=data["urgency"],
                description=data["description"],
                version=version,
            )
            return _("Work order %(order)s was created for %(number)s.") % {
                "order": order.number,
                **number,
            }
        if action == "rectify":
            hz.rectify(hazard, by=by, note=data["note"], photos=data["photos"], version=version)
            return _("%(number)s is waiting for verification.") % number
        if action == "verify":
            hz.verify(hazard, by=by, note=data["note"], photos=data["photos"], version=version)
            return _("%(number)s is verified and closed.") % number
        if action == "fail":
            hz.fail_verification(
                hazard, by=by, reason=data["reason"], photos=data["photos"], version=version
            )
            return _("%(number)s went back for rectification.") % number
        if action == "cancel":
            hz.cancel(hazard, by=by, reason=data["reason"], version=version)
            return _("%(number)s was cancelled.") % number
        raise Http404

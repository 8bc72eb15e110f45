"""Requisition pages: my requisitions (everyone's for the stores' staff), the request form
(phone-friendly, items picked from a searchable list), the detail page with the approval
panel, the keeper's "to issue" queue and issue form, and the director's quotas. Every change
goes through ``services_requisitions``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.views.approvals import panel_for
from houqin.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
)

from . import forms_requisitions as forms
from . import services_requisitions as reqs
from .filters_requisitions import QuotaFilterSet, RequisitionFilterSet
from .models import StockBalance
from .models.requisitions import (
    TO_ISSUE,
    Requisition,
    RequisitionLine,
    RequisitionQuota,
    RequisitionStatus,
)

LIST_RELATED = ("department", "requested_by")


class RequisitionMixin:
    model = Requisition
    route_prefix = "stores:requisition"

    def restricted(self, action):
        if action == "view":
            return reqs.requisitions_for(self.request.user).select_related(*LIST_RELATED)
        return super().restricted(action)


class RequisitionListView(RequisitionMixin, ObjectListView):
    queryset = Requisition.objects.select_related(*LIST_RELATED)
    filterset_class = RequisitionFilterSet
    table_class = forms.RequisitionTable
    title = _("Requisitions")

    def get_extra_context(self):
        access = self.access
        return {
            "add_url": reverse("stores:requisition_add")
            if access.has_perm("stores.add_requisition")
            else None,
        }


class IssueQueueView(RequisitionMixin, ObjectListView):
    """The keeper's list of approved requisitions with something left to issue, oldest first."""

    queryset = Requisition.objects.select_related(*LIST_RELATED)
    filterset_class = RequisitionFilterSet
    table_class = forms.QueueTable
    title = _("To issue")

    def get(self, request, *args, **kwargs):
        if not self.access.has_perm(reqs.ISSUE_PERM):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def restricted(self, action):
        lines = RequisitionLine.objects.select_related("item").order_by("pk")
        return (
            super()
            .restricted(action)
            .filter(status__in=TO_ISSUE)
            .prefetch_related(Prefetch("lines", queryset=lines))
            .order_by("approved_at", "pk")
        )

    def get_extra_context(self):
        return {"add_url": None}


class RequisitionFormView(RequisitionMixin, ScopedViewMixin, View):
    """A new requisition (``add``) or a draft's changes (``<pk>/edit``)."""

    template_name = "stores/requisitions/form.html"

    def _object(self, pk):
        if pk is None:
            if not self.access.has_perm("stores.add_requisition"):
                raise PermissionDenied
            return None
        requisition = get_object_or_404(self.restricted("view"), pk=pk)
        if requisition.status != RequisitionStatus.DRAFT or not reqs.may_edit(
            self.access, requisition
        ):
            raise PermissionDenied
        return requisition

    def _forms(self, requisition, data=None):
        user, school_id = self.request.user, self.access.school_id
        initial, lines = None, None
        if requisition is not None:
            initial = {
                "department": requisition.department_id,
                "purpose": requisition.purpose,
                "needed_by": requisition.needed_by,
                "store": requisition.store_id,
            }
            lines = [
                {"item": line.item_id, "quantity": line.quantity, "note": line.note}
                for line in requisition.lines.order_by("pk")
            ]
        form = forms.RequisitionForm(data, initial=initial, user=user, school_id=school_id)
        formset = forms.LineFormSet(
            data, initial=lines, prefix="lines", items=forms.items_for(user, school_id)
        )
        return form, formset

    def get(self, request, pk=None):
        requisition = self._object(pk)
        return self._render(requisition, *self._forms(requisition))

    def post(self, request, pk=None):
        requisition = self._object(pk)
        form, formset = self._forms(requisition, request.POST)
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            submit_now = "submit" in request.POST
            try:
                if requisition is None:
                    requisition = reqs.create(
                        by=request.user,
                        department=data["department"],
                        purpose=data["purpose"],
                        needed_by=data["needed_by"],
                        store=data["store"],
                        lines=formset.lines(),
                        submit_now=submit_now,
                    )
                else:
                    reqs.update(
                        requisition,
                        by=request.user,
                        department=data["department"],
                        purpose=data["purpose"],
                        needed_by=data["needed_by"],
                        store=data["store"],
                        lines=formset.lines(),
                    )
                    if submit_now:
                        reqs.submit(requisition, by=request.user)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                text = (
                    _("%(number)s was sent for approval.")
                    if submit_now
                    else _("%(number)s was saved as a draft.")
                )
                messages.success(request, text % {"number": requisition.number})
                return redirect(requisition.get_absolute_url())
        return self._render(requisition, form, formset)

    def _render(self, requisition, form, formset):
        title = _("Edit %(object)s") % {"object": requisition} if requisition else _(
            "Ask for items"
        )
        return render(
            self.request,
            self.template_name,
            {
                "title": title,
                "form": form,
                "formset": formset,
                "object": requisition,
                "cancel_url": requisition.get_absolute_url()
                if requisition
                else reverse("stores:requisition_list"),
            },
        )


def requisition_actions(requisition: Requisition, user, access) -> list[dict]:
    """The buttons ``user`` may press now (issuing has its own page)."""
    entries = []
    for transition in reqs.MACHINE.available(requisition, user):
        entries.append(
            {
                "name": transition.name,
                "label": transition.display,
                "needs_reason": transition.name in ("close", "close_rest", "cancel"),
                "url": reverse("stores:requisition_action", args=[requisition.pk, transition.name]),
            }
        )
    return entries


class RequisitionDetailView(RequisitionMixin, ObjectDetailView):
    queryset = Requisition.objects.select_related("department", "requested_by", "store")
    template_name = "stores/requisitions/detail.html"
    detail_fields = (
        "number",
        "status",
        "department",
        "requested_by",
        "store",
        "purpose",
        "needed_by",
        "estimated_value",
        "submitted_at",
        "approved_at",
        "issued_at",
        "received_at",
        "close_reason",
    )
    detail_optional_fields = (
        "needed_by",
        "submitted_at",
        "approved_at",
        "issued_at",
        "received_at",
        "close_reason",
    )

    def restricted(self, action):
        return super().restricted(action).select_related("store")

    def get_extra_context(self, obj):
        access = self.access
        editable = obj.status == RequisitionStatus.DRAFT and reqs.may_edit(access, obj)
        may_issue = obj.status in TO_ISSUE and access.has_perm(reqs.ISSUE_PERM)
        return {
            "edit_url": reverse("stores:requisition_edit", args=[obj.pk]) if editable else None,
            "delete_url": None,
            "issue_url": reverse("stores:requisition_issue", args=[obj.pk]) if may_issue else None,
            "lines": list(obj.lines.select_related("item").order_by("pk")),
            "back_ordered": obj.status in TO_ISSUE,
            "moves": list(reqs.issue_moves(obj)),
            "approval": panel_for(obj, self.request.user),
            "actions": requisition_actions(obj, self.request.user, access),
        }


def _on_hand(requisition, lines) -> dict:
    rows = (
        StockBalance.objects.filter(
            store_id=requisition.store_id, item_id__in=[line.item_id for line in lines]
        )
        .values("item_id")
        .annotate(total=Sum("quantity"))
    )
    found = {row["item_id"]: row["total"] for row in rows}
    return {line.item_id: found.get(line.item_id, 0) for line in lines}


class IssueView(RequisitionMixin, ScopedViewMixin, View):
    """The keeper's issue form: each line's quantity now (partial allowed), all or nothing."""

    template_name = "stores/requisitions/issue.html"

    def _load(self, pk):
        if not self.access.has_perm(reqs.ISSUE_PERM):
            raise PermissionDenied
        return get_object_or_404(self.restricted("view"), pk=pk)

    def _form(self, requisition, data=None):
        lines = list(requisition.lines.select_related("item").order_by("pk"))
        return forms.IssueForm(data, lines=lines, on_hand=_on_hand(requisition, lines))

    def get(self, request, pk):
        requisition = self._load(pk)
        if requisition.status not in TO_ISSUE:
            messages.info(request, _("Nothing is left to issue on %(number)s.") % {"number": requisition.number})
            return redirect(requisition.get_absolute_url())
        return self._render(requisition, self._form(requisition))

    def post(self, request, pk):
        requisition = self._load(pk)
        form = self._form(requisition, request.POST)
        if form.is_valid():
            try:
                reqs.issue(
                    requisition,
                    form.quantities(),
                    by=request.user,
                    note=form.cleaned_data.get("note", ""),
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Issued on %(number)s.") % {"number": requisition.number})
                return redirect(requisition.get_absolute_url())
        return self._render(requisition, form)

    def _render(self, requisition, form):
        return render(
            self.request,
            self.template_name,
            {
                "title": _("Issue %(number)s") % {"number": requisition.number},
                "object": requisition,
                "form": form,
                "rows": form.bound_rows(),
                "cancel_url": requisition.get_absolute_url(),
            },
        )


class RequisitionActionView(LoginRequiredMixin, View):
    """POST submit, cancel, confirm, close or close_rest; refusals come back as a message."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        requisition = get_object_or_404(reqs.requisitions_for(request.user), pk=pk)
        reason = request.POST.get("reason", "")
        try:
            if action == "submit":
                reqs.submit(requisition, by=request.user)
                text = _("%(number)s was sent for approval.")
            elif action == "cancel":
                reqs.cancel(requisition, by=request.user, reason=reason)
                text = _("%(number)s was cancelled.")
            elif action == "confirm":
                reqs.confirm(requisition, by=request.user)
                text = _("Thank you: receipt of %(number)s is confirmed.")
            elif action in ("close", "close_rest"):
                reqs.close_rest(requisition, by=request.user, reason=reason)
                text = _("%(number)s was closed.")
            else:
                raise Http404
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, text % {"number": requisition.number})
        return redirect(requisition.get_absolute_url())


# ---------------------------------------------------------------- quotas


class QuotaMixin:
    model = RequisitionQuota
    route_prefix = "stores:quota"


class QuotaListView(QuotaMixin, ObjectListView):
    queryset = RequisitionQuota.objects.select_related("department", "term", "item", "category")
    filterset_class = QuotaFilterSet
    table_class = forms.QuotaTable
    title = _("Requisition quotas")

    def restricted(self, action):
        return reqs.with_usage(super().restricted(action))


class QuotaEditView(QuotaMixin, ObjectEditView):
    form_class = forms.QuotaForm

    def save(self, form):
        data = form.cleaned_data
        return reqs.save_quota(
            by=self.request.user,
            department=data["department"],
            term=data["term"],
            item=data.get("item"),
            category=data.get("category"),
            quantity=data["quantity"],
            note=data.get("note", ""),
            quota=None if form.instance._state.adding else form.instance,
        )

    def success_url(self, obj) -> str:
        return reverse("stores:quota_list")


class QuotaDeleteView(QuotaMixin, ObjectDeleteView):
    pass

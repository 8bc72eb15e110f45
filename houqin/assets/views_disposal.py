"""Disposal pages: the list with filters and Excel export, the request form (from pasted
numbers or a filtered selection of the register), historic write-offs, the detail page with
the approval panel, timeline and actions, and the printable 报废申请表. Every change goes
through ``services_disposal`` / ``services_writeoff`` (damage pages: ``views_damage``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.excel import export_response
from houqin.core.models import ApprovalFlow
from houqin.core.scoping import access_for
from houqin.core.views.approvals import panel_for
from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectListView,
    ScopedViewMixin,
    add_validation_error,
)

from . import forms_disposal as forms
from . import services_disposal as disposals
from . import services_writeoff as writeoff
from .models import Disposal, DisposalStatus

# Lines shown on a disposal's page (a historic write-off may hold thousands: export them).
LINES_SHOWN = 200
PREVIEW_NUMBERS = 20


def _error_text(exc) -> str:
    return str(exc.message) if isinstance(exc, DomainError) else "; ".join(exc.messages)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# ---------------------------------------------------------------- who sees which disposal


def disposals_for(user):
    """Disposals ``user`` may open: ``restrict`` (keepers, readers, own requests), plus those
    of the departments they head and those whose approval they decide or decided."""
    visible = Disposal.objects.restrict(user, "view")
    access = access_for(user)
    if not access.is_member or access.has_perm("assets.view_disposal"):
        return visible
    flows = (
        ApprovalFlow.objects.restrict(user, "view")
        .filter(content_type=ContentType.objects.get_for_model(Disposal))
        .values("object_id")
    )
    extra = Q(pk__in=flows)
    headed = getattr(access, "headed_department_ids", ())
    if headed:
        extra |= Q(department_id__in=list(headed))
    return Disposal.objects.filter(school_id=access.school_id).filter(
        Q(requested_by_id=user.pk) | extra
    )


class DisposalMixin:
    model = Disposal
    route_prefix = "assets:disposal"

    def restricted(self, action):
        if action == "view":
            return disposals_for(self.request.user).select_related("department", "requested_by")
        return super().restricted(action)


# ---------------------------------------------------------------- disposals: list and detail


class DisposalListView(DisposalMixin, ObjectListView):
    queryset = Disposal.objects.select_related("department", "requested_by")
    filterset_class = forms.DisposalFilterSet
    table_class = forms.DisposalTable
    template_name = "assets/disposal_list.html"
    title = _("Disposals")

    def get_extra_context(self):
        access = self.access
        return {
            "writeoff_url": reverse("assets:disposal_writeoff")
            if access.has_perm(writeoff.WRITEOFF_PERM)
            else None
        }


def disposal_actions(disposal: Disposal, user) -> list[dict]:
    """The buttons ``user`` may press on ``disposal`` now."""
    access = access_for(user, disposal.school_id)
    entries = []
    for transition in disposals.MACHINE.available(disposal, user):
        entries.append(
            {
                "name": transition.name,
                "label": transition.display,
                "form": forms.ReasonForm(prefix="cancel") if transition.name == "cancel" else None,
                "url": reverse("assets:disposal_action", args=[disposal.pk, transition.name]),
            }
        )
    if disposal.status in (DisposalStatus.DRAFT, DisposalStatus.PENDING) and (
        disposals._may_edit(access, disposal)
    ):
        entries.append(
            {
                "name": "photos",
                "label": _("Add photos"),
                "form": forms.PhotosForm(prefix="photos"),
                "url": reverse("assets:disposal_action", args=[disposal.pk, "photos"]),
            }
        )
    return entries


class DisposalDetailView(DisposalMixin, ObjectDetailView):
    queryset = Disposal.objects.select_related("department", "requested_by")
    template_name = "assets/disposal_detail.html"
    detail_fields = (
        "number",
        "kind",
        "status",
        "department",
        "requested_by",
        "reason",
        "appraisal",
        "total_value",
        "residual_income",
        "submitted_at",
        "disposed_on",
        "is_historic",
        "approval_reference",
    )
    detail_optional_fields = ("appraisal", "submitted_at", "disposed_on", "approval_reference")

    def get(self, request, pk):
        if request.GET.get("export") == "lines":
            disposal = get_object_or_404(self.restricted("view"), pk=pk)
            return _export_lines(disposal)
        return super().get(request, pk)

    def get_extra_context(self, obj):
        lines = list(obj.lines.select_related("asset__category").order_by("pk")[: LINES_SHOWN + 1])
        access = self.access
        editable = obj.status == DisposalStatus.DRAFT and disposals._may_edit(access, obj)
        return {
            "edit_url": reverse("assets:disposal_edit", args=[obj.pk]) if editable else None,
            "delete_url": None,
            "lines_table": forms.DisposalLineTable(lines[:LINES_SHOWN], orderable=False),
            "more_lines": len(lines) > LINES_SHOWN,
            "line_count": obj.lines.count() if len(lines) > LINES_SHOWN else len(lines),
            "approval": panel_for(obj, self.request.user),
            "actions": disposal_actions(obj, self.request.user),
            "print_url": reverse("assets:disposal_print", args=[obj.pk]),
        }


def _export_lines(disposal: Disposal):
    headers = [
        _("asset number"),
        _("name"),
        _("category"),
        _("quantity"),
        _("unit"),
        _("original value (¥)"),
        _("accumulated depreciation (¥)"),
        _("net value (¥)"),
    ]
    rows = (
        [
            line.asset.number,
            line.asset.name,
            str(line.asset.category),
            line.quantity,
            line.asset.unit,
            line.original_value,
            line.accumulated_depreciation,
            line.net_value,
        ]
        for line in disposal.lines.select_related("asset__category").order_by("pk").iterator(2000)
    )
    return export_response(f"{disposal.number}", headers, rows)


class DisposalActionView(LoginRequiredMixin, View):
    """POST submit, cancel or photos; refusals come back as a message on the page."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        disposal = get_object_or_404(disposals_for(request.user), pk=pk)
        detail = reverse("assets:disposal_detail", args=[disposal.pk])
        try:
            if action == "submit":
                disposals.submit(disposal, by=request.user)
                message = _("%(number)s was sent for approval.")
            elif action == "cancel":
                form = forms.ReasonForm(request.POST, prefix="cancel")
                reason = form.data.get("cancel-reason", "")
                disposals.cancel(disposal, by=request.user, reason=reason)
                message = _("%(number)s was cancelled.")
            elif action == "photos":
                form = forms.PhotosForm(request.POST, request.FILES, prefix="photos")
                if not form.is_valid():
                    raise ValidationError([e for errs in form.errors.values() for e in errs])
                disposals.add_photos(
                    disposal,
                    by=request.user,
                    photos=form.cleaned_data["photos"],
                    text=form.cleaned_data["text"],
                )
                message = _("Photos were added to %(number)s.")
            else:
                raise Http404
        except (DomainError, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, message % {"number": disposal.number})
        return redirect(_safe_next(request, detail))


# ---------------------------------------------------------------- disposals: the request form


def _selection_lines(request) -> tuple[str, int]:
    """Pasted-lines text for the assets a register selection names (bounded), and their count."""
    from .views_movements import selected_assets, selection_query

    query = selection_query(request)
    if not query:
        return "", 0
    assets = list(
        selected_assets(request, query)
        .order_by("number")
        .values_list("number", flat=True)[: disposals.MAX_LINES + 1]
    )
    return "\n".join(assets[: disposals.MAX_LINES]), len(assets)


class DisposalFormView(ScopedViewMixin, View):
    """Draft a request (``pk`` None) or change a draft; "Save and submit" sends it at once."""

    model = Disposal
    template_name = "assets/disposal_form.html"

    def get_object(self, pk):
        if pk is None:
            access = self.access
            if not access.is_member or not access.has_perm("assets.add_disposal"):
                raise PermissionDenied
            return None
        disposal = get_object_or_404(disposals_for(self.request.user), pk=pk)
        if disposal.status != DisposalStatus.DRAFT or not disposals._may_edit(
            self.access, disposal
        ):
            raise PermissionDenied
        return disposal

    def get_form(self, disposal, data=None, files=None, initial=None):
        return forms.DisposalForm(
            data,
            files,
            user=self.request.user,
            school_id=self.access.school_id,
            with_photos=disposal is None,
            initial=initial,
        )

    def get(self, request, pk=None):
        disposal = self.get_object(pk)
        if disposal is None:
            text, count = _selection_lines(request)
            if count > disposals.MAX_LINES:
                messages.warning(
                    request,
                    _(
                        "The selection holds more than %(count)d assets; only the first "
                        "%(count)d are listed. Split the request, or record a historic "
                        "write-off."
                    )
                    % {"count": disposals.MAX_LINES},
                )
            membership = getattr(self.access, "membership", None)
            initial = {
                "lines": text,
                "department": getattr(membership, "department_id", None),
            }
        else:
            initial = {
                "kind": disposal.kind,
                "reason": disposal.reason,
                "appraisal": disposal.appraisal,
                "department": disposal.department_id,
                "residual_income": disposal.residual_income,
                "lines": "\n".join(
                    f"{line.asset.number} {disposals._fmt(line.quantity)}"
                    if line.quantity != line.asset.quantity
                    else line.asset.number
                    for line in disposal.lines.select_related("asset").order_by("pk")
                ),
            }
        return self.render_form(disposal, self.get_form(disposal, initial=initial))

    def post(self, request, pk=None):
        disposal = self.get_object(pk)
        form = self.get_form(disposal, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                disposal = self.save(disposal, data)
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                if "submit" in request.POST:
                    try:
                        disposals.submit(disposal, by=request.user)
                    except DomainError as exc:
                        messages.error(request, exc.message)
                    else:
                        messages.success(
                            request,
                            _("%(number)s was sent for approval.") % {"number": disposal.number},
                        )
                else:
                    messages.success(
                        request, _("%(number)s was saved.") % {"number": disposal.number}
                    )
                return redirect("assets:disposal_detail", disposal.pk)
        return self.render_form(disposal, form)

    def save(self, disposal, data):
        from django.db import transaction

        with transaction.atomic():
            lines = disposals.lines_from_text(self.access.school_id, data["lines"])
            if disposal is None:
                return disposals.create_disposal(
                    by=self.request.user,
                    school=self.access.school_id,
                    lines=lines,
                    kind=data["kind"],
                    reason=data["reason"],
                    appraisal=data["appraisal"],
                    department=data["department"],
                    residual_income=data["residual_income"] or 0,
                    photos=data.get("photos") or [],
                )
            return disposals.update_disposal(
                disposal,
                by=self.request.user,
                lines=lines,
                kind=data["kind"],
                reason=data["reason"],
                appraisal=data["appraisal"],
                department=data["department"],
                residual_income=data["residual_income"] or 0,
            )

    def render_form(self, disposal, form):
        if disposal is None:
            title = _("Ask to dispose of assets")
            cancel_url = reverse("assets:disposal_list")
        else:
            title = _("Change %(number)s") % {"number": disposal.number}
            cancel_url = reverse("assets:disposal_detail", args=[disposal.pk])
        context = {"form": form, "title": title, "cancel_url": cancel_url, "object": disposal}
        return render(self.request, self.template_name, context)


# ---------------------------------------------------------------- historic write-offs


class WriteOffView(ScopedViewMixin, View):
    """历史核销: the approving document, its date, and pasted numbers or a register selection."""

    model = Disposal
    template_name = "assets/disposal_writeoff.html"

    def check(self):
        access = self.access
        if not access.is_member or not access.has_perm(writeoff.WRITEOFF_PERM):
            raise PermissionDenied
        return access

    def get_form(self, data=None, initial=None):
        return forms.WriteOffForm(
            data, user=self.request.user, school_id=self.access.school_id, initial=initial
        )

    def _selection(self, encoded: str):
        from .views_movements import selected_assets

        if not encoded:
            return None
        return selected_assets(self.request, QueryDict(encoded, mutable=True))

    def get(self, request):
        self.check()
        from .views_movements import selection_query

        encoded = selection_query(request).urlencode()
        return self.render_form(self.get_form(initial={"selection": encoded}), encoded)

    def post(self, request):
        self.check()
        form = self.get_form(request.POST)
        encoded = request.POST.get("selection", "")
        if form.is_valid():
            data = form.cleaned_data
            numbers = disposals.parse_numbers(data["numbers"])
            try:
                disposal = writeoff.write_off(
                    by=request.user,
                    school=self.access.school_id,
                    approval_reference=data["approval_reference"],
                    disposed_on=data["disposed_on"],
                    kind=data["kind"],
                    reason=data["reason"],
                    department=data["department"],
                    numbers=numbers if numbers else None,
                    assets=None if numbers else self._selection(data["selection"]),
                )
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(number)s: %(count)d assets written off.")
                    % {"number": disposal.number, "count": disposal.lines.count()},
                )
                return redirect("assets:disposal_detail", disposal.pk)
        return self.render_form(form, encoded)

    def render_form(self, form, encoded):
        selection = self._selection(encoded)
        preview, count = [], 0
        if selection is not None:
            count = selection.order_by()[: writeoff.MAX_WRITEOFF + 1].count()
            preview = list(
                selection.order_by("number").values_list("number", flat=True)[:PREVIEW_NUMBERS]
            )
        context = {
            "form": form,
            "title": _("Record a historic write-off"),
            "cancel_url": reverse("assets:disposal_list"),
            "selection_count": count,
            "selection_preview": preview,
            "max_writeoff": writeoff.MAX_WRITEOFF,
        }
        return render(self.request, self.template_name, context)


# ---------------------------------------------------------------- the printed form


class DisposalPrintView(DisposalMixin, ScopedViewMixin, View):
    """``…/print/``: the 报废申请表 on A4, with the approval trail and signature lines."""

    template_name = "assets/disposal_print.html"

    def get(self, request, pk):
        disposal = get_object_or_404(self.restricted("view").select_related("school"), pk=pk)
        lines = list(
            disposal.lines.select_related("asset__category").order_by("pk")[: LINES_SHOWN + 1]
        )
        approval = panel_for(disposal, request.user)
        decisions = []
        if approval is not None:
            decisions = [d for _round, ds in reversed(approval.rounds) for d in ds]
        context = {
            "title": _("Disposal request %(number)s") % {"number": disposal.number},
            "disposal": disposal,
            "school": disposal.school,
            "lines": lines[:LINES_SHOWN],
            "more_lines": len(lines) > LINES_SHOWN,
            "line_count": disposal.lines.count(),
            "approval": approval,
            "decisions": decisions,
            "back_url": reverse("assets:disposal_detail", args=[disposal.pk]),
            "printed_at": timezone.now(),
        }
        return render(request, self.template_name, context)

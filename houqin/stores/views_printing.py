"""The print shop's pages: a new job (phone first), my jobs, the print room's queue, all jobs
(confidential ones of others masked), the job's page with its actions, the job slip, the print
volume report, quotas and settings. Every change goes through ``services_printing``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.excel import export_response
from houqin.core.models import Attachment
from houqin.core.scoping import access_for
from houqin.core.views.approvals import panel_for
from houqin.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
    add_validation_error,
)

from . import forms_printing as forms
from . import services_printing as printing
from .filters_printing import (
    PrintJobFilterSet,
    PrintJobTable,
    PrintQueueTable,
    PrintQuotaFilterSet,
    PrintQuotaTable,
    jobs_listed_for,
    jobs_viewable_by,
    my_jobs,
)
from .models.printing import (
    ALL_PERM,
    COUNTED_STATUSES,
    OPEN_STATUSES,
    OVERSEE_PERM,
    RUN_PERM,
    PrintJob,
    PrintJobStatus,
    PrintQuota,
    PrintShopSettings,
)


def _error_text(exc) -> str:
    return str(exc.message) if isinstance(exc, DomainError) else "; ".join(exc.messages)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _may_report(access) -> bool:
    return access.is_member and (access.has_perm(ALL_PERM) or access.has_perm(OVERSEE_PERM))


# ---------------------------------------------------------------- lists


class PrintJobMixin:
    model = PrintJob
    route_prefix = "stores:printjob"


class PrintJobListView(PrintJobMixin, ObjectListView):
    """Every job this person may list: the print room and the logistics office all, heads of
    department their departments', everyone their own; others' confidential jobs masked."""

    filterset_class = PrintJobFilterSet
    table_class = PrintJobTable
    template_name = "stores/printing/job_list.html"
    title = _("Print jobs")

    def restricted(self, action):
        if action == "view":
            return jobs_listed_for(self.request.user)
        return super().restricted(action)

    def get_extra_context(self):
        return {
            "report_url": reverse("stores:printjob_report") if _may_report(self.access) else None
        }


class MyPrintJobsView(PrintJobListView):
    title = _("My print jobs")

    def restricted(self, action):
        if action == "view":
            return my_jobs(self.request.user)
        return super().restricted(action)


class PrintQueueView(PrintJobListView):
    """The print room's queue: queued, printing and done-but-not-collected, soonest first."""

    table_class = PrintQueueTable
    title = _("Print room queue")

    def get(self, request, *args, **kwargs):
        if not self.access.has_perm(RUN_PERM):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def restricted(self, action):
        if action == "view":
            return jobs_listed_for(self.request.user).filter(status__in=OPEN_STATUSES)
        return super().restricted(action)


# ---------------------------------------------------------------- one job


def _files(job: PrintJob) -> list[Attachment]:
    return list(
        Attachment.objects.filter(
            school_id=job.school_id,
            entry__content_type=ContentType.objects.get_for_model(PrintJob),
            entry__object_id=job.pk,
        ).order_by("pk")
    )


def job_actions(job: PrintJob, user) -> list[dict]:
    """The buttons ``user`` may press on ``job`` now, each with its small form."""
    entries = []
    for transition in printing.MACHINE.available(job, user):
        form = None
        if transition.name == "finish":
            form = forms.FinishForm(job=job, prefix="finish")
        elif transition.name == "collect":
            form = forms.CollectForm(prefix="collect")
        elif transition.name == "cancel":
            form = forms.ReasonForm(prefix="cancel")
        entries.append(
            {
                "name": transition.name,
                "label": transition.display,
                "form": form,
                "url": reverse("stores:printjob_action", args=[job.pk, transition.name]),
            }
        )
    return entries


class PrintJobDetailView(PrintJobMixin, ObjectDetailView):
    template_name = "stores/printing/job_detail.html"
    detail_fields = (
        "number",
        "status",
        "title",
        "department",
        "requester",
        "pages",
        "copies",
        "sides",
        "paper_size",
        "colour",
        "needed_by",
        "is_confidential",
        "is_outside",
        "outside_for",
        "description",
        "term",
        "submitted_at",
        "sheets_used",
        "paper_item",
        "done_at",
        "collected_at",
    )
    detail_optional_fields = (
        "outside_for",
        "description",
        "term",
        "sheets_used",
        "paper_item",
        "done_at",
        "collected_at",
    )

    def restricted(self, action):
        if action == "view":
            return jobs_viewable_by(self.request.user).select_related("paper_item", "term")
        return super().restricted(action)

    def get_extra_context(self, obj):
        user = self.request.user
        editable = obj.status == PrintJobStatus.RETURNED and obj.requester_id == user.pk
        left = printing.quota_left(obj.department, obj.term) if obj.term_id else None
        return {
            "edit_url": reverse("stores:printjob_edit", args=[obj.pk]) if editable else None,
            "delete_url": None,
            "files": _files(obj),
            "actions": job_actions(obj, user),
            "approval": panel_for(obj, user),
            "slip_url": reverse("stores:printjob_slip", args=[obj.pk]),
            "quota_left": left,
        }


class PrintJobFormView(PrintJobMixin, ScopedViewMixin, View):
    """``new/``: submit a job; ``<pk>/edit/``: change a job returned for changes."""

    template_name = "stores/printing/job_form.html"

    def _job(self, pk):
        if pk is None:
            if not self.access.has_perm("stores.add_printjob"):
                raise PermissionDenied
            return None
        job = get_object_or_404(jobs_viewable_by(self.request.user), pk=pk)
        if job.requester_id != self.request.user.pk or job.status != PrintJobStatus.RETURNED:
            raise PermissionDenied
        return job

    def _form(self, job, data=None, files=None):
        initial = {}
        if job is not None:
            initial = {
                name: getattr(job, name)
                for name in ("title", "description", "pages", "copies", "sides", "paper_size",
                             "colour", "is_confidential", "is_outside", "outside_for",
                             "department")
            }  # fmt: skip
            initial["needed_by"] = timezone.localtime(job.needed_by)
        return forms.PrintJobForm(
            data,
            files,
            initial=initial,
            user=self.request.user,
            school_id=self.access.school_id,
            with_file=job is None,
        )

    def get(self, request, pk=None):
        job = self._job(pk)
        return self._render(job, self._form(job))

    def post(self, request, pk=None):
        job = self._job(pk)
        form = self._form(job, request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    if job is None:
                        upload = form.cleaned_data.get("file")
                        job = printing.submit_job(
                            by=request.user,
                            school=self.access.school_id,
                            files=[upload] if upload else (),
                            **form.service_kwargs(),
                        )
                        job.refresh_from_db()
                        message = (
                            _("%(number)s is queued.")
                            if job.status == PrintJobStatus.QUEUED
                            else _("%(number)s was sent for approval.")
                        )
                    else:
                        printing.update_job(job, by=request.user, **form.service_kwargs())
                        message = _("%(number)s was changed; resubmit it when ready.")
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
                if pk is None:
                    job = None
            else:
                messages.success(request, message % {"number": job.number})
                return redirect(job.get_absolute_url())
        return self._render(job, form)

    def _render(self, job, form):
        context = {
            "form": form,
            "object": job,
            "title": _("New print job")
            if job is None
            else _("Change %(number)s") % {"number": job.number},
            "cancel_url": job.get_absolute_url() if job else reverse("stores:printjob_mine"),
        }
        return render(self.request, self.template_name, context)


class PrintJobActionView(LoginRequiredMixin, View):
    """POST start, finish, collect, cancel or resubmit; refusals come back as a message."""

    http_method_names = ["post"]
    model = PrintJob

    def post(self, request, pk, action):
        job = get_object_or_404(jobs_viewable_by(request.user), pk=pk)
        try:
            if action == "start":
                printing.start(job, by=request.user)
                message = _("%(number)s is printing.")
            elif action == "finish":
                form = forms.FinishForm(request.POST, job=job, prefix="finish")
                if not form.is_valid():
                    raise ValidationError([e for errs in form.errors.values() for e in errs])
                printing.finish(
                    job,
                    by=request.user,
                    sheets_used=form.cleaned_data["sheets_used"],
                    paper_item=form.cleaned_data.get("paper_item"),
                )
                message = _("%(number)s is done; the requester was told.")
            elif action == "collect":
                form = forms.CollectForm(request.POST, prefix="collect")
                name = form.data.get("collect-collector_name", "")
                printing.collect(job, by=request.user, collector_name=name)
                message = _("%(number)s was collected.")
            elif action == "cancel":
                reason = request.POST.get("cancel-reason", "")
                printing.cancel(job, by=request.user, reason=reason)
                message = _("%(number)s was cancelled.")
            elif action == "resubmit":
                printing.resubmit(job, by=request.user)
                message = _("%(number)s was sent again.")
            else:
                raise Http404
        except (DomainError, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, message % {"number": job.number})
        return redirect(_safe_next(request, job.get_absolute_url()))


class PrintJobSlipView(PrintJobMixin, ScopedViewMixin, View):
    """``<pk>/slip/``: the job slip on half an A4 sheet (A5), to travel with the paper."""

    template_name = "stores/printing/job_slip.html"

    def get(self, request, pk):
        job = get_object_or_404(
            jobs_viewable_by(request.user).select_related("school", "paper_item"), pk=pk
        )
        copies = 2 if request.GET.get("copies") == "2" else 1
        context = {
            "title": _("Print job %(number)s") % {"number": job.number},
            "job": job,
            "school": job.school,
            "copies": range(copies),
            "copies_count": copies,
            "back_url": job.get_absolute_url(),
            "printed_at": timezone.now(),
        }
        return render(request, self.template_name, context)


# ---------------------------------------------------------------- the report


class PrintVolumeView(LoginRequiredMixin, View):
    """Pages and sheets by department in a term, against the term before; Excel export."""

    template_name = "stores/printing/volume_report.html"

    def get(self, request):
        access = access_for(request.user)
        if not _may_report(access):
            raise PermissionDenied
        from houqin.org.models import Term

        terms = list(Term.objects.filter(school_id=access.school_id).order_by("-start_date"))
        chosen = request.GET.get("term")
        term = next((t for t in terms if str(t.pk) == chosen), None)
        if term is None:
            term = printing.term_of(access.school_id) or (terms[0] if terms else None)
        rows, total, before = printing.print_volume(term) if term else ([], None, None)
        if request.GET.get("export") in ("xlsx", "csv") and term is not None:
            return _export_volume(term, before, rows, total, request.GET["export"])
        context = {
            "title": _("Print volume"),
            "terms": terms,
            "term": term,
            "previous": before,
            "rows": rows,
            "total": total,
        }
        return render(request, self.template_name, context)


def _export_volume(term, before, rows, total, fmt):
    headers = [
        _("department"),
        _("jobs"),
        _("pages"),
        _("sheets"),
        _("reams"),
        _("pages last term"),
        _("sheets last term"),
        _("change in pages (%)"),
        _("change in sheets (%)"),
    ]
    data = [
        [
            row.department,
            row.jobs,
            row.pages,
            row.sheets,
            row.reams,
            row.previous_pages,
            row.previous_sheets,
            row.pages_change,
            row.sheets_change,
        ]
        for row in [*rows, total]
    ]
    return export_response(f"{_('Print volume')}-{term}", headers, data, fmt)


# ---------------------------------------------------------------- quotas and settings


def _quota_queryset():
    used = (
        PrintJob.objects.filter(
            department_id=OuterRef("department_id"),
            term_id=OuterRef("term_id"),
            status__in=COUNTED_STATUSES,
        )
        .order_by()
        .values("department_id")
        .annotate(total=Sum(F("pages") * F("copies")))
        .values("total")
    )
    return PrintQuota.objects.select_related("department", "term").annotate(
        used=Coalesce(Subquery(used, output_field=IntegerField()), 0)
    )


class PrintQuotaMixin:
    model = PrintQuota
    route_prefix = "stores:printquota"


class PrintQuotaListView(PrintQuotaMixin, ObjectListView):
    queryset = _quota_queryset()
    filterset_class = PrintQuotaFilterSet
    table_class = PrintQuotaTable
    title = _("Print quotas")


class PrintQuotaEditView(PrintQuotaMixin, ObjectEditView):
    queryset = PrintQuota.objects.select_related("department", "term")
    form_class = forms.PrintQuotaForm

    def success_url(self, obj) -> str:
        return reverse("stores:printquota_list")


class PrintQuotaDeleteView(PrintQuotaMixin, ObjectDeleteView):
    queryset = PrintQuota.objects.all()


class PrintShopSettingsView(LoginRequiredMixin, View):
    """The print room's store (where its paper is drawn from)."""

    template_name = "stores/printing/settings.html"

    def _setup(self, request):
        access = access_for(request.user)
        if not access.is_member or not access.has_perm("stores.change_printshopsettings"):
            raise PermissionDenied
        current = PrintShopSettings.objects.filter(school_id=access.school_id).first()
        return access, current

    def get(self, request):
        access, current = self._setup(request)
        form = forms.PrintShopSettingsForm(
            initial={"store": current.store_id if current else None},
            user=request.user,
            school_id=access.school_id,
        )
        return self._render(request, form, access)

    def post(self, request):
        access, _current = self._setup(request)
        form = forms.PrintShopSettingsForm(
            request.POST, user=request.user, school_id=access.school_id
        )
        if form.is_valid():
            try:
                printing.set_print_room_store(
                    by=request.user, school=access.school_id, store=form.cleaned_data["store"]
                )
            except DomainError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, _("The print shop settings were saved."))
                return redirect(reverse("stores:printshop_settings"))
        return self._render(request, form, access)

    def _render(self, request, form, access):
        store = printing.print_room_store(access.school_id)
        return render(
            request,
            self.template_name,
            {"title": _("Print shop settings"), "form": form, "store_in_use": store},
        )

"""Ledger import pages: upload → columns → preview (errors, new places and departments) →
import with progress → result. Thin: each step calls ``ledger_import.services``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from houqin.core.errors import DomainError
from houqin.core.importing import Importer, ImportFileError
from houqin.core.importing.reading import (
    ACCEPTED_EXTENSIONS,
    WRONG_TYPE_MESSAGE,
    max_import_bytes,
    too_large_message,
)
from houqin.core.importing.views import template_response, xlsx_response
from houqin.core.scoping import access_for
from houqin.org.models import Department, Room, School

from .ledger_import import services
from .ledger_import.fields import FIELD_LABELS, FIELDS, field_choices
from .ledger_import.places import PlaceIndex
from .models import AssetImport, ImportStatus

RECENT_IMPORTS = 30
ERRORS_SHOWN = 200
POLL_SECONDS = 1
RUNNING = (ImportStatus.QUEUED, ImportStatus.RUNNING)


class LedgerTemplate(Importer):
    """The blank ledger offered for download: every column the import knows, in order."""

    key = "assets"
    title = _("Asset ledger")
    columns = FIELDS


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Ledger file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ACCEPTED_EXTENSIONS):
            raise forms.ValidationError(WRONG_TYPE_MESSAGE)
        if upload.size > max_import_bytes():
            raise forms.ValidationError(too_large_message(upload.size))
        return upload


class ImportAccessMixin(LoginRequiredMixin):
    """Every import page needs the import right in the current school."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.access = access_for(request.user)
        if not self.access.is_member or not self.access.has_perm(services.IMPORT_PERM):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_import(self, pk) -> AssetImport:
        return get_object_or_404(
            AssetImport.objects.restrict(self.request.user, "view").select_related("created_by"),
            pk=pk,
        )

    def school(self) -> School:
        return School.objects.get(pk=self.access.school_id)


def _detail(imp) -> str:
    return reverse("assets:import_detail", args=[imp.pk])


def _register_url() -> str:
    try:
        return reverse("assets:asset_list")
    except NoReverseMatch:
        return ""


class ImportListView(ImportAccessMixin, View):
    """Upload a ledger; the school's recent imports."""

    template_name = "assets/import_list.html"

    def render_page(self, form, status=200):
        imports = (
            AssetImport.objects.restrict(self.request.user, "view")
            .select_related("created_by")
            .defer("errors", "new_names", "headers", "mapping")[:RECENT_IMPORTS]
        )
        context = {
            "title": _("Import a ledger"),
            "form": form,
            "imports": imports,
            "fields": [(FIELD_LABELS[c.key], c) for c in FIELDS],
            "max_mb": max_import_bytes() // (1024 * 1024),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_page(UploadForm())

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                imp = services.upload_ledger(
                    school=self.school(), by=request.user, file=form.cleaned_data["file"]
                )
            except ImportFileError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("assets:import_columns", pk=imp.pk)
        return self.render_page(form, status=400)


class ImportColumnsView(ImportAccessMixin, View):
    """Which register field each column of the file fills (suggested; remembered per school)."""

    template_name = "assets/import_columns.html"

    def columns(self, imp, chosen: dict):
        examples = (imp.new_names or {}).get("examples", {})
        return [
            {
                "index": i,
                "header": header,
                "field": chosen.get(str(i), ""),
                "examples": examples.get(str(i), []),
            }
            for i, header in enumerate(imp.headers)
            if header or examples.get(str(i))
        ]

    def render_page(self, imp, chosen, errors=(), status=200):
        context = {
            "title": _("Match the columns"),
            "object": imp,
            "columns": self.columns(imp, chosen),
            "choices": field_choices(),
            "errors": errors,
            "editable": imp.status in services.EDITABLE,
            "sheet_names": self.sheet_names(imp),
        }
        return render(self.request, self.template_name, context, status=status)

    @staticmethod
    def sheet_names(imp) -> list[str]:
        return list((imp.new_names or {}).get("sheets", [])) or [imp.sheet_name]

    def get(self, request, pk):
        imp = self.get_import(pk)
        return self.render_page(imp, imp.mapping)

    def post(self, request, pk):
        imp = self.get_import(pk)
        if request.POST.get("action") == "reload":
            return self.reload(imp)
        chosen = {str(i): request.POST.get(f"col-{i}", "") for i in range(len(imp.headers))}
        try:
            services.choose_columns(imp, by=request.user, mapping=chosen)
        except ValidationError as exc:
            return self.render_page(imp, chosen, errors=exc.messages, status=400)
        except ImportFileError as exc:
            return self.render_page(imp, chosen, errors=[exc.message], status=400)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(_detail(imp))

    def reload(self, imp):
        raw_row = self.request.POST.get("header_row", "").strip()
        header_row = int(raw_row) if raw_row.isdigit() else None
        try:
            services.choose_sheet(
                imp,
                by=self.request.user,
                sheet_name=self.request.POST.get("sheet", ""),
                header_row=header_row,
            )
        except (ImportFileError, DomainError) as exc:
            return self.render_page(imp, imp.mapping, errors=[exc.message], status=400)
        return redirect("assets:import_columns", pk=imp.pk)


class ImportDetailView(ImportAccessMixin, View):
    """The preview of a checked file, the progress of a running import, or its result."""

    template_name = "assets/import_detail.html"

    def get(self, request, pk):
        imp = self.get_import(pk)
        if imp.status == ImportStatus.UPLOADED:
            return redirect("assets:import_columns", pk=imp.pk)
        names = imp.new_names or {}
        rooms = names.get("rooms", {})
        room_labels = {}
        if rooms and imp.status in services.EDITABLE:
            room_labels = _room_labels(imp.school_id)
        chosen_labels = {v: k for k, v in room_labels.items()}
        context = {
            "title": imp.original_name,
            "object": imp,
            "running": imp.status in RUNNING,
            "editable": imp.status in services.EDITABLE,
            "progress": services.progress_of(imp),
            "poll_seconds": POLL_SECONDS,
            "errors": imp.errors[:ERRORS_SHOWN],
            "errors_hidden": max(0, imp.error_count - min(len(imp.errors), ERRORS_SHOWN)),
            "summary": names.get("summary", {}),
            "rooms": [
                {**entry, "text": text, "chosen": chosen_labels.get(entry.get("room"), "")}
                for text, entry in rooms.items()
            ],
            "room_labels": sorted(room_labels),
            "departments": [
                {**entry, "name": name} for name, entry in names.get("departments", {}).items()
            ],
            "department_choices": Department.objects.filter(school_id=imp.school_id).order_by(
                "name"
            )
            if names.get("departments")
            else [],
            "custodians": names.get("custodians", {}),
            "mapping": [
                (
                    imp.headers[int(i)] if int(i) < len(imp.headers) else i,
                    FIELD_LABELS.get(key, key),
                )
                for i, key in sorted(imp.mapping.items(), key=lambda item: int(item[0]))
            ],
            "register_url": _register_url(),
            "seconds": round((imp.finished_at - imp.started_at).total_seconds(), 1)
            if imp.status == ImportStatus.DONE and imp.started_at and imp.finished_at
            else None,
        }
        return render(request, self.template_name, context)


def _room_labels(school_id: int) -> dict[str, int]:
    """Label → id of every room of the school (what the "use an existing place" box offers)."""
    rooms = Room.objects.filter(school_id=school_id).select_related("floor__building")
    labels: dict[str, int] = {}
    for room in rooms.order_by("floor__building__name", "floor__number", "number"):
        labels.setdefault(PlaceIndex.label(room), room.pk)
    return labels


class ImportNamesView(ImportAccessMixin, View):
    """Save what becomes of each new place and department: created, or an existing one."""

    http_method_names = ["post"]

    def post(self, request, pk):
        imp = self.get_import(pk)
        labels = _room_labels(imp.school_id)
        rooms, departments, unknown = {}, {}, []
        for key, text in request.POST.items():
            if key.startswith("room-text-"):
                label = request.POST.get(f"room-{key.removeprefix('room-text-')}", "").strip()
                if label and label not in labels:
                    unknown.append(label)
                rooms[text] = labels.get(label)
            elif key.startswith("dept-text-"):
                value = request.POST.get(f"dept-{key.removeprefix('dept-text-')}", "")
                departments[text] = int(value) if value.isdigit() else None
        if unknown:
            messages.error(
                request,
                _("No such place: %(places)s. Pick one from the list, or leave it empty to "
                  "create the place.") % {"places": "、".join(unknown)},
            )  # fmt: skip
            return redirect(_detail(imp))
        try:
            services.resolve_names(imp, by=request.user, rooms=rooms, departments=departments)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your choices were saved."))
        return redirect(_detail(imp))


class ImportRunView(ImportAccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        imp = self.get_import(pk)
        try:
            imp = services.start_import(imp, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(_detail(imp))
        return redirect(_detail(imp))


class ImportProgressView(ImportAccessMixin, View):
    """The progress card the running import's page asks for every second; once the import
    has ended, htmx is told to load the page again to show the result."""

    def get(self, request, pk):
        imp = self.get_import(pk)
        if imp.status not in RUNNING and getattr(request, "htmx", False):
            return HttpResponseClientRedirect(_detail(imp))
        context = {
            "object": imp,
            "running": imp.status in RUNNING,
            "progress": services.progress_of(imp),
            "poll_seconds": POLL_SECONDS,
        }
        return render(request, "assets/import_progress.html", context)


class ImportErrorReportView(ImportAccessMixin, View):
    """The file with every bad cell marked, and the list of every error (xlsx)."""

    def get(self, request, pk):
        imp = self.get_import(pk)
        try:
            data = services.error_report(imp, by=request.user)
        except (ImportFileError, OSError):
            messages.error(request, _("The uploaded file can no longer be read."))
            return redirect(_detail(imp))
        stem = imp.original_name.rsplit(".", 1)[0]
        return xlsx_response(data, "{}-{}.xlsx".format(stem, _("errors")))


class ImportTemplateView(ImportAccessMixin, View):
    def get(self, request) -> HttpResponse:
        return template_response(LedgerTemplate)

"""Generic import pages: upload → every row checked → a result page with counts or errors.

A concrete page is a declaration::

    class PlacesImportView(ImportView):
        importer_class = PlacesImporter
        template_url = ("org:import_template", "places")
        report_url_name = "org:import_error_report"
        export_url_name = "org:export_places"

The error report of the last failed imports is kept as a file under ``var/import_reports``
and fetched by a random token that only the uploader's session knows.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from urllib.parse import quote

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.excel import XLSX_CONTENT_TYPE

from .base import Importer
from .reading import (
    ACCEPTED_EXTENSIONS,
    WRONG_TYPE_MESSAGE,
    ImportFileError,
    max_import_bytes,
    too_large_message,
)
from .reports import error_report_xlsx, template_xlsx

SESSION_KEY = "houqin_import_reports"
MAX_ERRORS_SHOWN = 500
REPORT_MAX_AGE = 24 * 3600


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))
    dry_run = forms.BooleanField(
        label=_("Check only: show errors and counts but save nothing"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ACCEPTED_EXTENSIONS):
            raise forms.ValidationError(WRONG_TYPE_MESSAGE)
        if upload.size > max_import_bytes():
            raise forms.ValidationError(too_large_message(upload.size))
        return upload


def report_dir() -> Path:
    configured = getattr(settings, "HOUQIN_IMPORT_REPORT_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "import_reports"


def store_report(request, data: bytes, filename: str) -> str:
    """Keep an error report for this session; returns the token that fetches it."""
    folder = report_dir()
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in folder.glob("*.xlsx"):
        if now - old.stat().st_mtime > REPORT_MAX_AGE:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    (folder / f"{token}.xlsx").write_bytes(data)
    reports = dict(request.session.get(SESSION_KEY, {}))
    reports[token] = filename
    # Only the last few reports stay reachable from a session.
    request.session[SESSION_KEY] = dict(list(reports.items())[-5:])
    return token


def report_response(request, token: str) -> HttpResponse:
    """Download a stored error report; 404 unless this session made it."""
    filename = request.session.get(SESSION_KEY, {}).get(token)
    path = report_dir() / f"{token}.xlsx"
    if not filename or not path.is_file():
        raise Http404
    return xlsx_response(path.read_bytes(), filename)


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def template_response(importer: type[Importer]) -> HttpResponse:
    return xlsx_response(template_xlsx(importer), "{}-{}.xlsx".format(importer.title, _("template")))


class ImportView(LoginRequiredMixin, View):
    importer_class: type[Importer]
    permission: str | None = None  # defaults to the importer's
    template_name = "core/import/import.html"
    # (url name, *args) of the template download, the report download's url name, the export.
    template_url: tuple = ()
    report_url_name = ""
    export_url_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        perm = self.permission or self.importer_class.permission
        if perm and not request.access.has_perm(perm):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        ctx = {
            "title": self.importer_class.title,
            "columns": self.importer_class.columns,
            "template_url": reverse(self.template_url[0], args=self.template_url[1:])
            if self.template_url
            else "",
            "export_url": reverse(self.export_url_name) if self.export_url_name else "",
            "max_mb": max_import_bytes() // (1024 * 1024),
        }
        ctx.update(extra)
        return ctx

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context(form=ImportForm()))

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form=form), status=400)
        school_id = request.access.school_id
        if school_id is None:
            raise PermissionDenied
        school = apps.get_model(settings.HOUQIN_TENANT_MODEL)._default_manager.get(pk=school_id)
        importer = self.importer_class()
        try:
            result = importer.run(
                form.cleaned_data["file"],
                school=school,
                by=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
        except ImportFileError as exc:
            form.add_error("file", exc.message)
            return render(request, self.template_name, self.context(form=form), status=400)
        except DomainError as exc:
            if exc.status_code == 403:
                raise PermissionDenied from exc
            raise
        report_url = ""
        if result.errors:
            name = "{}-{}.xlsx".format(self.importer_class.title, _("errors"))
            token = store_report(request, error_report_xlsx(result), name)
            report_url = reverse(self.report_url_name, args=[token]) if self.report_url_name else ""
        return render(
            request,
            "core/import/result.html",
            self.context(
                result=result,
                errors_shown=result.errors[:MAX_ERRORS_SHOWN],
                errors_hidden=max(0, len(result.errors) - MAX_ERRORS_SHOWN),
                report_url=report_url,
                form=ImportForm(),
            ),
            status=200,
        )

"""Import and export pages for places, staff and classes (declarations on the generic views)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from houqin.core.excel import export_response
from houqin.core.importing.views import ImportView, report_response, template_response

from .importers import (
    IMPORTERS,
    ClassesImporter,
    PlacesImporter,
    StaffImporter,
    classes_export_rows,
    places_export_rows,
    staff_export_rows,
)
from .models import Membership, Room, SchoolClass

IMPORT_PERM = "org.import_org"
EXPORT_PERM = "org.export_org"


class OrgImportView(ImportView):
    report_url_name = "org:import_error_report"

    @property
    def template_url(self):
        return ("org:import_template", self.importer_class.key)


class PlacesImportView(OrgImportView):
    importer_class = PlacesImporter
    export_url_name = "org:export_places"


class StaffImportView(OrgImportView):
    importer_class = StaffImporter
    export_url_name = "org:export_staff"


class ClassesImportView(OrgImportView):
    importer_class = ClassesImporter
    export_url_name = "org:export_classes"


def _require(request, perm):
    if not request.access.has_perm(perm):
        raise PermissionDenied


@login_required
def import_template(request, kind):
    _require(request, IMPORT_PERM)
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise Http404
    return template_response(importer)


@login_required
def import_error_report(request, token):
    _require(request, IMPORT_PERM)
    return report_response(request, token)


def _export(request, importer, queryset, rows):
    _require(request, EXPORT_PERM)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    return export_response(str(importer.title), importer.headers, rows(queryset), fmt)


@login_required
def export_places(request):
    return _export(
        request, PlacesImporter, Room.objects.restrict(request.user, "view"), places_export_rows
    )


@login_required
def export_staff(request):
    qs = Membership.objects.restrict(request.user, "view")
    return _export(request, StaffImporter, qs, staff_export_rows)


@login_required
def export_classes(request):
    qs = SchoolClass.objects.restrict(request.user, "view")
    return _export(request, ClassesImporter, qs, classes_export_rows)

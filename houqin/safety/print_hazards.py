"""The yearly hazard register (隐患排查整改台账): an A4 page to print and sign, and the same
columns in Excel. For a calendar year (``?year=2026``) or a term (``?term=<pk>``)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.excel import export_response
from houqin.core.views.generic import ScopedViewMixin
from houqin.org.models import Term

from . import reports_hazards as reports
from .models.hazards import Hazard

VIEW_ALL = "safety.view_hazard"


class HazardRegisterView(ScopedViewMixin, View):
    model = Hazard
    template_name = "safety/hazards/register.html"

    def get(self, request):
        access = self.access
        if not access.is_member or not access.has_perm(VIEW_ALL):
            raise PermissionDenied
        from django.apps import apps

        school = apps.get_model(settings.HOUQIN_TENANT_MODEL).objects.get(pk=access.school_id)
        period = self.period(request, school)
        rows = reports.register_rows(school, period, Hazard.objects.restrict(request.user))
        title = _("Hazard inspection and rectification register %(period)s") % {
            "period": period.label
        }
        if request.GET.get("export") in ("xlsx", "csv"):
            values = (reports.register_values(h) for h in rows.iterator(chunk_size=500))
            return export_response(
                f"{title}", reports.register_headers(), values, request.GET["export"]
            )
        rows = list(rows)
        query = request.GET.copy()
        query["export"] = "xlsx"
        return render(
            request,
            self.template_name,
            {
                "title": title,
                "school": school,
                "period": period,
                "rows": [(h, reports.register_values(h)) for h in rows],
                "headers": reports.register_headers(),
                "summary": reports.register_summary(rows),
                "terms": Term.objects.filter(school_id=school.pk).order_by("-start_date")[:12],
                "years": self.years(),
                "export_url": f"{request.path}?{query.urlencode()}",
                "back_url": reverse("safety:hazard_list"),
                "printed_on": timezone.localdate(),
            },
        )

    def years(self):
        this_year = timezone.localdate().year
        return list(range(this_year, this_year - 5, -1))

    def period(self, request, school):
        term_id = request.GET.get("term", "")
        if term_id.isdigit():
            term = get_object_or_404(Term, pk=int(term_id), school_id=school.pk)
            return reports.term_period(term)
        year = request.GET.get("year", "")
        year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
        return reports.year_period(year or timezone.localdate().year)

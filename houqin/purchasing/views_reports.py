"""The spending report page: by department, budget category, vendor or term, for a budget year
(against the budgets) or a term (by delivery date); ``?export=xlsx`` downloads what it shows."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.excel import export_response
from houqin.core.views.generic import ScopedViewMixin

from . import reports_spending as reports
from .forms_orders import ReportForm
from .models import PurchaseOrder

REPORT_PERM = "purchasing.view_purchaseorder"


class SpendingReportView(ScopedViewMixin, View):
    model = PurchaseOrder
    template_name = "purchasing/reports/spending.html"

    def get(self, request):
        access = self.access
        if not access.is_member or not access.has_perm(REPORT_PERM):
            raise PermissionDenied
        school_id = access.school_id
        this_year = timezone.localdate().year
        years = sorted(set(reports.years(school_id)) | {this_year}, reverse=True)
        form = ReportForm(request.GET or None, school_id=school_id, years=years)
        by, year, term = "department", this_year, None
        if form.is_bound and form.is_valid():
            by = form.cleaned_data["by"] or "department"
            year = form.cleaned_data["year"] or this_year
            term = form.cleaned_data["term"]
        if by == "term":
            report = reports.by_term(school_id)
        elif term is not None:
            report = reports.for_term(school_id, term, by)
        else:
            report = reports.for_year(school_id, year, by)
        if request.GET.get("export") in ("xlsx", "csv"):
            headers, rows = reports.export_rows(report)
            name = _("Spending by %(by)s %(period)s") % {
                "by": reports.DIMENSIONS[by],
                "period": report.period_label,
            }
            return export_response(str(name), headers, rows, request.GET["export"])
        context = {
            "title": _("Spending"),
            "form": form,
            "report": report,
            "dimension_label": reports.DIMENSIONS[by],
        }
        return render(request, self.template_name, context)

"""The asset ledger pages: the ledger report (print-ready, Excel export), the depreciation
runs with a "run depreciation for month X" button, and one run's summaries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.excel import export_response
from houqin.core.scoping import access_for

from . import depreciation as rules
from . import reports_ledger, services_ledger
from .models import DepreciationEntry, DepreciationRun

VIEW_PERM = "assets.view_depreciationrun"
RUN_PERM = services_ledger.DEPRECIATE_PERM
RUNS_SHOWN = 24
RUN_MONTHS_OFFERED = 24


class LedgerMixin(LoginRequiredMixin):
    """The school-wide right to read the ledger (finance, principal, auditors, the clerk)."""

    def setup_access(self, request):
        self.access = getattr(request, "access", None) or access_for(request.user)
        if not self.access.is_member or not self.access.has_perm(VIEW_PERM):
            raise PermissionDenied
        school = getattr(request, "school", None)
        if school is None or school.pk != self.access.school_id:
            from houqin.org.models import School

            school = School.objects.get(pk=self.access.school_id)
        self.school = school
        self.today = services_ledger.school_today(school)


def _months_offered(today):
    """The months the run button offers: this month back two years, latest first."""
    current = rules.month_start(today)
    return [rules.add_months(current, -i) for i in range(RUN_MONTHS_OFFERED)]


def month_ranges(months) -> str:
    """2025-01 – 2025-06, 2025-09: consecutive months as ranges (the unrun-months note)."""
    spans: list[list] = []
    for month in months:
        if spans and rules.add_months(spans[-1][1], 1) == month:
            spans[-1][1] = month
        else:
            spans.append([month, month])
    return ", ".join(f"{a:%Y-%m}" if a == b else f"{a:%Y-%m} \u2013 {b:%Y-%m}" for a, b in spans)


class LedgerView(LedgerMixin, View):
    """``/assets/ledger/?period=year&year=2026&by=category&kind=fixed``; ``&export=xlsx``."""

    template_name = "assets/ledger_report.html"

    def get(self, request):
        self.setup_access(request)
        params = request.GET
        by = params.get("by") or "category"
        kind = params.get("kind") or "fixed"
        if by not in reports_ledger.GROUPINGS or kind not in reports_ledger.KINDS:
            return HttpResponseBadRequest(_("Unknown grouping or kind of asset."))
        report, error = None, None
        try:
            period = reports_ledger.parse_period(params, school_id=self.school.pk, today=self.today)
        except reports_ledger.PeriodError as exc:
            error = str(exc)
        else:
            report = reports_ledger.ledger(self.school, period, by=by, kind=kind)
        fmt = params.get("export")
        if fmt:
            if fmt not in ("xlsx", "csv") or report is None:
                return HttpResponseBadRequest(error or _("Unknown export format."))
            headers, rows = reports_ledger.export_table(report)
            name = _("Asset ledger %(period)s") % {"period": report.period.label}
            return export_response(str(name), headers, rows, fmt=fmt)

        from houqin.org.models import Term

        runs = list(
            DepreciationRun.objects.restrict(request.user, "view")
            .select_related("ran_by")
            .order_by("-period")[:RUNS_SHOWN]
        )
        previous = rules.add_months(self.today, -1)
        context = {
            "title": _("Asset ledger"),
            "report": report,
            "error": error,
            "school": self.school,
            "params": {
                "period": params.get("period") or "year",
                "month": params.get("month") or f"{self.today:%Y-%m}",
                "year": params.get("year") or str(self.today.year),
                "term": params.get("term") or "",
                "start": params.get("start") or f"{self.today:%Y}-01",
                "end": params.get("end") or f"{self.today:%Y-%m}",
                "by": by,
                "kind": kind,
            },
            "period_kinds": reports_ledger.PERIOD_KINDS.items(),
            "groupings": reports_ledger.GROUPINGS.items(),
            "kinds": reports_ledger.KINDS.items(),
            "figures": [label for _name, label in reports_ledger.FIGURES],
            "terms": Term.objects.filter(school=self.school).order_by("-start_date")[:20],
            "runs": runs,
            "may_run": self.access.has_perm(RUN_PERM),
            "run_months": _months_offered(self.today),
            "run_default": f"{previous:%Y-%m}",
            "group_label": reports_ledger.GROUPINGS[by],
            "show_code": by in ("category", "class"),
            "unrun_months": month_ranges(report.months_without_run) if report else "",
        }
        return render(request, self.template_name, context)


class RunDepreciationView(LedgerMixin, View):
    """POST ``month=YYYY-MM``: depreciate that month now (the same as the nightly job), or
    queue it for a very big school (``services_ledger.request_run``)."""

    http_method_names = ["post"]

    def post(self, request):
        self.setup_access(request)
        # Back to the ledger as it was shown (its query string), never elsewhere.
        ledger_url = reverse("assets:ledger")
        back = request.POST.get("next") or ""
        if back != ledger_url and not back.startswith(ledger_url + "?"):
            back = ledger_url
        try:
            month = reports_ledger.parse_month(request.POST.get("month") or "")
        except reports_ledger.PeriodError as exc:
            messages.error(request, str(exc))
            return redirect(back)
        try:
            run = services_ledger.request_run(school=self.school, month=month, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if run is None:
                messages.info(
                    request,
                    _(
                        "Depreciation for %(month)s is running in the background; it appears "
                        "in the list of runs when it is done."
                    )
                    % {"month": f"{month:%Y-%m}"},
                )
                return redirect(back)
            messages.success(
                request,
                _("Depreciation for %(month)s: %(count)d assets, ¥%(amount)s.")
                % {
                    "month": f"{run.period:%Y-%m}",
                    "count": run.asset_count,
                    "amount": run.total_amount,
                },
            )
        return redirect(back)


class RunDetailView(LedgerMixin, View):
    """One month's summaries: category × department × funding source."""

    model = DepreciationRun
    template_name = "assets/ledger_run_detail.html"

    def get(self, request, pk):
        self.setup_access(request)
        run = get_object_or_404(
            DepreciationRun.objects.restrict(request.user, "view").select_related("ran_by"),
            pk=pk,
        )
        entries = list(
            DepreciationEntry.objects.filter(run=run)
            .select_related("category", "department")
            .order_by("category__code", "department__name", "funding_source", "pk")
        )
        if request.GET.get("export") in ("xlsx", "csv"):
            headers = [
                str(_("Category code")),
                str(_("Category")),
                str(_("Department")),
                str(_("Funding source")),
                str(_("Assets")),
                str(_("Depreciation (¥)")),
            ]
            rows = [
                [
                    e.category.code,
                    e.category.name,
                    e.department.name if e.department_id else "",
                    e.funding_source,
                    e.asset_count,
                    e.amount,
                ]
                for e in entries
            ]
            name = _("Depreciation %(month)s") % {"month": f"{run.period:%Y-%m}"}
            return export_response(str(name), headers, rows, fmt=request.GET["export"])
        context = {
            "title": _("Depreciation for %(month)s") % {"month": f"{run.period:%Y-%m}"},
            "run": run,
            "entries": entries,
            "school": self.school,
            "may_run": self.access.has_perm(RUN_PERM),
        }
        return render(request, self.template_name, context)

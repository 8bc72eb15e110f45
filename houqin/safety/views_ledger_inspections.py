"""The inspection ledger (检查台账) of a template for a term: an A4 print view and an Excel file
with date, place, results, failed items with their hazard numbers, and the signatures."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from houqin.core.excel import export_response
from houqin.core.views.generic import ScopedViewMixin
from houqin.org.models import School
from houqin.org.terms import current_term, school_terms

from .models.inspections import (
    EquipmentCheck,
    InspectionAnswer,
    InspectionRound,
    InspectionTemplate,
    RoundStatus,
    RoundStop,
)


def ledger_rows(template, term) -> list[dict]:
    """One row per round of the term (missed and cancelled ones too): four queries."""
    rounds = (
        InspectionRound.objects.filter(
            template=template, due_date__gte=term.start_date, due_date__lte=term.end_date
        )
        .select_related("version", "completed_by")
        .prefetch_related(
            Prefetch(
                "stops",
                queryset=RoundStop.objects.select_related("room__floor__building")
                .prefetch_related(
                    Prefetch(
                        "answers",
                        queryset=InspectionAnswer.objects.select_related("item", "hazard").order_by(
                            "item__position"
                        ),
                    ),
                    Prefetch(
                        "equipment_checks",
                        queryset=EquipmentCheck.objects.select_related("equipment", "hazard"),
                    ),
                )
                .order_by("position", "pk"),
            )
        )
        .order_by("due_date", "slot", "pk")
    )
    rows = []
    for found in rounds:
        stops = list(found.stops.all())
        answered = failed = 0
        failures = []
        for stop in stops:
            for answer in stop.answers.all():
                answered += 1
                if answer.failed:
                    failed += 1
                    failures.append(
                        {
                            "place": stop.room,
                            "what": answer.item.label,
                            "answer": answer.display,
                            "hazard": answer.hazard,
                        }
                    )
            for check in stop.equipment_checks.all():
                answered += 1
                if not check.ok:
                    failed += 1
                    failures.append(
                        {
                            "place": stop.room,
                            "what": str(check.equipment),
                            "answer": _("Faulty"),
                            "hazard": check.hazard,
                        }
                    )
        rows.append(
            {
                "round": found,
                "places": [s.room for s in stops],
                "answered": answered,
                "failed": failed,
                "failures": failures,
            }
        )
    return rows


def _result(row) -> str:
    found = row["round"]
    if found.status == RoundStatus.MISSED:
        return _("Missed")
    if found.status == RoundStatus.CANCELLED:
        return _("Cancelled")
    if found.status != RoundStatus.DONE:
        return found.get_status_display()
    text = (
        _("%(n)s checked, all in order") % {"n": row["answered"]}
        if not row["failed"]
        else (_("%(n)s checked, %(f)s failed") % {"n": row["answered"], "f": row["failed"]})
    )
    return text + (" · " + _("late") if found.is_late else "")


class LedgerView(ScopedViewMixin, View):
    model = InspectionTemplate
    template_name = "safety/inspections/ledger.html"

    def get(self, request, pk):
        if not self.access.has_perm("safety.view_inspectionround"):
            raise PermissionDenied
        template = get_object_or_404(self.restricted("view"), pk=pk)
        terms = school_terms(template.school_id)
        term_id = request.GET.get("term")
        term = (
            next((t for t in terms if str(t.pk) == term_id), None)
            if term_id
            else current_term(terms, timezone.localdate())
        )
        if term is None:
            raise Http404(_("The school has no terms yet."))
        rows = ledger_rows(template, term)
        two_signatures = template.versions.filter(needs_second_signature=True).exists()
        if request.GET.get("export") in ("xlsx", "csv"):
            return self.export(template, term, rows, two_signatures, request.GET["export"])
        return render(
            request,
            self.template_name,
            {
                "title": _("%(template)s ledger") % {"template": template.name},
                "template": template,
                "term": term,
                "terms": terms,
                "rows": rows,
                "two_signatures": two_signatures,
                "school": School.objects.get(pk=template.school_id),
                "printed_at": timezone.now(),
                "back_url": reverse("safety:inspection_template_detail", args=[template.pk]),
            },
        )

    def export(self, template, term, rows, two_signatures, fmt):
        headers = [
            _("Date"),
            _("Number"),
            _("Places"),
            _("Check result"),
            _("Failed items"),
            _("Hazard numbers"),
            _("Inspector"),
            _("Completed at"),
        ]
        if two_signatures:
            headers.insert(7, _("Department head"))
        data = []
        for row in rows:
            found = row["round"]
            line = [
                found.due_date,
                found.number,
                "、".join(str(p) for p in row["places"]),
                _result(row),
                "；".join(f"{f['place']} {f['what']}: {f['answer']}" for f in row["failures"]),
                "、".join(f["hazard"].number for f in row["failures"] if f["hazard"]),
                found.signed_by,
                found.completed_at,
            ]
            if two_signatures:
                line.insert(7, found.second_signed_by)
            data.append(line)
        return export_response(f"{template.name}-{term.name}", headers, data, fmt)


__all__ = ["LedgerView", "ledger_rows", "_result"]

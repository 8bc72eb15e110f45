"""Repairs dashboard: one term of the current school's repairs against the term before."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.scoping import access_for

from . import reports

VIEW_PERM = "maintenance.view_workorder"


def _number(value, places=0) -> str:
    return number_format(value, places, use_l10n=True, force_grouping=True)


def _signed(value, places=0, unit="") -> str:
    """With its sign (+, or the minus sign U+2212); none when it rounds to nothing."""
    rounded = round(float(value), places)
    text = unit + _number(abs(rounded), places)
    return f"+{text}" if rounded > 0 else (f"\u2212{text}" if rounded < 0 else text)


def show(kind: str, value) -> str:
    """A figure as people read it: 1,234 · 5.2 h · 87.5% · 4.6 / 5 · ¥12,345.00."""
    if value is None:
        return "\u2014"
    if kind == "hours":
        return _("%(hours)s h") % {"hours": _number(value, 1)}
    if kind == "percent":
        return f"{_number(value, 1)}%"
    if kind == "rating":
        return _("%(rating)s / 5") % {"rating": _number(value, 2)}
    if kind == "money":
        return f"¥{_number(value, 2)}"
    return _number(value)


def show_change(kind: str, change) -> str:
    """The change against last term: +12 (+5.3%), −0.4 h (−8.0%), +2.1 pp, +0.10."""
    if change is None:
        return ""
    delta, pct = change["delta"], change["pct"]
    if kind == "percent":
        return _("%(delta)s pp") % {"delta": _signed(delta, 1)}
    if kind == "rating":
        return _signed(delta, 2)
    if kind == "hours":
        text = _("%(hours)s h") % {"hours": _signed(delta, 1)}
    elif kind == "money":
        text = _signed(delta, 2, "¥")
    else:
        text = _signed(delta)
    return f"{text} ({_signed(pct, 1)}%)" if pct is not None else text


def _change_class(change, text: str) -> str:
    # Green or red only for a change that shows (not for one that rounds to zero).
    if change is None or change.get("better") is None or text[:1] not in ("+", "\u2212"):
        return "text-secondary"
    return "text-success" if change["better"] else "text-danger"


def _decorate(data: dict) -> None:
    """Display strings for the cards and table cells (the template only prints them)."""
    for card in data["cards"]:
        card["value_text"] = show(card["kind"], card["value"])
        card["previous_text"] = show(card["kind"], card["previous"])
        card["change_text"] = show_change(card["kind"], card["change"])
        card["change_class"] = _change_class(card["change"], card["change_text"])
    for row in data["categories"] + data["buildings"]:
        row["change_text"] = show_change("count", row["change"])
    weeks = data["weekly"]
    before = weeks.get("previous") or []
    data["weekly_rows"] = [
        {"start": start, "current": n, "previous": before[i] if i < len(before) else None}
        for i, (start, n) in enumerate(zip(weeks["labels"], weeks["current"], strict=True))
    ]
    for row in data["buildings"]:
        row["cost_change_text"] = show_change("money", row.get("cost_change"))


class DashboardView(LoginRequiredMixin, View):
    """``/repairs/dashboard/?term=<pk>``: for people who see every repair of the school."""

    template_name = "maintenance/dashboard.html"

    def get(self, request):
        access = getattr(request, "access", None) or access_for(request.user)
        # Workers and requesters see their own orders only (owned_q): the school-wide right
        # is needed here, not just some rows.
        if not access.is_member or not access.has_perm(VIEW_PERM):
            raise PermissionDenied
        school = getattr(request, "school", None)
        if school is None or school.pk != access.school_id:
            from houqin.org.models import School

            school = School.objects.get(pk=access.school_id)
        terms = reports.school_terms(school)
        today = timezone.localdate(timezone=reports.school_tz(school))
        chosen = request.GET.get("term")
        if chosen:
            term = next((t for t in terms if str(t.pk) == chosen), None)
            if term is None:
                raise Http404  # another school's term, or none at all
        else:
            term = reports.current_term(terms, today)
        context = {"title": _("Repairs dashboard"), "terms": terms, "term": term}
        if term is not None:
            data = reports.dashboard(
                school, term, reports.previous_term(terms, term), today=today
            )
            _decorate(data)
            charts = reports.chart_data(data)
            charts["labels"] = {
                "current": term.name,
                "previous": data["previous_term"].name if data["previous_term"] else "",
                "orders": str(_("Repairs")),
                "parts": str(_("Parts")),
                "outside": str(_("Outside cost")),
                "week": str(_("Week starting")),
            }
            context.update(data=data, charts=charts)
        return render(request, self.template_name, context)

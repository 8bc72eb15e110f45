"""The canteen's ledgers (台账) for a month or a term: A4 print views in the shape the bureau's
inspectors expect (date, meal, item, result, person, a signature column) and the same rows as
Excel. Each ledger is a list of groups (the morning-check sheet: one per day, every handler)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as date_type
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from houqin.core.excel import export_response
from houqin.core.scoping import access_for
from houqin.org.models import School, Term
from houqin.org.terms import school_terms

from .models.food import AccompaniedMeal, Disinfection, FoodSample
from .models.goods import GoodsCheck
from .models.staff import FoodHandler, MorningCheck
from .models.water import FilterChange, WaterTest


def _t(value, fmt="%H:%M"):
    return timezone.localtime(value).strftime(fmt) if value else ""


def _d(value):
    return value.isoformat() if value else ""


@dataclass
class Period:
    start: date_type
    end: date_type
    label: str


def period_of(request, school_id) -> Period:
    """?term=<id> or ?month=YYYY-MM (default: this month)."""
    term_id = request.GET.get("term")
    if term_id:
        term = Term.objects.filter(
            school_id=school_id, pk=term_id if term_id.isdigit() else 0
        ).first()
        if term is None:
            raise Http404
        return Period(term.start_date, term.end_date, str(term))
    raw = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        first = date_type.fromisoformat(raw + "-01")
    except ValueError:
        first = timezone.localdate().replace(day=1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return Period(first, last, first.strftime("%Y-%m"))


def samples_ledger(school_id, period):
    rows = (
        FoodSample.objects.filter(school_id=school_id, meal__date__range=(period.start, period.end))
        .select_related("meal", "meal_dish", "taken_by", "disposed_by")
        .order_by("meal__date", "meal__kind", "meal_dish__position", "pk")
    )
    headers = [_("Date"), _("Meal"), _("Dish"), _("Weight (g)"), _("Taken at"), _("Taken by"), _("Fridge / container"),
               _("Dispose not before"), _("Disposed at"), _("Disposed by")]  # fmt: skip
    body = [[_d(s.meal.date), s.meal.get_kind_display(), s.meal_dish.name, f"{s.grams:g}", _t(s.taken_at), str(s.taken_by),
             s.container, _t(s.dispose_after, "%m-%d %H:%M"), _t(s.disposed_at, "%m-%d %H:%M"), str(s.disposed_by or "")] for s in rows]  # fmt: skip
    return headers, [("", body)]


def checks_ledger(school_id, period):
    """One sheet per day: every active handler (and any checked that day), a signature each."""
    checks = {}
    for c in MorningCheck.objects.filter(
        school_id=school_id, date__range=(period.start, period.end)
    ).select_related("handler", "checked_by"):
        checks.setdefault(c.date, {})[c.handler_id] = c
    handlers = list(FoodHandler.objects.filter(school_id=school_id).order_by("name", "pk"))
    headers = [
        _("Name"),
        _("Job"),
        _("Temperature (°C)"),
        _("Symptoms"),
        _("Hands"),
        _("Check result"),
        _("Checked by"),
        _("Signature"),
    ]
    groups = []
    for day in sorted(checks):
        of_day = checks[day]
        body = []
        for h in handlers:
            c = of_day.get(h.pk)
            if c is None and not h.is_active:
                continue
            if c is None:
                body.append([h.name, h.job, "", "", "", _("Not checked"), "", ""])
                continue
            symptoms = "、".join(s for s in c.symptoms if s != str(_("hands not clean"))) or _(
                "None"
            )
            result = (
                _("Fit") if c.fit else _("Excluded: %(reason)s") % {"reason": c.exclusion_reason}
            )
            body.append([h.name, h.job, f"{c.temperature}" if c.temperature is not None else "", symptoms,
                         _("OK") if c.hands_ok else _("Not OK"), result, str(c.checked_by), ""])  # fmt: skip
        groups.append((day.isoformat(), body))
    return headers, groups


def accompanied_ledger(school_id, period):
    rows = (
        AccompaniedMeal.objects.filter(
            school_id=school_id, meal__date__range=(period.start, period.end)
        )
        .select_related("meal", "leader")
        .order_by("meal__date", "meal__kind", "pk")
    )
    headers = [
        _("Date"),
        _("Meal"),
        _("Leader"),
        _("Rating"),
        _("Problems found"),
        _("Action taken"),
        _("Signature"),
    ]
    body = [
        [
            _d(a.meal.date),
            a.meal.get_kind_display(),
            str(a.leader),
            str(a.rating),
            a.problems,
            a.action,
            "",
        ]
        for a in rows
    ]
    return headers, [("", body)]


def goods_ledger(school_id, period):
    rows = (
        GoodsCheck.objects.filter(school_id=school_id, date__range=(period.start, period.end))
        .select_related("company", "checked_by")
        .order_by("date", "pk")
    )
    headers = [_("Date"), _("Supplier"), _("Goods"), _("Quantity"), _("Batch"), _("Production date"), _("Best before"),
               _("Licence"), _("Certificate"), _("Check result"), _("Checked by"), _("Signature")]  # fmt: skip
    yes, no = _("Yes"), _("No")
    body = [[_d(g.date), g.supplier_label, g.goods, f"{g.quantity:g} {g.unit}", g.batch, _d(g.production_date), _d(g.best_before),
             yes if g.licence_seen else no, yes if g.certificate_seen else no,
             _("Accepted") if g.accepted else _("Refused: %(reason)s") % {"reason": g.refusal_reason}, str(g.checked_by), ""] for g in rows]  # fmt: skip
    return headers, [("", body)]


def disinfection_ledger(school_id, period):
    rows = (
        Disinfection.objects.filter(
            school_id=school_id, meal__date__range=(period.start, period.end)
        )
        .select_related("meal", "done_by")
        .order_by("meal__date", "meal__kind", "pk")
    )
    headers = [_("Date"), _("Meal"), _("Method"), _("Tableware"), _("Temperature (°C)"), _("Concentration (mg/L)"), _("Minutes"),
               _("Time"), _("Done by"), _("Signature")]  # fmt: skip
    body = [[_d(d.meal.date), d.meal.get_kind_display(), d.get_method_display(), d.items, f"{d.temperature:g}" if d.temperature is not None else "",
             f"{d.concentration:g}" if d.concentration is not None else "", str(d.minutes), _t(d.done_at), d.done_by_name or str(d.done_by), ""] for d in rows]  # fmt: skip
    return headers, [("", body)]


def water_ledger(school_id, period):
    tests = (
        WaterTest.objects.filter(school_id=school_id, date__range=(period.start, period.end))
        .select_related("dispenser__room__floor__building")
        .order_by("date", "pk")
    )
    changes = (
        FilterChange.objects.filter(school_id=school_id, date__range=(period.start, period.end))
        .select_related("dispenser__room__floor__building")
        .order_by("date", "pk")
    )
    headers = [
        _("Date"),
        _("Record"),
        _("Place"),
        _("Check result"),
        _("By"),
        _("Follow-up / next due"),
        _("Signature"),
    ]
    body = [[_d(t.date), _("Water test"), t.place_label, (_("Pass") if t.passed else _("Fail")) + " · " + t.results.replace("\n", "; "),
             t.tested_by, t.follow_up, ""] for t in tests]  # fmt: skip
    body += [
        [
            _d(c.date),
            _("Filter change"),
            str(c.dispenser),
            _("Filter changed"),
            c.done_by_name,
            _d(c.next_due),
            "",
        ]
        for c in changes
    ]
    body.sort(key=lambda r: r[0])
    return headers, [("", body)]


LEDGERS = {
    "samples": (gettext_lazy("Food sample ledger"), "canteen.view_foodsample", samples_ledger),
    "checks": (gettext_lazy("Morning check sheet"), "canteen.view_morningcheck", checks_ledger),
    "accompanied": (
        gettext_lazy("Accompanied meal record"),
        "canteen.view_accompaniedmeal",
        accompanied_ledger,
    ),
    "goods": (
        gettext_lazy("Incoming goods check register"),
        "canteen.view_goodscheck",
        goods_ledger,
    ),
    "disinfection": (
        gettext_lazy("Tableware disinfection register"),
        "canteen.view_disinfection",
        disinfection_ledger,
    ),
    "water": (
        gettext_lazy("Drinking water tests and filter changes"),
        "canteen.view_watertest",
        water_ledger,
    ),
}


def ledger_view(kind: str):
    title, perm, build = LEDGERS[kind]

    @login_required
    def view(request):
        access = access_for(request.user)
        if not access.is_member or not access.has_perm(perm):
            raise PermissionDenied
        period = period_of(request, access.school_id)
        headers, groups = build(access.school_id, period)
        if request.GET.get("export") in ("xlsx", "csv"):
            rows = [
                ([heading] if heading else []) + row for heading, body in groups for row in body
            ]
            head = ([_("Date")] if any(h for h, _b in groups) else []) + [str(h) for h in headers]
            return export_response(f"{title}-{period.label}", head, rows, request.GET["export"])
        school = School.objects.get(pk=access.school_id)
        context = {
            "title": title, "school": school, "period": period, "headers": headers, "groups": groups,
            "blank_rows": range(3), "printed_at": timezone.now(), "back_url": reverse("canteen:ledgers"),
            "export_query": request.GET.urlencode(),
        }  # fmt: skip
        return render(request, "canteen/ledger.html", context)

    view.__name__ = f"ledger_{kind}"
    return view


@login_required
def ledgers(request):
    access = access_for(request.user)
    if not access.is_member or not access.has_perm("canteen.view_meal"):
        raise PermissionDenied
    available = [
        (kind, title) for kind, (title, perm, _b) in LEDGERS.items() if access.has_perm(perm)
    ]
    context = {
        "title": _("Canteen ledgers"), "ledgers": available, "terms": school_terms(access.school_id),
        "month": timezone.localdate().strftime("%Y-%m"),
    }  # fmt: skip
    return render(request, "canteen/ledgers.html", context)

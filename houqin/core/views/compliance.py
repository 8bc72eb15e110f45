"""The compliance page: every rule by area with the national default, the school's own figure,
whom it binds, its source, and where the school stands this term; its A4 print, its Excel
export, and the form that tightens one figure (``compliance.tighten``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from houqin.core import compliance
from houqin.core.errors import DomainError
from houqin.core.excel import export_response
from houqin.core.forms_compliance import TightenForm
from houqin.core.scoping import access_for

AREA_LABELS = {
    "safety": _("Safety"),
    "canteen": _("Canteen and water"),
    "hygiene": _("Hygiene and greening"),
    "assets": _("Assets"),
    "maintenance": _("Maintenance"),
    "stores": _("Stores and print shop"),
    "purchasing": _("Purchasing"),
    "venues": _("Venues"),
    "finance": _("Finance"),
}
BADGES = {
    "done": ("bg-green-lt", _("Done")),
    "missed": ("bg-red-lt", _("Missed")),
    "overdue": ("bg-orange-lt", _("Overdue")),
    "nothing_due": ("bg-secondary-lt", _("Nothing due")),
    "not_tracked": ("bg-light text-secondary", _("Not tracked")),
}


def area_label(area: str) -> str:
    return str(AREA_LABELS.get(area, area.replace("_", " ").capitalize()))


def role_labels(codes) -> str:
    from houqin.org.roles import Role

    labels = {value: label for value, label in Role.choices}
    return ", ".join(str(labels.get(code, code)) for code in codes)


def _access(request, perm=compliance.VIEW_PERM):
    access = access_for(request.user)
    if not access.is_member or not access.has_perm(perm):
        raise PermissionDenied
    return access


def _school(access):
    from django.apps import apps
    from django.conf import settings

    return apps.get_model(settings.HOUQIN_TENANT_MODEL).objects.get(pk=access.school_id)


def _term(request, school, today):
    from houqin.org import terms as org_terms

    choices = org_terms.school_terms(school)
    chosen = request.GET.get("term")
    term = next((t for t in choices if str(t.pk) == chosen), None)
    return (term or org_terms.current_term(choices, today)), choices


def page_data(request, access):
    """What the page, its print and its export share."""
    today = timezone.localdate()
    school = _school(access)
    term, terms = _term(request, school, today)
    rows = compliance.overview(school, term, today)
    for row in rows:
        row.badge_class, row.badge_label = BADGES[row.badge]
        row.roles_label = role_labels(row.rule.roles)
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row.rule.area, []).append(row)
    summary = {key: 0 for key in BADGES}
    for row in rows:
        summary[row.badge] += 1
    return {
        "school": school,
        "term": term,
        "terms": terms,
        "today": today,
        "rows": rows,
        "groups": [(area, area_label(area), items) for area, items in groups.items()],
        "summary": summary,
        "badges": BADGES,
        "may_change": access.has_perm(compliance.CHANGE_PERM),
    }


def _kind_label(kind) -> str:
    return str(dict(compliance.Kind.choices).get(kind, kind))


def _status_cells(row):
    status = row.status
    if status is None:
        return ["", "", "", "", "", gettext("Status unavailable") if row.error else ""]
    return [status.due, status.done, status.late, status.missed, status.open, status.detail]


def _figure(value):
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return value


@login_required
def compliance_overview(request):
    access = _access(request)
    context = page_data(request, access)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        headers = [
            _("area"), _("rule"), _("kind"), _("national default"), _("school's figure"),
            _("unit"), _("set by"), _("why"), _("binds"), _("source"), _("status"), _("due"),
            _("done"), _("late"), _("missed"), _("open"), _("detail"),
        ]  # fmt: skip
        data = [
            [
                area_label(row.rule.area),
                row.rule.title,
                _kind_label(row.rule.kind),
                _figure(row.rule.default),
                _figure(row.value),
                row.rule.unit,
                str(row.setting.set_by or "") if row.tightened else "",
                row.setting.note if row.tightened else "",
                row.roles_label,
                row.rule.source,
                row.badge_label,
                *_status_cells(row),
            ]  # fmt: skip
            for row in context["rows"]
        ]
        term = context["term"]
        name = gettext("Compliance") + (f"-{term.name}" if term else "")
        return export_response(name, headers, data, fmt)
    context["title"] = _("Compliance")
    return render(request, "core/compliance/overview.html", context)


@login_required
def compliance_print(request):
    access = _access(request)
    context = page_data(request, access)
    query = f"?term={context['term'].pk}" if context["term"] else ""
    # A sheet is one A4 page (it does not grow): long areas continue on the next sheet.
    per_sheet = 14
    context["sheets"] = [
        (label, items[i : i + per_sheet])
        for _area, label, items in context["groups"]
        for i in range(0, len(items), per_sheet)
    ]
    context.update(
        title=_("Compliance"),
        back_url=reverse("compliance_overview") + query,
        printed_at=timezone.now(),
    )
    return render(request, "core/compliance/print.html", context)


@login_required
def compliance_tighten(request, key):
    access = _access(request, compliance.CHANGE_PERM)
    try:
        rule = compliance.get(key)
    except KeyError:
        raise Http404 from None
    school = _school(access)
    own = compliance.overrides(school).get(key)
    current = compliance.values(school)[key]
    if request.method == "POST":
        form = TightenForm(request.POST, rule=rule)
        if form.is_valid():
            try:
                compliance.tighten(
                    school, key, form.cleaned_data["value"], by=request.user,
                    note=form.cleaned_data["note"],
                )  # fmt: skip
            except DomainError as exc:
                form.add_error("value", str(exc.message))
            else:
                messages.success(
                    request, gettext("“%(rule)s” is now %(value)s for the school.")
                    % {"rule": rule.title, "value": form.display_value()},
                )  # fmt: skip
                return redirect(reverse("compliance_overview") + f"#rule-{key}")
    else:
        form = TightenForm(rule=rule, initial={"value": current, "note": own.note if own else ""})
    history = []
    if own is not None:
        history = list(own.history.select_related("history_user").order_by("-history_date")[:20])
    context = {
        "title": gettext("Tighten “%(rule)s”") % {"rule": rule.title},
        "rule": rule,
        "form": form,
        "current": current,
        "setting": own,
        "history": history,
        "kind_label": _kind_label(rule.kind),
        "roles_label": role_labels(rule.roles),
        "area": area_label(rule.area),
        "cancel_url": reverse("compliance_overview") + f"#rule-{key}",
    }
    return render(request, "core/compliance/tighten.html", context)

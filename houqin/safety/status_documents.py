"""Where a school stands this term on the drill and regulation rules (for the compliance page):
each function is ``func(school, term, today) -> RuleStatus`` in a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext

from houqin.core import compliance
from houqin.core.compliance import RuleStatus

from .models.documents import Drill, DrillStatus, SafetyDocument, SafetyDocumentVersion
from .services_documents import add_months


def _school_id(school):
    return getattr(school, "pk", school)


def drill_intervals(start: date, end: date, months: int) -> list[tuple[date, date]]:
    """The term cut into intervals of ``months`` (the last one may be shorter): inclusive days."""
    months = max(1, int(months))
    out, n = [], 0
    while True:
        first = add_months(start, n * months)
        if first > end:
            return out
        last = min(add_months(start, (n + 1) * months) - timedelta(days=1), end)
        out.append((first, last))
        n += 1


def drill_status(school, term, today: date) -> RuleStatus:
    """One drill is expected per interval of the term; an interval that ended without a
    recorded drill is missed (the current interval counts only once it has its drill)."""
    school_id = _school_id(school)
    months = compliance.value(school_id, "safety.drill_months")
    days = set(
        Drill.objects.filter(
            school_id=school_id, status=DrillStatus.DONE,
            done_date__gte=term.start_date, done_date__lte=term.end_date,
        ).values_list("done_date", flat=True)
    )  # fmt: skip
    due = done = 0
    missed = []
    for first, last in drill_intervals(term.start_date, term.end_date, months):
        if first > today:
            break
        held = any(first <= d <= last for d in days)
        if held:
            due += 1
            done += 1
        elif last < today:
            due += 1
            missed.append(f"{first:%m-%d}–{last:%m-%d}")
    if missed:
        detail = gettext("%(done)d of %(due)d periods had a drill; none in %(missed)s") % {
            "done": done, "due": due, "missed": ", ".join(missed)}  # fmt: skip
    elif due:
        detail = gettext("A drill in each of %(due)d periods") % {"due": due}
    else:
        detail = ""
    return RuleStatus(
        due=due, done=done, missed=len(missed), detail=detail,
        url=reverse("safety:drill_list") + f"?term={term.pk}",
    )  # fmt: skip


def evacuation_status(school, term, today: date) -> RuleStatus:
    """Recorded evacuation times this term against the target in force when each was recorded:
    a slower one counts as late."""
    school_id = _school_id(school)
    rows = list(
        Drill.objects.filter(
            school_id=school_id, status=DrillStatus.DONE, evacuation_seconds__isnull=False,
            done_date__gte=term.start_date, done_date__lte=min(term.end_date, today),
        ).values_list("evacuation_seconds", "is_slow")
    )  # fmt: skip
    slow = [seconds for seconds, is_slow in rows if is_slow]
    if slow:
        detail = gettext("%(count)d drill(s) over the target; slowest %(seconds)d s") % {
            "count": len(slow), "seconds": max(slow)}  # fmt: skip
    elif rows:
        detail = gettext("Every drill within the target; slowest %(seconds)d s") % {
            "seconds": max(s for s, _slow in rows)}  # fmt: skip
    else:
        detail = ""
    return RuleStatus(
        due=len(rows), done=len(rows) - len(slow), late=len(slow), detail=detail,
        url=reverse("safety:drill_list") + f"?term={term.pk}&slow=true",
    )  # fmt: skip


def review_status(school, term, today: date) -> RuleStatus:
    """Documents in force whose current version's review date has passed are open."""
    school_id = _school_id(school)
    day = min(today, term.end_date)
    in_force = SafetyDocument.objects.filter(school_id=school_id, is_active=True).count()
    current = SafetyDocumentVersion.objects.filter(
        school_id=school_id, is_current=True, document__is_active=True
    )
    overdue = current.filter(review_by__lt=day).count()
    with_version = current.count()
    parts = []
    if overdue:
        parts.append(gettext("%(count)d past their review date") % {"count": overdue})
    if in_force - with_version:
        parts.append(gettext("%(count)d without any version") % {"count": in_force - with_version})
    return RuleStatus(
        due=with_version, done=with_version - overdue, open=overdue, detail="; ".join(parts),
        url=reverse("safety:document_list") + ("?review=overdue" if overdue else ""),
    )  # fmt: skip

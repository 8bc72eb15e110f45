"""Every write of greening: planning care tasks (one date, or every N days over a span),
the contractor marking a task done with a photo, the logistics check (accept / redo), and the
daily overdue reminder."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import notify, timeline
from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.scoping import access_for
from houqin.org.models import Membership
from houqin.org.roles import Role

from .models.greening import OPEN_CARE, CareTask, GreenPlot
from .registry_greening import CHECK

MAX_TASKS_PER_PLAN = 400


def _contractor_staff(school_id, company_id):
    return [
        m.user
        for m in Membership.objects.filter(
            school_id=school_id, company_id=company_id, is_active=True, roles__role=Role.CONTRACTOR
        ).select_related("user")
    ]


@transaction.atomic
def plan_tasks(
    *,
    by,
    plot: GreenPlot,
    kind: str,
    first: date,
    until: date | None = None,
    every_days: int | None = None,
    note: str = "",
) -> list[CareTask]:
    """Plan care on ``first``, and every ``every_days`` days until ``until`` when given."""
    access = access_for(by, plot.school_id)
    if not access.has_perm("hygiene.add_caretask"):
        raise PermissionDenied(_("You may not plan greening care."))
    if plot.company_id is None:
        raise ValidationError(
            {"plot": _("Give the plot a contractor first: who would do the work?")}
        )
    days = [first]
    if every_days:
        if until is None or until < first:
            raise ValidationError(
                {"until": _("Give the last day of the repeat, on or after the first.")}
            )
        if every_days < 1:
            raise ValidationError({"every_days": _("Repeat every one day or more.")})
        days = []
        day = first
        while day <= until:
            days.append(day)
            day += timedelta(days=every_days)
        if len(days) > MAX_TASKS_PER_PLAN:
            raise ValidationError(
                {
                    "every_days": _("That makes more than %(n)d tasks: shorten the span.")
                    % {"n": MAX_TASKS_PER_PLAN}
                }
            )
    tasks = CareTask.objects.bulk_create(
        [
            CareTask(
                school_id=plot.school_id,
                plot=plot,
                company_id=plot.company_id,
                kind=kind,
                due_on=day,
                note=note,
            )
            for day in days
        ]
    )
    timeline.record(
        plot,
        by=by,
        kind="event",
        text=_("%(n)d care tasks planned from %(first)s.") % {"n": len(tasks), "first": first},
    )
    return tasks


@transaction.atomic
def mark_done(task: CareTask, *, by, note: str = "", photos=()) -> CareTask:
    """The contractor's report: what was done, with at least one photo."""
    if not photos:
        raise ValidationError({"photos": _("Add a photo of the work done.")})
    CareTask.machine.perform(
        task,
        "done",
        by=by,
        note=note,
        values={"done_at": timezone.now(), "done_by": by, "done_note": note.strip()},
    )
    timeline.attach(task, by=by, files=list(photos), text=note)
    checkers = [
        m.user
        for m in Membership.objects.filter(
            school_id=task.school_id, is_active=True, roles__role__in=(Role.DIRECTOR, Role.CLERK)
        )
        .select_related("user")
        .distinct()
    ]
    notify.notify(
        recipients=checkers,
        title=_("Greening care to check: %(task)s") % {"task": task},
        url=reverse("hygiene:task_detail", args=[task.pk]),
        category="hygiene",
        school=task.school_id,
        source=task,
    )
    return task


@transaction.atomic
def accept(task: CareTask, *, by, note: str = "") -> CareTask:
    return CareTask.machine.perform(
        task,
        "accept",
        by=by,
        note=note,
        values={"checked_at": timezone.now(), "checked_by": by, "check_note": note.strip()},
    )


@transaction.atomic
def send_back(task: CareTask, *, by, reason: str) -> CareTask:
    """Refused by the check: back to the contractor with the reason."""
    CareTask.machine.perform(
        task,
        "redo",
        by=by,
        note=reason,
        reason=reason,
        values={
            "checked_at": timezone.now(),
            "checked_by": by,
            "check_note": (reason or "").strip(),
            "redo_count": task.redo_count + 1,
        },
    )
    notify.notify(
        recipients=_contractor_staff(task.school_id, task.company_id),
        title=_("Greening care to redo: %(task)s") % {"task": task},
        body=reason,
        url=reverse("hygiene:task_detail", args=[task.pk]),
        category="hygiene",
        school=task.school_id,
        source=task,
        level="warning",
    )
    return task


@transaction.atomic
def cancel(task: CareTask, *, by, reason: str) -> CareTask:
    return CareTask.machine.perform(task, "cancel", by=by, note=reason, reason=reason)


def may_check(user, school_id) -> bool:
    return access_for(user, school_id).has_perm(CHECK)


def overdue(queryset, today: date):
    return queryset.filter(status__in=OPEN_CARE, due_on__lt=today)


def remind_overdue(*, today: date) -> int:
    """Tell each contractor's staff how many tasks are overdue (one message per company)."""
    rows = (
        CareTask.objects.filter(status__in=OPEN_CARE, due_on__lt=today, company__isnull=False)
        .values("school_id", "company_id")
        .annotate(n=Count("pk"))
    )
    sent = 0
    for row in rows:
        people = _contractor_staff(row["school_id"], row["company_id"])
        if not people:
            continue
        notify.notify(
            recipients=people,
            title=_("%(n)d greening care tasks are overdue") % {"n": row["n"]},
            url=reverse("hygiene:task_list") + "?overdue=true",
            category="hygiene",
            school=row["school_id"],
            level="warning",
        )
        sent += 1
    return sent


def ensure_open(task: CareTask) -> None:
    if task.status not in OPEN_CARE:
        raise DomainError(_("This task is not waiting for work."))

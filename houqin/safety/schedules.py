"""Inspection schedules: when a schedule falls due, whether it is as strict as its rule, the
rounds it makes (exactly once per slot) and the rounds that were missed.

A *slot* is one occurrence: a due date, a slot number (patrols several times a day split the
day between ``day_starts`` and ``day_ends``) and a window; a round not completed by the end of
its window is missed (``mark_missed``), a completion after it is late. The hourly job makes the
rounds of every slot whose window has begun (catching up ``LOOKBACK`` days after a scheduler
outage); the database's unique constraint on (schedule, due date, slot) keeps it exactly once,
each round in its own savepoint (as ``houqin.maintenance.plans``).
"""

from __future__ import annotations

import calendar as _calendar
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import compliance, notify, timeline
from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.scoping import access_for
from houqin.org.models import Room, School, Term
from houqin.org.terms import school_tz

from .models.inspections import (
    OPEN_ROUND_STATUSES,
    InspectionRound,
    InspectionSchedule,
    Recurrence,
    RoundStatus,
    RoundStop,
)

logger = logging.getLogger(__name__)

LOOKBACK = timedelta(days=31)
INFINITE = 10_000

# Days between two occurrences at most (a month or a quarter at its longest), for rules in days.
GAP_DAYS = {
    Recurrence.TIMES_A_DAY: 1,
    Recurrence.WORKING_DAYS: 3,
    Recurrence.WEEKLY: 7,
    Recurrence.MONTHLY: 31,
    Recurrence.QUARTERLY: 92,
    Recurrence.TERM: 200,
    Recurrence.ONCE: INFINITE,
}
# Months between two occurrences, for rules in months.
GAP_MONTHS = {
    Recurrence.TIMES_A_DAY: Decimal("0.04"),
    Recurrence.WORKING_DAYS: Decimal("0.1"),
    Recurrence.WEEKLY: Decimal("0.25"),
    Recurrence.MONTHLY: Decimal(1),
    Recurrence.QUARTERLY: Decimal(3),
    Recurrence.TERM: Decimal(6),
    Recurrence.ONCE: Decimal(INFINITE),
}
DAY_RULES = (
    "safety.fire_patrol_days",
    "safety.office_check_days",
    "safety.safety_group_check_days",
)
MONTH_RULES = (
    "safety.fire_inspection_months",
    "safety.extinguisher_check_months",
    "safety.electrical_check_months",
    "safety.fire_system_test_months",
)


class InvalidSchedule(DomainError):
    default_message = _("This inspection schedule is not valid.")


# ---------------------------------------------------------------- checking a schedule


def gap_days(schedule) -> int:
    if schedule.recurrence == Recurrence.DAILY:
        return max(schedule.every_days or 1, 1)
    return GAP_DAYS[schedule.recurrence]


def gap_months(schedule) -> Decimal:
    if schedule.recurrence == Recurrence.DAILY:
        return Decimal(max(schedule.every_days or 1, 1)) / 30
    return GAP_MONTHS[schedule.recurrence]


def per_day(schedule) -> int:
    return schedule.times_a_day if schedule.recurrence == Recurrence.TIMES_A_DAY else 1


def check_rule(schedule, school) -> None:
    """Refuse a schedule looser than the figure of its template's rule for this school."""
    key = schedule.template.rule_key
    if not key:
        return
    try:
        rule = compliance.get(key)
    except KeyError:
        return
    figure = compliance.value(school, key)
    title = str(rule.title)
    if key in DAY_RULES and gap_days(schedule) > figure:
        raise InvalidSchedule(
            _(
                "“%(rule)s” requires an inspection at least every %(n)s day(s) (%(source)s); "
                "this schedule leaves up to %(gap)s days between rounds."
            )
            % {"rule": title, "n": figure, "source": rule.source, "gap": gap_days(schedule)}
        )
    if key in MONTH_RULES and gap_months(schedule) > Decimal(figure):
        raise InvalidSchedule(
            _(
                "“%(rule)s” requires an inspection at least every %(n)s month(s) (%(source)s); "
                "choose a more frequent recurrence."
            )
            % {"rule": title, "n": figure, "source": rule.source}
        )
    if key == "safety.security_patrols_per_day" and per_day(schedule) < figure:
        raise InvalidSchedule(
            _(
                "“%(rule)s” requires at least %(n)s patrols a day (%(source)s); this schedule "
                "makes %(count)s."
            )
            % {"rule": title, "n": figure, "source": rule.source, "count": per_day(schedule)}
        )
    if key == "safety.building_inspection_per_term" and schedule.recurrence == Recurrence.ONCE:
        raise InvalidSchedule(
            _(
                "“%(rule)s” requires %(n)s inspection(s) every term: choose “once a term” or "
                "more often."
            )
            % {"rule": title, "n": figure}
        )


def validate(schedule, *, room_ids=(), building_ids=(), school=None) -> None:
    """What a schedule must have before it can make rounds."""
    if schedule.ends_on and schedule.starts_on and schedule.ends_on < schedule.starts_on:
        raise InvalidSchedule(_("The schedule must end after it starts."))
    if schedule.template.school_id != schedule.school_id:
        raise InvalidSchedule(_("Choose a template of this school."))
    if schedule.recurrence == Recurrence.ONCE and not schedule.on_date:
        raise InvalidSchedule(_("Choose the date of this one-off inspection."))
    if schedule.recurrence == Recurrence.TIMES_A_DAY:
        if not 1 <= schedule.times_a_day <= 24:
            raise InvalidSchedule(_("Choose between 1 and 24 rounds a day."))
        if schedule.day_ends <= schedule.day_starts:
            raise InvalidSchedule(_("The day must end after it starts."))
    if schedule.recurrence == Recurrence.DAILY and not 1 <= schedule.every_days <= 366:
        raise InvalidSchedule(_("Choose every 1 to 366 days."))
    if not 1 <= schedule.day_of_month <= 31:
        raise InvalidSchedule(_("Choose a day of the month between 1 and 31."))
    if not (schedule.room_types or room_ids or building_ids):
        raise InvalidSchedule(_("Choose the places: rooms, buildings or a type of place."))
    check_rule(schedule, school or schedule.school_id)


# ---------------------------------------------------------------- places


def target_rooms(schedule) -> list[Room]:
    """The places a schedule covers: rooms named one by one, plus the active rooms of its
    types in its buildings (or all its buildings' rooms when it names no type)."""
    building_ids = [b.pk for b in schedule.buildings.all()]
    named = [r.pk for r in schedule.rooms.all()]
    chosen = Q(pk__in=named)
    if schedule.room_types or building_ids:
        rule = Q()
        if schedule.room_types:
            rule &= Q(room_type__in=schedule.room_types)
        if building_ids:
            rule &= Q(floor__building_id__in=building_ids)
        chosen |= rule
    return list(
        Room.objects.filter(chosen, school_id=schedule.school_id, is_active=True)
        .select_related("floor__building")
        .order_by("floor__building__name", "floor__number", "number", "pk")
    )


# ---------------------------------------------------------------- slots


@dataclass(frozen=True)
class Slot:
    due: date
    number: int
    start: datetime
    end: datetime


def _day_start(day: date, tz) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _clip(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, _calendar.monthrange(year, month)[1]))


def _add_months(day: date, months: int, dom: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return _clip(index // 12, index % 12 + 1, dom)


def slots(schedule, start: date, end: date, *, tz, terms=None, working=None) -> list[Slot]:
    """The schedule's slots due between ``start`` and ``end`` (inclusive)."""
    first = max(start, schedule.starts_on)
    last = min(end, schedule.ends_on) if schedule.ends_on else end
    if last < first:
        return []
    found: list[Slot] = []
    rec = schedule.recurrence
    if rec == Recurrence.DAILY:
        step = max(schedule.every_days, 1)
        offset = (first - schedule.starts_on).days % step
        day = first + timedelta(days=(step - offset) % step)
        while day <= last:
            found.append(
                Slot(day, 0, _day_start(day, tz), _day_start(day + timedelta(days=step), tz))
            )
            day += timedelta(days=step)
    elif rec in (Recurrence.WORKING_DAYS, Recurrence.TIMES_A_DAY):
        if rec == Recurrence.WORKING_DAYS and working is None:
            from houqin.maintenance.sla import calendar_for

            working = calendar_for(schedule.school_id)
        day = first
        while day <= last:
            if rec == Recurrence.WORKING_DAYS:
                if working.is_working_day(day):
                    found.append(
                        Slot(day, 0, _day_start(day, tz), _day_start(day + timedelta(days=1), tz))
                    )
            else:
                begin = datetime.combine(day, schedule.day_starts, tzinfo=tz)
                finish = datetime.combine(day, schedule.day_ends, tzinfo=tz)
                length = (finish - begin) / schedule.times_a_day
                for n in range(schedule.times_a_day):
                    found.append(Slot(day, n, begin + length * n, begin + length * (n + 1)))
            day += timedelta(days=1)
    elif rec == Recurrence.WEEKLY:
        day = first + timedelta(days=(schedule.weekday - first.weekday()) % 7)
        while day <= last:
            found.append(Slot(day, 0, _day_start(day, tz), _day_start(day + timedelta(days=7), tz)))
            day += timedelta(days=7)
    elif rec in (Recurrence.MONTHLY, Recurrence.QUARTERLY):
        months = 1 if rec == Recurrence.MONTHLY else 3
        cursor = date(first.year, first.month, 1)
        if rec == Recurrence.QUARTERLY:
            cursor = date(cursor.year, (cursor.month - 1) // 3 * 3 + 1, 1)
        while cursor <= last:
            due = _clip(cursor.year, cursor.month, schedule.day_of_month)
            nxt = _add_months(cursor, months, schedule.day_of_month)
            if first <= due <= last:
                found.append(Slot(due, 0, _day_start(due, tz), _day_start(nxt, tz)))
            cursor = _add_months(cursor, months, 1)
    elif rec == Recurrence.TERM:
        if terms is None:
            terms = list(Term.objects.filter(school_id=schedule.school_id).order_by("start_date"))
        for term in terms:
            due = min(term.start_date + timedelta(days=schedule.offset_days), term.end_date)
            if first <= due <= last:
                found.append(
                    Slot(
                        due,
                        0,
                        _day_start(due, tz),
                        _day_start(term.end_date + timedelta(days=1), tz),
                    )
                )
    elif rec == Recurrence.ONCE and schedule.on_date and first <= schedule.on_date <= last:
        day = schedule.on_date
        found.append(Slot(day, 0, _day_start(day, tz), _day_start(day + timedelta(days=1), tz)))
    return found


# ---------------------------------------------------------------- generating


def _assignee(inspectors: list, slot: Slot):
    """Inspectors take turns by day (and slot), so a rota needs no extra data."""
    if not inspectors:
        return None
    return inspectors[(slot.due.toordinal() + slot.number) % len(inspectors)]


def _create(schedule, version, slot: Slot, rooms, inspectors) -> InspectionRound | None:
    try:
        with transaction.atomic():
            made = InspectionRound(
                school_id=schedule.school_id,
                schedule=schedule,
                template_id=schedule.template_id,
                version=version,
                due_date=slot.due,
                slot=slot.number,
                window_start=slot.start,
                window_end=slot.end,
                assignee=_assignee(inspectors, slot),
            )
            made.assign_number()
            made.save()
            RoundStop.objects.bulk_create(
                [RoundStop(round=made, room=room, position=n) for n, room in enumerate(rooms)]
            )
            timeline.record(
                made,
                by=None,
                kind=timeline.Kind.STATE_CHANGE,
                to_state=RoundStatus.DUE,
                text=str(
                    _("Made by the schedule “%(name)s” for %(due)s")
                    % {"name": schedule.name, "due": slot.due.isoformat()}
                ),
            )
    except IntegrityError:
        return None  # made meanwhile by another run: exactly once
    return made


def generate(schedule, *, now=None) -> list[InspectionRound]:
    """Make the rounds of every slot that has begun and is not there yet; safe to repeat."""
    now = now or timezone.now()
    if not schedule.is_active or not schedule.template.is_active:
        return []
    tz = (
        school_tz(schedule.school)
        if hasattr(schedule, "school")
        else timezone.get_current_timezone()
    )
    today = timezone.localtime(now, tz).date()
    wanted = [s for s in slots(schedule, today - LOOKBACK, today, tz=tz) if s.start <= now]
    if not wanted:
        return []
    existing = set(
        InspectionRound.objects.filter(
            schedule=schedule, due_date__gte=wanted[0].due, due_date__lte=wanted[-1].due
        ).values_list("due_date", "slot")
    )
    wanted = [s for s in wanted if (s.due, s.number) not in existing]
    if not wanted:
        return []
    version = schedule.template.versions.filter(is_current=True).first()
    rooms = target_rooms(schedule)
    if version is None or not rooms:
        return []
    inspectors = list(schedule.inspectors.filter(is_active=True).order_by("pk"))
    made = []
    for slot in wanted:
        created = _create(schedule, version, slot, rooms, inspectors)
        if created is not None:
            made.append(created)
    return made


def generate_now(schedule, *, by) -> list[InspectionRound]:
    """ "Generate now" on the schedule page: the same as the scheduler, for the office."""
    access = access_for(by, schedule.school_id)
    if not access.is_member or not access.has_perm("safety.change_inspectionschedule"):
        raise PermissionDenied(_("You may not make the rounds of this schedule."))
    return generate(schedule)


def generate_all(now=None) -> int:
    made = 0
    for schedule in (
        InspectionSchedule.objects.filter(is_active=True)
        .select_related("template", "school")
        .order_by("school_id", "pk")
    ):
        try:
            made += len(generate(schedule, now=now))
        except Exception:  # noqa: BLE001 - one broken schedule must not stop the others
            logger.exception("inspection schedule %s could not generate", schedule.pk)
    return made


# ---------------------------------------------------------------- missed rounds


def _directors(school_id) -> list:
    return list(
        get_user_model()
        .objects.filter(
            memberships__school_id=school_id,
            memberships__is_active=True,
            memberships__roles__role="director",
            is_active=True,
        )
        .distinct()
    )


def mark_missed(now=None) -> int:
    """Rounds whose window has ended undone become missed; the inspector and the director are
    told once (a late completion later is still accepted and marked late)."""
    now = now or timezone.now()
    overdue = list(
        InspectionRound.objects.filter(status__in=OPEN_ROUND_STATUSES, window_end__lte=now)
        .select_related("template", "assignee")
        .order_by("school_id", "pk")[:5000]
    )
    directors: dict[int, list] = {}
    for found in overdue:
        with transaction.atomic():
            changed = InspectionRound.objects.filter(
                pk=found.pk, status__in=OPEN_ROUND_STATUSES
            ).update(status=RoundStatus.MISSED, missed_notified_at=now)
            if not changed:
                continue
            timeline.record(
                found,
                by=None,
                kind=timeline.Kind.STATE_CHANGE,
                from_state=found.status,
                to_state=RoundStatus.MISSED,
                text=str(_("Not done in its time: missed")),
            )
            if found.school_id not in directors:
                directors[found.school_id] = _directors(found.school_id)
            notify.notify(
                recipients=[found.assignee, *directors[found.school_id]],
                title=_("Missed inspection: %(name)s on %(due)s")
                % {"name": found.template.name, "due": found.due_date.isoformat()},
                url=reverse("safety:inspection_round_detail", args=[found.pk]),
                category="safety",
                school=found.school_id,
                source=found,
                level="warning",
            )
    return len(overdue)


def school_of(schedule) -> School:
    return schedule.school

"""SLA clocks for repairs: response and fix targets per urgency, counted in the school's
working hours and skipping its holidays; overdue orders escalate to the dispatchers once.

Targets and working hours are each school's own (``MaintenanceSettings``: answer and fix
within N working hours per urgency; one working span a day on chosen weekdays). The defaults
are Monday to Friday 07:30–17:30; urgent 2 h / 24 h, normal 24 h / 30 h (three working days),
not urgent 48 h / 50 h.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.notify import notify

from .models import OPEN_STATUSES, MaintenanceSettings, Status, Urgency, WorkOrder

# A target that cannot be met within this many calendar days means a misconfiguration
# (no working days at all, or holidays covering years); stop rather than loop for ever.
MAX_SPAN_DAYS = 3660
ESCALATION_BATCH = 500


class SLAConfigError(ValueError):
    pass


# ---------------------------------------------------------------- working calendar


def _parse_time(value) -> time:
    if isinstance(value, time):
        return value
    hours, minutes = str(value).split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class WorkingCalendar:
    """A school's working hours (one span a day), holidays and time zone."""

    tz: ZoneInfo
    weekdays: frozenset[int]
    start: time
    end: time
    holidays: tuple[tuple[date, date], ...] = ()

    @property
    def day_length(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)

    def is_working_day(self, day: date) -> bool:
        if day.weekday() not in self.weekdays:
            return False
        return not any(first <= day <= last for first, last in self.holidays)

    def _window(self, day: date) -> tuple[datetime, datetime]:
        # Arithmetic in UTC: aware datetimes sharing a tzinfo subtract by wall clock.
        opens = datetime.combine(day, self.start, tzinfo=self.tz).astimezone(UTC)
        closes = datetime.combine(day, self.end, tzinfo=self.tz).astimezone(UTC)
        return opens, closes

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment ``duration`` of working time after ``start``."""
        _check_aware(start)
        if duration <= timedelta(0):
            return start
        cursor = start.astimezone(UTC)
        remaining = duration
        day = start.astimezone(self.tz).date()
        for _i in range(MAX_SPAN_DAYS):
            if self.is_working_day(day):
                opens, closes = self._window(day)
                begin = max(cursor, opens)
                if begin < closes:
                    available = closes - begin
                    if remaining <= available:
                        return (begin + remaining).astimezone(self.tz)
                    remaining -= available
            day += timedelta(days=1)
        raise SLAConfigError("no working time found: check working hours and holidays")

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from ``a`` to ``b`` (zero when ``b`` is not after ``a``)."""
        _check_aware(a)
        _check_aware(b)
        a, b = a.astimezone(UTC), b.astimezone(UTC)
        total = timedelta(0)
        if b <= a:
            return total
        day = a.astimezone(self.tz).date()
        last = b.astimezone(self.tz).date()
        while day <= last:
            if self.is_working_day(day):
                opens, closes = self._window(day)
                begin, finish = max(a, opens), min(b, closes)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total


def _check_aware(value: datetime) -> None:
    if timezone.is_naive(value):
        raise ValueError("SLA times must be aware datetimes")


def calendar_for(school, *, since: date | None = None) -> WorkingCalendar:
    """The working calendar of ``school`` (a School or its pk); holidays from ``since`` on."""
    from houqin.org.models import Holiday, School

    if not isinstance(school, School):
        school = School.objects.only("pk", "time_zone").get(pk=school)
    config = MaintenanceSettings.for_school(school)
    holidays = Holiday.objects.filter(school_id=school.pk)
    if since is not None:
        holidays = holidays.filter(end_date__gte=since)
    start, end = _parse_time(config.workday_start), _parse_time(config.workday_end)
    if end <= start:
        raise SLAConfigError("working hours must end after they start")
    weekdays = frozenset(int(d) for d in config.workdays if d.isdigit() and int(d) < 7)
    if not weekdays:
        raise SLAConfigError("no working weekdays")
    return WorkingCalendar(
        tz=ZoneInfo(school.time_zone or settings.TIME_ZONE),
        weekdays=weekdays,
        start=start,
        end=end,
        holidays=tuple(holidays.order_by("start_date").values_list("start_date", "end_date")),
    )


def _since(moment: datetime) -> date:
    # A day earlier covers any time-zone difference between the server and the school.
    return moment.date() - timedelta(days=1)


def add_working_time(start: datetime, duration: timedelta, *, school) -> datetime:
    """``start`` plus ``duration`` of the school's working time (nights, weekends and
    holidays do not count), in the school's time zone."""
    return calendar_for(school, since=_since(start)).add(start, duration)


def working_time_between(a: datetime, b: datetime, *, school) -> timedelta:
    """The school's working time between ``a`` and ``b``."""
    return calendar_for(school, since=_since(min(a, b))).between(a, b)


# ---------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    respond: timedelta
    fix: timedelta


def target_for(urgency: str, school) -> Target:
    """Response and fix targets (working time) for an urgency, from the school's settings."""
    config = MaintenanceSettings.for_school(school)
    prefix = urgency if urgency in Urgency.values else Urgency.NORMAL.value
    return Target(
        respond=timedelta(hours=float(getattr(config, f"{prefix}_respond_hours"))),
        fix=timedelta(hours=float(getattr(config, f"{prefix}_fix_hours"))),
    )


def dues_for(*, school, urgency: str, reported_at: datetime) -> dict:
    """``response_due`` and ``fix_due`` of an order reported at ``reported_at``."""
    calendar = calendar_for(school, since=_since(reported_at))
    target = target_for(urgency, school)
    return {
        "response_due": calendar.add(reported_at, target.respond),
        "fix_due": calendar.add(reported_at, target.fix),
    }


def resume_values(order: WorkOrder, *, now: datetime) -> dict:
    """Field values that end a hold: working time on hold added to ``paused_seconds`` and
    to ``fix_due``, so the fix clock did not run meanwhile."""
    if order.hold_started_at is None:
        return {}
    calendar = calendar_for(order.school_id, since=_since(order.hold_started_at))
    paused = calendar.between(order.hold_started_at, now)
    values = {
        "hold_started_at": None,
        "paused_seconds": order.paused_seconds + int(paused.total_seconds()),
    }
    if order.fix_due is not None:
        values["fix_due"] = calendar.add(order.fix_due, paused)
    return values


# ---------------------------------------------------------------- overdue


def overdue_q(now: datetime | None = None) -> Q:
    """Open orders past a due time: not responded past ``response_due``, or not fixed past
    ``fix_due`` while the clock runs (not on hold). Uses the stored dues only."""
    now = now or timezone.now()
    late_response = Q(responded_at__isnull=True, response_due__lt=now)
    late_fix = Q(fix_due__lt=now) & ~Q(status=Status.ON_HOLD)
    return Q(status__in=OPEN_STATUSES) & (late_response | late_fix)


def escalate_overdue(now: datetime | None = None) -> int:
    """Flag newly overdue orders (``escalated_at``) and tell the school's dispatchers, once
    per order even when runs overlap; returns how many were escalated."""
    from . import services

    now = now or timezone.now()
    ids = list(
        WorkOrder.objects.filter(overdue_q(now), escalated_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:ESCALATION_BATCH]
    )
    dispatchers: dict[int, list] = {}
    escalated = 0
    for pk in ids:
        with transaction.atomic():
            # The conditional update is the claim: a second run finds escalated_at set.
            claimed = WorkOrder.objects.filter(
                overdue_q(now), pk=pk, escalated_at__isnull=True
            ).update(escalated_at=now)
            if not claimed:
                continue
            order = WorkOrder.objects.get(pk=pk)
            if order.school_id not in dispatchers:
                dispatchers[order.school_id] = services._dispatchers(order.school_id)
            late = (
                _("not answered in time")
                if order.responded_at is None and order.response_due and order.response_due < now
                else _("not fixed in time")
            )
            notify(
                recipients=dispatchers[order.school_id],
                title=_("Repair %(number)s is overdue (%(late)s): %(title)s")
                % {"number": order.number, "late": late, "title": order.title},
                body=order.description,
                url=services.order_url(order),
                category=services.NOTIFY_CATEGORY,
                school=order.school_id,
                level="warning",
                source=order,
            )
            escalated += 1
    return escalated

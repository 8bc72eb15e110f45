"""Preventive maintenance plans (预防性维护): when a plan falls due, what it covers, the work
orders it generates and how much of it was done.

A plan's *occurrences* are due dates: once each term (term start + N days, moved to the next
working day when that is a weekend or holiday), monthly, yearly, by an RRULE, or N days after
each target's last completed order. An occurrence is *live* from ``lead_days`` before its due
date until its period ends (the term's end, or the day before the next occurrence): the
scheduler makes its orders in that window, so a scheduler that was down catches up.

A plan's *targets* are places (rooms of some types, in some buildings, or named), or, when
it names asset categories, the assets of those categories in those places ("every
air-conditioner in the offices"). Generation makes one order per target per occurrence. The
database holds the line: unique constraints on (plan, room, due date) and (plan, asset, due
date) mean two schedulers, or a scheduler and a "generate now" click, never make the same
order twice.
"""

from __future__ import annotations

import calendar as _calendar
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import timeline
from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.scoping import access_for
from houqin.org.models import Room, Term

from . import sla
from .models import (
    OPEN_STATUSES,
    MaintenancePlan,
    Recurrence,
    Source,
    Status,
    WorkOrder,
)

logger = logging.getLogger(__name__)

DONE_STATUSES = (Status.DONE, Status.CONFIRMED, Status.CLOSED)
# How far back a period may have started and still be live (a yearly plan's period is a year).
MAX_LOOKBACK = timedelta(days=400)
MAX_OCCURRENCES = 1000


class InvalidPlan(DomainError):
    default_message = _("This maintenance plan is not complete.")


@dataclass(frozen=True)
class Occurrence:
    due: date
    period_start: date
    period_end: date
    label: str = ""

    def live_on(self, today: date, lead_days: int) -> bool:
        return self.due - timedelta(days=lead_days) <= today <= self.period_end


# ---------------------------------------------------------------- checking a plan


def check_rrule(text: str, starts_on: date) -> None:
    """Refuse an RRULE that does not parse or never occurs (a clear message, not a 500)."""
    try:
        rule = rrulestr(text, dtstart=datetime.combine(starts_on, time()))
        rule[0]  # noqa: B018 - at least one occurrence
    except (ValueError, TypeError, IndexError, AttributeError):
        raise InvalidPlan(
            _("The RRULE is not valid or never occurs, e.g. FREQ=WEEKLY;BYDAY=MO.")
        ) from None


def validate(
    plan: MaintenancePlan, *, room_ids=(), building_ids=(), asset_category_ids=()
) -> None:
    """What a plan must have before it can generate anything."""
    if plan.ends_on and plan.starts_on and plan.ends_on < plan.starts_on:
        raise InvalidPlan(_("The plan must end after it starts."))
    if plan.recurrence == Recurrence.RRULE:
        if not (plan.rrule or "").strip():
            raise InvalidPlan(_("Write the RRULE, e.g. FREQ=WEEKLY;BYDAY=MO."))
        check_rrule(plan.rrule, plan.starts_on)
    if not (plan.room_types or room_ids or building_ids or asset_category_ids):
        raise InvalidPlan(
            _("Choose what the plan covers: room types, buildings, rooms or asset categories.")
        )
    if plan.category_id and plan.category.school_id != plan.school_id:
        raise InvalidPlan(_("Choose a repair category of this school."))


# ---------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    """What one order of a plan is for: a place, or an asset (at its place, if it has one)."""

    room: Room | None
    asset: object | None = None

    @property
    def key(self) -> tuple:
        return (None, self.asset.pk) if self.asset is not None else (self.room.pk, None)

    def __str__(self):
        if self.asset is None:
            return str(self.room)
        return f"{self.asset} · {self.room}" if self.room is not None else str(self.asset)


def _order_key(room_id, asset_id) -> tuple:
    return (None, asset_id) if asset_id is not None else (room_id, None)


def _place_rule(plan: MaintenancePlan) -> Q | None:
    """Which rooms the plan names (by type, building, or one by one); None when it names none."""
    building_ids = [b.pk for b in plan.buildings.all()]
    named = [r.pk for r in plan.rooms.all()]
    if not (plan.room_types or building_ids or named):
        return None
    by_rule = Q()
    if plan.room_types:
        by_rule &= Q(room_type__in=plan.room_types)
    if building_ids:
        by_rule &= Q(floor__building_id__in=building_ids)
    chosen = Q(pk__in=named) if named else Q(pk__in=[])
    if plan.room_types or building_ids:
        chosen |= by_rule
    return chosen


def target_rooms(plan: MaintenancePlan):
    """The places a plan names: active rooms of its types in its buildings, plus the rooms it
    names one by one."""
    rooms = Room.objects.filter(school_id=plan.school_id, is_active=True)
    rule = _place_rule(plan)
    return rooms.filter(rule if rule is not None else Q(pk__in=[])).select_related(
        "floor__building"
    ).order_by("floor__building__name", "floor__number", "number", "pk")


def target_assets(plan: MaintenancePlan, category_ids):
    """The active assets of these categories (and their sub-categories) in the plan's places,
    or anywhere in the school when the plan names no place."""
    asset_model = apps.get_model("assets", "Asset")
    from houqin.assets.models.register import ACTIVE_STATUSES

    assets = asset_model.objects.filter(
        Q(category_id__in=category_ids)
        | Q(category__parent_id__in=category_ids)
        | Q(category__parent__parent_id__in=category_ids),
        school_id=plan.school_id,
        status__in=ACTIVE_STATUSES,
    )
    rule = _place_rule(plan)
    if rule is not None:
        assets = assets.filter(
            room__in=Room.objects.filter(rule, school_id=plan.school_id, is_active=True)
        )
    return assets.select_related("room__floor__building").order_by("number", "pk")


def targets(plan: MaintenancePlan) -> list[Target]:
    """What the plan covers now: its places, or the assets of its asset categories there."""
    category_ids = [c.pk for c in plan.asset_categories.all()]
    if category_ids:
        return [Target(asset.room, asset) for asset in target_assets(plan, category_ids)]
    return [Target(room) for room in target_rooms(plan)]


# ---------------------------------------------------------------- occurrences


def _working_day_on_or_after(day: date, calendar, limit: date | None = None) -> date:
    for _i in range(366):
        if calendar.is_working_day(day) or (limit is not None and day >= limit):
            return day
        day += timedelta(days=1)
    return day


def _clip_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, _calendar.monthrange(year, month)[1]))


@dataclass
class SchoolCalendar:
    """A school's terms and working calendar, read once for many plans."""

    terms: list
    working: object

    @classmethod
    def load(cls, school_id) -> SchoolCalendar:
        return cls(
            terms=list(Term.objects.filter(school_id=school_id).order_by("start_date")),
            working=sla.calendar_for(school_id),
        )


def occurrences(
    plan: MaintenancePlan, start: date, end: date, *, school_calendar: SchoolCalendar | None = None
) -> list[Occurrence]:
    """The plan's occurrences due between ``start`` and ``end`` (inclusive), within the plan's
    own dates. Not for "after the last completion", whose dues are per target."""
    first = max(start, plan.starts_on)
    last = min(end, plan.ends_on) if plan.ends_on else end
    if last < first:
        return []
    found: list[Occurrence] = []
    if plan.recurrence == Recurrence.TERM:
        school_calendar = school_calendar or SchoolCalendar.load(plan.school_id)
        calendar = school_calendar.working
        terms = [
            t for t in school_calendar.terms
            if t.end_date >= first - timedelta(days=200) and t.start_date <= last
        ]
        for term in terms:
            due = term.start_date + timedelta(days=plan.offset_days)
            due = _working_day_on_or_after(due, calendar, limit=term.end_date)
            due = min(due, term.end_date)
            if first <= due <= last:
                found.append(Occurrence(due, term.start_date, term.end_date, term.name))
    elif plan.recurrence == Recurrence.MONTHLY:
        year, month = first.year, first.month
        while True:
            due = _clip_day(year, month, plan.day_of_month)
            if due > last:
                break
            nxt_year, nxt_month = (year + 1, 1) if month == 12 else (year, month + 1)
            period_end = _clip_day(nxt_year, nxt_month, plan.day_of_month) - timedelta(days=1)
            if due >= first:
                found.append(Occurrence(due, date(year, month, 1), period_end, f"{year}-{month:02d}"))
            year, month = nxt_year, nxt_month
    elif plan.recurrence == Recurrence.YEARLY:
        for year in range(first.year, last.year + 1):
            due = _clip_day(year, plan.month, plan.day_of_month)
            period_end = _clip_day(year + 1, plan.month, plan.day_of_month) - timedelta(days=1)
            if first <= due <= last:
                found.append(Occurrence(due, date(year, 1, 1), period_end, str(year)))
    elif plan.recurrence == Recurrence.RRULE:
        rule = rrulestr(plan.rrule, dtstart=datetime.combine(plan.starts_on, time()))
        moments = rule.between(
            datetime.combine(first, time()), datetime.combine(last, time.max), inc=True
        )[:MAX_OCCURRENCES]
        following = rule.after(datetime.combine(last, time.max))
        dues = [m.date() for m in moments]
        for i, due in enumerate(dues):
            nxt = dues[i + 1] if i + 1 < len(dues) else (following.date() if following else None)
            period_end = (nxt - timedelta(days=1)) if nxt else (plan.ends_on or date.max)
            found.append(Occurrence(due, due, max(period_end, due), due.isoformat()))
    return found


def live_occurrences(plan: MaintenancePlan, today: date) -> list[Occurrence]:
    """Occurrences whose orders should exist today (due within the lead time, period open)."""
    horizon = today + timedelta(days=plan.lead_days)
    return [
        o
        for o in occurrences(plan, today - MAX_LOOKBACK, horizon)
        if o.live_on(today, plan.lead_days)
    ]


def _after_completion_dues(plan: MaintenancePlan, wanted: list[Target], today: date) -> dict:
    """target key → due date of its next order, for targets without an open order of the plan."""
    orders = WorkOrder.objects.filter(plan=plan)
    open_keys = {
        _order_key(room_id, asset_id)
        for room_id, asset_id in orders.filter(status__in=OPEN_STATUSES).values_list(
            "room_id", "asset_id"
        )
    }
    last_done = {
        _order_key(room_id, asset_id): last
        for room_id, asset_id, last in orders.filter(status__in=DONE_STATUSES)
        .values("room_id", "asset_id")
        .annotate(last=Max("done_at"))
        .values_list("room_id", "asset_id", "last")
    }
    horizon = today + timedelta(days=plan.lead_days)
    dues = {}
    for target in wanted:
        if target.key in open_keys:
            continue
        done_at = last_done.get(target.key)
        due = (
            timezone.localdate(done_at) + timedelta(days=plan.interval_days)
            if done_at
            else plan.starts_on
        )
        due = max(due, plan.starts_on)
        if due <= horizon and (plan.ends_on is None or due <= plan.ends_on):
            dues[target.key] = due
    return dues


# ---------------------------------------------------------------- generating


def _order_for(plan: MaintenancePlan, target: Target, due: date, created) -> WorkOrder:
    return WorkOrder(
        school_id=plan.school_id,
        title=f"{plan.name} · {target}"[:100],
        description=plan.description or plan.name,
        category_id=plan.category_id,
        urgency=plan.urgency,
        room=target.room,
        asset=target.asset,
        source=Source.PLAN,
        plan=plan,
        plan_due=due,
        checklist=[
            {"item": str(item), "done": False, "note": ""}
            for item in (plan.checklist or [])
            if str(item).strip()
        ],
        requires_photo=plan.requires_photo,
        requires_signature=plan.requires_signature,
        reporter_name=str(_("Maintenance plan")),
        **sla.dues_for(school=plan.school_id, urgency=plan.urgency, reported_at=created),
    )


def _default_assignee(plan: MaintenancePlan, sample: WorkOrder):
    """The plan's default worker or contractor when still valid, else (None, None)."""
    from .services import _check_assignee

    if not (plan.default_worker_id or plan.default_company_id):
        return None, None
    try:
        company = _check_assignee(sample, plan.default_worker, plan.default_company)
    except DomainError:
        logger.warning("plan %s: default assignee no longer valid", plan.pk)
        return None, None
    return plan.default_worker, company


def _create(plan: MaintenancePlan, target: Target, due: date, assignee, now) -> WorkOrder | None:
    """One order for (plan, target, due) in its own savepoint; None if it exists already."""
    from .services import _notify_fixers, _perform

    worker, company = assignee
    try:
        with transaction.atomic():
            order = _order_for(plan, target, due, now)
            order.assign_number()
            order.save()
            timeline.record(
                order, by=None, kind=timeline.Kind.STATE_CHANGE,
                text=str(_("Made by the maintenance plan “%(plan)s” for %(due)s")
                         % {"plan": plan.name, "due": due.isoformat()}),
                to_state=Status.SUBMITTED, data={"source": Source.PLAN, "plan": plan.pk},
            )
    except IntegrityError:
        return None  # made meanwhile by another run: exactly once
    if worker is not None or company is not None:
        with transaction.atomic():
            to = (worker.get_full_name() if worker else "") or company.name
            _perform(
                order, "assign", by=None, system=True,
                note=str(_("Assigned to %(to)s") % {"to": to}),
                values={"assignee": worker, "company": company, "assigned_at": now},
            )
            _notify_fixers(
                order,
                _("Planned job %(number)s: %(title)s")
                % {"number": order.number, "title": order.title},
            )
    return order


def generate(plan: MaintenancePlan, *, today: date | None = None, now=None) -> list[WorkOrder]:
    """Make the orders of every live occurrence that are not there yet; returns the new ones.

    Safe to run at any time, twice, or concurrently: each (plan, target, due) is made once."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if not plan.is_active or plan.starts_on > today + timedelta(days=plan.lead_days):
        return []
    covered = targets(plan)
    if not covered:
        return []
    wanted: list[tuple[Target, date]] = []
    if plan.recurrence == Recurrence.AFTER_COMPLETION:
        dues = _after_completion_dues(plan, covered, today)
        wanted = [(t, dues[t.key]) for t in covered if t.key in dues]
    else:
        live = live_occurrences(plan, today)
        if live:
            existing = {
                (*_order_key(room_id, asset_id), due)
                for room_id, asset_id, due in WorkOrder.objects.filter(
                    plan=plan, plan_due__in=[o.due for o in live]
                ).values_list("room_id", "asset_id", "plan_due")
            }
            wanted = [
                (t, o.due) for o in live for t in covered if (*t.key, o.due) not in existing
            ]
    if not wanted:
        return []
    assignee = _default_assignee(plan, _order_for(plan, wanted[0][0], wanted[0][1], now))
    made = []
    for target, due in wanted:
        order = _create(plan, target, due, assignee, now)
        if order is not None:
            made.append(order)
    return made


def generate_now(plan: MaintenancePlan, *, by) -> list[WorkOrder]:
    """"Generate now" on the plan page: the same as the scheduler, for a dispatcher."""
    access = access_for(by, plan.school_id)
    if not access.is_member or not access.has_perm("maintenance.generate_maintenanceplan"):
        raise PermissionDenied(_("You may not generate the orders of this plan."))
    return generate(plan)


def generate_all(now=None) -> int:
    """The scheduler's job: every active plan of every school; returns how many orders."""
    now = now or timezone.now()
    made = 0
    for plan in MaintenancePlan.objects.filter(is_active=True).order_by("school_id", "pk"):
        try:
            made += len(generate(plan, now=now))
        except Exception:  # noqa: BLE001 - one broken plan must not stop the others
            logger.exception("maintenance plan %s could not generate", plan.pk)
    return made


# ---------------------------------------------------------------- compliance


@dataclass(frozen=True)
class Compliance:
    """How much of a plan was done in a period: "AC service this term: 38 of 42 done"."""

    expected: int
    done: int
    overdue: int
    period_start: date
    period_end: date
    label: str = ""

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.expected) if self.expected else None

    @property
    def open(self) -> int:
        return max(self.expected - self.done, 0)


def current_term(school_id, today: date) -> Term | None:
    terms = Term.objects.filter(school_id=school_id)
    return (
        terms.filter(start_date__lte=today, end_date__gte=today).first()
        or terms.filter(start_date__lte=today).order_by("-start_date").first()
    )


def _term_on(terms, today: date):
    started = [t for t in terms if t.start_date <= today]
    current = [t for t in started if t.end_date >= today]
    return (current or started[-1:] or [None])[0]


def previous_term(school_id, term):
    if term is None:
        return None
    return (
        Term.objects.filter(school_id=school_id, start_date__lt=term.start_date)
        .order_by("-start_date")
        .first()
    )


def compliance(
    plan: MaintenancePlan, *, start: date | None = None, end: date | None = None,
    today: date | None = None, target_count: int | None = None,
    school_calendar: SchoolCalendar | None = None,
) -> Compliance:
    """Done (target, occurrence) pairs against expected ones in a period (default: the
    current term). Expected = targets × occurrences due in the period; for "after the last
    completion", every target once."""
    today = today or timezone.localdate()
    label = ""
    if start is None or end is None:
        term = (
            _term_on(school_calendar.terms, today)
            if school_calendar
            else current_term(plan.school_id, today)
        )
        if term is not None:
            start, end, label = term.start_date, term.end_date, term.name
        else:
            start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    count = target_count if target_count is not None else len(targets(plan))
    orders = WorkOrder.objects.filter(plan=plan, plan_due__gte=start, plan_due__lte=end)
    if plan.recurrence == Recurrence.AFTER_COMPLETION:
        expected = count
        done_targets = (
            orders.filter(status__in=DONE_STATUSES).values("room_id", "asset_id").distinct().count()
        )
        overdue = orders.filter(status__in=OPEN_STATUSES, plan_due__lt=today).count()
        return Compliance(expected, min(done_targets, expected), overdue, start, end, label)
    dues = [o.due for o in occurrences(plan, start, end, school_calendar=school_calendar)]
    expected = count * len(dues)
    figures = orders.filter(plan_due__in=dues).aggregate(
        done=Count("pk", filter=Q(status__in=DONE_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, plan_due__lt=today)),
    )
    return Compliance(
        expected, min(figures["done"], expected), figures["overdue"], start, end, label
    )

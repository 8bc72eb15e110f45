"""Demo maintenance plans: "clean every office air-conditioner each term", done in full last
term and nearly done this term (a few offices left, some late), so the plan page shows the
real shape of "AC service this term: 38 of 42 done"; and a monthly check of the power room.

Idempotent: skipped when the school already has plans.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from houqin.org.models import Room, RoomType, User
from houqin.org.roles import Role

from . import plans, services
from .models import MaintenancePlan, Recurrence, RepairCategory, Status, Urgency, WorkOrder

SEED = 20260915
# Share of this term's AC orders still open (the rest are done), as a school sees mid-term.
OPEN_SHARE = 0.1


def _worker(school):
    return (
        User.objects.filter(
            memberships__school=school,
            memberships__is_active=True,
            memberships__roles__role=Role.WORKER,
        )
        .order_by("pk")
        .first()
    )


def _finish_all(orders, worker, rng, *, when_from, when_to):
    """Start and finish ``orders`` as the worker, then date the fix inside the period."""
    span = max((when_to - when_from).days, 1)
    for order in orders:
        order = WorkOrder.objects.get(pk=order.pk)
        if order.status == Status.SUBMITTED:
            continue
        services.start(order, by=worker)
        services.finish(
            order,
            by=worker,
            labour_minutes=rng.choice([30, 40, 45, 60]),
            checklist=[{"done": True} for _line in order.checklist],
            note="已清洗滤网，运行正常",
        )
        day = when_from + timedelta(days=rng.randrange(span))
        done_at = timezone.make_aware(datetime.combine(day, time(rng.randrange(8, 17), 15)))
        WorkOrder.objects.filter(pk=order.pk).update(
            done_at=done_at, started_at=done_at - timedelta(hours=1), responded_at=done_at
            - timedelta(hours=2)
        )


@transaction.atomic
def build_plans(school, *, today=None) -> list[MaintenancePlan]:
    if MaintenancePlan.objects.filter(school=school).exists():
        return []
    rng = random.Random(SEED)
    today = today or timezone.localdate()
    worker = _worker(school)
    categories = {c.code: c for c in RepairCategory.objects.filter(school=school)}
    calendar = plans.SchoolCalendar.load(school.pk)
    term = plans._term_on(calendar.terms, today)
    if term is None or worker is None or "air_conditioning" not in categories:
        return []
    previous = plans.previous_term(school.pk, term)
    start = previous.start_date if previous else term.start_date

    ac = MaintenancePlan.objects.create(
        school=school,
        name="办公室空调清洗保养（每学期）",
        description="清洗过滤网和室外机散热片，检查冷凝水排水和制冷效果。",
        category=categories["air_conditioning"],
        room_types=[RoomType.OFFICE],
        recurrence=Recurrence.TERM,
        offset_days=14,
        lead_days=7,
        checklist=["清洗过滤网", "清洗室外机散热片", "检查冷凝水排水", "试机制冷/制热正常"],
        urgency=Urgency.LOW,
        default_worker=worker,
        requires_photo=False,
        starts_on=start,
    )
    # Last term: every office done within a month of the due date.
    if previous is not None:
        due = plans.occurrences(ac, previous.start_date, previous.end_date, school_calendar=calendar)
        if due:
            made = plans.generate(ac, today=due[0].due)
            # Left "done": the auto-close job closes them, with its timeline entry.
            _finish_all(made, worker, rng, when_from=due[0].due, when_to=due[0].due + timedelta(30))
    # This term: generated on time, most done, a few still open (some overdue).
    now_due = plans.occurrences(ac, term.start_date, term.end_date, school_calendar=calendar)
    if now_due and now_due[0].due - timedelta(days=ac.lead_days) <= today:
        made = plans.generate(ac, today=min(today, now_due[0].due))
        rng.shuffle(made)
        keep_open = max(1, round(len(made) * OPEN_SHARE))
        _finish_all(
            made[keep_open:], worker, rng, when_from=now_due[0].due,
            when_to=min(today, now_due[0].due + timedelta(days=30)),
        )

    power_room = (
        Room.objects.filter(school=school, is_active=True)
        .exclude(room_type__in=[RoomType.CLASSROOM, RoomType.OFFICE])
        .order_by("pk")
        .first()
    )
    monthly = None
    if power_room is not None and "water_power" in categories:
        monthly = MaintenancePlan.objects.create(
            school=school,
            name="配电与照明月检",
            description="检查配电箱、漏电保护开关和应急照明。",
            category=categories["water_power"],
            recurrence=Recurrence.MONTHLY,
            day_of_month=5,
            lead_days=3,
            checklist=["漏电保护开关试跳", "配电箱无异味、无过热", "应急照明能亮"],
            urgency=Urgency.NORMAL,
            default_worker=worker,
            starts_on=term.start_date,
        )
        monthly.rooms.set([power_room])
        plans.generate(monthly, today=today)
    return [p for p in (ac, monthly) if p is not None]

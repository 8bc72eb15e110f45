"""Demo records: the built-in inspection templates, schedules (daily fire patrol over one place a
floor of the teaching buildings, monthly extinguisher check, quarterly fire inspection, 三防
patrols five times a day, the building inspection of the term), this term's rounds with a few
missed and late and a few failed items that raised hazards, and ~80 pieces of safety equipment
with a few due or expired. Rows are bulk-written; hazards go through ``report_hazard``.
Idempotent: a school that has inspection schedules is left alone."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from houqin.org.models import Membership, Room, RoomType
from houqin.org.terms import school_tz, term_on

from . import builtin_inspections, schedules
from .models.equipment import EquipmentKind, EquipmentStatus, SafetyEquipment
from .models.inspections import (
    InspectionAnswer,
    InspectionRound,
    InspectionSchedule,
    InspectionTemplate,
    Recurrence,
    RoundStatus,
    RoundStop,
)

PATROL_DAYS = 120
SECURITY_DAYS = 10
MISSED_EVERY = 37  # about one patrol in 37 is missed
FAILED_EVERY = 29  # and one in 29 finds something


def build(schools) -> None:
    for school in schools.values() if isinstance(schools, dict) else schools:
        build_school(school)


def _holder(school, *roles):
    membership = (
        Membership.objects.filter(
            school=school, is_active=True, roles__role__in=roles, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _key_rooms(school) -> dict:
    rooms = list(
        Room.objects.filter(school=school, is_active=True)
        .select_related("floor__building")
        .order_by("floor__building__name", "floor__number", "number")
    )
    per_floor, seen = [], set()
    for room in rooms:
        if room.room_type == RoomType.CLASSROOM and room.floor_id not in seen:
            seen.add(room.floor_id)
            per_floor.append(room)
    special = [r for r in rooms if r.room_type in (RoomType.CANTEEN, RoomType.LAB, RoomType.VENUE)]
    offices = [r for r in rooms if r.room_type == RoomType.OFFICE]
    return {
        "all": rooms,
        "patrol": (per_floor[:6] + special[:2]) or rooms[:6],
        "security": (special[:2] + per_floor[:2]) or rooms[:4],
        "offices": offices[:3] or rooms[:2],
    }


def _equipment(school, rooms, today, rng) -> list[SafetyEquipment]:
    plan = [
        (EquipmentKind.EXTINGUISHER, 50, "MHQ"),
        (EquipmentKind.HYDRANT, 8, "XHS"),
        (EquipmentKind.ALARM, 6, "BJ"),
        (EquipmentKind.EMERGENCY_LIGHT, 10, "YJ"),
        (EquipmentKind.CAMERA, 4, "SXT"),
        (EquipmentKind.AED, 2, "AED"),
    ]
    pieces, n = [], 0
    for kind, count, prefix in plan:
        for i in range(count):
            room = (
                rooms[(n * 7) % len(rooms)]
                if kind != EquipmentKind.EXTINGUISHER
                else rooms[i // 2 % len(rooms)]
            )
            n += 1
            last = today - timedelta(days=rng.randint(3, 25))
            piece = SafetyEquipment(
                school=school,
                code=f"{prefix}-{i + 1:03d}",
                kind=kind,
                room=room,
                model_name={"extinguisher": "ABC干粉", "camera": "海康 DS-2CD"}.get(kind, ""),
                size="4 kg" if kind == EquipmentKind.EXTINGUISHER else "",
                location_note="走廊东侧" if i % 2 else "楼梯口",
                installed_on=date(2021, 9, 1),
                last_checked_on=last,
                next_check_on=last + timedelta(days=30),
                expires_on=date(2030, 6, 30) if kind == EquipmentKind.EXTINGUISHER else None,
            )
            pieces.append(piece)
    extinguishers = [p for p in pieces if p.kind == EquipmentKind.EXTINGUISHER]
    extinguishers[3].expires_on = today - timedelta(days=20)  # expired
    extinguishers[7].next_check_on = today - timedelta(days=5)  # overdue check
    extinguishers[11].refill_due_on = today + timedelta(days=12)  # soon
    pieces[-3].status = EquipmentStatus.FAULTY
    return SafetyEquipment.objects.bulk_create(pieces)


def _schedule(school, template, name, rooms, inspectors, **fields):
    made = InspectionSchedule.objects.create(school=school, template=template, name=name, **fields)
    made.rooms.set(rooms)
    made.inspectors.set([u for u in inspectors if u is not None])
    return made


def _rounds(plan, slots, rooms, version, who, rng, today_start) -> list[tuple]:
    """Past rounds of one schedule, bulk-written: done (a few late), a few missed."""
    made = []
    for n, slot in enumerate(slots):
        if slot.end > today_start:
            continue
        found = InspectionRound(
            school_id=plan.school_id,
            schedule=plan,
            template_id=plan.template_id,
            version=version,
            due_date=slot.due,
            slot=slot.number,
            window_start=slot.start,
            window_end=slot.end,
            assignee=who,
        )
        if n % MISSED_EVERY == MISSED_EVERY - 1:
            found.status = RoundStatus.MISSED
        else:
            late = n % 23 == 11
            found.status = RoundStatus.DONE
            found.completed_at = (
                (slot.end + timedelta(hours=2))
                if late
                else (slot.start + (slot.end - slot.start) * rng.uniform(0.2, 0.8))
            )
            found.started_at = found.completed_at - timedelta(minutes=20)
            found.is_late, found.completed_by = late, who
            found.signed_by = who.get_full_name() if who else ""
            if version.needs_second_signature:
                found.second_signed_by = "李主任"
        found.assign_number(year=slot.due.year)
        made.append(found)
    return made


@transaction.atomic
def build_school(school, *, today=None, rng=None) -> int:
    if InspectionSchedule.objects.filter(school=school).exists():
        return 0
    # The hazard stories come first (their demo skips a school that already has hazards).
    from . import demo_hazards

    demo_hazards.build_school(school)
    rng = rng or random.Random(school.pk)
    today = today or timezone.localdate()
    term = term_on(school, today)
    guard = _holder(school, "guard")
    director = _holder(school, "director")
    inspector = _holder(school, "inspector", "clerk") or director
    places = _key_rooms(school)
    if director is None or not places["all"] or term is None:
        return 0
    builtin_inspections.ensure_templates(school)
    templates = {t.builtin_code: t for t in InspectionTemplate.objects.filter(school=school)}
    walker = guard or inspector
    start = max(term.start_date, today - timedelta(days=PATROL_DAYS))
    _equipment(school, places["all"][:25], today, rng)
    equipment_rooms = list(
        {
            p.room_id: p.room
            for p in SafetyEquipment.objects.filter(
                school=school, kind=EquipmentKind.EXTINGUISHER
            ).select_related("room")
        }.values()
    )[:8]
    plans = [
        (
            _schedule(
                school,
                templates["fire-patrol"],
                "每日防火巡查（教学楼）",
                places["patrol"],
                [walker],
                recurrence=Recurrence.DAILY,
                starts_on=start,
            ),
            walker,
        ),
        (
            _schedule(
                school,
                templates["extinguisher-check"],
                "每月灭火器检查",
                equipment_rooms,
                [inspector],
                recurrence=Recurrence.MONTHLY,
                day_of_month=5,
                starts_on=start,
            ),
            inspector,
        ),
        (
            _schedule(
                school,
                templates["fire-inspection"],
                "季度防火检查",
                places["offices"],
                [director],
                recurrence=Recurrence.QUARTERLY,
                day_of_month=10,
                starts_on=start,
            ),
            director,
        ),
        (
            _schedule(
                school,
                templates["security-patrol"],
                "三防重点部位巡查",
                places["security"],
                [walker],
                recurrence=Recurrence.TIMES_A_DAY,
                times_a_day=5,
                starts_on=today - timedelta(days=SECURITY_DAYS),
            ),
            walker,
        ),
        (
            _schedule(
                school,
                templates["buildings"],
                "学期校舍全面检查",
                places["patrol"][:4],
                [director],
                recurrence=Recurrence.TERM,
                offset_days=7,
                starts_on=term.start_date,
            ),
            director,
        ),
    ]
    tz = school_tz(school)
    today_start = datetime.combine(today, time.min, tzinfo=tz)
    rounds, rooms_of = [], {}
    for plan, who in plans:
        version = plan.template.versions.get(is_current=True)
        rooms = schedules.target_rooms(plan)
        for found in _rounds(
            plan,
            schedules.slots(plan, plan.starts_on, today, tz=tz),
            rooms,
            version,
            who,
            rng,
            today_start,
        ):
            rounds.append(found)
            rooms_of[id(found)] = (rooms, version)
    InspectionRound.objects.bulk_create(rounds, batch_size=500)
    stops = [
        RoundStop(
            round=r, room=room, position=n, visited_by=r.completed_by, visited_at=r.completed_at
        )
        for r in rounds
        for n, room in enumerate(rooms_of[id(r)][0])
    ]
    RoundStop.objects.bulk_create(stops, batch_size=1000)
    items = {}
    answers, failures = [], []
    for i, stop in enumerate(s for s in stops if s.round.status == RoundStatus.DONE):
        version = rooms_of[id(stop.round)][1]
        if version.pk not in items:
            items[version.pk] = list(version.items.all())
        fail_here = i % FAILED_EVERY == FAILED_EVERY - 1
        for k, item in enumerate(items[version.pk]):
            answer = InspectionAnswer(stop=stop, item=item, passed=True)
            if item.answer_type == "number":
                answer.value = item.min_value if item.min_value is not None else item.max_value
            elif item.answer_type == "choice":
                answer.choice = item.options[0]["label"]
            elif item.answer_type in ("note", "photo"):
                answer.passed = None
            if fail_here and k == 1 and item.answer_type == "pass_fail":
                answer.passed, answer.failed = False, True
                answer.text = "现场发现问题，已拍照"
                failures.append(answer)
            answers.append(answer)
    _raise_hazards(school, failures[:6], walker)
    InspectionAnswer.objects.bulk_create(answers, batch_size=1000)
    failed_stops = {a.stop.pk for a in failures}
    RoundStop.objects.filter(pk__in=failed_stops).update(failed_count=1)
    for round_id in {a.stop.round_id for a in failures}:
        InspectionRound.objects.filter(pk=round_id).update(failed_count=1)
    for plan, _who in plans:
        schedules.generate(plan)  # today's rounds, still to do
    return len(rounds)


def _raise_hazards(school, failures, by) -> None:
    """A few failed items raise real hazards (the rest stay failed answers only)."""
    from .models.hazards import HazardSource
    from .services_hazards import report_hazard

    for answer in failures:
        stop = answer.stop
        answer.hazard = report_hazard(
            school=school,
            by=by,
            title=f"{answer.item.label} · {stop.room}"[:100],
            description=f"{stop.round.number}：{answer.text}",
            room=stop.room,
            source=HazardSource.INSPECTION,
            found_at=stop.visited_at,
        )

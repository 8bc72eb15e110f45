"""Demo records: hygiene items, areas, a term of score sheets for every class (36 in 东湖中学,
12 in 南湖小学), the past weeks published (red flags handed out). Sheets are written in bulk with
the same arithmetic as the service (base − deductions + bonus), two inspections a week, so the
demo builds in seconds. Idempotent: a school with sheets is left alone."""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from houqin.org.models import Company, Holiday, Membership, SchoolClass
from houqin.org.terms import term_on

from . import rankings
from . import services_scores as services
from .models.scores import (
    AreaKind,
    HygieneArea,
    InspectorKind,
    ScoreDeduction,
    ScoreItem,
    ScoreSheet,
)

ITEMS = [
    ("地面", 10, "无纸屑、无积水"),
    ("门窗", 5, "玻璃干净、窗台无灰"),
    ("桌椅", 5, "摆放整齐"),
    ("垃圾", 5, "垃圾桶及时清倒"),
    ("走廊", 5, "包干区无杂物"),
]
REASONS = {
    "地面": ["纸屑", "有积水", "拖把未归位"],
    "门窗": ["窗台有灰", "玻璃有污渍"],
    "桌椅": ["摆放不齐", "桌面杂乱"],
    "垃圾": ["垃圾桶满未倒", "垃圾袋未套"],
    "走廊": ["包干区有纸屑", "栏杆有灰"],
}
STEPS = [Decimal("0.5"), Decimal("1"), Decimal("1"), Decimal("1.5"), Decimal("2")]


def build(schools) -> None:
    for school in schools.values() if isinstance(schools, dict) else schools:
        build_school(school)


def _holder(school, *roles):
    m = (
        Membership.objects.filter(school=school, is_active=True, roles__role__in=roles)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return m.user if m else None


@transaction.atomic
def build_school(school) -> int:
    if ScoreSheet.objects.filter(school=school).exists():
        return 0
    today = timezone.localdate()
    term = term_on(school, today)
    classes = list(
        SchoolClass.objects.filter(school=school, is_active=True).order_by("grade", "number")
    )
    inspector = _holder(school, "inspector") or _holder(school, "clerk", "director")
    director = _holder(school, "director")
    if term is None or not classes or inspector is None:
        return 0
    items = []
    for order, (name, full, hint) in enumerate(ITEMS):
        item, _ = ScoreItem.objects.get_or_create(
            school=school,
            name=name,
            defaults={"full_marks": Decimal(full), "order": order, "hint": hint},
        )
        items.append(item)
    _areas(school, term, classes)
    settings = rankings.settings_for(school)
    rng = random.Random(school.pk * 7919)
    holidays = list(Holiday.objects.filter(school=school).values_list("start_date", "end_date"))
    end = min(term.end_date, today - timedelta(days=1))
    day = term.start_date
    sheets, picks = [], []
    while day <= end:
        if day.weekday() in (1, 3) and not any(a <= day <= b for a, b in holidays):
            for klass in classes:
                # Some classes are tidier than others; a few spotless days make ties.
                care = (klass.number * 3 + klass.grade) % 5
                chosen = []
                for item in items:
                    if rng.random() < 0.12 + care * 0.04:
                        chosen.append(
                            (
                                item,
                                min(rng.choice(STEPS), item.full_marks),
                                rng.choice(REASONS[item.name]),
                            )
                        )
                bonus = Decimal("1") if rng.random() < 0.03 else Decimal("0")
                deducted = sum((p for _i, p, _r in chosen), Decimal("0"))
                sheets.append(
                    ScoreSheet(
                        school=school,
                        term=term,
                        school_class=klass,
                        inspected_on=day,
                        slot=rankings.slot_of(day, settings.slot_mode),
                        week=rankings.week_of(day),
                        inspector=inspector,
                        inspector_kind=InspectorKind.TEACHER,
                        base_score=settings.base_score,
                        deducted=deducted,
                        bonus=bonus,
                        bonus_reason="主动清理公共区域" if bonus else "",
                        total=settings.base_score - deducted + bonus,
                    )
                )
                picks.append(chosen)
        day += timedelta(days=1)
    ScoreSheet.objects.bulk_create(sheets, batch_size=500)
    ScoreDeduction.objects.bulk_create(
        [
            ScoreDeduction(sheet=s, item=i, points=p, reason=r)
            for s, chosen in zip(sheets, picks, strict=True)
            for i, p, r in chosen
        ],
        batch_size=1000,
    )
    week = rankings.week_of(term.start_date)
    while week + timedelta(days=7) <= today and week <= term.end_date:
        with contextlib.suppress(services.DomainError):
            services.publish_week(school, week, by=director)
        week += timedelta(days=7)
    return len(sheets)


def _areas(school, term, classes) -> None:
    if HygieneArea.objects.filter(school=school, term=term).exists():
        return
    company = Company.objects.filter(school=school).order_by("pk").first()
    rows = []
    for klass in classes:
        rows.append(
            HygieneArea(
                school=school,
                term=term,
                name=f"{klass} 教室",
                kind=AreaKind.CLASSROOM,
                room=klass.room,
                school_class=klass,
            )
        )
        place = [AreaKind.CORRIDOR, AreaKind.STAIRS, AreaKind.OUTDOOR][klass.number % 3]
        label = {AreaKind.CORRIDOR: "走廊", AreaKind.STAIRS: "楼梯", AreaKind.OUTDOOR: "包干区"}[
            place
        ]
        rows.append(
            HygieneArea(
                school=school, term=term, name=f"{klass} {label}", kind=place, school_class=klass
            )
        )
    if company is not None:
        for name, kind in [
            ("教学楼卫生间", AreaKind.TOILET),
            ("操场及跑道", AreaKind.OUTDOOR),
            ("行政楼公共区域", AreaKind.CORRIDOR),
        ]:
            rows.append(
                HygieneArea(school=school, term=term, name=name, kind=kind, company=company)
            )
    HygieneArea.objects.bulk_create(rows)

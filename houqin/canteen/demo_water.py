"""Demo records: the drinking-water contract, dispensers with their filter changes (two due),
monthly water tests (one failed and followed up), and two education campaigns. Idempotent: a
school that already has dispensers is left alone."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from houqin.org.models import Company, Membership, Room
from houqin.org.roles import Role
from houqin.org.terms import term_on

from .models.water import Dispenser, EducationCampaign, FilterChange, WaterContract, WaterTest


def build(schools, *, today=None) -> None:
    for school in schools.values() if isinstance(schools, dict) else schools:
        build_school(school, today=today)


@transaction.atomic
def build_school(school, *, today=None) -> None:
    if Dispenser.objects.filter(school=school).exists():
        return
    today = today or timezone.localdate()
    m = (
        Membership.objects.filter(
            school=school, is_active=True, roles__role__in=(Role.CANTEEN_MANAGER, Role.DIRECTOR)
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    term = term_on(school, today)
    if m is None or term is None:
        return
    by = m.user
    company, _created = Company.objects.get_or_create(
        school=school,
        name="宁波天然饮用水有限公司",
        defaults={"contact_name": "林经理", "contact_phone": "0574-87650000"},
    )
    WaterContract.objects.create(
        school=school, company=company, title="学校直饮水供水及设备维护合同", contract_number=f"YS-{term.start_date.year}-01",
        start_date=term.start_date - timedelta(days=30), end_date=term.start_date + timedelta(days=335),
        contact_name="林经理", contact_phone="0574-87650000", note="含直饮机滤芯每季度更换、每月水质检测。",
    )  # fmt: skip
    rooms = list(
        Room.objects.filter(school=school, is_active=True)
        .select_related("floor__building")
        .order_by("pk")[:6]
    )
    dispensers = Dispenser.objects.bulk_create([
        Dispenser(school=school, room=room, location="走廊饮水点", model="QL-RO-300", filter_days=90) for room in rooms
    ] or [Dispenser(school=school, location="食堂门口", model="QL-RO-300", filter_days=90)])  # fmt: skip
    changes = []
    for i, d in enumerate(dispensers):
        # Two dispensers are overdue; the others were changed this term.
        day = (
            today - timedelta(days=95 + i)
            if i < 2
            else max(term.start_date, today - timedelta(days=20 + i * 5))
        )
        changes.append(
            FilterChange(
                school=school,
                dispenser=d,
                date=day,
                done_by_name="林师傅",
                next_due=day + timedelta(days=90),
                recorded_by=by,
            )
        )
        d.last_changed, d.next_due = day, day + timedelta(days=90)
    FilterChange.objects.bulk_create(changes)
    Dispenser.objects.bulk_update(dispensers, ["last_changed", "next_due"])
    tests = []
    month = term.start_date.replace(day=10)
    n = 0
    while month <= today:
        failed = n == 1
        tests.append(WaterTest(
            school=school, date=month, dispenser=dispensers[n % len(dispensers)], tested_by="区疾病预防控制中心",
            results="菌落总数 %s CFU/mL\n浑浊度 0.3 NTU\n余氯 0.05 mg/L" % ("160" if failed else "12"), passed=not failed,
            follow_up="更换滤芯、清洗储水罐，复检合格" if failed else "",
            followed_up_at=datetime.combine(month + timedelta(days=2), time(10), tzinfo=timezone.get_current_timezone()) if failed else None,
            recorded_by=by,
        ))  # fmt: skip
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=10)
        n += 1
    WaterTest.objects.bulk_create(tests)
    EducationCampaign.objects.bulk_create([
        EducationCampaign(school=school, date=term.start_date + timedelta(days=14), topic="食品安全宣传周：拒绝三无食品",
                          audience="全体学生", participants=1200, summary="国旗下讲话、班会课、黑板报评比。", recorded_by=by),
        EducationCampaign(school=school, date=term.start_date + timedelta(days=45), topic="科学饮水 健康成长",
                          audience="七年级学生及家长", participants=420, summary="发放饮水安全告家长书，参观直饮水机房。", recorded_by=by),
    ])  # fmt: skip

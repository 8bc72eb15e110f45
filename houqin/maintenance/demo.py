"""Demo repairs for the demo school: a term's worth of work orders in every state, made through
the services so timelines, numbers and notifications are real. Idempotent: skipped when the
school already has work orders."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from houqin.org.models import Room, RoomType, User

from . import services
from .models import WorkOrder

PROBLEMS = {
    "water_power": ["日光灯不亮", "插座没电", "水龙头漏水", "开关面板松动", "厕所冲水阀坏了"],
    "air_conditioning": ["空调不制冷", "空调滴水", "空调遥控器失灵", "空调异响"],
    "doors_windows": ["门锁坏了，关不上", "窗户玻璃裂了", "窗户把手脱落", "门吸掉了"],
    "desks_chairs": ["课桌桌腿松动", "椅子靠背断了", "讲台抽屉卡住"],
    "multimedia": ["投影仪不显示", "电子白板触控失灵", "教室网络断了", "音箱没有声音"],
    "building": ["墙面渗水发霉", "走廊地砖松动", "天花板吊顶脱落一块"],
    "other": ["窗帘轨道坏了", "黑板报展板脱落"],
}
PARTS = {
    "water_power": [("LED灯管 T8 1.2m", "根", "18.50"), ("五孔插座面板", "个", "12.00")],
    "air_conditioning": [("空调排水管", "米", "6.00"), ("遥控器", "个", "35.00")],
    "doors_windows": [("执手门锁", "把", "85.00"), ("窗户把手", "个", "15.00")],
    "desks_chairs": [("螺丝套装", "套", "8.00")],
    "multimedia": [("HDMI 线 5m", "根", "45.00")],
}


def _user(username):
    return User.objects.filter(username=username).first()


def build(schools) -> None:
    school = schools.get("donghu")
    if school is None or WorkOrder.objects.filter(school=school).exists():
        return
    rng = random.Random(2026)
    director, worker, teacher = _user("director"), _user("worker"), _user("teacher")
    class_teacher = _user("class_teacher")
    if not all((director, worker, teacher, class_teacher)):
        return
    categories = {c.code: c for c in services.ensure_categories(school)}
    services.ensure_categories(schools["nanhu"])
    rooms = list(
        Room.objects.filter(
            school=school, room_type__in=[RoomType.CLASSROOM, RoomType.OFFICE, RoomType.LAB]
        ).order_by("pk")
    )
    requesters = [teacher, class_teacher]
    now = timezone.now()
    with transaction.atomic():
        for i in range(40):
            code = rng.choice(list(PROBLEMS))
            room = rng.choice(rooms)
            requester = rng.choice(requesters)
            order = services.report(
                school=school,
                by=requester,
                room=room,
                category=categories[code],
                description=rng.choice(PROBLEMS[code]),
                urgency="urgent" if rng.random() < 0.15 else "normal",
            )
            # Spread the reports over the past weeks so lists and to-dos look lived in.
            reported = now - timedelta(days=40 - i, hours=rng.randint(0, 6))
            WorkOrder.objects.filter(pk=order.pk).update(created_at=reported)
            stage = rng.random() if i < 34 else 0.05  # the last few stay waiting for dispatch
            if stage < 0.15:
                continue
            services.assign(order, by=director, worker=worker)
            if stage < 0.3:
                continue
            services.start(order, by=worker)
            if stage < 0.4:
                if stage < 0.35:
                    services.hold(order, by=worker, reason="等待配件到货")
                continue
            parts = [
                {
                    "name": name,
                    "quantity": Decimal(rng.randint(1, 3)),
                    "unit": unit,
                    "unit_cost": Decimal(cost),
                }
                for name, unit, cost in rng.sample(
                    PARTS.get(code, []), k=min(1, len(PARTS.get(code, [])))
                )
            ]
            services.finish(
                order, by=worker, labour_minutes=rng.choice([20, 30, 45, 60, 90]), parts=parts
            )
            if stage < 0.55:
                continue
            services.confirm(
                order, by=requester, rating=rng.choice([4, 5, 5, 5, 3]), comment="修得很及时，谢谢"
            )
            if stage < 0.8:
                continue
            services.close(order, by=director)

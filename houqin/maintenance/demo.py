"""Demo repairs for the demo school.

Two parts, both idempotent (skipped when the school already has work orders):

- a realistic past, made fast in bulk (``build_history``): the current term up to today and
  the term before, a few thousand orders spread over school days and hours, categories and
  buildings weighted as a real middle school sees them, a handful of places that keep
  breaking, most orders fixed and rated, some late, parts and contractor costs — so the
  dashboard shows real shapes. Numbers are reserved as a block from the numbering counter, SLA
  dues come from the school's working calendar (``sla``), and every order gets its timeline.
- 40 recent orders in every state, made through the services so timelines, numbers and
  notifications are exactly what the application writes.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core.models import NumberCounter, TimelineEntry
from houqin.core.numbering import format_number
from houqin.org.models import Company, Holiday, Room, RoomType, Term, User
from houqin.org.roles import Role

from . import services, sla
from .models import PartUsage, Source, Status, Urgency, WorkOrder

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


# ---------------------------------------------------------------- a realistic past, in bulk

HISTORY_SEED = 20260901
CURRENT_TERM_ORDERS = 2500  # the current term up to today
PREVIOUS_TERM_ORDERS = 2000
BULK_BATCH = 1000

# Category shares of an ordinary week: water and power and multimedia lead.
CATEGORY_WEIGHTS = {
    "water_power": 30,
    "multimedia": 22,
    "doors_windows": 14,
    "air_conditioning": 9,
    "desks_chairs": 8,
    "building": 8,
    "other": 9,
}
# Where each category happens: weight per room type (rooms not listed are not candidates).
PLACES = {
    "water_power": {
        RoomType.CLASSROOM: 2, RoomType.OFFICE: 2, RoomType.LAB: 2, RoomType.FUNCTION: 1.5,
        RoomType.DORMITORY: 2, RoomType.CANTEEN: 3, RoomType.OTHER: 2.5, RoomType.VENUE: 1,
        RoomType.OUTDOOR: 0.5,
    },
    "multimedia": {
        RoomType.CLASSROOM: 6, RoomType.FUNCTION: 3, RoomType.OFFICE: 2, RoomType.LAB: 2,
        RoomType.VENUE: 2,
    },
    "doors_windows": {
        RoomType.CLASSROOM: 2, RoomType.OFFICE: 1, RoomType.LAB: 1, RoomType.FUNCTION: 1,
        RoomType.DORMITORY: 2, RoomType.CANTEEN: 1, RoomType.OTHER: 1.5, RoomType.VENUE: 1,
    },
    "air_conditioning": {
        RoomType.CLASSROOM: 3, RoomType.OFFICE: 3, RoomType.LAB: 2, RoomType.FUNCTION: 2,
        RoomType.DORMITORY: 2, RoomType.VENUE: 2, RoomType.CANTEEN: 1,
    },
    "desks_chairs": {
        RoomType.CLASSROOM: 6, RoomType.LAB: 1.5, RoomType.FUNCTION: 1.5, RoomType.OFFICE: 1,
        RoomType.DORMITORY: 1.5, RoomType.CANTEEN: 1,
    },
    "building": {
        RoomType.CLASSROOM: 1, RoomType.OTHER: 1.5, RoomType.DORMITORY: 1, RoomType.OUTDOOR: 3,
        RoomType.VENUE: 1, RoomType.CANTEEN: 1, RoomType.FUNCTION: 0.5, RoomType.OFFICE: 0.5,
    },
    "other": {
        RoomType.CLASSROOM: 1, RoomType.OFFICE: 1, RoomType.FUNCTION: 1, RoomType.DORMITORY: 1,
        RoomType.OUTDOOR: 2, RoomType.OTHER: 1, RoomType.VENUE: 1, RoomType.CANTEEN: 1,
    },
}
HISTORY_PROBLEMS = {
    "water_power": [
        "日光灯不亮", "插座没电", "水龙头漏水", "开关面板松动", "厕所冲水阀坏了", "下水道堵了",
        "跳闸了，整间没电", "热水器不出热水", "小便池感应器失灵", "灯管一闪一闪",
    ],
    "multimedia": [
        "投影仪不显示", "电子白板触控失灵", "教室网络断了", "音箱没有声音", "一体机开不了机",
        "话筒没声音", "投影画面发黄", "电脑蓝屏", "无线网连不上", "广播没有声音",
    ],
    "doors_windows": [
        "门锁坏了，关不上", "窗户玻璃裂了", "窗户把手脱落", "门吸掉了", "纱窗破了",
        "门合页松了，门关不严", "钥匙断在锁里", "窗户推不动",
    ],
    "air_conditioning": [
        "空调不制冷", "空调滴水", "空调遥控器失灵", "空调异响", "空调开不了机", "空调有异味",
    ],
    "desks_chairs": [
        "课桌桌腿松动", "椅子靠背断了", "讲台抽屉卡住", "课桌桌面开裂", "椅子螺丝掉了",
        "床板断了一块",
    ],
    "building": [
        "墙面渗水发霉", "走廊地砖松动", "天花板吊顶脱落一块", "楼梯扶手松动", "屋顶漏雨",
        "地面积水", "外墙瓷砖脱落",
    ],
    "other": [
        "窗帘轨道坏了", "黑板报展板脱落", "晾衣架坏了", "镜子松了", "宣传栏玻璃破了",
        "饮水机不出水",
    ],
}
HISTORY_PARTS = {
    "water_power": [
        ("LED灯管 T8 1.2m", "根", "18.50"), ("五孔插座面板", "个", "12.00"),
        ("单联开关", "个", "9.50"), ("水龙头", "个", "45.00"), ("冲水阀", "套", "68.00"),
        ("空气开关 32A", "个", "38.00"), ("PPR 管件", "套", "15.00"),
    ],
    "air_conditioning": [
        ("空调排水管", "米", "6.00"), ("遥控器", "个", "35.00"), ("空调电容", "个", "28.00"),
    ],
    "doors_windows": [
        ("执手门锁", "把", "85.00"), ("窗户把手", "个", "15.00"), ("门吸", "个", "12.00"),
        ("不锈钢合页", "片", "9.00"), ("纱网", "平方米", "18.00"),
    ],
    "desks_chairs": [("螺丝套装", "套", "8.00"), ("课椅靠背", "块", "35.00")],
    "multimedia": [
        ("HDMI 线 5m", "根", "45.00"), ("投影仪灯泡", "个", "420.00"), ("无线话筒电池", "节", "6.00"),
        ("网线水晶头", "个", "1.50"),
    ],
    "building": [("瓷砖", "块", "22.00"), ("防水涂料", "桶", "160.00")],
    "other": [("窗帘滑轮", "个", "2.50"), ("膨胀螺丝", "套", "5.00")],
}
# Contractor jobs: the share given to the property company, and the outside cost range (¥).
CONTRACTED = {
    "building": (0.5, 150, 1500),
    "air_conditioning": (0.4, 60, 500),
    "doors_windows": (0.12, 50, 400),
    "water_power": (0.06, 80, 500),
    "multimedia": (0.04, 100, 800),
    "other": (0.04, 40, 200),
    "desks_chairs": (0.02, 60, 300),
}
# A handful of places that keep breaking: (building, room number, category, share of orders).
TROUBLE_SPOTS = (
    ("学生宿舍", "312", "water_power", 0.009),
    ("明德楼", "305", "multimedia", 0.008),
    ("食堂", "103", "water_power", 0.006),
    ("逸夫楼", "401", "air_conditioning", 0.006),
    ("致远楼", "206", "water_power", 0.005),
    ("博学楼", "201", "doors_windows", 0.004),
    ("体育馆", "101", "building", 0.004),
    ("求是楼", "202", "multimedia", 0.004),
)
RATINGS = (5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 3)
RATING_COMMENTS = ("修得很及时，谢谢", "师傅很专业", "", "", "", "好了，谢谢", "辛苦了")
LOW_RATING_COMMENTS = ("等了好几天才修", "修完又坏了，希望彻底修好", "")
HOLD_REASONS = ("等待配件到货", "等厂家上门", "需要停电施工，约好周末")
REJECT_REASONS = ("不属于维修范围，请联系信息中心", "重复报修")
CANCEL_REASONS = ("已经自己弄好了", "报错地方了")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱郭何林罗郑梁谢宋许韩冯邓曹彭曾萧"
_GIVEN = "建国志明伟海立俊浩宇峰磊超晓春雪红丽静慧婷颖敏芳燕佳欣怡思雨梦晨"


@dataclass
class _Order:
    """One past order being planned: its fields, and its timeline as (time, entry kwargs)."""

    values: dict
    events: list = field(default_factory=list)
    parts: list = field(default_factory=list)


def _school_days(start, end, holidays):
    """(date, weight) for every day from ``start`` to ``end`` inclusive: school days weigh
    most, Mondays more, Fridays less, weekends and holidays little."""
    days = []
    day = start
    while day <= end:
        if any(first <= day <= last for first, last in holidays):
            weight = 0.03
        elif day.weekday() >= 5:
            weight = 0.08
        else:
            weight = {0: 1.25, 4: 0.85}.get(day.weekday(), 1.0)
        # The first two weeks of a term: broken desks, projectors and locks found on day one.
        if (day - start).days < 14:
            weight *= 1.5
        days.append((day, weight))
        day += timedelta(days=1)
    return days


def _category_weights(day, term_start):
    weights = dict(CATEGORY_WEIGHTS)
    # Air conditioning peaks in the hot weeks: September and early October, June and July.
    if day.month == 9 or (day.month == 10 and day.day <= 15):
        weights["air_conditioning"] *= 3.2
    elif day.month in (6, 7):
        weights["air_conditioning"] *= 2.5
    elif day.month in (12, 1):
        weights["air_conditioning"] *= 1.4  # heating
    elif day.month in (3, 4, 11):
        weights["air_conditioning"] *= 0.5
    weeks_in = (day - term_start).days // 7
    if weeks_in < 3:
        weights["desks_chairs"] *= 3.5 - weeks_in
        weights["multimedia"] *= 1.3
    return weights


def _report_time(rng, day, tz):
    """A moment on ``day`` when people report problems: mostly school hours."""
    if day.weekday() < 5:
        hour = rng.choices(
            range(6, 23),
            weights=(1, 4, 9, 10, 9, 6, 3, 6, 9, 8, 7, 3, 1.5, 2, 2, 1.5, 0.5),
        )[0]
    else:
        hour = rng.randint(8, 21)
    return datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=tz)


def _lognormal_hours(rng, median, sigma, low, high):
    return min(high, max(low, rng.lognormvariate(math.log(median), sigma)))


def _reserve_numbers(school, year: int, count: int) -> int:
    """Reserve ``count`` consecutive numbers of ``year`` for the school's work orders and return
    the first; the counter ends at the last, so the services continue after the block."""
    doc_type = WorkOrder.get_number_doc_type()
    counter = NumberCounter.objects.filter(school=school, doc_type=doc_type, year=year)
    if not counter.update(value=F("value") + count):
        NumberCounter.objects.create(school=school, doc_type=doc_type, year=year, value=count)
    return counter.values_list("value", flat=True).get() - count + 1


class _History:
    """Plans a term of past orders for one school, then writes them in bulk."""

    def __init__(self, school, categories, *, now, rng):
        self.school = school
        self.categories = categories
        self.now = now
        self.rng = rng
        self.calendar = sla.calendar_for(school)
        self.tz = self.calendar.tz
        self.holidays = list(
            Holiday.objects.filter(school=school).values_list("start_date", "end_date")
        )
        self.targets = {u: sla.target_for(u, school) for u in Urgency.values}
        self.autoclose = services.autoclose_days(school)
        rooms = list(
            Room.objects.filter(school=school, is_active=True).select_related("floor__building")
        )
        self.rooms = rooms
        self.candidates = {}
        for code, kinds in PLACES.items():
            pool = [r for r in rooms if r.room_type in kinds]
            self.candidates[code] = (pool, [kinds[r.room_type] for r in pool])
        by_place = {(r.floor.building.name, r.number): r for r in rooms}
        self.trouble = [
            (by_place[(building, number)], code, share)
            for building, number, code, share in TROUBLE_SPOTS
            if (building, number) in by_place and code in categories
        ]
        self.director = User.objects.filter(username="director").first()
        self.clerk = User.objects.filter(username="clerk").first() or self.director
        self.workers = list(
            User.objects.filter(
                memberships__school=school,
                memberships__is_active=True,
                memberships__company__isnull=True,
                memberships__roles__role=Role.WORKER,
            ).order_by("pk")
        )
        self.company = Company.objects.filter(school=school, is_active=True).order_by("pk").first()
        self.company_staff = list(
            User.objects.filter(
                memberships__school=school,
                memberships__company=self.company,
                memberships__roles__role=Role.WORKER,
            ).order_by("pk")
        ) if self.company else []
        self.requesters = list(
            User.objects.filter(
                memberships__school=school,
                memberships__is_active=True,
                memberships__company__isnull=True,
                memberships__roles__role=Role.STAFF,
            )
            .distinct()
            .order_by("pk")
        )

    # ------------------------------------------------------------ planning

    def plan_term(self, term_start, term_end, count) -> list[_Order]:
        rng = self.rng
        local_now = timezone.localtime(self.now, self.tz)
        last = min(term_end, local_now.date())
        days = _school_days(term_start, last, self.holidays)
        if days and days[-1][0] == local_now.date():
            # Today counts for the part of the school day gone by.
            gone = (local_now.hour + local_now.minute / 60 - 7) / 11
            days[-1] = (days[-1][0], days[-1][1] * min(1, max(0, gone)))
        if not days or count <= 0:
            return []
        picked = rng.choices([d for d, _w in days], weights=[w for _d, w in days], k=count)
        orders = []
        for day in picked:
            reported = _report_time(rng, day, self.tz)
            for _attempt in range(20):  # today: only what has been reported so far
                if reported <= self.now:
                    break
                reported = _report_time(rng, day, self.tz)
            else:
                reported = self.now - timedelta(minutes=rng.randint(5, 120))
            orders.append(self.plan_order(reported, term_start))
        return orders

    def _place(self, day, term_start):
        rng = self.rng
        for room, code, share in self.trouble:
            if rng.random() < share:
                return room, code
        weights = _category_weights(day, term_start)
        code = rng.choices(list(weights), weights=list(weights.values()))[0]
        if code not in self.categories:
            code = next(iter(self.categories))
        pool, room_weights = self.candidates.get(code) or (self.rooms, None)
        return rng.choices(pool, weights=room_weights)[0], code

    def plan_order(self, reported, term_start) -> _Order:
        rng = self.rng
        room, code = self._place(reported.date(), term_start)
        category = self.categories[code]
        urgency = rng.choices(
            (Urgency.URGENT, Urgency.NORMAL, Urgency.LOW), weights=(12, 78, 10)
        )[0]
        requester = rng.choice(self.requesters) if self.requesters and rng.random() < 0.8 else None
        if requester is not None:
            source = Source.QR if rng.random() < 0.5 else Source.WEB
            name, phone = requester.get_full_name(), requester.phone or ""
        else:
            source = Source.QR
            name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(("", *_GIVEN))
            phone = rng.choice(("138", "139", "158", "186", "177")) + f"{rng.randrange(10**8):08d}"
        target = self.targets[urgency]
        order = _Order(
            values={
                "school_id": self.school.pk,
                "title": f"{category.name} · {room}"[:100],
                "description": rng.choice(HISTORY_PROBLEMS.get(code) or ["坏了"]),
                "category": category,
                "urgency": urgency,
                "room": room,
                "source": source,
                "requester": requester,
                "reporter_name": name,
                "reporter_phone": phone,
                "created_at": reported,
                "response_due": self.calendar.add(reported, target.respond),
                "fix_due": self.calendar.add(reported, target.fix),
                "status": Status.SUBMITTED,
            }
        )
        order.events.append(
            (
                reported,
                {"by": requester, "text": _("Reported"), "to": Status.SUBMITTED,
                 "data": {"source": source}},
            )
        )
        self._progress(order, code, urgency)
        return order

    def _at(self, start, working_hours):
        return self.calendar.add(start, timedelta(hours=working_hours))

    @staticmethod
    def _event(order, when, by, transition, to, text=""):
        """A state change on the order's timeline, worded as the services word it."""
        step = WorkOrder.machine.get(transition)
        order.events.append(
            (
                when,
                {
                    "by": by,
                    "text": text or step.display,
                    "from": order.values["status"],
                    "to": to,
                    "data": {"transition": transition},
                },
            )
        )
        order.values["status"] = to

    def _progress(self, order, code, urgency):
        """What happened after the report, as far as it has happened by now."""
        rng, now, v = self.rng, self.now, order.values
        reported = v["created_at"]
        roll = rng.random()
        if roll < 0.025:
            when = self._at(reported, _lognormal_hours(rng, 1, 1, 0.1, 8))
            if when <= now:
                v["closed_at"] = when
                self._event(order, when, self.clerk, "reject", Status.REJECTED,
                            rng.choice(REJECT_REASONS))
            return
        if roll < 0.04 and v["requester"] is not None:
            when = reported + timedelta(minutes=rng.randint(10, 240))
            if when <= now:
                v["closed_at"] = when
                self._event(order, when, v["requester"], "cancel", Status.CANCELLED,
                            rng.choice(CANCEL_REASONS))
            return
        stuck = roll > 0.99  # forgotten: answered late, and late to fix

        # Answered: dispatched to an in-house worker or the property company.
        median = {Urgency.URGENT: 0.4, Urgency.NORMAL: 1.5, Urgency.LOW: 5}[urgency]
        respond = _lognormal_hours(rng, median, 1.1, 0.05, 60) * (3 if stuck else 1)
        responded = self._at(reported, respond)
        if responded > now:
            if v["response_due"] < now:
                # Not answered in time: the escalation job has already told the dispatchers.
                v["escalated_at"] = v["response_due"] + timedelta(minutes=rng.randint(5, 60))
            return
        share, low, high = CONTRACTED.get(code, (0.05, 100, 800))
        contracted = self.company is not None and rng.random() < share
        if contracted:
            company = self.company
            worker = rng.choice(self.company_staff) if self.company_staff else None
        else:
            company, worker = None, self._worker_for(code)
        if worker is None and company is None:
            return
        v.update(assignee=worker, company=company, assigned_at=responded, responded_at=responded)
        dispatcher = self.director if rng.random() < 0.6 else self.clerk
        to = worker.get_full_name() if worker else company.name
        self._event(order, responded, dispatcher, "assign", Status.ASSIGNED,
                    _("Assigned to %(to)s") % {"to": to})

        # Started, then fixed (contractors come later and take longer).
        wait = _lognormal_hours(rng, 6 if contracted else 0.8, 1.0, 0.05, 40)
        started = self._at(responded, wait)
        if started > now:
            return
        v["started_at"] = started
        self._event(order, started, worker, "start", Status.IN_PROGRESS)
        if contracted:
            work = _lognormal_hours(rng, 10 if code == "building" else 5, 1.0, 0.5, 120)
        else:
            work = _lognormal_hours(rng, 1.2, 1.0, 0.2, 40)
        if rng.random() < 0.06:
            work += rng.uniform(16, 60)  # waited for parts
        if stuck:
            work += rng.uniform(40, 120)
        done = self._at(started, work)
        if done > now:
            held = self._at(started, min(work, 1.5))
            if not stuck and held <= now and rng.random() < 0.12:
                v.update(hold_reason=rng.choice(HOLD_REASONS), hold_started_at=held)
                self._event(order, held, worker, "hold", Status.ON_HOLD, v["hold_reason"])
            elif v["fix_due"] < now:
                # Late: the escalation job has already told the dispatchers.
                v["escalated_at"] = v["fix_due"] + timedelta(minutes=rng.randint(5, 60))
            return
        outside = Decimal(0)
        if contracted:
            outside = Decimal(round(rng.uniform(low, high) * rng.choice((0.6, 1, 1, 1.4))))
            if code == "building" and rng.random() < 0.08:
                outside *= 4  # a real job: a leaking roof, a run of tiles
        elif HISTORY_PARTS.get(code) and rng.random() < 0.42:
            for name, unit, cost in rng.sample(HISTORY_PARTS[code], k=1 + (rng.random() < 0.2)):
                order.parts.append(
                    {
                        "name": name,
                        "unit": unit,
                        "unit_cost": Decimal(cost),
                        "quantity": Decimal(rng.choice((1, 1, 1, 2, 2, 3, 4))),
                        "recorded_by": worker or self.director,
                    }
                )
        labour = int(min(480, max(10, work * 60 * rng.uniform(0.4, 0.9))) // 5 * 5)
        v.update(done_at=done, labour_minutes=labour, outside_cost=outside)
        self._event(order, done, worker, "finish", Status.DONE)

        # Confirmed with a rating (and later closed), or closed by itself after the set days.
        if v["requester"] is not None and rng.random() < 0.78:
            confirmed = done + timedelta(hours=_lognormal_hours(rng, 5, 1.2, 0.1, 96))
            if confirmed > now:
                return
            rating = rng.choice(RATINGS)
            if done > v["fix_due"] and rng.random() < 0.5:
                rating = max(1, rating - rng.choice((1, 2, 2, 3)))
            comment = rng.choice(LOW_RATING_COMMENTS if rating <= 3 else RATING_COMMENTS)
            v.update(confirmed_at=confirmed, rating=rating, rating_comment=comment)
            self._event(order, confirmed, v["requester"], "confirm", Status.CONFIRMED, comment)
            closed = confirmed + timedelta(hours=_lognormal_hours(rng, 30, 0.8, 1, 240))
            if rng.random() < 0.65 and closed <= now:
                v["closed_at"] = closed
                self._event(order, closed, self.director, "close", Status.CLOSED)
            return
        closed = done + timedelta(days=self.autoclose)
        if closed <= now:
            v["closed_at"] = closed
            self._event(
                order, closed, None, "auto_close", Status.CLOSED,
                _("Closed automatically: not confirmed within %(days)d days.")
                % {"days": self.autoclose},
            )

    def _worker_for(self, code):
        if not self.workers:
            return None
        # The first worker is the electrician-plumber; the others share the rest.
        if code == "water_power" and self.rng.random() < 0.6:
            return self.workers[0]
        return self.rng.choice(self.workers)

    # ------------------------------------------------------------ writing

    def write(self, planned: list[_Order]) -> int:
        """Insert the planned orders with numbers reserved in a block per year, then their
        parts and timelines; returns how many orders were written."""
        planned.sort(key=lambda o: o.values["created_at"])
        by_year: dict[int, list[_Order]] = {}
        for order in planned:
            year = timezone.localtime(order.values["created_at"], self.tz).year
            by_year.setdefault(year, []).append(order)
        for year, orders in sorted(by_year.items()):
            first = _reserve_numbers(self.school, year, len(orders))
            for i, order in enumerate(orders):
                order.values["number"] = format_number(WorkOrder.number_prefix, year, first + i)
        objs = [WorkOrder(**o.values) for o in planned]
        WorkOrder.objects.bulk_create(objs, batch_size=BULK_BATCH)
        if objs and objs[0].pk is None:  # a backend that returns no ids
            pks = dict(
                WorkOrder.objects.filter(school=self.school).values_list("number", "pk")
            )
            for obj in objs:
                obj.pk = pks[obj.number]
        # created_at is auto_now_add: put the report times back; updated_at is the last move.
        for obj, order in zip(objs, planned, strict=True):
            obj.created_at = order.values["created_at"]
        WorkOrder.objects.bulk_update(objs, ["created_at"], batch_size=BULK_BATCH)
        first_pk = min(o.pk for o in objs) if objs else 0
        WorkOrder.objects.filter(school=self.school, pk__gte=first_pk).update(
            updated_at=Coalesce(
                "closed_at", "confirmed_at", "done_at", "hold_started_at", "started_at",
                "responded_at", "created_at",
            )
        )

        parts = [
            PartUsage(school_id=self.school.pk, order=obj, **part)
            for obj, order in zip(objs, planned, strict=True)
            for part in order.parts
        ]
        PartUsage.objects.bulk_create(parts, batch_size=BULK_BATCH)
        if parts:
            PartUsage.objects.filter(school=self.school, order_id__gte=first_pk).update(
                created_at=Subquery(
                    WorkOrder.objects.filter(pk=OuterRef("order_id")).values("done_at")[:1]
                ),
                updated_at=Subquery(
                    WorkOrder.objects.filter(pk=OuterRef("order_id")).values("done_at")[:1]
                ),
            )
        self._write_timelines(objs, planned, first_pk)
        return len(objs)

    def _write_timelines(self, objs, planned, first_pk):
        content_type = ContentType.objects.get_for_model(WorkOrder)
        entries = [
            TimelineEntry(
                school_id=self.school.pk,
                content_type=content_type,
                object_id=obj.pk,
                kind=TimelineEntry.Kind.STATE_CHANGE,
                actor=event["by"],
                text=str(event["text"]),
                from_state=event.get("from", ""),
                to_state=event["to"],
                data=event.get("data", {}),
            )
            for obj, order in zip(objs, planned, strict=True)
            for _when, event in order.events
        ]
        TimelineEntry.objects.bulk_create(entries, batch_size=BULK_BATCH)
        # Each entry takes the time of its state from the order (auto_now_add set "now").
        moments = {
            Status.SUBMITTED: "created_at",
            Status.ASSIGNED: "assigned_at",
            Status.IN_PROGRESS: "started_at",
            Status.ON_HOLD: "hold_started_at",
            Status.DONE: "done_at",
            Status.CONFIRMED: "confirmed_at",
            Status.CLOSED: "closed_at",
            Status.REJECTED: "closed_at",
            Status.CANCELLED: "closed_at",
        }
        ours = TimelineEntry.objects.filter(
            school=self.school, content_type=content_type, object_id__gte=first_pk
        )
        for state, moment in moments.items():
            when = Subquery(
                WorkOrder.objects.filter(pk=OuterRef("object_id")).values(moment)[:1]
            )
            ours.filter(to_state=state).update(created_at=when, updated_at=when)


def current_and_previous_term(school, today):
    """The term ``today`` lies in (else the latest started) and the one before it."""
    terms = list(Term.objects.filter(school=school).order_by("-start_date"))
    current = next((t for t in terms if t.start_date <= today <= t.end_date), None)
    if current is None:
        current = next((t for t in terms if t.start_date <= today), None)
    if current is None:
        return None, None
    previous = next((t for t in terms if t.start_date < current.start_date), None)
    return current, previous


def build_history(school, categories, *, now=None) -> int:
    """A realistic past for ``school``: the current term up to ``now`` and the term before
    (see the module docstring). Returns how many orders were made."""
    now = now or timezone.now()
    history = _History(school, categories, now=now, rng=random.Random(HISTORY_SEED))
    today = timezone.localtime(now, history.tz).date()
    current, previous = current_and_previous_term(school, today)
    if current is None or not history.requesters:
        return 0
    planned = []
    if previous is not None:
        planned += history.plan_term(previous.start_date, previous.end_date, PREVIOUS_TERM_ORDERS)
    planned += history.plan_term(current.start_date, current.end_date, CURRENT_TERM_ORDERS)
    return history.write(planned)


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
        # The past first, so the numbers of the live orders below follow its block.
        build_history(school, categories, now=now)
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
        # Preventive maintenance: the office AC plan of each term, and a monthly power check.
        from .demo_plans import build_plans

        build_plans(school)

"""Demo records: hazards (隐患) and their closed loop, across the current term of the demo
school — in every state: closed by their owner and verified by an inspector, rectified through
a work order the worker finished and the director verified, one failed verification, waiting
for verification, being rectified (some overdue, one major), reported (from the staff phone
form and from the public QR form, one left unassigned too long), and one cancelled.

Written through the services (numbers, timelines, notifications are real), then each hazard's
dates are moved back to when it was found. Idempotent: a school with hazards is left alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from houqin.core.models import TimelineEntry
from houqin.maintenance import services as maintenance
from houqin.org.models import Membership, Room
from houqin.org.terms import school_tz, term_on

from . import services_hazards as hz
from .models.hazards import Hazard, HazardLevel, HazardSource

GENERAL, MAJOR = HazardLevel.GENERAL, HazardLevel.MAJOR


@dataclass(frozen=True)
class Story:
    title: str
    description: str
    end: str  # closed, closed_wo, failed_closed, failed, to_verify, rectifying, overdue,
    #           reported, stale, public, cancelled
    days_ago: int  # when it was found
    level: str = GENERAL
    source: str = HazardSource.INSPECTION


STORIES = (
    Story("灭火器压力不足", "三楼东侧走廊灭火器压力表指针在红区", "closed", 80),
    Story("安全出口指示灯不亮", "一楼西侧安全出口指示灯损坏", "closed_wo", 74),
    Story(
        "楼梯扶手松动", "二至三楼楼梯扶手固定螺丝脱落", "closed_wo", 66, source=HazardSource.REPORT
    ),
    Story("实验室通风橱故障", "化学实验室2号通风橱风机不转", "failed_closed", 58),
    Story("消防通道堆放杂物", "体育馆后门消防通道堆放废旧桌椅", "closed", 52),
    Story("配电箱未上锁", "食堂后侧配电箱门未上锁，有触电风险", "closed", 45),
    Story(
        "教学楼外墙瓷砖空鼓", "教学楼北立面四层外墙瓷砖空鼓，有坠落风险", "overdue", 40, level=MAJOR
    ),
    Story("操场围栏破损", "操场东侧围栏有一段铁丝网破损", "failed", 33),
    Story("应急照明灯不亮", "宿舍楼二楼应急照明灯测试不亮", "to_verify", 26),
    Story(
        "插座面板破裂", "高二(3)班讲台下插座面板破裂", "to_verify", 21, source=HazardSource.REPORT
    ),
    Story("窗户限位器缺失", "四楼教室窗户限位器缺失，学生可探身", "overdue", 18),
    Story("消防栓箱门无法打开", "图书馆一楼消防栓箱门锈死", "rectifying", 12),
    Story(
        "地面湿滑无警示",
        "食堂入口地面湿滑，未设警示牌",
        "rectifying",
        8,
        source=HazardSource.REPORT,
    ),
    Story(
        "电动车违规充电", "车棚内有教职工电动车私拉电线充电", "stale", 5, source=HazardSource.REPORT
    ),
    Story("篮球架底座松动", "篮球场3号篮球架底座螺栓松动", "public", 2, source=HazardSource.PUBLIC),
    Story("疑似墙体裂缝", "美术室墙面有细纹，经查为粉刷层裂纹", "cancelled", 30),
    Story("走廊灯罩脱落", "行政楼三楼走廊灯罩松脱", "reported", 1, source=HazardSource.REPORT),
)


def build(schools) -> None:
    schools = schools.values() if isinstance(schools, dict) else schools
    for school in schools:
        build_school(school)


def _holder(school, role):
    membership = (
        Membership.objects.filter(
            school=school, is_active=True, roles__role=role, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def build_school(school, *, today=None) -> int:
    if Hazard.objects.filter(school=school).exists():
        return 0
    people = {
        role: _holder(school, role)
        for role in ("director", "clerk", "worker", "inspector", "dept_head", "guard",
                     "teacher", "staff", "principal")
    }  # fmt: skip
    director, inspector = people["director"], people["inspector"] or people["clerk"]
    worker = people["worker"]
    reporter = people["staff"] or people["guard"] or director
    if director is None or inspector is None or worker is None:
        return 0
    rooms = list(Room.objects.filter(school=school, is_active=True).order_by("pk")[:40])
    if not rooms:
        return 0
    today = today or timezone.localdate()
    term = term_on(school, today)
    # Keep every story inside the term that has started (the compliance page reads by term).
    span = (today - term.start_date).days if term and term.start_date <= today else 90
    owners = [u for u in (people["dept_head"], people["clerk"], director) if u is not None]
    category = maintenance.ensure_categories(school)[0]
    with transaction.atomic():
        for i, story in enumerate(STORIES):
            days_ago = min(story.days_ago, max(span, 1))
            found_by = people["guard"] if story.source == HazardSource.INSPECTION else reporter
            hazard = _tell_story(
                school,
                story,
                room=rooms[(i * 7) % len(rooms)],
                by=found_by or director,
                director=director,
                inspector=inspector,
                worker=worker,
                owner=owners[i % len(owners)],
                category=category,
            )
            _move_back(hazard, days_ago, story, tz=school_tz(school))
    return len(STORIES)


def _tell_story(school, story, *, room, by, director, inspector, worker, owner, category):
    public = story.end == "public"
    hazard = hz.report_hazard(
        school=school,
        by=None if public else by,
        title=story.title,
        description=story.description,
        level=story.level,
        room=room,
        source=story.source,
        reporter_name="刘家长" if public else "",
        reporter_phone="13957400001" if public else "",
    )
    if story.end in ("public", "reported", "stale"):
        return hazard
    if story.end == "cancelled":
        hz.cancel(hazard, by=director, reason="经查为粉刷层裂纹，非结构问题，不属于隐患")
        return hazard
    through_order = story.end == "closed_wo"
    hz.assign(
        hazard,
        by=director,
        owner=director if through_order else owner,
        deadline=timezone.localdate() + timedelta(days=14 if story.level == MAJOR else 7),
        control_measures="设置警示标志，划定隔离区域" if story.level == MAJOR else "张贴警示提示",
    )
    if story.end in ("rectifying", "overdue"):
        return hazard
    if through_order:
        order = hz.create_work_order(hazard, by=director, category=category)
        maintenance.assign(order, by=director, worker=worker)
        maintenance.start(order, by=worker)
        maintenance.finish(order, by=worker, labour_minutes=45, note="已更换并测试正常")
        hz.verify(Hazard.objects.get(pk=hazard.pk), by=director, note="现场复查，整改到位")
        return hazard
    fixer = hazard.owner
    hz.rectify(hazard, by=fixer, note="已按要求整改完毕")
    if story.end == "to_verify":
        return hazard
    verifier = inspector if inspector.pk != fixer.pk else director
    if story.end in ("failed", "failed_closed"):
        hz.fail_verification(hazard, by=verifier, reason="复查仍未达标，请彻底整改")
        if story.end == "failed":
            return hazard
        hz.rectify(hazard, by=fixer, note="已更换风机并复测")
    hz.verify(hazard, by=verifier, note="复查合格，同意销号")
    return hazard


def _move_back(hazard, days_ago: int, story, *, tz) -> None:
    """Move the hazard's times (and its timeline) back to when it was found; the deadline
    follows, so overdue stories are overdue."""
    hazard = Hazard.objects.get(pk=hazard.pk)
    found = datetime.combine(
        timezone.localdate() - timedelta(days=days_ago), time(9, 30), tzinfo=tz
    )
    delta = timezone.now() - found
    changes = {"found_at": found, "created_at": F("created_at") - delta}
    for name in ("assigned_at", "fixed_at", "verified_at", "closed_at"):
        if getattr(hazard, name):
            changes[name] = F(name) - delta + timedelta(days=_spread(name, days_ago))
    if hazard.deadline:
        if story.end == "overdue":
            changes["deadline"] = timezone.localdate() - timedelta(days=3)
        elif story.end == "rectifying":
            changes["deadline"] = timezone.localdate() + timedelta(days=5)
        else:
            changes["deadline"] = found.date() + timedelta(days=7)
    Hazard.objects.filter(pk=hazard.pk).update(**changes)
    TimelineEntry.objects.filter(
        school_id=hazard.school_id,
        object_id=hazard.pk,
        content_type__app_label="safety",
        content_type__model="hazard",
    ).update(created_at=F("created_at") - delta)


def _spread(name: str, days_ago: int) -> int:
    """Days after finding that each step happened (never in the future)."""
    wanted = {"assigned_at": 0, "fixed_at": 3, "verified_at": 4, "closed_at": 4}[name]
    return min(wanted, max(days_ago - 1, 0))

"""Demo budgets and purchase requests (called by the app's demo.build, after the stores' demo).

For the demo middle school (东湖中学): five budget categories, a year's budgets for eight
departments, and about sixty requests through every path — drafts, waiting, returned for
changes, approved (some with three quotes and a chosen vendor), rejected and cancelled; one
over its budget approved by the principal, one above ¥50,000 decided collectively (三重一大)
with the meeting recorded. Everything goes through the services as the demo people, so the
approval trail, timeline and numbers are real. Approved requests are left for the orders
demo to buy. The small primary school gets its categories and budgets only.

Idempotent: budgets by their natural key; requests only when the school has none yet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .models import Budget, BudgetCategory, LineKind, PurchaseRequest

SEED = 20260501
CATEGORIES = [
    ("OFF", "办公用品"),
    ("TEA", "教学耗材"),
    ("EQP", "设备购置"),
    ("REP", "维修维护"),
    ("BOK", "图书资料"),
]
# Department code → yearly budget per category code (¥).
BUDGETS = {
    "ADM": {"OFF": 30000, "TEA": 0, "EQP": 20000, "REP": 10000, "BOK": 5000},
    "ACA": {"OFF": 40000, "TEA": 60000, "EQP": 80000, "REP": 15000, "BOK": 30000},
    "MOR": {"OFF": 15000, "TEA": 10000, "EQP": 10000, "REP": 5000, "BOK": 8000},
    "LOG": {"OFF": 20000, "TEA": 0, "EQP": 150000, "REP": 200000, "BOK": 2000},
    "CHI": {"OFF": 6000, "TEA": 12000, "EQP": 8000, "REP": 2000, "BOK": 20000},
    "MAT": {"OFF": 6000, "TEA": 10000, "EQP": 8000, "REP": 2000, "BOK": 12000},
    "SCI": {"OFF": 6000, "TEA": 40000, "EQP": 120000, "REP": 8000, "BOK": 10000},
    "ART": {"OFF": 4000, "TEA": 15000, "EQP": 3000, "REP": 5000, "BOK": 3000},
}
VENDORS = [
    "宁波市文汇文具批发有限公司",
    "浙江育才教学装备有限公司",
    "宁波智诚数码科技有限公司",
    "鄞州区恒达办公设备商行",
    "宁波新华书店有限公司",
]

# (department, category, title, reason, [(description, kind, quantity, unit, price)])
TEMPLATES = [
    ("ACA", "OFF", "期中考试用纸", "期中考试试卷印制", [("A4复印纸", "paper", 40, "箱", 125)]),
    ("ACA", "TEA", "答题卡与考试用品", "统一考试", [("答题卡", "service", 3000, "张", 0.35)]),
    ("ACA", "EQP", "教室多媒体一体机", "初一新教室", [("86寸触控一体机", "asset", 2, "台", 9800)]),
    ("ACA", "BOK", "教学参考书", "备课需要", [("各科教参", "service", 60, "册", 45)]),
    ("MOR", "OFF", "德育活动用品", "主题班会", [("彩色卡纸", "service", 50, "包", 18)]),
    ("MOR", "TEA", "心理辅导室沙盘", "心理健康教育", [("心理沙盘套装", "asset", 1, "套", 4600)]),
    ("MOR", "REP", "广播系统检修", "升旗广播杂音", [("广播系统检修", "service", 1, "项", 3200)]),
    ("ADM", "OFF", "办公室文具", "日常办公", [("签字笔", "stock", 20, "盒", 24), ("文件夹", "stock", 30, "个", 6)]),
    ("ADM", "EQP", "会议室投影仪", "原投影仪损坏", [("激光投影仪", "asset", 1, "台", 6800)]),
    ("LOG", "REP", "教学楼外墙维修", "外墙瓷砖脱落", [("外墙修缮工程", "service", 1, "项", 46000)]),
    ("LOG", "EQP", "食堂冷柜更新", "旧冷柜制冷不足", [("双门冷藏柜", "asset", 2, "台", 5200)]),
    ("LOG", "OFF", "清洁用品", "卫生保洁", [("垃圾袋", "stock", 40, "卷", 9), ("洗手液", "stock", 30, "瓶", 16)]),
    ("CHI", "BOK", "班级图书角", "整本书阅读", [("名著阅读书目", "service", 200, "册", 28)]),
    ("CHI", "TEA", "作文稿纸", "作文训练", [("作文稿纸", "service", 100, "本", 3.5)]),
    ("MAT", "TEA", "几何教具", "公开课", [("磁性几何教具", "service", 6, "套", 260)]),
    ("MAT", "BOK", "竞赛辅导用书", "数学竞赛", [("竞赛教程", "service", 40, "册", 38)]),
    ("SCI", "TEA", "实验耗材", "分组实验", [("烧杯 500ml", "service", 60, "个", 12.5), ("酒精灯", "service", 40, "个", 8)]),
    ("SCI", "EQP", "显微镜", "生物实验", [("双目显微镜", "asset", 10, "台", 1350)]),
    ("ART", "TEA", "体育器材", "体育课", [("篮球", "service", 30, "个", 120), ("跳绳", "service", 60, "根", 15)]),
    ("ART", "REP", "钢琴调律", "音乐教室", [("钢琴调律", "service", 4, "台", 300)]),
]  # fmt: skip

# How many requests end where (about sixty in all).
PATHS = (
    ["draft"] * 8
    + ["submitted"] * 9
    + ["returned"] * 5
    + ["approved"] * 24
    + ["rejected"] * 5
    + ["cancelled"] * 4
    + ["resubmitted_approved"] * 3
)


@dataclass
class Cast:
    """Who plays which part in the demo school."""

    school: object
    director: object
    principal: object
    clerk: object
    departments: dict = field(default_factory=dict)  # code → Department
    requesters: dict = field(default_factory=dict)  # code → [users]
    categories: dict = field(default_factory=dict)  # code → BudgetCategory
    vendors: list = field(default_factory=list)
    items: list = field(default_factory=list)


def _user(username):
    from houqin.org.models import User

    return User.objects.filter(username=username).first()


def ensure_categories(school) -> dict:
    out = {}
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        category, _created = BudgetCategory.objects.get_or_create(
            school=school, name=name, defaults={"code": code, "sort_order": order}
        )
        out[code] = category
    return out


def ensure_budgets(school, categories, departments, year) -> int:
    """The year's budgets (``BUDGETS``) for the departments the school has; returns how many."""
    count = 0
    for dept_code, amounts in BUDGETS.items():
        department = departments.get(dept_code)
        if department is None:
            continue
        for cat_code, amount in amounts.items():
            if not amount:
                continue
            Budget.objects.get_or_create(
                school=school,
                year=year,
                department=department,
                category=categories[cat_code],
                defaults={"amount": Decimal(amount)},
            )
            count += 1
    return count


def _departments(school) -> dict:
    from houqin.org.models import Department

    return {d.code: d for d in Department.objects.filter(school=school).exclude(code="")}


def _cast(school, year) -> Cast | None:
    from houqin.org.models import Company, Membership

    director, principal, clerk = _user("director"), _user("principal"), _user("clerk")
    if not all((director, principal, clerk)):
        return None
    cast = Cast(school=school, director=director, principal=principal, clerk=clerk)
    cast.departments = _departments(school)
    cast.categories = ensure_categories(school)
    for code, department in cast.departments.items():
        members = (
            Membership.objects.filter(school=school, department=department, is_active=True)
            .exclude(user_id=department.head_id)
            .select_related("user")
            .order_by("pk")
        )
        cast.requesters[code] = [m.user for m in members[:4]]
    cast.requesters["LOG"] = [clerk]  # the director heads logistics: the clerk asks
    for name in VENDORS:
        vendor, _created = Company.objects.get_or_create(school=school, name=name)
        cast.vendors.append(vendor)
    from houqin.stores.models import Item

    cast.items = list(Item.objects.filter(school=school, is_active=True).order_by("code")[:40])
    return cast


def _lines(cast: Cast, spec, rng: random.Random, scale: Decimal) -> list[dict]:
    lines = []
    for description, kind, quantity, unit, price in spec:
        line = {
            "description": description,
            "quantity": Decimal(quantity),
            "unit": unit,
            "estimated_price": (Decimal(str(price)) * scale).quantize(Decimal("0.01")),
        }
        if kind in ("paper", "stock"):
            item = _item_for(cast, description, rng)
            if item is None:
                line["kind"] = LineKind.SERVICE  # no catalogue yet: bought as a plain line
            else:
                line.update(item=item, kind=LineKind.STOCK, description="", unit="")
        elif kind == "asset":
            category = _asset_category(cast.school, description)
            line["kind"] = LineKind.ASSET if category else LineKind.SERVICE
            line["asset_category"] = category
        else:
            line["kind"] = LineKind.SERVICE
        lines.append(line)
    return lines


def _item_for(cast: Cast, description: str, rng: random.Random):
    if not cast.items:
        return None
    named = [i for i in cast.items if description[:2] in i.name]
    return named[0] if named else rng.choice(cast.items)


# Asset lines by a word of their description → a word of the asset category's name.
_ASSET_WORDS = {"一体机": "计算机", "投影": "投影", "显微镜": "仪器", "冷": "制冷", "沙盘": "教学"}


def _asset_category(school, description):
    """A leaf category that fits (the assets demo sets the standard ones up), else None."""
    from houqin.assets.models import AssetCategory

    leaves = AssetCategory.objects.filter(school=school, children__isnull=True)
    for word, name in _ASSET_WORDS.items():
        if word in description:
            found = leaves.filter(name__contains=name).order_by("code").first()
            if found is not None:
                return found
    return leaves.order_by("code").first()


def _approve_all(cast: Cast, request, *, meeting_note="") -> None:
    """Every step in turn, each by whoever holds it (the flow says who)."""
    from houqin.core import approvals

    for _step in range(6):
        flow = approvals.flow_for(request)
        if flow is None or not flow.is_pending:
            return
        entry = flow.current
        if entry["kind"] == "department_head":
            who = _user_by_pk(entry["approver_id"])
        else:
            who = {"director": cast.director, "principal": cast.principal}.get(entry["role"])
        note = meeting_note if entry.get("collective_decision") else ""
        approvals.approve(request, by=who, meeting_note=note, comment="同意")


def _user_by_pk(pk):
    from houqin.org.models import User

    return User.objects.get(pk=pk)


def _first_decider(cast: Cast, request):
    from houqin.core import approvals

    entry = approvals.flow_for(request).current
    if entry["kind"] == "department_head":
        return _user_by_pk(entry["approver_id"])
    return {"director": cast.director, "principal": cast.principal}[entry["role"]]


def _quotes(cast: Cast, request, rng: random.Random, today: date) -> None:
    from . import services_requests as services

    needed = services.quotes_needed(request)
    if not needed:
        return
    quotes = []
    for vendor in rng.sample(cast.vendors, needed):
        factor = Decimal(rng.randint(92, 106)) / 100
        quotes.append(
            services.add_quote(
                request,
                by=cast.clerk,
                vendor=vendor,
                amount=(request.estimated_total * factor).quantize(Decimal("0.01")),
                quoted_on=today - timedelta(days=rng.randint(1, 10)),
                note="含税含运费",
            )
        )
    cheapest = min(quotes, key=lambda q: q.amount)
    if rng.random() < 0.25:
        dearer = max(quotes, key=lambda q: q.amount)
        services.choose_quote(request, by=cast.clerk, quote=dearer, reason="质保期更长，售后本地化")
    else:
        services.choose_quote(request, by=cast.clerk, quote=cheapest)


def build_requests(cast: Cast, *, today: date) -> int:
    """About sixty requests through every path; returns how many."""
    from houqin.core import approvals

    from . import services_requests as services

    rng = random.Random(SEED)
    year = today.year
    made = 0
    templates = [t for t in TEMPLATES if cast.requesters.get(t[0])]
    if not templates:
        return 0

    def make(template, *, scale=Decimal("1"), title=None):
        dept_code, cat_code, default_title, reason, spec = template
        requester = rng.choice(cast.requesters[dept_code])
        return services.create_request(
            by=requester,
            school=cast.school,
            department=cast.departments[dept_code],
            title=title or default_title,
            reason=reason,
            needed_by=date(year, rng.randint(1, 12), rng.randint(1, 28)),
            budget_category=cast.categories[cat_code],
            lines=_lines(cast, spec, rng, scale),
        )

    for n, path in enumerate(PATHS):
        template = templates[n % len(templates)]
        scale = Decimal(rng.choice(["0.5", "0.8", "1", "1", "1.2"]))
        request = make(template, scale=scale)
        made += 1
        if path == "draft":
            continue
        if path == "cancelled":
            services.cancel(request, by=request.requested_by, reason="与其他部门合并采购")
            continue
        services.submit(request, by=request.requested_by)
        if path == "submitted":
            continue
        decider = _first_decider(cast, request)
        if path == "rejected":
            approvals.reject(request, by=decider, reason="本学期预算已安排同类物品，暂缓")
            continue
        if path in ("returned", "resubmitted_approved"):
            approvals.return_for_changes(request, by=decider, reason="请补充规格型号和用途说明")
            if path == "returned":
                continue
            request.refresh_from_db()
            lines = [
                {
                    "item": line.item,
                    "description": line.description,
                    "specification": "按教学要求",
                    "kind": line.kind,
                    "asset_category": line.asset_category,
                    "quantity": line.quantity,
                    "unit": line.unit,
                    "estimated_price": line.estimated_price,
                }
                for line in request.lines.all()
            ]
            services.update_request(request, by=request.requested_by, lines=lines)
            services.submit(request, by=request.requested_by)
        _approve_all(cast, request)
        request.refresh_from_db()
        _quotes(cast, request, rng, today)
    made += _special_paths(cast, today=today, make=make)
    return made


def _special_paths(cast: Cast, *, today: date, make) -> int:
    """The two requests every demo shows: over budget, and above ¥50,000 (三重一大)."""
    from . import services_requests as services

    rng = random.Random(SEED + 7)
    made = 0
    # 体艺组's equipment budget is ¥3,000: a ¥4,200 request needs the principal too.
    if cast.requesters.get("ART"):
        over = make(
            ("ART", "EQP", "", "田径运动会", [("电子计时器", "service", 1, "套", 4200)]),
            title="运动会电子计时设备",
        )
        services.submit(over, by=over.requested_by)
        _approve_all(cast, over)
        made += 1
    if cast.requesters.get("SCI"):
        big = make(
            ("SCI", "EQP", "", "实验室标准化建设", [("实验室通风系统改造", "service", 1, "项", 68000)]),
            title="实验室通风系统改造",
        )  # fmt: skip
        services.submit(big, by=big.requested_by)
        _approve_all(cast, big, meeting_note=f"{today.year}年第4次校长办公会集体决定（三重一大）")
        big.refresh_from_db()
        _quotes(cast, big, rng, today)
        made += 1
    return made


def build(schools) -> None:
    today = timezone.localdate()
    for code, school in schools.items():
        categories = ensure_categories(school)
        ensure_budgets(school, categories, _departments(school), today.year)
        if code != "donghu" or PurchaseRequest.objects.filter(school=school).exists():
            continue
        with transaction.atomic():
            cast = _cast(school, today.year)
            if cast is not None:
                build_requests(cast, today=today)

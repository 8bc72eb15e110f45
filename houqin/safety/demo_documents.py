"""Demo records: the seed's regulations and plans with a version each (one past its review
date), acknowledgements by most of the staff, and the current term's monthly drills — one
month missed, one evacuation slower than the target, a finding that raised a hazard — plus the
next drill planned. Idempotent: a school that has drills is left alone."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from houqin.org import terms as org_terms
from houqin.org.models import Building, Membership, Room

from . import services_documents, services_drills
from .models.documents import (
    DocumentAcknowledgement,
    Drill,
    DrillKind,
    SafetyDocument,
    SafetyDocumentKind,
)
from .status_documents import drill_intervals

SEED = "houqin-documents-demo"
OWNERS = {
    "门卫制度": "guard",
    "校园食品卫生安全制度": "canteen_manager",
    "消防安全管理制度": "director",
}
TEXT = (
    "第一条 为加强学校安全管理，保障师生生命财产安全，根据有关法律法规，结合本校实际，制定本制度。\n"
    "第二条 本制度适用于全体教职工及在校学生。\n"
    "第三条 学校安全工作领导小组负责本制度的组织实施和监督检查。\n"
    "第四条 各处室、年级组按职责分工，落实安全责任。\n"
    "第五条 本制度自发布之日起施行，由总务处负责解释。"
)


def build(schools, *, today=None) -> None:
    for school in schools.values() if isinstance(schools, dict) else schools:
        build_school(school, today=today)


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


@transaction.atomic
def build_school(school, *, today=None) -> int:
    """The school's demo documents and drills; returns the drills made (0: skipped)."""
    if Drill.objects.filter(school=school).exists():
        return 0
    director = _holder(school, "director")
    term = org_terms.term_on(school, today or timezone.localdate())
    if director is None or term is None:
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"{SEED}-{school.code}")
    _documents(school, director, term, today, rng)
    return _drills(school, director, term, today, rng)


def _documents(school, director, term, today, rng):
    services_documents.ensure_regulations(school)
    documents = list(SafetyDocument.objects.filter(school=school).order_by("pk"))
    for document in documents:
        role = OWNERS.get(document.title)
        owner = _holder(school, role) if role else None
        if owner is not None:
            document.owner = owner
            document.save(update_fields=["owner", "updated_at"])
        stale = document.title == "空调使用制度"  # its yearly review has passed
        effective = (
            today - timedelta(days=400)
            if stale
            else term.start_date - timedelta(days=rng.randint(5, 60))
        )
        services_documents.add_version(
            document, by=director, label=f"{effective:%Y}版", text=f"{document.title}\n\n{TEXT}",
            effective_date=effective,
            review_by=effective + timedelta(days=364 if not stale else 360),
        )  # fmt: skip
    staff = list(
        Membership.objects.filter(school=school, is_active=True, user__is_active=True)
        .exclude(roles__role__in=("auditor", "district_officer"))
        .values_list("user_id", flat=True)
        .distinct()
    )
    rows = []
    now = timezone.now()
    for document in documents:
        version = document.versions.get(is_current=True)
        share = 0.9 if document.kind == SafetyDocumentKind.REGULATION else 0.6
        for user_id in staff:
            if rng.random() < share:
                read_at = now - timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600))
                rows.append(DocumentAcknowledgement(
                    school=school, version=version, user_id=user_id, read_at=read_at
                ))  # fmt: skip
    DocumentAcknowledgement.objects.bulk_create(rows, ignore_conflicts=True)


def _drills(school, director, term, today, rng):
    plan = SafetyDocument.objects.filter(school=school, title="校园安全紧急预案").first()
    buildings = list(Building.objects.filter(school=school).order_by("pk")[:3])
    rooms = list(Room.objects.filter(school=school, is_active=True).order_by("pk")[:5])
    intervals = [iv for iv in drill_intervals(term.start_date, term.end_date, 1) if iv[1] < today]
    made = 0
    skip = 1 if len(intervals) > 2 else None  # the second month: no drill (missed)
    slow = len(intervals) - 1 if len(intervals) > 1 else None
    for n, (first, last) in enumerate(intervals):
        if n == skip:
            continue
        day = first + timedelta(days=min(rng.randint(7, 20), (last - first).days))
        kind = DrillKind.EARTHQUAKE if n % 3 == 2 else DrillKind.FIRE
        drill = services_drills.plan_drill(
            school=school, by=director, planned_date=day, kind=kind, plan=plan, organiser=director,
            title=f"{day.month}月{'地震' if kind == DrillKind.EARTHQUAKE else '消防'}应急疏散演练",
            buildings=buildings,
        )  # fmt: skip
        seconds = 158 if n == slow else rng.randint(85, 115)
        findings = []
        if n == 0 and rooms:
            findings = [("东侧楼梯转角堆放杂物，影响疏散", rooms[0], True)]
        elif n == slow:
            findings = [("部分班级未按指定路线疏散", None, False)]
        try:
            services_drills.record_drill(
                drill, by=director, done_date=day, participants=rng.randint(900, 1400),
                evacuation_seconds=seconds, notes="全体师生参加，按预案路线疏散至操场集合。",
                findings=findings,
            )  # fmt: skip
        except ImportError:  # hazards not installed: keep the drill, without the hazard
            services_drills.record_drill(
                drill, by=director, done_date=day, participants=1000, evacuation_seconds=seconds,
                findings=[(d, r, False) for d, r, _raise in findings],
            )  # fmt: skip
        made += 1
    upcoming = max(today + timedelta(days=7), term.start_date)
    if upcoming <= term.end_date:
        services_drills.plan_drill(
            school=school, by=director, planned_date=upcoming, kind=DrillKind.FIRE, plan=plan,
            organiser=director, title=f"{upcoming.month}月消防应急疏散演练", buildings=buildings,
        )  # fmt: skip
        made += 1
    return made

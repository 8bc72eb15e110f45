"""Demo requisitions (called by the app's demo.build, after the catalogue's demo): per school
a year of requisitions from several departments in every state (draft, returned and changed,
waiting, rejected, cancelled, approved, partly issued, issued, received — by hand and
automatically — and closed), written through the services and the approval engine so the
issues are real ledger rows; then their dates are spread over the past year. Paper is left
out, so the catalogue's paper plan (and the consumption report checked against it) stays as
it is. One quota for the current term. Idempotent: a school with requisitions is left alone.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from houqin.core import approvals
from houqin.org.models import Department, Membership

from . import services_requisitions as reqs
from .models import StockBalance, Store
from .models.requisitions import Requisition, RequisitionQuota

SEED = 20260301
# The story of each requisition, in order; repeated over the year (older ones end received).
PLAN = [
    "received", "received", "received", "auto", "received", "closed", "received", "rejected",
    "received", "received", "cancelled", "received", "received", "returned", "received",
    "received", "partial_closed", "received", "received", "auto", "received", "issued",
    "partial", "approved", "approved", "pending", "pending", "draft",
]  # fmt: skip
PURPOSES = ["教研活动", "期中考试", "办公日常", "运动会", "家长会", "卫生大扫除", "公开课", "新学期准备"]


def build(schools) -> None:
    for school in schools.values() if isinstance(schools, dict) else schools:
        build_school(school)


def _people(school):
    """Department → (staff members who may ask for it) for departments that have members."""
    members = (
        Membership.objects.filter(school=school, is_active=True, department__isnull=False)
        .select_related("user", "department")
        .order_by("pk")
    )
    out: dict[int, list] = {}
    for membership in members:
        if membership.user_id != membership.department.head_id:
            out.setdefault(membership.department_id, []).append(membership.user)
    return out


def _holder(school, role):
    membership = (
        Membership.objects.filter(school=school, is_active=True, roles__role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _decide(requisition, how: str, reason: str = "") -> None:
    flow = approvals.flow_for(requisition)
    ids = sorted(approvals.approver_ids(flow))
    by = get_user_model().objects.get(pk=ids[0])
    if how == "approve":
        approvals.approve(flow, by=by, comment="同意")
    elif how == "reject":
        approvals.reject(flow, by=by, reason=reason or "本学期已领过")
    else:
        approvals.return_for_changes(flow, by=by, reason=reason or "数量请减半")


@transaction.atomic
def build_school(school, *, today=None) -> int:
    """Returns how many requisitions were made (0: skipped)."""
    if Requisition.objects.filter(school=school).exists():
        return 0
    keeper = _holder(school, "keeper")
    store = Store.objects.filter(school=school, is_default=True).first()
    people = _people(school)
    if keeper is None or store is None or not people:
        return 0
    balances = list(
        StockBalance.objects.filter(store=store, quantity__gte=30, item__is_active=True)
        .exclude(item__sheets_per_unit__isnull=False)
        .select_related("item")
        .order_by("item__code")
    )
    if len(balances) < 3:
        return 0
    rng = random.Random(f"{SEED}-{school.code}")
    departments = {d.pk: d for d in Department.objects.filter(pk__in=list(people))}
    department_ids = sorted(people)
    now = timezone.now()
    made = []
    for n, story in enumerate(PLAN):
        department = departments[department_ids[n % len(department_ids)]]
        asker = people[department.pk][n % len(people[department.pk])]
        picks = rng.sample(balances, k=min(len(balances), rng.randint(1, 3)))
        lines = [(b.item, Decimal(rng.randint(1, 4))) for b in picks]
        requisition = reqs.create(
            by=asker, department=department, purpose=rng.choice(PURPOSES), lines=lines,
            store=store, submit_now=story != "draft",
        )  # fmt: skip
        _play(requisition, story, keeper, asker, lines)
        made.append(requisition)
    _spread(made, now)
    _quota(school, departments[department_ids[0]], balances[0].item, today)
    return len(made)


def _issue_all(requisition, keeper):
    reqs.issue(requisition, {line.pk: line.outstanding for line in requisition.lines.all()}, by=keeper)


def _play(requisition, story, keeper, asker, lines) -> None:
    if story in ("draft", "pending"):
        return
    if story == "rejected":
        return _decide(requisition, "reject")
    if story == "cancelled":
        _decide(requisition, "return", "请说明用途")
        return reqs.cancel(requisition, by=asker, reason="不需要了")
    if story == "returned":
        _decide(requisition, "return")
        reqs.update(requisition, by=asker, lines=[(item, max(Decimal(1), q / 2)) for item, q in lines])
        reqs.submit(requisition, by=asker)
    _decide(requisition, "approve")
    if story == "approved":
        return
    if story == "closed":
        return reqs.close_rest(requisition, by=keeper, reason="已停产，改领其他型号")
    if story in ("partial", "partial_closed"):
        first = requisition.lines.order_by("pk").first()
        reqs.issue(requisition, {first.pk: Decimal(1)}, by=keeper)
        if story == "partial_closed" and requisition.lines.filter(issued__lt=F("quantity")).exists():
            reqs.close_rest(requisition, by=keeper, reason="库存不足，下月再领")
        return
    _issue_all(requisition, keeper)
    if story in ("received", "returned"):
        reqs.confirm(requisition, by=asker)
    elif story == "auto":
        reqs.auto_confirm(now=timezone.now() + timedelta(days=reqs.AUTO_CONFIRM_DAYS + 1))


def _spread(made, now) -> None:
    """Spread the requisitions over the past year, oldest first (the engine stamped them now)."""
    total = len(made)
    for n, requisition in enumerate(made):
        start = now - timedelta(days=int(360 * (total - n) / total))
        fields = {"created_at": start}
        requisition.refresh_from_db()
        for offset, name in enumerate(("submitted_at", "approved_at", "issued_at", "received_at")):
            if getattr(requisition, name) is not None:
                fields[name] = start + timedelta(days=offset, hours=2)
        Requisition.objects.filter(pk=requisition.pk).update(**fields)


def _quota(school, department, item, today) -> None:
    term = reqs.term_for(school.pk, today or timezone.localdate())
    if term is None:
        return
    RequisitionQuota.objects.get_or_create(
        school=school, department=department, term=term, item=item,
        defaults={"quantity": Decimal(200), "note": "每学期限额"},
    )  # fmt: skip

"""Demo stock counts (called by the app's demo.build, after the catalogue's demo): per school
one count approved and applied (a few items found more or fewer than the ledger said) and one
still being counted. Written through the services and the approval engine, so the adjustments
are real ledger rows. Idempotent: a school that has counts is left alone."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from houqin.core import approvals
from houqin.org.models import Membership

from . import services_counts as counts
from .models import ItemCategory, StockBalance, Store
from .models.counts import StockCount


def build(schools) -> None:
    for school in schools.values() if isinstance(schools, dict) else schools:
        build_school(school)


def _holder(school, role):
    membership = (
        Membership.objects.filter(school=school, is_active=True, roles__role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _approve_all(document) -> None:
    """Let whoever holds each step approve it (the demo has one per role)."""
    users = get_user_model().objects
    for _step in range(5):
        flow = approvals.flow_for(document)
        if flow is None or not flow.is_pending:
            return
        ids = sorted(approvals.approver_ids(flow))
        if not ids:
            return
        approvals.approve(flow, by=users.get(pk=ids[0]), comment="同意")


def _categories(school, names):
    return list(ItemCategory.objects.filter(school=school, name__in=names))


@transaction.atomic
def build_school(school) -> int:
    """Returns how many counts were made (0: skipped)."""
    if StockCount.objects.filter(school=school).exists():
        return 0
    keeper = _holder(school, "keeper")
    main = Store.objects.filter(school=school, is_default=True).first()
    if keeper is None or main is None or not StockBalance.objects.filter(store=main).exists():
        return 0
    made = 0
    # An applied count of the cleaning supplies: two items short, one over.
    cleaning = _categories(school, ["清洁用品"]) or list(
        ItemCategory.objects.filter(school=school).order_by("pk")[:1]
    )
    count = counts.start(store=main, by=keeper, categories=cleaning, note="学期末清洁用品盘点")
    lines = list(count.lines.order_by("item__code"))
    found = {}
    for n, line in enumerate(lines):
        value = line.expected
        if n in (1, 4) and value >= 2:
            value -= 1 if n == 1 else 2
        elif n == 6:
            value += 1
        found[line.pk] = value
    counts.record_counts(count, found, by=keeper)
    counts.submit(count, by=keeper)
    _approve_all(count)
    made += 1
    # A count still being counted: the protective supplies, half of them entered.
    target = Store.objects.filter(school=school, name="文印室").first()
    if target is None or not StockBalance.objects.filter(store=target).exists():
        target = main
    labour = _categories(school, ["劳保用品"]) if target == main else []
    if StockCount.objects.filter(store=target, status__in=["counting", "pending"]).exists():
        return made
    count = counts.start(store=target, by=keeper, categories=labour, note="月度抽盘")
    lines = list(count.lines.order_by("item__code"))
    counts.record_counts(
        count,
        {line.pk: line.expected for line in lines[: max(1, len(lines) // 2)]},
        by=keeper,
    )
    return made + 1



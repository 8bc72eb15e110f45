"""The demo: a year of requisitions in every state and two stock counts, on top of the
catalogue's demo; building it twice changes nothing."""

import pytest

from houqin.org.demo import build_demo
from houqin.stores import demo_catalogue, demo_counts, demo_requisitions, ledger
from houqin.stores.models import MoveKind, StockMove
from houqin.stores.models.counts import StockCount, StockCountStatus
from houqin.stores.models.requisitions import Requisition, RequisitionQuota, RequisitionStatus


@pytest.mark.django_db
def test_demo_requisitions_and_counts_cover_every_state_and_are_idempotent():
    schools = build_demo()
    demo_catalogue.build(schools)
    demo_counts.build(schools)
    demo_requisitions.build(schools)
    school = schools["donghu"]

    requisitions = Requisition.objects.filter(school=school)
    states = set(requisitions.values_list("status", flat=True))
    assert states == set(RequisitionStatus.values)
    assert requisitions.values("department").distinct().count() >= 3
    assert requisitions.filter(confirmed_automatically=True).exists()
    assert RequisitionQuota.objects.filter(school=school).exists()
    # Their dates spread over the past year.
    first, last = (
        requisitions.order_by("created_at").values_list("created_at", flat=True).first(),
        requisitions.order_by("-created_at").values_list("created_at", flat=True).first(),
    )
    assert (last - first).days >= 300
    issued = StockMove.objects.filter(school=school, document_type="stores.requisition")
    assert issued.exists()
    assert not issued.filter(item__sheets_per_unit__isnull=False).exists()  # paper left alone

    counts = StockCount.objects.filter(school=school)
    assert set(counts.values_list("status", flat=True)) == {
        StockCountStatus.APPLIED,
        StockCountStatus.COUNTING,
    }
    applied = counts.get(status=StockCountStatus.APPLIED)
    adjustments = StockMove.objects.filter(kind=MoveKind.ADJUSTMENT, document_id=applied.pk)
    assert adjustments.count() >= 2
    for move in adjustments:
        assert ledger.derived_balance(move.item, move.store)[0] == ledger.on_hand(
            move.item, move.store
        )

    before = (Requisition.objects.count(), StockCount.objects.count(), StockMove.objects.count())
    demo_counts.build(schools)
    demo_requisitions.build(schools)
    assert (
        Requisition.objects.count(),
        StockCount.objects.count(),
        StockMove.objects.count(),
    ) == before

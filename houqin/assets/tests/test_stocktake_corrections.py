"""Closing a stock-take, its proposed corrections, and the approval that applies them."""

import pytest

from houqin import factories as f
from houqin.assets import services_stocktake as services
from houqin.assets.models import (
    AcquisitionMode,
    Asset,
    AssetMovement,
    AssetStatus,
    Correction,
    MovementKind,
    ScanResult,
    StockTakeItem,
    StockTakeStatus,
)
from houqin.core import approvals
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.timeline import entries_for

from .test_stocktake_support import label_url, line, make_site, scan, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return make_site()


@pytest.fixture
def counted(site):
    """Teaching building counted: pc1 in place, the projector found in 301, pc2 not found,
    the desks (outside the scope) found in 302 and an unknown label in 301."""
    stocktake = start(site, buildings=[site.teaching])
    scan(stocktake, site.pc1.number, site.r301, by=site.keeper)
    scan(stocktake, label_url(site.projector), site.r301, by=site.keeper)
    scan(stocktake, label_url(site.desks), site.r302, by=site.keeper)
    scan(stocktake, "旧标签-0042", site.r301, by=site.keeper)
    return stocktake


def closed(site, stocktake):
    services.close(stocktake, by=site.clerk)
    stocktake.refresh_from_db()
    return stocktake


def surplus_line(stocktake):
    return StockTakeItem.objects.get(stocktake=stocktake, asset__isnull=True)


def snapshot(*assets):
    return {
        a.pk: (a.room_id, a.status) for a in Asset.objects.filter(pk__in=[x.pk for x in assets])
    }


def test_closing_turns_what_was_not_found_into_missing_and_proposes_corrections(site, counted):
    closed(site, counted)

    assert counted.status == StockTakeStatus.CLOSED and counted.closed_by == site.clerk
    proposals = {(i.asset_id, i.result): i.correction for i in counted.items.all() if i.asset_id}
    assert proposals == {
        (site.pc1.pk, ScanResult.FOUND): Correction.NONE,
        (site.projector.pk, ScanResult.MOVED): Correction.MOVE,
        (site.pc2.pk, ScanResult.MISSING): Correction.MARK_LOST,
        (site.desks.pk, ScanResult.SURPLUS): Correction.MOVE,
    }
    assert surplus_line(counted).correction == Correction.NONE, "registered by hand unless told"


def test_closing_changes_nothing_on_the_register(site, counted):
    before = snapshot(site.pc1, site.pc2, site.projector, site.desks)

    closed(site, counted)

    assert snapshot(site.pc1, site.pc2, site.projector, site.desks) == before
    assert not AssetMovement.objects.exists()


def test_only_managers_close_and_only_while_counting(site, counted):
    with pytest.raises(PermissionDenied):
        services.close(counted, by=site.keeper)
    closed(site, counted)
    with pytest.raises(IllegalTransition):
        services.close(counted, by=site.clerk)


def test_corrections_are_applied_only_when_the_director_approves(site, counted):
    closed(site, counted)
    services.set_correction(
        surplus_line(counted),
        by=site.clerk,
        correction=Correction.REGISTER,
        name="实物投影仪",
        category=site.computers,
    )
    flow = services.submit(counted, by=site.clerk)
    before = snapshot(site.pc1, site.pc2, site.projector, site.desks)
    assert snapshot(site.pc1, site.pc2, site.projector, site.desks) == before, "not on submit"
    assert flow.current_role == "director"

    approvals.approve(flow, by=site.director)

    counted.refresh_from_db()
    assert counted.status == StockTakeStatus.APPLIED and counted.applied_at
    site.projector.refresh_from_db()
    site.desks.refresh_from_db()
    site.pc2.refresh_from_db()
    site.pc1.refresh_from_db()
    assert site.projector.room == site.r301
    assert site.desks.room == site.r302
    assert site.pc2.status == AssetStatus.LOST
    assert (site.pc1.room, site.pc1.status) == (site.r301, AssetStatus.IN_USE)
    moves = AssetMovement.objects.filter(kind=MovementKind.STOCKTAKE)
    assert {(m.asset_id, m.from_room_id, m.to_room_id) for m in moves} == {
        (site.projector.pk, site.r302.pk, site.r301.pk),
        (site.desks.pk, site.r401.pk, site.r302.pk),
    }
    assert len({m.batch for m in moves}) == 1 and all(m.moved_by == site.director for m in moves)
    new = Asset.objects.get(acquisition_mode=AcquisitionMode.SURPLUS)
    assert (new.name, new.category, new.room) == ("实物投影仪", site.computers, site.r301)
    assert new.number and new.created_by == site.director
    assert StockTakeItem.objects.get(stocktake=counted, code="旧标签-0042").asset == new


def test_approved_corrections_leave_history_and_timeline_on_each_asset(site, counted):
    closed(site, counted)
    approvals.approve(services.submit(counted, by=site.clerk), by=site.director)

    history = site.projector.history.order_by("-history_date").first()
    assert history.room_id == site.r301.pk and history.history_user == site.director
    assert site.pc2.history.order_by("-history_date").first().status == AssetStatus.LOST
    assert entries_for(site.pc2).filter(data__correction=Correction.MARK_LOST).exists()
    assert entries_for(counted).filter(to_state=StockTakeStatus.APPLIED).exists()


def test_a_rejected_stock_take_changes_nothing_and_can_be_corrected_and_resubmitted(site, counted):
    closed(site, counted)
    before = snapshot(site.pc1, site.pc2, site.projector, site.desks)
    flow = services.submit(counted, by=site.clerk)

    approvals.reject(flow, by=site.director, reason="302 再查一遍")

    counted.refresh_from_db()
    assert counted.status == StockTakeStatus.CLOSED
    assert snapshot(site.pc1, site.pc2, site.projector, site.desks) == before
    # The clerk keeps pc2 on the register after all, and sends it again.
    services.set_correction(line(counted, site.pc2), by=site.clerk, correction=Correction.NONE)
    flow = services.submit(counted, by=site.clerk)
    assert flow.round == 2
    approvals.approve(flow, by=site.director)
    site.pc2.refresh_from_db()
    assert site.pc2.status == AssetStatus.IN_USE


def test_a_returned_stock_take_is_edited_and_resubmitted(site, counted):
    closed(site, counted)
    flow = services.submit(counted, by=site.clerk)
    approvals.return_for_changes(flow, by=site.director, reason="缺少登记信息")
    assert services.corrections_editable(counted)

    services.set_correction(
        surplus_line(counted),
        by=site.clerk,
        correction=Correction.REGISTER,
        name="打印机",
        category=site.computers,
    )
    approvals.approve(services.submit(counted, by=site.clerk), by=site.director)

    assert Asset.objects.filter(name="打印机", acquisition_mode=AcquisitionMode.SURPLUS).exists()


def test_corrections_cannot_change_while_waiting_for_approval(site, counted):
    closed(site, counted)
    services.submit(counted, by=site.clerk)

    with pytest.raises(IllegalTransition):
        services.set_correction(line(counted, site.pc2), by=site.clerk, correction="")
    assert line(counted, site.pc2).correction == Correction.MARK_LOST


def test_corrections_must_fit_the_line_and_registering_needs_a_name_and_category(site, counted):
    closed(site, counted)

    with pytest.raises(DomainError):
        services.set_correction(
            line(counted, site.pc1), by=site.clerk, correction=Correction.MARK_LOST
        )
    with pytest.raises(DomainError):
        services.set_correction(
            surplus_line(counted), by=site.clerk, correction=Correction.REGISTER, name="无类别"
        )
    other = make_site(prefix="乙")
    with pytest.raises(DomainError):
        services.set_correction(
            surplus_line(counted),
            by=site.clerk,
            correction=Correction.REGISTER,
            name="别校类别",
            category=other.computers,
        )


def test_all_missing_lines_can_be_kept_on_the_register_at_once(site, counted):
    closed(site, counted)

    changed = services.set_corrections_for(
        counted, by=site.clerk, result=ScanResult.MISSING, correction=Correction.NONE
    )

    assert changed == 1
    assert line(counted, site.pc2).correction == Correction.NONE


def test_an_asset_disposed_meanwhile_is_skipped_not_revived(site, counted):
    closed(site, counted)
    Asset.objects.filter(pk=site.projector.pk).update(status=AssetStatus.DISPOSED)

    approvals.approve(services.submit(counted, by=site.clerk), by=site.director)

    site.projector.refresh_from_db()
    assert (site.projector.room, site.projector.status) == (site.r302, AssetStatus.DISPOSED)


def test_a_lost_asset_found_again_is_back_in_use_where_it_was_found(site):
    stocktake = start(site, rooms=[site.r301])
    Asset.objects.filter(pk=site.desks.pk).update(status=AssetStatus.LOST)
    scan(stocktake, site.desks.number, site.r301, by=site.keeper)
    closed(site, stocktake)

    approvals.approve(services.submit(stocktake, by=site.clerk), by=site.director)

    site.desks.refresh_from_db()
    assert (site.desks.room, site.desks.status) == (site.r301, AssetStatus.IN_USE)


def test_the_director_cannot_approve_corrections_they_closed_themselves(site, counted):
    services.close(counted, by=site.director)
    f.member(site.school, "director", username="second-director")
    flow = services.submit(counted, by=site.director)

    with pytest.raises(PermissionDenied):
        approvals.approve(flow, by=site.director)
    counted.refresh_from_db()
    assert counted.status == StockTakeStatus.CLOSED


def test_a_counting_stock_take_can_be_cancelled_with_a_reason(site, counted):
    with pytest.raises(DomainError):
        services.cancel(counted, by=site.clerk, reason=" ")

    services.cancel(counted, by=site.clerk, reason="停电，改期")

    counted.refresh_from_db()
    assert counted.status == StockTakeStatus.CANCELLED
    # Its assets are free for a new stock-take.
    assert start(site, buildings=[site.teaching], name="改期盘点").items.count() == 3


def test_a_rejected_stock_take_can_be_abandoned_but_not_while_waiting_for_approval(site, counted):
    closed(site, counted)
    flow = services.submit(counted, by=site.clerk)
    with pytest.raises(IllegalTransition):
        services.cancel(counted, by=site.clerk, reason="不做了")

    approvals.reject(flow, by=site.director, reason="重新盘点")
    services.cancel(counted, by=site.clerk, reason="重新盘点")

    counted.refresh_from_db()
    assert counted.status == StockTakeStatus.CANCELLED
    assert start(site, buildings=[site.teaching], name="重盘").items.count() == 3

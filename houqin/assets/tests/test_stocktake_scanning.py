"""Counting room by room: what a scan finds, and what it refuses."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from houqin.assets import services_stocktake as services
from houqin.assets.models import (
    AssetStatus,
    ScanResult,
    StockTakeItem,
    StockTakeScan,
    StockTakeStatus,
)
from houqin.assets.tests.factories import AssetFactory
from houqin.core.errors import DomainError, PermissionDenied

from .test_stocktake_support import label_url, line, make_site, scan, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return make_site()


@pytest.fixture
def stocktake(site):
    return start(site, buildings=[site.teaching])


# ---------------------------------------------------------------- starting


def test_starting_snapshots_each_active_asset_of_the_scope_with_its_expected_room(site):
    gone = AssetFactory(school=site.school, room=site.r301, status=AssetStatus.DISPOSED)

    stocktake = start(site, buildings=[site.teaching])

    assert stocktake.number.startswith("PD-")
    assert stocktake.status == StockTakeStatus.OPEN
    lines = {i.asset_id: i for i in stocktake.items.all()}
    assert set(lines) == {site.pc1.pk, site.pc2.pk, site.projector.pk}, "not 401, not disposed"
    assert gone.pk not in lines
    assert lines[site.projector.pk].expected_room == site.r302
    assert all(i.result == ScanResult.PENDING for i in lines.values())


def test_an_empty_scope_counts_the_whole_active_register(site):
    stocktake = start(site)

    assert stocktake.items.count() == 4


def test_scope_kinds_narrow_each_other_and_categories_include_their_sub_categories(site):
    from houqin.assets.tests.factories import AssetCategoryFactory

    laptops = AssetCategoryFactory(school=site.school, parent=site.computers, code="A0201010501")
    laptop = AssetFactory(school=site.school, category=laptops, room=site.r401)

    stocktake = start(site, categories=[site.computers], buildings=[site.lab], rooms=[site.r302])

    assert set(stocktake.items.values_list("asset_id", flat=True)) == {
        site.projector.pk,
        laptop.pk,
    }


def test_an_asset_can_be_in_only_one_unfinished_stock_take(site, stocktake):
    with pytest.raises(DomainError) as refused:
        start(site, rooms=[site.r301], name="重复")

    assert stocktake.number in str(refused.value.message)
    # Another scope is fine.
    assert start(site, buildings=[site.lab], name="实验楼").items.count() == 1


def test_a_teacher_cannot_start_a_stock_take(site):
    with pytest.raises(PermissionDenied):
        start(site, by=site.teacher)


# ---------------------------------------------------------------- classification


def test_an_asset_scanned_in_its_expected_room_is_found(site, stocktake):
    outcome = scan(stocktake, site.pc1.number, site.r301, by=site.keeper, typed=True)

    assert outcome.item.result == ScanResult.FOUND
    assert outcome.item.found_room == site.r301
    assert outcome.scan.typed is True and outcome.scan.scanned_by == site.keeper


def test_an_asset_scanned_elsewhere_is_moved_with_where_it_was_found(site, stocktake):
    outcome = scan(stocktake, label_url(site.projector), site.r301, by=site.keeper)

    item = line(stocktake, site.projector)
    assert outcome.item == item
    assert item.result == ScanResult.MOVED
    assert (item.expected_room, item.found_room) == (site.r302, site.r301)


def test_codes_are_read_as_label_urls_bare_tokens_or_numbers_in_any_case(site, stocktake):
    scan(stocktake, f"/a/{site.pc1.qr_token}/", site.r301, by=site.keeper)
    scan(stocktake, site.pc2.qr_token, site.r301, by=site.keeper)
    scan(stocktake, f"  {site.projector.number.lower()} ", site.r302, by=site.keeper, typed=True)

    assert set(stocktake.items.values_list("result", flat=True)) == {ScanResult.FOUND}


def test_an_unknown_code_is_kept_once_as_a_surplus_line(site, stocktake):
    scan(stocktake, "OLD-LABEL-77", site.r301, by=site.keeper)
    scan(stocktake, "OLD-LABEL-77", site.r302, by=site.clerk)

    surplus = StockTakeItem.objects.get(stocktake=stocktake, asset__isnull=True)
    assert (surplus.code, surplus.result) == ("OLD-LABEL-77", ScanResult.SURPLUS)
    assert surplus.found_room == site.r302, "the line follows its latest scan"
    assert surplus.scans.count() == 2


def test_an_asset_of_the_register_outside_the_scope_is_surplus_here_not_a_new_asset(
    site, stocktake
):
    outcome = scan(stocktake, site.desks.number, site.r301, by=site.keeper)

    item = outcome.item
    assert item.asset == site.desks, "linked to the register: never registered twice"
    assert item.result == ScanResult.SURPLUS
    assert (item.expected_room, item.found_room) == (site.r401, site.r301)
    assert stocktake.items.exclude(result=ScanResult.SURPLUS).count() == 3


def test_another_schools_asset_is_never_matched(site, stocktake):
    elsewhere = make_site(prefix="乙")
    foreign = elsewhere.pc1

    outcome = scan(stocktake, label_url(foreign), site.r301, by=site.keeper)
    scan(stocktake, foreign.number, site.r301, by=site.keeper, typed=True)

    assert outcome.item.asset is None and outcome.item.result == ScanResult.SURPLUS
    assert not StockTakeItem.objects.filter(asset=foreign).exists()
    assert stocktake.items.filter(asset__isnull=True).count() == 2


# ---------------------------------------------------------------- repeats and resends


def test_a_repeated_scan_counts_the_asset_once_and_keeps_every_scan(site, stocktake):
    first = scan(stocktake, site.pc1.number, site.r301, by=site.keeper)
    again = scan(stocktake, label_url(site.pc1), site.r301, by=site.clerk)

    assert first.item == again.item
    assert StockTakeScan.objects.filter(stocktake=stocktake).count() == 2
    assert services.progress(stocktake).total.found == 1


def test_a_scan_resent_with_the_same_client_id_is_stored_once(site, stocktake):
    client_id = uuid.uuid4()
    first = scan(stocktake, site.pc1.number, site.r301, by=site.keeper, client_id=client_id)
    resent = scan(stocktake, site.pc1.number, site.r301, by=site.keeper, client_id=client_id)

    assert not first.duplicate and resent.duplicate
    assert resent.scan == first.scan
    assert StockTakeScan.objects.filter(stocktake=stocktake).count() == 1


def test_the_line_follows_the_latest_scan_even_when_an_older_one_arrives_late(site, stocktake):
    now = timezone.now()
    scan(stocktake, site.pc1.number, site.r302, by=site.keeper, scanned_at=now)
    # Queued on a phone that was offline: scanned earlier, arrives later.
    scan(
        stocktake, site.pc1.number, site.r301, by=site.clerk, scanned_at=now - timedelta(minutes=5)
    )

    item = line(stocktake, site.pc1)
    assert (item.result, item.found_room) == (ScanResult.MOVED, site.r302)
    assert item.scans.count() == 2


# ---------------------------------------------------------------- refusals and rights


def test_a_keeper_may_scan_but_a_teacher_may_not(site, stocktake):
    assert scan(stocktake, site.pc1.number, site.r301, by=site.keeper).item.result == "found"

    with pytest.raises(PermissionDenied):
        scan(stocktake, site.pc2.number, site.r301, by=site.teacher)
    assert line(stocktake, site.pc2).result == ScanResult.PENDING


def test_a_scan_needs_a_room_of_the_school(site, stocktake):
    other = make_site(prefix="乙")
    with pytest.raises(DomainError):
        scan(stocktake, site.pc1.number, None, by=site.keeper)
    with pytest.raises(DomainError):
        scan(stocktake, site.pc1.number, other.r301, by=site.keeper)
    assert not StockTakeScan.objects.exists()


def test_a_rooms_poster_code_is_not_recorded_as_an_asset(site, stocktake):
    with pytest.raises(DomainError) as refused:
        scan(stocktake, f"https://x.example/r/{site.r302.qr_token}/", site.r301, by=site.keeper)

    assert refused.value.code == "RoomCode"
    assert not StockTakeItem.objects.filter(asset__isnull=True).exists()


def test_a_closed_stock_take_refuses_scans(site, stocktake):
    services.close(stocktake, by=site.clerk)

    with pytest.raises(DomainError) as refused:
        scan(stocktake, site.pc1.number, site.r301, by=site.keeper)

    assert refused.value.code == "NotOpen"
    assert line(stocktake, site.pc1).result == ScanResult.MISSING


# ---------------------------------------------------------------- progress


def test_progress_counts_per_room_expected_found_moved_missing_and_surplus(site, stocktake):
    scan(stocktake, site.pc1.number, site.r301, by=site.keeper)
    scan(stocktake, site.projector.number, site.r301, by=site.keeper)
    scan(stocktake, "UNKNOWN-1", site.r301, by=site.keeper)

    report = services.progress(stocktake)
    rooms = {r.room_id: r for r in report.rooms}
    r301, r302 = rooms[site.r301.pk], rooms[site.r302.pk]
    assert (r301.expected, r301.found, r301.missing, r301.moved_in, r301.surplus) == (2, 1, 1, 1, 1)
    assert (r302.expected, r302.found, r302.moved_out, r302.missing) == (1, 0, 1, 0)
    assert (report.total.expected, report.total.counted, report.scans) == (3, 2, 3)


def test_a_scan_stored_before_closing_and_resent_after_gets_the_same_answer(site, stocktake):
    client_id = uuid.uuid4()
    first = scan(stocktake, site.pc1.number, site.r301, by=site.keeper, client_id=client_id)
    services.close(stocktake, by=site.clerk)

    resent = scan(stocktake, site.pc1.number, site.r301, by=site.keeper, client_id=client_id)

    assert resent.duplicate and resent.scan == first.scan
    assert resent.item.result == ScanResult.FOUND

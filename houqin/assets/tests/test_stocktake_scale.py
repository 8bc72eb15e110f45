"""A whole school's register (20,000 assets): starting, closing and applying stay set-based."""

import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from houqin import factories as f
from houqin.assets import services_stocktake as services
from houqin.assets.models import Asset, AssetMovement, AssetStatus, Correction, ScanResult
from houqin.core import approvals

from .test_stocktake_support import make_site, scan, start

pytestmark = pytest.mark.django_db

ASSETS = 20_000
ROOMS = 40


def many_assets(site):
    floor = site.r301.floor
    rooms = [site.r301, *[f.RoomFactory(floor=floor, number=f"R{n}") for n in range(ROOMS - 1)]]
    Asset.objects.bulk_create(
        (
            Asset(
                school=site.school,
                number=f"BULK{n:06d}",
                name="课桌椅",
                category=site.furniture,
                unit_price=Decimal("300"),
                total_value=Decimal("300"),
                room=rooms[n % ROOMS],
            )
            for n in range(ASSETS)
        ),
        batch_size=2000,
    )
    return rooms


def test_a_stock_take_of_twenty_thousand_assets_starts_in_a_bounded_number_of_queries():
    site = make_site()
    many_assets(site)

    began = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        stocktake = start(site, buildings=[site.teaching])
    took = time.monotonic() - began

    assert stocktake.items.count() == ASSETS + 3
    # Inserts of 2,000 lines each, plus a fixed few: never one query per asset.
    assert len(queries.captured_queries) < 40, len(queries.captured_queries)
    assert took < 10, f"starting took {took:.1f} s"
    print(f"20,000 lines snapshot in {took:.2f} s, {len(queries.captured_queries)} queries")


def test_closing_and_applying_twenty_thousand_corrections_is_set_based():
    site = make_site()
    rooms = many_assets(site)
    stocktake = start(site, buildings=[site.teaching])
    # One desk found in another room; everything else never seen.
    moved = Asset.objects.get(number="BULK000001")
    scan(stocktake, moved.number, rooms[5], by=site.keeper)
    services.close(stocktake, by=site.clerk)
    assert stocktake.items.filter(result=ScanResult.MISSING).count() == ASSETS + 2
    flow = services.submit(stocktake, by=site.clerk)

    began = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        approvals.approve(flow, by=site.director)
    took = time.monotonic() - began

    assert Asset.objects.filter(status=AssetStatus.LOST).count() == ASSETS + 2
    moved.refresh_from_db()
    assert moved.room == rooms[5]
    assert AssetMovement.objects.get().asset == moved
    assert stocktake.items.filter(correction=Correction.MARK_LOST).count() == ASSETS + 2
    # Set-based: a few statements per 500 assets, no query per asset.
    assert len(queries.captured_queries) < 250, len(queries.captured_queries)
    assert took < 20, f"applying took {took:.1f} s"
    lost_history = Asset.history.filter(status=AssetStatus.LOST, history_user=site.director)
    assert lost_history.count() == ASSETS + 2
    print(f"20,000 corrections applied in {took:.2f} s, {len(queries.captured_queries)} queries")

"""Several people scanning at the same moment: PostgreSQL, real threads, one connection each."""

import uuid

import pytest

from houqin.assets.models import ScanResult, StockTakeItem, StockTakeScan
from houqin.assets.tests.factories import AssetFactory
from houqin.core.testing import race
from houqin.factories import member

from .test_stocktake_support import make_site, scan, start

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def no_errors(outcomes):
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, errors
    return outcomes


def test_eight_scanners_at_once_never_lose_a_scan():
    site = make_site()
    extra = [AssetFactory(school=site.school, room=site.r301) for _ in range(6)]
    stocktake = start(site, buildings=[site.teaching])
    scanners = [member(site.school, "keeper", username=f"keeper{i}") for i in range(8)]
    # Six in place in 301, the projector (of 302) and pc1 found in 302 and 301.
    plan = [(a, site.r301) for a in extra] + [(site.projector, site.r301), (site.pc1, site.r301)]

    outcomes = no_errors(
        race(
            *[
                (lambda a=asset, r=room, who=who: scan(stocktake, a.number, r, by=who))
                for (asset, room), who in zip(plan, scanners, strict=True)
            ]
        )
    )

    assert not any(o.duplicate for o in outcomes)
    assert StockTakeScan.objects.filter(stocktake=stocktake).count() == 8
    results = dict(stocktake.items.values_list("asset_id", "result"))
    assert [results[a.pk] for a in extra] == [ScanResult.FOUND] * 6
    assert results[site.projector.pk] == ScanResult.MOVED
    assert results[site.pc1.pk] == ScanResult.FOUND
    assert results[site.pc2.pk] == ScanResult.PENDING


def test_the_same_scan_resent_by_two_requests_at_once_is_stored_once():
    site = make_site()
    stocktake = start(site, buildings=[site.teaching])
    client_id = uuid.uuid4()

    outcomes = no_errors(
        race(
            lambda: scan(
                stocktake, site.pc1.number, site.r301, by=site.keeper, client_id=client_id
            ),
            lambda: scan(
                stocktake, site.pc1.number, site.r301, by=site.keeper, client_id=client_id
            ),
        )
    )

    assert sorted(o.duplicate for o in outcomes) == [False, True]
    assert StockTakeScan.objects.filter(stocktake=stocktake).count() == 1
    assert stocktake.items.get(asset=site.pc1).result == ScanResult.FOUND


def test_two_people_scanning_the_same_asset_count_it_once_and_keep_both_scans():
    site = make_site()
    stocktake = start(site, buildings=[site.teaching])

    no_errors(
        race(
            lambda: scan(stocktake, site.projector.number, site.r302, by=site.keeper),
            lambda: scan(stocktake, site.projector.qr_token, site.r302, by=site.clerk),
        )
    )

    item = stocktake.items.get(asset=site.projector)
    assert item.result == ScanResult.FOUND
    assert item.scans.count() == 2


def test_two_people_scanning_the_same_unknown_label_make_one_surplus_line():
    site = make_site()
    stocktake = start(site, buildings=[site.teaching])

    no_errors(
        race(
            lambda: scan(stocktake, "NO-SUCH-9", site.r301, by=site.keeper),
            lambda: scan(stocktake, "NO-SUCH-9", site.r301, by=site.clerk),
        )
    )

    surplus = StockTakeItem.objects.get(stocktake=stocktake, asset__isnull=True)
    assert surplus.code == "NO-SUCH-9" and surplus.scans.count() == 2

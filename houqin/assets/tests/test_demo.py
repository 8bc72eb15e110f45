"""The demo school's assets: a realistic register, and a term of asset work on top of it."""

import pytest
from django.urls import reverse

from houqin.assets import demo
from houqin.assets.models import (
    Asset,
    AssetKind,
    AssetLoan,
    DamageRecord,
    DepreciationRun,
    Disposal,
    DisposalStatus,
    StockTake,
    StockTakeStatus,
)
from houqin.org.demo import build_demo
from houqin.org.models import User


@pytest.mark.django_db
def test_demo_assets_a_school_sized_register_and_a_term_of_asset_work(client):
    """One test (building the demo takes a while): the register, the term's work on it, and
    the director's pages."""
    schools = build_demo()
    demo.build(schools)
    school = schools["donghu"]

    assets = Asset.objects.filter(school=school)
    assert 15_000 <= assets.count() <= 25_000
    assert assets.values("number").distinct().count() == assets.count()
    assert assets.filter(kind=AssetKind.FIXED).exists()
    assert assets.filter(kind=AssetKind.LOW_VALUE).exists()
    # Desks are carded one by one; lab stools as batch cards with a quantity.
    assert assets.filter(name="实验凳", quantity__gt=1).exists()
    assert Asset.history.filter(school_id=school.pk).count() >= assets.count()

    assert AssetLoan.objects.filter(school=school, returned_on__isnull=True).count() == 4
    assert StockTake.objects.get(school=school).status == StockTakeStatus.APPLIED
    disposals = Disposal.objects.filter(school=school)
    assert disposals.filter(is_historic=True, status=DisposalStatus.DISPOSED).exists()
    assert disposals.filter(status=DisposalStatus.PENDING).exists()
    assert DamageRecord.objects.filter(school=school).count() == 3
    assert DepreciationRun.objects.filter(school=school, total_amount__gt=0).exists()

    client.force_login(User.objects.get(username="director"))
    for name in ("assets:asset_list", "assets:ledger", "assets:stocktake_list", "assets:disposal_list"):
        assert client.get(reverse(name)).status_code == 200, name
    assert "ZC" in client.get(reverse("assets:asset_list")).content.decode()

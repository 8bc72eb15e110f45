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


@pytest.fixture(scope="module")
def school(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        schools = build_demo()
        demo.build(schools)
        yield schools["donghu"]


@pytest.mark.django_db
def test_demo_register_is_a_school_sized_ledger_with_unique_numbers(school):
    assets = Asset.objects.filter(school=school)
    assert 15_000 <= assets.count() <= 25_000
    assert assets.values("number").distinct().count() == assets.count()
    assert assets.filter(kind=AssetKind.FIXED).exists() and assets.filter(kind=AssetKind.LOW_VALUE).exists()
    # Desks are carded one by one; lab stools as batch cards with a quantity.
    assert assets.filter(name="实验凳", quantity__gt=1).exists()
    assert Asset.history.filter(school_id=school.pk).count() >= assets.count()


@pytest.mark.django_db
def test_demo_has_a_term_of_asset_work(school):
    assert AssetLoan.objects.filter(school=school, returned_on__isnull=True).count() == 4
    take = StockTake.objects.get(school=school)
    assert take.status == StockTakeStatus.APPLIED
    assert Disposal.objects.filter(school=school, is_historic=True, status=DisposalStatus.DISPOSED).exists()
    assert Disposal.objects.filter(school=school, status=DisposalStatus.PENDING).exists()
    assert DamageRecord.objects.filter(school=school).count() == 3
    assert DepreciationRun.objects.filter(school=school, total_amount__gt=0).exists()


@pytest.mark.django_db
def test_demo_director_sees_the_register_and_the_ledger(client, school):
    client.force_login(User.objects.get(username="director"))
    for name in ("assets:asset_list", "assets:ledger", "assets:stocktake_list", "assets:disposal_list"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    assert "ZC" in client.get(reverse("assets:asset_list")).content.decode()

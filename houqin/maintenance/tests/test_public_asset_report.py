"""Reporting a problem from an asset's QR label (/r/a/<token>/): the order names the asset and
its place, duplicates are offered per asset, disposed assets and unknown labels are 404."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from houqin.assets.models import AssetStatus
from houqin.assets.tests.factories import AssetFactory
from houqin.factories import RoomFactory
from houqin.maintenance.models import Source, WorkOrder

from .test_public_report import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def categories(school):
    from houqin.maintenance import services

    return services.ensure_categories(school)


@pytest.fixture
def projector(school):
    room = RoomFactory(floor__building__campus__school=school, number="301")
    return AssetFactory(school=school, room=room, name="投影仪", number="ZC2024000017")


def test_an_asset_label_report_names_the_asset_and_its_place(client, projector, categories):
    url = reverse("maintenance:public_asset_report", args=[projector.qr_token])
    page = client.get(url).content.decode()
    assert "投影仪" in page and "ZC2024000017" in page and "301" in page

    response = client.post(url, form_data(categories[0], description="投影仪不显示"))

    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.asset == projector and order.room == projector.room
    assert order.source == Source.QR and "投影仪" in order.title
    assert order.number in client.get(response["Location"]).content.decode()


def test_a_second_report_of_the_same_asset_offers_to_join_the_first(
    client, school, projector, categories
):
    url = reverse("maintenance:public_asset_report", args=[projector.qr_token])
    client.post(url, form_data(categories[0], description="不显示"))
    first = WorkOrder.objects.get()
    cache.clear()
    # Another asset in the same room with the same category is not the same problem.
    other = AssetFactory(school=school, room=projector.room, name="电脑")
    client.post(
        reverse("maintenance:public_asset_report", args=[other.qr_token]),
        form_data(categories[0], description="电脑开不了机"),
    )
    assert WorkOrder.objects.count() == 2
    cache.clear()

    asked = client.post(url, form_data(categories[0], description="还是不显示"))

    assert asked.status_code == 200 and first.number in asked.content.decode()
    assert WorkOrder.objects.count() == 2


def test_an_asset_without_a_place_can_still_be_reported(client, school, categories):
    asset = AssetFactory(school=school, room=None, name="移动音箱")
    url = reverse("maintenance:public_asset_report", args=[asset.qr_token])

    response = client.post(url, form_data(categories[0], description="没有声音"))

    assert response.status_code == 302
    assert WorkOrder.objects.get().asset == asset


def test_disposed_assets_and_unknown_labels_are_not_found(client, school):
    disposed = AssetFactory(school=school, status=AssetStatus.DISPOSED)
    for token in (disposed.qr_token, "not-a-token"):
        assert client.get(reverse("maintenance:public_asset_report", args=[token])).status_code == 404

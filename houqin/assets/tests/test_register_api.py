"""The register API: the same rules as the pages (numbers, thresholds, scoping, refusals)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from houqin.assets import categories
from houqin.assets.models import Asset, AssetKind, AssetStatus
from houqin.assets.tests.factories import AssetCategoryFactory, AssetFactory
from houqin.core.models import TimelineEntry
from houqin.factories import RoomFactory

pytestmark = pytest.mark.django_db
LIST = reverse("api:assets:asset-list")


def detail(asset):
    return reverse("api:assets:asset-detail", args=[asset.pk])


@pytest.fixture
def clerk(school, make_member):
    return make_member(school, "clerk", username="clerk")


def api_as(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_clerk_registers_an_asset_and_gets_its_number(school, clerk):
    category = AssetCategoryFactory(school=school)
    room = RoomFactory(floor__building__campus__school=school)

    response = api_as(clerk).post(
        LIST,
        {"name": "投影仪", "category": category.pk, "unit_price": "3200", "room": room.pk},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    asset = Asset.objects.get()
    assert body["number"] == asset.number and body["room"] == room.pk
    assert (body["total_value"], body["kind"]) == ("3200.00", AssetKind.FIXED)


def test_a_batch_takes_consecutive_numbers(school, clerk):
    category = AssetCategoryFactory(school=school)

    response = api_as(clerk).post(
        LIST, {"name": "学生机", "category": category.pk, "count": 3}, format="json"
    )

    assert response.status_code == 201
    numbers = [a["number"] for a in response.json()]
    assert len(numbers) == 3 and numbers == sorted(numbers)


def test_a_duplicate_number_is_a_clear_400(school, clerk):
    category = AssetCategoryFactory(school=school)
    AssetFactory(school=school, number="ZC-1", category=category)

    response = api_as(clerk).post(
        LIST, {"number": "ZC-1", "name": "x", "category": category.pk}, format="json"
    )

    assert response.status_code == 400
    assert "ZC-1 is already used" in response.json()["detail"]
    assert Asset.objects.count() == 1


def test_related_rows_of_another_school_are_refused(school, other_school, clerk):
    category = AssetCategoryFactory(school=school)
    foreign_room = RoomFactory(floor__building__campus__school=other_school)

    response = api_as(clerk).post(
        LIST, {"name": "x", "category": category.pk, "room": foreign_room.pk}, format="json"
    )

    assert response.status_code == 400 and "room" in response.json()
    assert not Asset.objects.exists()


def test_a_teacher_cannot_register(school, teacher):
    category = AssetCategoryFactory(school=school)

    response = api_as(teacher).post(LIST, {"name": "x", "category": category.pk}, format="json")

    assert response.status_code == 403


def test_a_change_goes_through_the_service(school, clerk):
    asset = AssetFactory(school=school, unit_price=Decimal("800"), total_value=Decimal("800"))

    response = api_as(clerk).patch(detail(asset), {"unit_price": "1200"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["total_value"] == "1200.00"
    assert TimelineEntry.objects.filter(object_id=asset.pk, data__event="changed").exists()


def test_a_place_change_is_refused_and_nothing_changes(school, clerk):
    asset = AssetFactory(school=school, name="旧名")
    room = RoomFactory(floor__building__campus__school=school)

    response = api_as(clerk).patch(detail(asset), {"name": "新名", "room": room.pk}, format="json")

    assert response.status_code == 400
    asset.refresh_from_db()
    assert (asset.name, asset.room_id) == ("旧名", None)


def test_a_status_is_set_by_patch(school, clerk):
    asset = AssetFactory(school=school)

    api_as(clerk).patch(detail(asset), {"status": "idle"}, format="json")

    asset.refresh_from_db()
    assert asset.status == AssetStatus.IDLE


def test_staff_list_only_their_assets_and_cannot_change_them(school, teacher):
    mine = AssetFactory(school=school, custodian=teacher)
    AssetFactory(school=school)
    api = api_as(teacher)

    body = api.get(LIST).json()

    assert [a["id"] for a in body["results"]] == [mine.pk]
    assert api.patch(detail(mine), {"name": "x"}, format="json").status_code == 403


def test_another_schools_assets_are_404(school, other_school, director):
    theirs = AssetFactory(school=other_school)
    api = api_as(director)

    assert api.get(detail(theirs)).status_code == 404
    assert api.patch(detail(theirs), {"name": "x"}, format="json").status_code == 404
    assert api.get(LIST).json()["count"] == 0


def test_a_disposed_asset_is_found_by_its_id(school, director):
    gone = AssetFactory(school=school, status=AssetStatus.DISPOSED)

    assert api_as(director).get(detail(gone)).status_code == 200


def test_the_list_sorts_like_the_page(school, director):
    for number, value in (("A-1", "300"), ("A-2", "100"), ("A-3", "200")):
        AssetFactory(school=school, number=number, total_value=Decimal(value))
    api = api_as(director)

    def numbers(sort):
        return [a["number"] for a in api.get(LIST, {"sort": sort}).json()["results"]]

    assert numbers("") == ["A-3", "A-2", "A-1"]
    assert numbers("total_value") == ["A-2", "A-3", "A-1"]
    assert numbers("-total_value") == ["A-1", "A-3", "A-2"]


def test_categories_are_listed_for_every_member(school, teacher):
    categories.ensure_standard_categories(school)

    body = api_as(teacher).get(reverse("api:assets:category-list")).json()

    assert {"A02000000", "A05000000"} <= {c["code"] for c in body}

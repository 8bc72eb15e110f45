"""The movements API: loans, the movement log and transfers by id, with the pages' rules."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from houqin.assets import services_movements as moves
from houqin.assets.models import Asset, AssetLoan, AssetMovement, AssetStatus
from houqin.factories import RoomFactory, member

from .factories import AssetFactory

pytestmark = pytest.mark.django_db

LOANS = reverse("api:assets:loan-list")
MOVEMENTS = reverse("api:assets:movement-list")
TRANSFER = reverse("api:assets:movement-transfer")


@pytest.fixture
def clerk(school, make_member):
    return make_member(school, "clerk", username="clerk")


@pytest.fixture
def api():
    return APIClient()


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def test_lend_and_return_through_the_api(api, school, clerk):
    borrower = member(school, "staff", username="li")
    asset = AssetFactory(school=school, status=AssetStatus.IDLE)
    api.force_authenticate(clerk)

    lent = api.post(
        LOANS, {"asset": asset.pk, "borrower": borrower.pk, "due_on": tomorrow()}, format="json"
    )

    assert lent.status_code == 201, lent.content
    assert lent.json()["borrower_label"] == str(borrower)
    loan_id = lent.json()["id"]
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.LENT

    back = api.post(
        reverse("api:assets:loan-return-loan", args=[loan_id]),
        {"return_note": "完好"},
        format="json",
    )

    assert back.status_code == 200, back.content
    assert back.json()["returned_on"] == timezone.localdate().isoformat()
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.IDLE


def test_lending_a_lent_asset_answers_the_services_message(api, school, clerk):
    asset = AssetFactory(school=school)
    moves.lend(asset, by=clerk, borrower_name="x", due_on=tomorrow())
    api.force_authenticate(clerk)
    response = api.post(
        LOANS, {"asset": asset.pk, "borrower_name": "y", "due_on": tomorrow()}, format="json"
    )
    assert response.status_code == 400
    assert "already lent out" in response.json()["detail"]


def test_a_teacher_cannot_lend_through_the_api(api, school, teacher):
    asset = AssetFactory(school=school, custodian=teacher)
    api.force_authenticate(teacher)
    response = api.post(
        LOANS, {"asset": asset.pk, "borrower_name": "y", "due_on": tomorrow()}, format="json"
    )
    assert response.status_code == 403
    assert not AssetLoan.objects.exists()


def test_loans_list_filters_overdue_and_borrowers_see_their_own(api, school, clerk):
    mine = member(school, "staff", username="mine")
    late = moves.lend(AssetFactory(school=school), by=clerk, borrower=mine, due_on=tomorrow())
    moves.lend(AssetFactory(school=school), by=clerk, borrower_name="x", due_on=tomorrow())
    AssetLoan.objects.filter(pk=late.pk).update(
        lent_on=timezone.localdate() - timedelta(days=9),
        due_on=timezone.localdate() - timedelta(days=2),
    )
    api.force_authenticate(clerk)
    overdue = api.get(LOANS, {"state": "overdue"}).json()
    assert [row["id"] for row in overdue["results"]] == [late.pk]
    assert overdue["results"][0]["is_overdue"] is True

    api.force_authenticate(mine)
    assert [row["id"] for row in api.get(LOANS).json()["results"]] == [late.pk]


def test_transfer_many_assets_by_id(api, school, clerk):
    room = RoomFactory(floor__building__campus__school=school, number="301")
    assets = [AssetFactory(school=school) for _ in range(5)]
    api.force_authenticate(clerk)

    response = api.post(
        TRANSFER, {"assets": [a.pk for a in assets], "room": room.pk}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"moved": 5}
    assert Asset.objects.filter(room=room).count() == 5
    log = api.get(MOVEMENTS, {"asset": assets[0].pk}).json()["results"]
    assert len(log) == 1 and log[0]["to_room"] == room.pk and "301" in log[0]["to_room_label"]


def test_transfer_refuses_another_schools_asset_and_moves_nothing(api, school, other_school, clerk):
    room = RoomFactory(floor__building__campus__school=school)
    ours = AssetFactory(school=school)
    theirs = AssetFactory(school=other_school)
    api.force_authenticate(clerk)

    response = api.post(TRANSFER, {"assets": [ours.pk, theirs.pk], "room": room.pk}, format="json")

    assert response.status_code == 400
    assert str(theirs.pk) in str(response.json()["assets"])
    assert not AssetMovement.objects.exists()


def test_transfer_of_a_disposed_asset_is_refused_with_the_reason(api, school, clerk):
    room = RoomFactory(floor__building__campus__school=school)
    disposed = AssetFactory(school=school, status=AssetStatus.DISPOSED)
    api.force_authenticate(clerk)
    response = api.post(TRANSFER, {"assets": [disposed.pk], "room": room.pk}, format="json")
    assert response.status_code == 400
    assert "disposed of or lost" in response.json()["detail"]


def test_transfer_to_another_schools_room_is_a_validation_error(api, school, other_school, clerk):
    their_room = RoomFactory(floor__building__campus__school=other_school)
    asset = AssetFactory(school=school)
    api.force_authenticate(clerk)
    response = api.post(TRANSFER, {"assets": [asset.pk], "room": their_room.pk}, format="json")
    assert response.status_code == 400
    assert "room" in response.json()


def test_the_movement_log_is_bounded_in_queries(api, school, clerk, django_assert_max_num_queries):
    room = RoomFactory(floor__building__campus__school=school)
    assets = [AssetFactory(school=school) for _ in range(10)]
    moves.transfer(assets, by=clerk, room=room)
    api.force_authenticate(clerk)
    with django_assert_max_num_queries(8):
        assert len(api.get(MOVEMENTS).json()["results"]) == 10
    with django_assert_max_num_queries(8):
        assert api.get(LOANS).status_code == 200

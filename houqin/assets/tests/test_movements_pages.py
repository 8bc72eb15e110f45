"""The movement pages: move and lend an asset, return it, the loan list and bulk actions."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.assets import services_movements as moves
from houqin.assets.models import Asset, AssetLoan, AssetMovement, AssetStatus
from houqin.factories import DepartmentFactory, RoomFactory, member

from .factories import AssetCategoryFactory, AssetFactory

pytestmark = pytest.mark.django_db

BULK = reverse("assets:bulk_action")
LOANS = reverse("assets:loan_list")


@pytest.fixture
def clerk(school, make_member):
    return make_member(school, "clerk", username="clerk")


@pytest.fixture
def room_301(school):
    return RoomFactory(floor__building__campus__school=school, number="301", name="机房")


@pytest.fixture
def computers(school):
    category = AssetCategoryFactory(school=school, code="2010105", name="台式机")
    return [AssetFactory(school=school, category=category, name="台式计算机") for _ in range(30)]


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


# ---------------------------------------------------------------- one asset


def test_clerk_moves_an_asset_into_a_room_from_its_move_page(client, school, clerk, room_301):
    asset = AssetFactory(school=school)
    client.force_login(clerk)
    url = reverse("assets:asset_move", args=[asset.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"room": room_301.pk, "note": "搬机房"})

    assert response.status_code == 302
    assert response["Location"] == asset.get_absolute_url()
    asset.refresh_from_db()
    assert asset.room == room_301
    assert AssetMovement.objects.get(asset=asset).note == "搬机房"


def test_move_page_asks_for_somewhere_to_move_to(client, school, clerk):
    asset = AssetFactory(school=school)
    client.force_login(clerk)
    response = client.post(reverse("assets:asset_move", args=[asset.pk]), {"note": "x"})
    assert response.status_code == 200
    assert "Choose a new place, department or custodian." in response.content.decode()


def test_a_disposed_assets_move_is_refused_with_the_reason(client, school, clerk, room_301):
    asset = AssetFactory(school=school, status=AssetStatus.DISPOSED)
    client.force_login(clerk)
    response = client.post(reverse("assets:asset_move", args=[asset.pk]), {"room": room_301.pk})
    assert response.status_code == 200
    assert "disposed of or lost" in response.content.decode()
    asset.refresh_from_db()
    assert asset.room_id is None


def test_a_teacher_may_not_open_the_move_or_lend_pages(client, school, teacher):
    asset = AssetFactory(school=school, custodian=teacher)
    client.force_login(teacher)
    assert client.get(reverse("assets:asset_move", args=[asset.pk])).status_code == 403
    assert client.get(reverse("assets:asset_lend", args=[asset.pk])).status_code == 403


def test_another_schools_asset_is_not_found(client, other_school, clerk):
    theirs = AssetFactory(school=other_school)
    client.force_login(clerk)
    assert client.get(reverse("assets:asset_move", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("assets:asset_lend", args=[theirs.pk])).status_code == 404


# ---------------------------------------------------------------- loans


def test_lending_to_a_teacher_and_recording_the_return(client, school, clerk):
    borrower = member(school, "staff", username="li", full_name="李老师")
    asset = AssetFactory(school=school, name="投影仪", status=AssetStatus.IDLE)
    client.force_login(clerk)

    response = client.post(
        reverse("assets:asset_lend", args=[asset.pk]),
        {
            "borrower_kind": "person",
            "borrower": borrower.pk,
            "due_on": tomorrow(),
            "note": "公开课",
        },
    )

    assert response.status_code == 302
    loan = AssetLoan.objects.get(asset=asset)
    assert loan.borrower == borrower and loan.is_open
    listing = client.get(LOANS, {"state": "open"}).content.decode()
    assert asset.number in listing and "李老师" in listing
    return_url = reverse("assets:loan_return", args=[loan.pk])
    assert return_url in listing

    response = client.post(return_url, {"returned_on": timezone.localdate(), "return_note": "完好"})

    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IDLE
    assert return_url not in client.get(LOANS, {"state": "open"}).content.decode()


def test_lend_form_needs_the_kind_of_borrower_it_names(client, school, clerk):
    asset = AssetFactory(school=school)
    client.force_login(clerk)
    response = client.post(
        reverse("assets:asset_lend", args=[asset.pk]),
        {"borrower_kind": "outside", "borrower_name": "", "due_on": tomorrow()},
    )
    assert response.status_code == 200
    assert "Say who borrows the asset." in response.content.decode()
    assert not AssetLoan.objects.exists()


def test_lending_to_someone_outside_ignores_a_hidden_person_choice(client, school, clerk):
    someone = member(school, "staff", username="hidden")
    asset = AssetFactory(school=school)
    client.force_login(clerk)
    client.post(
        reverse("assets:asset_lend", args=[asset.pk]),
        {
            "borrower_kind": "outside",
            "borrower": someone.pk,
            "borrower_name": "区教研室 陈老师",
            "due_on": tomorrow(),
        },
    )
    loan = AssetLoan.objects.get(asset=asset)
    assert loan.borrower is None and loan.borrower_name == "区教研室 陈老师"


def test_overdue_loans_are_listed_as_overdue(client, school, clerk):
    late = AssetFactory(school=school, name="单反相机")
    fine = AssetFactory(school=school, name="话筒")
    moves.lend(late, by=clerk, borrower_name="x", due_on=timezone.localdate())
    moves.lend(fine, by=clerk, borrower_name="y", due_on=tomorrow())
    AssetLoan.objects.filter(asset=late).update(
        lent_on=timezone.localdate() - timedelta(days=5),
        due_on=timezone.localdate() - timedelta(days=2),
    )
    client.force_login(clerk)

    html = client.get(LOANS, {"state": "overdue"}).content.decode()

    assert late.number in html and fine.number not in html
    assert "Overdue" in html


def test_a_borrower_sees_only_their_own_loans_and_cannot_return_them(client, school, clerk):
    mine = member(school, "staff", username="mine")
    asset = AssetFactory(school=school)
    other = AssetFactory(school=school)
    loan = moves.lend(asset, by=clerk, borrower=mine, due_on=tomorrow())
    moves.lend(other, by=clerk, borrower_name="someone", due_on=tomorrow())
    client.force_login(mine)

    html = client.get(LOANS).content.decode()

    assert asset.number in html and other.number not in html
    assert reverse("assets:loan_return", args=[loan.pk]) not in html
    assert client.get(reverse("assets:loan_return", args=[loan.pk])).status_code == 403


def test_the_loan_list_exports_to_excel(client, school, clerk):
    moves.lend(AssetFactory(school=school), by=clerk, borrower_name="x", due_on=tomorrow())
    client.force_login(clerk)
    response = client.get(LOANS, {"export": "xlsx"})
    assert response.status_code == 200
    assert "spreadsheet" in response["Content-Type"]


def test_the_loan_list_runs_the_same_queries_for_more_loans(
    client, school, clerk, django_assert_max_num_queries
):
    def lend_some(n):
        for _ in range(n):
            moves.lend(AssetFactory(school=school), by=clerk, borrower_name="x", due_on=tomorrow())

    client.force_login(clerk)
    lend_some(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(LOANS).status_code == 200
    lend_some(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LOANS).status_code == 200


# ---------------------------------------------------------------- bulk actions


def test_move_these_thirty_computers_into_room_301(client, school, clerk, computers, room_301):
    other = AssetFactory(school=school, name="办公桌")
    category = computers[0].category
    client.force_login(clerk)
    url = f"{BULK}?category={category.pk}"

    page = client.get(url).content.decode()
    assert "30 assets selected" in page

    confirm = client.post(url, {"action": "room", "room": room_301.pk, "note": "机房改造"})
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert 'name="confirm"' in html and "30 assets" in html
    assert len(re.findall(r"<tr>\s*<td><a href=", html)) == 20  # the first rows
    assert not Asset.objects.filter(room=room_301).exists()  # nothing yet

    done = client.post(
        url, {"action": "room", "room": room_301.pk, "note": "机房改造", "confirm": "1"}
    )

    assert done.status_code == 302
    assert done["Location"] == f"{reverse('assets:asset_list')}?category={category.pk}"
    assert Asset.objects.filter(room=room_301).count() == 30
    other.refresh_from_db()
    assert other.room_id is None
    assert AssetMovement.objects.values("batch").distinct().count() == 1


def test_assign_the_filtered_assets_to_the_academic_office(client, school, clerk, room_301):
    office = DepartmentFactory(school=school, name="教务处")
    in_room = [AssetFactory(school=school, room=room_301) for _ in range(3)]
    elsewhere = AssetFactory(school=school)
    client.force_login(clerk)
    url = f"{BULK}?room={room_301.pk}"

    client.post(url, {"action": "department", "department": office.pk, "confirm": "1"})

    assert {a.department_id for a in Asset.objects.filter(pk__in=[a.pk for a in in_room])} == {
        office.pk
    }
    elsewhere.refresh_from_db()
    assert elsewhere.department_id is None


def test_bulk_status_marks_the_selection_idle(client, school, clerk):
    chosen = [AssetFactory(school=school) for _ in range(2)]
    client.force_login(clerk)
    ids = ",".join(str(a.pk) for a in chosen)
    client.post(f"{BULK}?ids={ids}", {"action": "status", "status": "idle", "confirm": "1"})
    assert set(Asset.objects.values_list("status", flat=True)) == {AssetStatus.IDLE}


def test_a_selection_with_a_lent_asset_is_shown_blocked_and_changes_nothing(
    client, school, clerk, room_301
):
    fine = AssetFactory(school=school)
    lent = AssetFactory(school=school)
    moves.lend(lent, by=clerk, borrower_name="x", due_on=tomorrow())
    client.force_login(clerk)
    url = f"{BULK}?ids={fine.pk},{lent.pk}"

    confirm = client.post(url, {"action": "room", "room": room_301.pk}).content.decode()
    assert lent.number in confirm and "cannot take this action" in confirm

    response = client.post(url, {"action": "room", "room": room_301.pk, "confirm": "1"})
    assert response.status_code == 200
    assert "record its return first" in response.content.decode()
    assert not Asset.objects.filter(room=room_301).exists()


def test_bulk_actions_are_for_those_who_move_assets(client, school, teacher):
    client.force_login(teacher)
    assert client.get(BULK).status_code == 403


def test_bulk_selection_never_reaches_another_schools_assets(
    client, school, other_school, clerk, room_301
):
    theirs = AssetFactory(school=other_school)
    client.force_login(clerk)
    page = client.get(f"{BULK}?ids={theirs.pk}").content.decode()
    assert "0 assets selected" in page
    client.post(f"{BULK}?ids={theirs.pk}", {"action": "room", "room": room_301.pk, "confirm": "1"})
    theirs.refresh_from_db()
    assert theirs.room_id is None


def test_the_register_links_to_bulk_actions_with_its_filters(client, school, clerk, room_301):
    client.force_login(clerk)
    html = client.get(reverse("assets:asset_list"), {"room": room_301.pk}).content.decode()
    assert f"{BULK}?room={room_301.pk}" in html


def test_another_schools_loan_cannot_be_returned_here(client, other_school, clerk):
    their_clerk = member(other_school, "clerk", username="their-clerk")
    loan = moves.lend(
        AssetFactory(school=other_school), by=their_clerk, borrower_name="x", due_on=tomorrow()
    )
    client.force_login(clerk)
    url = reverse("assets:loan_return", args=[loan.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"returned_on": timezone.localdate()}).status_code == 404
    loan.refresh_from_db()
    assert loan.is_open

"""Disposal pages: the list and its export, the request form (pasted numbers or a register
selection), the detail page with approval panel and actions, the printed form, write-offs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.assets import services_disposal as disposals
from houqin.assets import services_writeoff as writeoff
from houqin.assets.models import Asset, AssetStatus, Disposal, DisposalStatus
from houqin.core import approvals

from .factories import AssetFactory
from .test_disposal_flow import draft, make_asset, make_people, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(school):
    return make_people(school)


def test_the_custodian_asks_to_dispose_of_assets_by_pasting_their_numbers(client, people):
    pc = make_asset(people)
    desks = make_asset(people, quantity=30, unit="套")
    client.force_login(people.teacher)
    assert client.get(reverse("assets:disposal_add")).status_code == 200

    response = client.post(
        reverse("assets:disposal_add"),
        {
            "kind": "scrap",
            "reason": "老化损坏",
            "lines": f"{pc.number}\n{desks.number}\t5\n",
            "department": people.department.pk,
            "submit": "1",
        },
    )

    disposal = Disposal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("assets:disposal_detail", args=[disposal.pk])
    assert disposal.status == DisposalStatus.PENDING
    assert {(line.asset_id, int(line.quantity)) for line in disposal.lines.all()} == {
        (pc.pk, 1),
        (desks.pk, 5),
    }


def test_an_unknown_number_is_shown_on_the_form_and_nothing_is_saved(client, people):
    client.force_login(people.teacher)
    response = client.post(
        reverse("assets:disposal_add"),
        {"kind": "scrap", "reason": "坏了", "lines": "NO-SUCH-NUMBER"},
    )
    assert response.status_code == 200
    assert "NO-SUCH-NUMBER" in response.content.decode()
    assert not Disposal.objects.exists()


def test_a_register_selection_fills_in_the_numbers(client, people):
    mine = [make_asset(people, brand="联想") for _ in range(3)]
    make_asset(people, brand="戴尔")
    client.force_login(people.clerk)

    response = client.get(
        reverse("assets:disposal_add") + "?q=&brand=&ids=" + ",".join(str(a.pk) for a in mine)
    )

    form = response.context["form"]
    assert sorted(form.initial["lines"].split("\n")) == sorted(a.number for a in mine)


def test_the_detail_page_shows_the_lines_approval_and_the_approvers_buttons(client, people):
    disposal, _flow = submitted(people, make_asset(people))

    client.force_login(people.head)  # the department head decides the first step
    response = client.get(reverse("assets:disposal_detail", args=[disposal.pk]))

    assert response.status_code == 200
    assert response.context["approval"].can_act
    assert disposal.lines.get().asset.number in response.content.decode()


def test_the_requester_submits_a_draft_from_its_page(client, people):
    asset = make_asset(people)
    disposal = draft(people, asset)
    client.force_login(people.teacher)

    client.post(reverse("assets:disposal_action", args=[disposal.pk, "submit"]))

    assert Disposal.objects.get(pk=disposal.pk).status == DisposalStatus.PENDING
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.PENDING_DISPOSAL


def test_a_draft_is_edited_then_cancelled_with_a_reason(client, people):
    asset, other = make_asset(people), make_asset(people)
    disposal = draft(people, asset)
    client.force_login(people.teacher)
    edit = reverse("assets:disposal_edit", args=[disposal.pk])
    assert other.number not in client.get(edit).context["form"].initial["lines"]

    client.post(
        edit, {"kind": "loss", "reason": "丢失", "lines": f"{asset.number}\n{other.number}"}
    )
    disposal.refresh_from_db()
    assert disposal.kind == "loss" and disposal.lines.count() == 2

    client.post(
        reverse("assets:disposal_action", args=[disposal.pk, "cancel"]), {"cancel-reason": "重复"}
    )
    assert Disposal.objects.get(pk=disposal.pk).status == DisposalStatus.CANCELLED


def test_a_pending_request_cannot_be_edited(client, people):
    disposal, _flow = submitted(people, make_asset(people))
    client.force_login(people.teacher)
    assert client.get(reverse("assets:disposal_edit", args=[disposal.pk])).status_code == 403


def test_the_printed_form_carries_the_assets_and_the_approval_trail(client, people):
    asset = make_asset(people, name="台式计算机")
    disposal, _flow = submitted(people, asset)
    approvals.approve(disposal, by=people.head, comment="同意报废")
    client.force_login(people.teacher)

    response = client.get(reverse("assets:disposal_print", args=[disposal.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert disposal.number in body and asset.number in body
    assert "同意报废" in body and "Principal" in body


def test_teachers_see_only_their_own_requests_and_keepers_see_all(client, people, make_member):
    mine = draft(people, make_asset(people))
    other_teacher = make_member(people.school, "staff", username="t2")
    theirs = draft(people, make_asset(people, custodian=other_teacher), by=other_teacher)

    client.force_login(people.teacher)
    rows = client.get(reverse("assets:disposal_list")).context["table"].data
    assert [d.pk for d in rows] == [mine.pk]
    assert client.get(reverse("assets:disposal_detail", args=[theirs.pk])).status_code == 404

    client.force_login(people.clerk)
    assert len(client.get(reverse("assets:disposal_list")).context["table"].data) == 2


def test_another_schools_disposal_is_unreachable(client, people, other_school):
    theirs = make_people(other_school, prefix="b")
    disposal = draft(theirs, make_asset(theirs))
    client.force_login(people.director)
    for name in ("disposal_detail", "disposal_print", "disposal_edit"):
        assert client.get(reverse(f"assets:{name}", args=[disposal.pk])).status_code in (403, 404)
    client.post(
        reverse("assets:disposal_action", args=[disposal.pk, "cancel"]), {"cancel-reason": "x"}
    )
    assert Disposal.objects.get(pk=disposal.pk).status == DisposalStatus.DRAFT
    assert client.get(reverse("assets:disposal_list")).context["table"].data.data.count() == 0


def test_the_list_exports_to_excel(client, people):
    draft(people, make_asset(people))
    client.force_login(people.clerk)
    response = client.get(reverse("assets:disposal_list") + "?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_list_runs_a_fixed_number_of_queries(client, people, django_assert_max_num_queries):
    for _ in range(3):
        draft(people, make_asset(people))
    client.force_login(people.clerk)
    url = reverse("assets:disposal_list")
    client.get(url)
    with django_assert_max_num_queries(16) as first:
        client.get(url)
    for _ in range(6):
        draft(people, make_asset(people))
    with django_assert_max_num_queries(len(first)):
        client.get(url)


# ---------------------------------------------------------------- historic write-offs


def test_a_clerk_writes_off_pasted_numbers_from_the_page(client, people):
    assets = [AssetFactory(school=people.school) for _ in range(3)]
    client.force_login(people.clerk)
    url = reverse("assets:disposal_writeoff")
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "approval_reference": "甬教装〔2023〕8号",
            "disposed_on": (timezone.localdate() - timedelta(days=400)).isoformat(),
            "kind": "scrap",
            "reason": "历年报废核销",
            "numbers": "\n".join(a.number for a in assets),
        },
    )

    disposal = Disposal.objects.get()
    assert response.status_code == 302 and disposal.is_historic
    assert Asset.objects.filter(status=AssetStatus.DISPOSED).count() == 3


def test_a_write_off_with_an_unknown_number_names_it_and_writes_nothing(client, people):
    asset = AssetFactory(school=people.school)
    client.force_login(people.clerk)
    response = client.post(
        reverse("assets:disposal_writeoff"),
        {
            "approval_reference": "甬教装〔2023〕8号",
            "disposed_on": "2023-06-30",
            "kind": "scrap",
            "reason": "核销",
            "numbers": f"{asset.number}\nZC-GHOST",
        },
    )
    assert response.status_code == 200 and "ZC-GHOST" in response.content.decode()
    assert not Disposal.objects.exists()
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.IN_USE


def test_a_register_selection_is_written_off_whole(client, people):
    chosen = [AssetFactory(school=people.school) for _ in range(4)]
    AssetFactory(school=people.school)
    client.force_login(people.director)
    ids = ",".join(str(a.pk) for a in chosen)
    page = client.get(reverse("assets:disposal_writeoff") + f"?ids={ids}")
    assert page.context["selection_count"] == 4

    client.post(
        reverse("assets:disposal_writeoff"),
        {
            "approval_reference": "校办〔2022〕3号",
            "disposed_on": "2022-12-31",
            "kind": "scrap",
            "reason": "核销",
            "numbers": "",
            "selection": f"ids={ids}",
        },
    )

    assert set(Disposal.objects.get().lines.values_list("asset_id", flat=True)) == {
        a.pk for a in chosen
    }


def test_teachers_cannot_open_the_write_off_page(client, people):
    client.force_login(people.teacher)
    assert client.get(reverse("assets:disposal_writeoff")).status_code == 403


def test_parse_helpers_accept_excel_pastes():
    assert disposals.parse_numbers("A1\nA2, A3；A4\tA5\nA1") == ["A1", "A2", "A3", "A4", "A5"]
    assert disposals.parse_lines("A1\t20\nA2\n\nA1 3") == [("A1", "20"), ("A2", "")]


def test_a_draft_and_a_historic_write_off_have_their_pages(client, people):
    disposal = draft(people, make_asset(people))
    client.force_login(people.teacher)
    page = client.get(reverse("assets:disposal_detail", args=[disposal.pk]))
    assert page.status_code == 200 and page.context["approval"] is None
    assert {a["name"] for a in page.context["actions"]} == {"submit", "cancel", "photos"}

    asset = AssetFactory(school=people.school)
    historic = writeoff.write_off(
        by=people.clerk,
        school=people.school,
        approval_reference="甬教装〔2023〕8号",
        disposed_on=timezone.localdate() - timedelta(days=30),
        reason="核销",
        numbers=[asset.number],
    )
    client.force_login(people.clerk)
    page = client.get(reverse("assets:disposal_detail", args=[historic.pk]))
    assert page.status_code == 200 and "甬教装〔2023〕8号" in page.content.decode()
    export = client.get(reverse("assets:disposal_detail", args=[historic.pk]) + "?export=lines")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_department_head_opens_and_approves_a_request_of_their_department(client, people):
    disposal, flow = submitted(people, make_asset(people))
    client.force_login(people.head)

    assert client.get(reverse("assets:disposal_list")).context["table"].data.data.count() == 1
    client.post(reverse("approval_approve", args=[flow.pk]), {"comment": "同意"})

    flow.refresh_from_db()
    assert flow.current_role == "director"


def test_photos_are_added_to_a_request(client, people, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(out, format="PNG")
    disposal = draft(people, make_asset(people))
    client.force_login(people.teacher)

    client.post(
        reverse("assets:disposal_action", args=[disposal.pk, "photos"]),
        {"photos-photos": [SimpleUploadedFile("a.png", out.getvalue(), "image/png")]},
    )

    from houqin.core.timeline import entries_for

    assert sum(e.attachments.count() for e in entries_for(disposal)) == 1

"""Confidential jobs (exam papers): only the print room and the requester see them and their
file; lists show others only "Confidential job"; the search never finds their titles.

Who sees what (the choice documented on ``houqin.stores.models.printing``):
requester and print room (keeper): everything · department head, director: the job listed as
"Confidential job", no page, no file · another teacher: nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from houqin.core.models import Attachment
from houqin.stores.models.printing import PrintJob

from .printing_support import job, print_room

SECRET = "期末考试数学试卷"


@pytest.fixture
def room(school):
    return print_room(school)


@pytest.fixture
def exam(room):
    paper = SimpleUploadedFile("exam.txt", "第一题 …".encode(), "text/plain")
    return job(room, title=SECRET, is_confidential=True, files=[paper])


def _page(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("who", ["teacher", "keeper"])
def test_requester_and_print_room_open_the_confidential_job_and_its_file(client, room, exam, who):
    user = getattr(room, who)
    response = _page(client, user, reverse("stores:printjob_detail", args=[exam.pk]))
    assert response.status_code == 200
    assert SECRET in response.content.decode()
    attachment = Attachment.objects.get()
    assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 200


@pytest.mark.parametrize("who", ["head", "director", "colleague"])
def test_others_cannot_open_the_confidential_job_its_file_or_slip(client, room, exam, who):
    user = getattr(room, who)
    for name in ("stores:printjob_detail", "stores:printjob_slip"):
        assert _page(client, user, reverse(name, args=[exam.pk])).status_code == 404
    attachment = Attachment.objects.get()
    assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 404
    assert not PrintJob.objects.restrict(user, "view").filter(pk=exam.pk).exists()


@pytest.mark.parametrize("who", ["head", "director"])
def test_others_cannot_read_its_change_history_or_timeline(client, room, exam, who):
    client.force_login(getattr(room, who))
    args = ["stores", "printjob", exam.pk]
    assert client.get(reverse("object_history", args=args)).status_code == 404
    assert client.get(reverse("timeline_panel", args=args)).status_code == 404
    assert client.post(reverse("timeline_comment", args=args), {"text": "?"}).status_code == 404


@pytest.mark.parametrize("who", ["head", "director"])
def test_head_and_director_see_it_listed_only_as_a_confidential_job(client, room, exam, who):
    body = _page(client, getattr(room, who), reverse("stores:printjob_list")).content.decode()
    assert exam.number in body
    assert "Confidential job" in body
    assert SECRET not in body
    assert reverse("stores:printjob_detail", args=[exam.pk]) not in body


def test_exports_mask_the_confidential_title_too(client, room, exam):
    response = _page(client, room.director, reverse("stores:printjob_list") + "?export=csv")
    body = response.content.decode("utf-8-sig")
    assert exam.number in body
    assert SECRET not in body


def test_searching_a_confidential_title_finds_nothing_for_the_director(client, room, exam):
    url = reverse("stores:printjob_list") + "?q=期末考试"
    body = _page(client, room.director, url).content.decode()
    assert exam.number not in body
    body = _page(client, room.keeper, url).content.decode()
    assert exam.number in body


def test_another_teacher_does_not_see_the_job_at_all(client, room, exam):
    body = _page(client, room.colleague, reverse("stores:printjob_list")).content.decode()
    assert exam.number not in body


def test_an_ordinary_job_is_open_to_the_head_and_director_but_not_a_colleague(client, room):
    handout = job(room, title="课堂练习")
    url = reverse("stores:printjob_detail", args=[handout.pk])
    assert _page(client, room.head, url).status_code == 200
    assert _page(client, room.director, url).status_code == 200
    assert _page(client, room.colleague, url).status_code == 404


def test_the_print_room_queue_marks_confidential_jobs_and_shows_their_titles(client, room, exam):
    body = _page(client, room.keeper, reverse("stores:printjob_queue")).content.decode()
    assert SECRET in body
    assert "ti-lock" in body


def test_api_lists_the_confidential_job_masked_and_refuses_to_open_it(client, room, exam):
    client.force_login(room.director)
    listed = client.get(reverse("api:stores:printjob-list")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    row = next(r for r in rows if r["id"] == exam.pk)
    assert row["masked"] is True
    assert row["title"] == "Confidential job"
    assert SECRET not in str(listed)
    assert client.get(reverse("api:stores:printjob-detail", args=[exam.pk])).status_code == 404


def test_api_shows_the_requester_their_confidential_job(client, room, exam):
    client.force_login(room.teacher)
    data = client.get(reverse("api:stores:printjob-detail", args=[exam.pk])).json()
    assert data["title"] == SECRET
    assert data["masked"] is False


def test_approval_inbox_never_carries_a_confidential_title(room, exam):
    from houqin.core import approvals

    flow = approvals.flow_for(exam)
    assert SECRET not in flow.title


def test_a_head_with_the_dept_head_role_cannot_open_the_confidential_job(
    client, room, exam, school
):
    from houqin import factories as f

    head = f.member(school, "dept_head", "staff", department=room.english)
    url = reverse("stores:printjob_detail", args=[exam.pk])
    assert _page(client, head, url).status_code == 404

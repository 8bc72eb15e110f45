"""Print jobs through the API: the same services, the same refusals, bounded lists."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin import factories as f
from houqin.stores import ledger
from houqin.stores.models.printing import PrintJob, PrintJobStatus

from .printing_support import job, print_room

S = PrintJobStatus
LIST = "api:stores:printjob-list"


@pytest.fixture
def room(school):
    return print_room(school)


def _detail(j, action=None):
    if action:
        return reverse(f"api:stores:printjob-{action}", args=[j.pk])
    return reverse("api:stores:printjob-detail", args=[j.pk])


def test_teacher_submits_a_job_through_the_api(client, room):
    client.force_login(room.teacher)
    response = client.post(
        reverse(LIST),
        {
            "title": "单元测验",
            "pages": 2,
            "copies": 40,
            "needed_by": (timezone.now() + timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == S.QUEUED
    assert data["number"].startswith("WY-")
    assert data["printed_pages"] == 80


def test_api_refusal_is_the_services_message(client, room):
    client.force_login(room.teacher)
    response = client.post(
        reverse(LIST),
        {
            "title": "x",
            "pages": 1,
            "copies": 1,
            "needed_by": timezone.now().isoformat(),
            "department": room.english.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "own department" in response.json()["detail"]
    assert not PrintJob.objects.exists()


def test_print_room_finishes_and_hands_over_through_the_api(client, room):
    j = job(room, pages=10, copies=100)  # 500 sheets: 1 ream
    client.force_login(room.keeper)
    assert client.post(_detail(j, "start")).json()["status"] == S.PRINTING
    data = client.post(_detail(j, "finish"), {}, content_type="application/json").json()
    assert (data["status"], data["sheets_used"]) == (S.DONE, 500)
    assert ledger.on_hand(room.paper, room.store) == Decimal("9")
    data = client.post(
        _detail(j, "collect"), {"collector": room.head.pk}, content_type="application/json"
    ).json()
    assert data["status"] == S.COLLECTED
    assert data["collected_by"] == room.head.pk


def test_teacher_cannot_finish_through_the_api(client, room):
    j = job(room)
    client.force_login(room.teacher)
    response = client.post(_detail(j, "finish"), {}, content_type="application/json")
    assert response.status_code == 403
    assert PrintJob.objects.get(pk=j.pk).status == S.QUEUED


def test_not_enough_paper_through_the_api_is_a_400_and_nothing_changes(client, room):
    j = job(room, pages=200, copies=60)
    client.force_login(room.keeper)
    response = client.post(_detail(j, "finish"), {}, content_type="application/json")
    assert response.status_code == 400
    assert "Only 10" in response.json()["detail"]
    assert PrintJob.objects.get(pk=j.pk).status == S.QUEUED


def test_another_schools_job_is_a_404(client, room, other_school):
    other = print_room(other_school, tag="乙")
    theirs = job(other)
    client.force_login(room.keeper)
    assert client.get(_detail(theirs)).status_code == 404
    assert client.post(_detail(theirs, "finish"), {}).status_code == 404
    assert theirs.number not in client.get(reverse(LIST)).content.decode()


def test_api_list_runs_a_fixed_number_of_queries(client, room, django_assert_max_num_queries):
    for _ in range(3):
        job(room)
    client.force_login(room.director)
    client.get(reverse(LIST))
    with django_assert_max_num_queries(8) as first:
        assert client.get(reverse(LIST)).status_code == 200
    for _ in range(6):
        job(room, is_confidential=True)
    with django_assert_max_num_queries(len(first)):
        assert client.get(reverse(LIST)).status_code == 200


def test_guard_cannot_submit_through_the_api(client, room, school):
    client.force_login(f.member(school, "guard"))
    response = client.post(
        reverse(LIST),
        {"title": "x", "pages": 1, "copies": 1, "needed_by": timezone.now().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 403

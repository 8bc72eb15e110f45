"""The hazards API: report, list with filters (bounded queries), the actions through the
services (same refusals as the pages), tenancy."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from houqin.maintenance import services as maintenance
from houqin.safety.models.hazards import Hazard, HazardStatus

from .hazards_support import assigned, reported, room_of, to_verify


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def clerk(school, make_member):
    return make_member(school, "clerk", username="clerk")


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


LIST = "api:safety:hazard-list"


def act(user, hazard, name, **data):
    return api(user).post(
        reverse(f"api:safety:hazard-{name}", args=[hazard.pk]), data, format="json"
    )


def test_teacher_reports_and_director_runs_the_loop(school, teacher, director, clerk):
    room = room_of(school)
    response = api(teacher).post(
        reverse(LIST), {"title": "电线裸露", "room": room.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    hazard = Hazard.objects.get(pk=response.json()["id"])
    deadline = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = act(
        director,
        hazard,
        "assign",
        owner=clerk.pk,
        deadline=deadline,
        control_measures="断电",
        version=1,
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == HazardStatus.RECTIFYING
    category = maintenance.ensure_categories(school)[0]
    response = act(clerk, hazard, "work-order", category=category.pk)
    assert response.status_code == 200, response.content
    assert response.json()["work_order_number"].startswith("WX-")
    response = act(clerk, hazard, "rectify", note="已包扎")
    assert response.json()["status"] == HazardStatus.TO_VERIFY
    refused = act(clerk, hazard, "verify")
    assert refused.status_code == 403
    assert refused.json()["code"] == "VerifiedByFixer"
    assert act(director, hazard, "verify", note="合格").json()["status"] == HazardStatus.CLOSED


def test_stale_version_is_a_conflict(school, teacher, director, clerk):
    hazard = assigned(reported(school, teacher), director, clerk)
    response = act(director, hazard, "reassign", owner=teacher.pk, version=1)
    assert response.status_code == 409


def test_major_without_deadline_is_refused_with_the_message(school, teacher, director, clerk):
    hazard = reported(school, teacher, level="major")
    response = act(director, hazard, "assign", owner=clerk.pk)
    assert response.status_code == 400
    assert "deadline" in response.json()["detail"]


def test_owner_from_another_school_is_a_field_error(
    school, other_school, teacher, director, make_member
):
    stranger = make_member(other_school, "staff", username="stranger")
    hazard = reported(school, teacher)
    response = act(director, hazard, "assign", owner=stranger.pk)
    assert response.status_code == 400 and "owner" in response.json()


def test_list_filters_and_stays_bounded(
    school, teacher, director, clerk, django_assert_max_num_queries
):
    for i in range(8):
        hazard = reported(school, teacher, title=f"隐患{i}")
        if i % 2:
            to_verify(hazard, director, clerk)
    client = api(director)
    with django_assert_max_num_queries(10):
        response = client.get(reverse(LIST))
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert len(rows) == 8
    filtered = client.get(reverse(LIST) + "?status=to_verify").json()
    rows = filtered["results"] if isinstance(filtered, dict) else filtered
    assert len(rows) == 4


def test_other_schools_hazards_are_invisible(school, other_school, teacher, make_member):
    hazard = reported(school, teacher)
    outsider = make_member(other_school, "director", username="outsider")
    client = api(outsider)
    body = client.get(reverse(LIST)).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert rows == []
    assert client.get(reverse("api:safety:hazard-detail", args=[hazard.pk])).status_code == 404
    assert act(outsider, hazard, "cancel", reason="x").status_code == 404


def test_auditor_cannot_report(school, make_member):
    auditor = make_member(school, "auditor", username="aud")
    response = api(auditor).post(
        reverse(LIST), {"title": "x", "location_note": "操场"}, format="json"
    )
    assert response.status_code == 403

"""The API of regulations, versions, acknowledgements and drills: same services, same
refusals, bounded lists, nothing of another school."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.safety import services_documents as services
from houqin.safety import services_drills as drills
from houqin.safety.models.documents import DocumentAcknowledgement, SafetyDocument

from .documents_support import safety_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(school):
    return safety_school(school)


def test_documents_list_is_bounded_and_preloads_the_seed(client, s, django_assert_max_num_queries):
    services.ensure_regulations(s.school)
    for doc in SafetyDocument.objects.filter(school=s.school)[:6]:
        services.add_version(
            doc, by=s.director, label="V1", text="…", effective_date=timezone.localdate()
        )
    client.force_login(s.teacher)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("api:safety:document-list"))
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert len(rows) == 11


def test_version_read_and_readers_through_the_api(client, s):
    client.force_login(s.director)
    created = client.post(
        reverse("api:safety:document-list"),
        {"title": "实验室安全制度", "owner": s.clerk.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    today = timezone.localdate()
    too_late = client.post(
        reverse("api:safety:document-versions", args=[pk]),
        {
            "label": "V1",
            "text": "…",
            "effective_date": today.isoformat(),
            "review_by": (today + timedelta(days=500)).isoformat(),
        },
        content_type="application/json",
    )
    assert too_late.status_code == 400 and "review_by" in too_late.json()
    ok = client.post(
        reverse("api:safety:document-versions", args=[pk]),
        {"label": "V1", "text": "…", "effective_date": today.isoformat()},
        content_type="application/json",
    )
    assert ok.status_code == 201
    client.force_login(s.teacher)
    assert client.post(reverse("api:safety:document-read", args=[pk])).status_code == 200
    assert client.post(reverse("api:safety:document-read", args=[pk])).status_code == 200
    assert DocumentAcknowledgement.objects.filter(user=s.teacher).count() == 1
    assert client.get(reverse("api:safety:document-readers", args=[pk])).status_code == 403
    client.force_login(s.clerk)  # the owner
    readers = client.get(reverse("api:safety:document-readers", args=[pk])).json()
    assert {r["name"]: bool(r["read_at"]) for r in readers}[str(s.teacher)] is True


def test_drills_through_the_api(client, s, django_assert_max_num_queries):
    client.force_login(s.director)
    created = client.post(
        reverse("api:safety:drill-list"),
        {
            "title": "消防疏散",
            "planned_date": timezone.localdate().isoformat(),
            "buildings": [s.building.pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    recorded = client.post(
        reverse("api:safety:drill-record", args=[pk]),
        {
            "done_date": timezone.localdate().isoformat(),
            "participants": 1000,
            "evacuation_seconds": 130,
            "findings": [{"description": "楼梯堆物", "room": s.room.pk, "raise_hazard": True}],
        },
        content_type="application/json",
    )
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["is_slow"] is True
    assert recorded.json()["findings"][0]["hazard_number"]
    for n in range(8):
        d = drills.plan_drill(
            school=s.school,
            by=s.director,
            title=f"演练{n}",
            planned_date=timezone.localdate() + timedelta(days=n),
        )
        d.buildings.add(s.building)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("api:safety:drill-list")).status_code == 200
    client.force_login(s.teacher)
    assert (
        client.post(
            reverse("api:safety:drill-list"),
            {"planned_date": "2026-01-01"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_other_schools_rows_are_404(client, s, other_school):
    other = safety_school(other_school, tag="乙")
    doc = services.create_document(school=other.school, by=other.director, title="乙校制度")
    drill = drills.plan_drill(
        school=other.school, by=other.director, title="乙", planned_date=timezone.localdate()
    )
    client.force_login(s.director)
    assert client.get(reverse("api:safety:document-detail", args=[doc.pk])).status_code == 404
    assert client.post(reverse("api:safety:document-read", args=[doc.pk])).status_code == 404
    assert client.get(reverse("api:safety:drill-detail", args=[drill.pk])).status_code == 404
    bad = client.post(
        reverse("api:safety:drill-list"),
        {"planned_date": "2026-01-01", "buildings": [other.building.pk]},
        content_type="application/json",
    )
    assert bad.status_code == 400

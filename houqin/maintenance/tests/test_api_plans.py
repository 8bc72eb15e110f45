"""The repairs API beyond the basics: plans, photos and documents, the claim pool, finishing
with a checklist and a signature — the same rules as the pages."""

import base64
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from houqin.core.timeline import entries_for
from houqin.factories import member
from houqin.maintenance import plans, services
from houqin.maintenance.models import MaintenancePlan, MaintenanceSettings, Status, WorkOrder
from houqin.org.models import RoomType

from .factories import fake_photo, make_order, photo
from .test_plans import make_plan, make_terms

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def worker(school):
    return member(school, "worker", username="worker", full_name="王师傅")


@pytest.fixture
def category(school):
    return services.ensure_categories(school)[1]


@pytest.fixture
def offices(school):
    from houqin.factories import FloorFactory, RoomFactory

    floor = FloorFactory(building__campus__school=school)
    return [RoomFactory(floor=floor, room_type=RoomType.OFFICE) for _ in range(3)]


def plan_payload(category, **kw):
    return {
        "name": "空调清洗", "category": category.pk, "recurrence": "term", "offset_days": 14,
        "room_types": ["office"], "checklist": ["清洗滤网"], "starts_on": "2025-08-01", **kw,
    }


def term_around_today(school):
    from houqin.org.models import AcademicYear, Term

    today = timezone.localdate()
    year = AcademicYear.objects.create(
        school=school, name="this year", start_date=today - timedelta(days=100),
        end_date=today + timedelta(days=200),
    )
    return Term.objects.create(
        school=school, year=year, number=1, name="this term",
        start_date=today - timedelta(days=30), end_date=today + timedelta(days=60),
    )


def test_director_creates_a_plan_and_sees_its_compliance(api, school, director, category, offices):
    term = term_around_today(school)
    api.force_authenticate(director)
    payload = plan_payload(category, offset_days=0, lead_days=90, starts_on=str(term.start_date))
    response = api.post(reverse("api:maintenance:plan-list"), payload, format="json")
    assert response.status_code == 201, response.content
    plan = MaintenancePlan.objects.get()
    assert plan.school == school and plan.checklist == ["清洗滤网"]

    made = api.post(reverse("api:maintenance:plan-generate", args=[plan.pk])).json()["made"]
    assert len(made) == 3 and all(number.startswith("WX-") for number in made)
    assert api.post(reverse("api:maintenance:plan-generate", args=[plan.pk])).json()["made"] == []
    order = WorkOrder.objects.get(number=made[0])
    services.assign(order, by=director, worker=member(school, "worker", username="w9"))
    services.start(order, by=order.assignee)
    services.finish(order, by=order.assignee, checklist=[{"done": True}])

    rows = api.get(reverse("api:maintenance:plan-list")).json()["results"]
    compliance = rows[0]["compliance"]
    assert (compliance["done"], compliance["expected"], compliance["label"]) == (1, 3, "this term")


def test_plan_list_api_queries_grow_by_at_most_two_per_plan(api, school, director, category):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    term_around_today(school)
    api.force_authenticate(director)
    make_plan(school, category, name="p0")
    with CaptureQueriesContext(connection) as one:
        assert api.get(reverse("api:maintenance:plan-list")).status_code == 200
    for i in range(1, 6):
        make_plan(school, category, name=f"p{i}")
    with CaptureQueriesContext(connection) as six:
        assert len(api.get(reverse("api:maintenance:plan-list")).json()["results"]) == 6
    assert len(six) - len(one) <= 2 * 5


def test_pool_api_queries_do_not_grow_with_the_orders(api, school, teacher, worker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MaintenanceSettings.objects.update_or_create(school=school, defaults={"claim_pool": True})
    make_order(school, teacher)
    api.force_authenticate(worker)
    api.get(reverse("api:maintenance:pool-list"))  # first request: session and school set up
    with CaptureQueriesContext(connection) as few:
        api.get(reverse("api:maintenance:pool-list"))
    for _ in range(5):
        make_order(school, teacher)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(reverse("api:maintenance:pool-list")).json()["results"]) == 6
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "change, field_text",
    [
        ({"recurrence": "rrule", "rrule": "FREQ=NEVER"}, "RRULE"),
        ({"room_types": []}, "what the plan covers"),
        ({"room_types": ["spaceship"]}, "spaceship"),
    ],
)
def test_a_bad_plan_is_refused_with_the_reason(api, school, director, category, change, field_text):
    api.force_authenticate(director)
    response = api.post(
        reverse("api:maintenance:plan-list"), plan_payload(category, **change), format="json"
    )
    assert response.status_code == 400 and field_text in response.content.decode()
    assert not MaintenancePlan.objects.exists()


def test_plans_are_not_for_teachers_nor_other_schools(
    api, school, other_school, teacher, director, category
):
    plan = make_plan(school, category)
    api.force_authenticate(teacher)
    listed = api.get(reverse("api:maintenance:plan-list"))
    assert listed.status_code == 403 or listed.json()["results"] == []
    assert api.post(reverse("api:maintenance:plan-generate", args=[plan.pk])).status_code in (
        403, 404,
    )
    api.force_authenticate(member(other_school, "director", username="od"))
    assert api.get(reverse("api:maintenance:plan-detail", args=[plan.pk])).status_code == 404


def test_plans_cannot_be_deleted_only_paused(api, school, director, category):
    plan = make_plan(school, category)
    api.force_authenticate(director)
    url = reverse("api:maintenance:plan-detail", args=[plan.pk])
    assert api.delete(url).status_code == 405
    assert api.patch(url, {"is_active": False}, format="json").status_code == 200
    plan.refresh_from_db()
    assert not plan.is_active


def test_report_with_photos_through_the_api(api, school, teacher, category, offices):
    api.force_authenticate(teacher)
    response = api.post(
        reverse("api:maintenance:workorder-list"),
        {"category": category.pk, "room": offices[0].pk, "description": "空调漏水",
         "photos": [photo("a.png"), photo("b.png")]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get()
    attachments = [a for e in entries_for(order) for a in e.attachments.all()]
    assert len(attachments) == 2


def test_a_fake_photo_is_refused_and_nothing_is_reported(api, school, teacher, category, offices):
    api.force_authenticate(teacher)
    response = api.post(
        reverse("api:maintenance:workorder-list"),
        {"category": category.pk, "room": offices[0].pk, "description": "x",
         "photos": [fake_photo()]},
        format="multipart",
    )
    assert response.status_code == 400
    assert not WorkOrder.objects.exists()


def test_contractor_uploads_an_invoice_pdf_to_the_timeline(api, school, teacher, director):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from houqin.factories import CompanyFactory

    company = CompanyFactory(school=school)
    contractor = member(school, "contractor", username="c1", company=company)
    order = make_order(school, teacher)
    services.assign(order, by=director, company=company)
    api.force_authenticate(contractor)
    pdf = SimpleUploadedFile("fapiao.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")
    url = reverse("api:maintenance:workorder-photos", args=[order.pk])
    response = api.post(url, {"files": [pdf], "text": "发票"}, format="multipart")
    assert response.status_code == 201, response.content
    names = [a.original_name for e in entries_for(order) for a in e.attachments.all()]
    assert "fapiao.pdf" in names

    stranger = member(school, "staff", username="nosy")
    api.force_authenticate(stranger)
    assert api.post(url, {"files": [photo()]}, format="multipart").status_code == 404


def test_claim_through_the_pool_api(api, school, teacher, worker):
    order = make_order(school, teacher)
    api.force_authenticate(worker)
    assert api.get(reverse("api:maintenance:pool-list")).json()["results"] == []
    MaintenanceSettings.objects.filter(school=school).update(claim_pool=True)
    rows = api.get(reverse("api:maintenance:pool-list")).json()["results"]
    assert [r["number"] for r in rows] == [order.number]
    response = api.post(reverse("api:maintenance:pool-claim", args=[order.pk]))
    assert response.status_code == 200 and response.json()["status"] == Status.ASSIGNED
    assert api.post(reverse("api:maintenance:pool-claim", args=[order.pk])).status_code == 404


def test_finish_with_checklist_and_signature_through_the_api(api, school, category, offices, worker):
    make_terms(school)
    plan = make_plan(school, category, default_worker=worker, requires_signature=True)
    order = plans.generate(plan, today=date(2025, 9, 10))[0]
    services.start(order, by=worker)
    api.force_authenticate(worker)
    url = reverse("api:maintenance:workorder-finish", args=[order.pk])
    ticks = [{"done": True}, {"done": True}]
    response = api.post(url, {"checklist": ticks}, format="json")
    assert response.status_code == 400 and "sign" in response.content.decode()
    response = api.post(url, {"checklist": ticks, "signature": "data:image/png;base64,%%%"},
                        format="json")
    assert response.status_code == 400
    png = base64.b64encode(photo().read()).decode()
    response = api.post(
        url,
        {"checklist": ticks, "signature": f"data:image/png;base64,{png}", "signed_by": "李老师"},
        format="json",
    )
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.status == Status.DONE and order.signed_by == "李老师"


def test_reopen_through_the_api(api, school, teacher, director, worker):
    order = make_order(school, teacher)
    services.assign(order, by=director, worker=worker)
    services.start(order, by=worker)
    services.finish(order, by=worker)
    api.force_authenticate(teacher)
    url = reverse("api:maintenance:workorder-reopen", args=[order.pk])
    assert api.post(url, {"reason": ""}, format="json").status_code == 400
    response = api.post(url, {"reason": "还是不亮"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.ASSIGNED

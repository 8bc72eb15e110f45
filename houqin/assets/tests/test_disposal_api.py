"""The disposal and damage API: scoped lists, creating through the services, actions."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from houqin.assets import services_damage as damage
from houqin.assets.models import AssetStatus, DamageRecord, DamageStatus, Disposal, DisposalStatus
from houqin.factories import SchoolClassFactory

from .factories import AssetFactory
from .test_disposal_flow import draft, make_asset, make_people

pytestmark = pytest.mark.django_db

DISPOSALS = "api:assets:disposal-list"
DAMAGE = "api:assets:damage-list"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def people(school):
    return make_people(school)


def rows(response):
    body = response.json()
    return body.get("results", body) if isinstance(body, dict) else body


def test_a_teacher_creates_and_submits_a_request_by_numbers_and_ids(api, people):
    pc = make_asset(people)
    desks = make_asset(people, quantity=40, unit="套")
    api.force_authenticate(people.teacher)

    response = api.post(
        reverse(DISPOSALS),
        {
            "reason": "老化",
            "lines": [{"number": pc.number}, {"asset": desks.pk, "quantity": "10"}],
            "submit": True,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == DisposalStatus.PENDING
    assert {line["asset_number"]: line["quantity"] for line in body["lines"]} == {
        pc.number: "1.00",
        desks.number: "10.00",
    }
    pc.refresh_from_db()
    assert pc.status == AssetStatus.PENDING_DISPOSAL


def test_an_unknown_asset_is_a_400_and_nothing_is_saved(api, people):
    api.force_authenticate(people.teacher)
    response = api.post(
        reverse(DISPOSALS), {"reason": "x", "lines": [{"number": "NOPE"}]}, format="json"
    )
    assert response.status_code == 400 and "NOPE" in response.content.decode()
    assert not Disposal.objects.exists()


def test_someone_elses_asset_is_a_403(api, people, make_member):
    stranger = make_member(people.school, "staff", username="stranger")
    api.force_authenticate(stranger)
    response = api.post(
        reverse(DISPOSALS),
        {"reason": "x", "lines": [{"asset": make_asset(people).pk}]},
        format="json",
    )
    assert response.status_code == 403
    assert not Disposal.objects.exists()


def test_submit_a_draft_through_the_api(api, people):
    disposal = draft(people, make_asset(people))
    api.force_authenticate(people.teacher)
    response = api.post(reverse("api:assets:disposal-submit", args=[disposal.pk]))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == DisposalStatus.PENDING
    # Twice is refused with a clear message.
    again = api.post(reverse("api:assets:disposal-submit", args=[disposal.pk]))
    assert again.status_code == 409


def test_lists_are_scoped_to_own_requests_and_the_school(api, people, other_school, make_member):
    mine = draft(people, make_asset(people))
    other_teacher = make_member(people.school, "staff", username="t2")
    draft(people, make_asset(people, custodian=other_teacher), by=other_teacher)
    theirs = make_people(other_school, prefix="b")
    foreign = draft(theirs, make_asset(theirs))

    api.force_authenticate(people.teacher)
    assert [r["id"] for r in rows(api.get(reverse(DISPOSALS)))] == [mine.pk]

    api.force_authenticate(people.director)
    assert len(rows(api.get(reverse(DISPOSALS)))) == 2
    detail = api.get(reverse("api:assets:disposal-detail", args=[foreign.pk]))
    assert detail.status_code == 404


def test_the_disposal_list_runs_a_fixed_number_of_queries(
    api, people, django_assert_max_num_queries
):
    for _ in range(3):
        draft(people, make_asset(people))
    api.force_authenticate(people.clerk)
    with django_assert_max_num_queries(10) as first:
        api.get(reverse(DISPOSALS))
    for _ in range(5):
        draft(people, make_asset(people))
    with django_assert_max_num_queries(len(first)):
        api.get(reverse(DISPOSALS))


# ---------------------------------------------------------------- damage


@pytest.fixture
def class_teacher(school, make_member):
    return make_member(school, "class_teacher", "staff", username="banzhuren")


@pytest.fixture
def own_class(school, class_teacher):
    return SchoolClassFactory(school=school, grade=7, number=2, class_teacher=class_teacher)


def test_damage_is_recorded_with_the_rules_amount_then_paid(api, people, own_class):
    desk = AssetFactory(school=people.school, unit_price=Decimal("200"))
    api.force_authenticate(people.clerk)

    made = api.post(
        reverse(DAMAGE),
        {
            "asset": desk.pk,
            "description": "桌面划伤",
            "cause": "unknown",
            "school_class": own_class.pk,
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["assessed_amount"], body["class_points"]) == ("200.00", "1.0")

    pay = api.post(
        reverse("api:assets:damage-pay", args=[body["id"]]), {"amount": "200"}, format="json"
    )
    assert pay.status_code == 200, pay.content
    assert pay.json()["status"] == DamageStatus.PAID


def test_overpaying_is_refused_with_the_outstanding_amount(api, people, own_class):
    record = damage.create_damage(
        by=people.clerk,
        school=people.school,
        room=None,
        asset=AssetFactory(school=people.school, unit_price=Decimal("50")),
        school_class=own_class,
        description="x",
    )
    api.force_authenticate(people.clerk)
    response = api.post(
        reverse("api:assets:damage-pay", args=[record.pk]), {"amount": "80"}, format="json"
    )
    assert response.status_code == 400 and "50.00" in response.json()["detail"]


def test_waive_through_the_api_needs_the_right(api, people, class_teacher, own_class):
    record = damage.create_damage(
        by=class_teacher,
        school=people.school,
        asset=AssetFactory(school=people.school),
        school_class=own_class,
        description="x",
    )
    api.force_authenticate(class_teacher)
    url = reverse("api:assets:damage-waive", args=[record.pk])
    assert api.post(url, {"reason": "困难"}, format="json").status_code == 403
    api.force_authenticate(people.director)
    assert api.post(url, {"reason": "困难"}, format="json").json()["status"] == "waived"


def test_class_teachers_list_their_classs_damage_only(api, people, class_teacher, own_class):
    other = SchoolClassFactory(school=people.school, grade=9, number=1)
    desk = AssetFactory(school=people.school)
    mine = damage.create_damage(
        by=people.clerk, school=people.school, asset=desk, school_class=own_class, description="a"
    )
    damage.create_damage(
        by=people.clerk, school=people.school, asset=desk, school_class=other, description="b"
    )
    api.force_authenticate(class_teacher)
    assert [r["id"] for r in rows(api.get(reverse(DAMAGE)))] == [mine.pk]

    refused = api.post(
        reverse(DAMAGE),
        {"asset": desk.pk, "description": "c", "school_class": other.pk},
        format="json",
    )
    assert refused.status_code == 403
    assert DamageRecord.objects.count() == 2


def test_another_schools_class_or_asset_is_a_400(api, people, other_school):
    theirs = AssetFactory(school=other_school)
    api.force_authenticate(people.clerk)
    response = api.post(
        reverse(DAMAGE),
        {"asset": theirs.pk, "description": "x", "responsible_name": "王"},
        format="json",
    )
    assert response.status_code == 400
    assert not DamageRecord.objects.exists()

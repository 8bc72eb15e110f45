"""The requisitions API: the same services and refusals as the pages, scoped lists."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from houqin import factories as f
from houqin.core import approvals
from houqin.stores import ledger
from houqin.stores.models.requisitions import Requisition, RequisitionStatus

from .counts_support import D, department_with_head, stocked

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(school):
    return f.member(school, "keeper", username="keeper")


@pytest.fixture
def office(school):
    return department_with_head(school, "教务处", "head")[0]


@pytest.fixture
def asker(school, office):
    return f.member(school, "staff", department=office, username="asker")


@pytest.fixture
def pens(school, keeper):
    return stocked(school, keeper, "签字笔", 10, "2.00")


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _ask(asker, office, pens, quantity=3):
    response = _api(asker).post(
        reverse("api:stores:requisition-list"),
        {"department": office.pk, "purpose": "教研", "submit": True,
         "lines": [{"item": pens.pk, "quantity": str(quantity)}]},
        format="json",
    )  # fmt: skip
    return response


def test_teacher_asks_through_the_api_and_keeper_issues_and_teacher_confirms(
    asker, keeper, office, pens
):
    response = _ask(asker, office, pens)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == RequisitionStatus.PENDING
    requisition = Requisition.objects.get(pk=body["id"])
    approvals.approve(requisition, by=office.head)
    line_id = body["lines"][0]["id"]
    issued = _api(keeper).post(
        reverse("api:stores:requisition-issue", args=[requisition.pk]),
        {"lines": [{"line": line_id, "quantity": "2"}]},
        format="json",
    )
    assert issued.status_code == 200, issued.content
    assert issued.json()["status"] == RequisitionStatus.PARTIAL
    closed = _api(keeper).post(
        reverse("api:stores:requisition-close", args=[requisition.pk]), {"reason": "缺货"}
    )
    assert closed.json()["status"] == RequisitionStatus.ISSUED
    confirmed = _api(asker).post(reverse("api:stores:requisition-confirm", args=[requisition.pk]))
    assert confirmed.json()["status"] == RequisitionStatus.RECEIVED
    assert ledger.on_hand(pens) == D(8)


def test_issuing_more_than_on_hand_answers_the_message_and_writes_nothing(
    asker, keeper, office, pens
):
    body = _ask(asker, office, pens, 10).json()
    requisition = Requisition.objects.get(pk=body["id"])
    approvals.approve(requisition, by=office.head)
    ledger.issue(item=pens, store=requisition.store, quantity=4, by=keeper)
    response = _api(keeper).post(
        reverse("api:stores:requisition-issue", args=[requisition.pk]),
        {"lines": [{"line": body["lines"][0]["id"], "quantity": "10"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "Only 6 支" in response.json()["detail"]
    assert ledger.on_hand(pens) == D(6)


def test_teacher_cannot_ask_for_another_department_through_the_api(school, asker, pens):
    other = department_with_head(school, "总务处", "other_head")[0]
    response = _ask(asker, other, pens)
    assert response.status_code == 403
    assert not Requisition.objects.exists()


def test_teacher_cannot_issue_through_the_api(asker, office, pens):
    body = _ask(asker, office, pens).json()
    approvals.approve(Requisition.objects.get(pk=body["id"]), by=office.head)
    response = _api(asker).post(
        reverse("api:stores:requisition-issue", args=[body["id"]]),
        {"lines": [{"line": body["lines"][0]["id"], "quantity": "1"}]},
        format="json",
    )
    assert response.status_code == 403
    assert ledger.on_hand(pens) == D(10)


def test_another_school_sees_nothing_and_reaches_nothing(other_school, asker, office, pens):
    body = _ask(asker, office, pens).json()
    stranger = f.member(other_school, "keeper", username="stranger")
    assert _api(stranger).get(reverse("api:stores:requisition-list")).json()["count"] == 0
    detail = _api(stranger).get(reverse("api:stores:requisition-detail", args=[body["id"]]))
    assert detail.status_code == 404


def test_api_list_runs_a_bounded_number_of_queries(
    school, asker, keeper, office, pens, django_assert_max_num_queries
):
    for _ in range(5):
        _ask(asker, office, pens, 1)
    with django_assert_max_num_queries(8):
        response = _api(keeper).get(reverse("api:stores:requisition-list"))
    assert response.json()["count"] == 5


def test_director_sets_quotas_through_the_api(school, office, pens):
    from datetime import date

    from .counts_support import term_of

    boss = f.member(school, "director", username="boss")
    term = term_of(school, start=date(2026, 9, 1), end=date(2027, 1, 31))
    url = reverse("api:stores:requisitionquota-list")
    created = _api(boss).post(
        url, {"department": office.pk, "term": term.pk, "item": pens.pk, "quantity": "30"}
    )
    assert created.status_code == 201, created.content
    neither = _api(boss).post(url, {"department": office.pk, "term": term.pk, "quantity": "3"})
    assert neither.status_code == 400
    keeper = f.member(school, "keeper", username="k2")
    assert (
        _api(keeper)
        .post(url, {"department": office.pk, "term": term.pk, "item": pens.pk, "quantity": "1"})
        .status_code
        == 403
    )

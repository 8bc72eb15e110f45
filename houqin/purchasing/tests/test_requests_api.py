"""The purchasing requests API: scoped lists with bounded queries, creating and changing
through the services, submit, cancel, quotes, budgets and their figures."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from houqin.core import approvals
from houqin.purchasing.models import Budget, PurchaseRequest, RequestStatus

from .requests_support import YEAR, approve_all, budget, draft, make_people, service_line, submitted
from .requests_support import vendors as make_vendors

pytestmark = pytest.mark.django_db

REQUESTS = "api:purchasing:purchaserequest-list"
BUDGETS = "api:purchasing:budget-list"


def detail(pk, action=None):
    if action:
        return reverse(f"api:purchasing:purchaserequest-{action}", args=[pk])
    return reverse("api:purchasing:purchaserequest-detail", args=[pk])


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def people(school):
    return make_people(school)


def rows(response):
    body = response.json()
    return body.get("results", body) if isinstance(body, dict) else body


def test_a_teacher_creates_and_submits_a_request(api, people):
    budget(people, "100000")
    api.force_authenticate(people.teacher)
    response = api.post(
        reverse(REQUESTS),
        {
            "title": "多媒体设备",
            "reason": "教室投影仪老化",
            "needed_by": f"{YEAR}-09-01",
            "budget_category": people.category.pk,
            "lines": [
                {"description": "投影仪维修", "kind": "service", "quantity": "2", "unit": "台",
                 "estimated_price": "3000"},
            ],
            "submit": True,
        },
        format="json",
    )  # fmt: skip

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == RequestStatus.SUBMITTED
    assert Decimal(body["estimated_total"]) == Decimal("6000.00")
    assert body["lines"][0]["description"] == "投影仪维修"
    assert body["quotes_needed"] == 3


def test_a_refusal_answers_with_the_services_message(api, people):
    api.force_authenticate(people.teacher)
    response = api.post(
        reverse(REQUESTS),
        {
            "title": "x",
            "reason": "y",
            "department": people.other_department.pk,
            "lines": [service_line("10")],
        },
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "WrongDepartment"
    assert not PurchaseRequest.objects.exists()


def test_the_list_is_scoped_and_runs_bounded_queries(api, people, django_assert_max_num_queries):
    for n in range(10):
        draft(people, service_line(10 + n))
    draft(people, service_line("5"), by=people.other_head)
    api.force_authenticate(people.teacher)
    with django_assert_max_num_queries(8):
        response = api.get(reverse(REQUESTS))
    assert response.status_code == 200
    assert len(rows(response)) == 10


def test_the_requester_changes_a_returned_request_and_resubmits(api, people):
    request, _flow = submitted(people, service_line("800"))
    approvals.return_for_changes(request, by=people.head, reason="分两次买")
    api.force_authenticate(people.teacher)

    response = api.patch(
        detail(request.pk),
        {"lines": [service_line("400")], "submit": True},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == RequestStatus.SUBMITTED
    assert Decimal(response.json()["estimated_total"]) == Decimal("400.00")


def test_someone_else_cannot_change_a_draft(api, people):
    request = draft(people, service_line("800"))
    api.force_authenticate(people.head)
    response = api.patch(detail(request.pk), {"title": "改"}, format="json")
    assert response.status_code == 403


def test_submit_and_cancel_actions(api, people):
    first = draft(people, service_line("100"))
    second = draft(people, service_line("100"))
    api.force_authenticate(people.teacher)

    assert api.post(detail(first.pk, "submit")).json()["status"] == RequestStatus.SUBMITTED
    response = api.post(detail(second.pk, "cancel"), {"reason": "重复"}, format="json")
    assert response.json()["status"] == RequestStatus.CANCELLED


def test_logistics_records_and_chooses_quotes(api, people):
    budget(people, "100000")
    request, _flow = submitted(people, service_line("6000"))
    approve_all(request, people.head, people.director)
    a, b, c = make_vendors(people.school)
    api.force_authenticate(people.clerk)
    for vendor, amount in ((a, "5900"), (b, "5800"), (c, "6100")):
        response = api.post(
            detail(request.pk, "quotes"), {"vendor": vendor.pk, "amount": amount}, format="json"
        )
        assert response.status_code == 201, response.content
    dearer = request.quotes.get(vendor=a)

    refused = api.post(detail(request.pk, "choose"), {"quote": dearer.pk}, format="json")
    chosen = api.post(
        detail(request.pk, "choose"), {"quote": dearer.pk, "reason": "质保更长"}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json()["code"] == "ReasonRequired"
    assert chosen.json()["quotes_complete"] is True


def test_a_request_of_another_school_is_not_found(api, people, other_school):
    strangers = make_people(other_school, prefix="b")
    theirs = draft(strangers, service_line("100"))
    api.force_authenticate(people.director)
    assert api.get(detail(theirs.pk)).status_code == 404
    assert api.post(detail(theirs.pk, "submit")).status_code == 404


def test_finance_sets_budgets_and_reads_the_years_figures(api, people):
    api.force_authenticate(people.finance)
    response = api.post(
        reverse(BUDGETS),
        {
            "year": YEAR,
            "department": people.department.pk,
            "category": people.category.pk,
            "amount": "9000",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    submitted(people, service_line("1500"))

    figures = api.get(reverse("api:purchasing:budget-figures") + f"?year={YEAR}").json()

    assert len(figures) == 1
    assert Decimal(figures[0]["committed"]) == Decimal("1500.00")
    assert Decimal(figures[0]["remaining"]) == Decimal("7500.00")
    assert Budget.objects.get().amount == Decimal("9000.00")


def test_a_teacher_cannot_set_a_budget(api, people):
    api.force_authenticate(people.teacher)
    response = api.post(
        reverse(BUDGETS),
        {"year": YEAR, "department": people.department.pk, "category": people.category.pk,
         "amount": "1"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 403

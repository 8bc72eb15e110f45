"""The stock counts API: start, record, submit; the same rules as the pages."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from houqin import factories as f
from houqin.core import approvals
from houqin.stores import ledger
from houqin.stores.models.counts import StockCount, StockCountStatus

from .counts_support import D, stocked, store_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(school):
    return f.member(school, "keeper", username="keeper")


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_keeper_counts_through_the_api_and_the_director_approves(school, keeper):
    pens = stocked(school, keeper, "签字笔", 10, "2.00")
    api = _api(keeper)
    started = api.post(
        reverse("api:stores:stockcount-list"), {"store": store_of(school).pk}, format="json"
    )
    assert started.status_code == 201, started.content
    body = started.json()
    line = body["lines"][0]
    assert (line["item"], line["expected"]) == (pens.pk, "10.000")
    recorded = api.post(
        reverse("api:stores:stockcount-record", args=[body["id"]]),
        {"counts": [{"line": line["id"], "counted": "8"}]},
        format="json",
    )
    assert recorded.json()["lines"][0]["difference"] == "-2.000"
    submitted = api.post(reverse("api:stores:stockcount-submit", args=[body["id"]]))
    assert submitted.json()["status"] == StockCountStatus.PENDING
    assert ledger.on_hand(pens) == D(10)
    approvals.approve(StockCount.objects.get(), by=f.member(school, "director", username="boss"))
    assert ledger.on_hand(pens) == D(8)


def test_teacher_cannot_start_a_count_through_the_api(school, keeper):
    stocked(school, keeper)
    teacher = f.member(school, "staff", username="t")
    response = _api(teacher).post(
        reverse("api:stores:stockcount-list"), {"store": store_of(school).pk}, format="json"
    )
    assert response.status_code == 403
    assert not StockCount.objects.exists()


def test_another_schools_keeper_cannot_see_or_record(school, other_school, keeper):
    stocked(school, keeper)
    body = (
        _api(keeper)
        .post(reverse("api:stores:stockcount-list"), {"store": store_of(school).pk}, format="json")
        .json()
    )
    stranger = _api(f.member(other_school, "keeper", username="stranger"))
    assert stranger.get(reverse("api:stores:stockcount-list")).json()["count"] == 0
    response = stranger.post(
        reverse("api:stores:stockcount-record", args=[body["id"]]),
        {"counts": [{"line": body["lines"][0]["id"], "counted": "0"}]},
        format="json",
    )
    assert response.status_code == 404


def test_api_list_runs_a_bounded_number_of_queries(school, keeper, django_assert_max_num_queries):
    from houqin.stores import services_counts as counts

    for n in range(5):
        store = store_of(school, f"仓库{n}")
        stocked(school, keeper, f"物品{n}", 1, "1.00", store=store)
        counts.start(store=store, by=keeper)
    with django_assert_max_num_queries(8):
        response = _api(keeper).get(reverse("api:stores:stockcount-list"))
    assert response.json()["count"] == 5

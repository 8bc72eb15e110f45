"""The demo school's budgets and purchase requests: every path, built through the services."""

import pytest
from django.utils import timezone

from houqin.core.models import ApprovalDecision
from houqin.org.demo import build_demo
from houqin.purchasing import demo_requests
from houqin.purchasing.models import Budget, PurchaseRequest, Quote, RequestStatus


@pytest.mark.django_db
def test_demo_requests_go_through_every_path_and_building_twice_changes_nothing():
    schools = build_demo()
    from houqin.assets.categories import ensure_standard_categories

    ensure_standard_categories(schools["donghu"])
    demo_requests.build(schools)
    school = schools["donghu"]
    requests = PurchaseRequest.objects.filter(school=school)

    assert 55 <= requests.count() <= 70
    statuses = set(requests.values_list("status", flat=True))
    assert {
        RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.RETURNED,
        RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.CANCELLED,
    } <= statuses  # fmt: skip
    over = requests.get(title="运动会电子计时设备")
    assert over.over_budget and over.status == RequestStatus.APPROVED
    big = requests.get(title="实验室通风系统改造")
    assert big.status == RequestStatus.APPROVED
    assert ApprovalDecision.objects.filter(flow__object_id=big.pk).exclude(meeting_note="").exists()
    assert big.chosen_quote is not None and big.quotes.count() == 3
    assert Quote.objects.filter(school=school).count() >= 9
    assert Budget.objects.filter(school=school, year=timezone.localdate().year).count() >= 30
    assert Budget.objects.filter(school=schools["nanhu"]).exists()

    counts = (requests.count(), Budget.objects.count())
    demo_requests.build(schools)
    assert (requests.count(), Budget.objects.count()) == counts

"""The requester takes a document back while it waits for approval, to change or cancel it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from houqin.core import approvals
from houqin.core.errors import IllegalTransition, PermissionDenied
from houqin.core.models import ApprovalFlow, Notification
from houqin.core.scoping import access_for
from houqin.testdocs import services
from houqin.testdocs.models import SampleRequest
from houqin.testdocs.testing import make_people, purchase_policy, submitted


@pytest.fixture
def people(school):
    purchase_policy(school)
    return make_people(school)


def test_the_requester_withdraws_a_pending_document_and_the_approver_is_told(people):
    request, flow = submitted(people, "4000")
    assert flow in approvals.pending_for(access_for(people.head, people.school))

    approvals.withdraw(flow, by=people.teacher, reason="型号写错了")

    flow.refresh_from_db()
    assert flow.status == "returned"
    assert SampleRequest.objects.get(pk=request.pk).status == "returned"
    assert flow not in approvals.pending_for(access_for(people.head, people.school))
    told = Notification.objects.filter(recipient=people.head).values_list("title", flat=True)
    assert any("no decision needed" in title for title in told)
    assert not flow.decisions.exists()  # nobody decided it


def test_a_withdrawn_document_is_changed_and_sent_again(people):
    request, flow = submitted(people, "4000")
    approvals.withdraw(flow, by=people.teacher)
    request.refresh_from_db()
    services.change_amount(request, by=people.teacher, amount=Decimal("3000"))
    flow = services.submit(request, by=people.teacher)
    assert (flow.round, flow.status) == (2, "pending")


def test_only_the_requester_withdraws(people):
    request, flow = submitted(people, "100")
    for someone in (people.head, people.director):
        with pytest.raises(PermissionDenied):
            approvals.withdraw(flow, by=someone)
    assert ApprovalFlow.objects.get(pk=flow.pk).status == "pending"


def test_a_decided_document_cannot_be_withdrawn(people):
    request, flow = submitted(people, "100")
    approvals.approve(flow, by=people.head)
    with pytest.raises(IllegalTransition):
        approvals.withdraw(flow, by=people.teacher)
    assert SampleRequest.objects.get(pk=request.pk).status == "approved"


def test_the_requester_withdraws_from_the_panel(client, people):
    request, flow = submitted(people, "100")
    client.force_login(people.teacher)
    page = client.get(reverse("approval_detail", args=[flow.pk])).content.decode()
    assert reverse("approval_withdraw", args=[flow.pk]) in page

    response = client.post(
        reverse("approval_withdraw", args=[flow.pk]),
        {"reason": "不需要了", "version": flow.version},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert ApprovalFlow.objects.get(pk=flow.pk).status == "returned"
    client.force_login(people.head)
    page = client.get(reverse("approval_detail", args=[flow.pk])).content.decode()
    assert reverse("approval_withdraw", args=[flow.pk]) not in page

"""A purchase request's approval: the amount tiers, the over-budget step, and every refusal
(self-approval, the wrong department's head, skipping a step, another school, wrong state)."""

from decimal import Decimal

import pytest

from houqin.core import approvals
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.models import ApprovalDecision
from houqin.purchasing import services_requests as requests
from houqin.purchasing.models import PurchasingSettings, RequestStatus

from .requests_support import (
    approve_all,
    budget,
    draft,
    make_people,
    service_line,
    steps_of,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(school):
    return make_people(school)


# ---------------------------------------------------------------- the amount tiers


def test_below_5000_the_department_head_alone_approves(people):
    budget(people, "100000")
    request, flow = submitted(people, service_line("4999.99"))

    assert request.status == RequestStatus.SUBMITTED
    assert request.number.startswith("CG-")
    assert steps_of(flow) == ["head"]
    approve_all(request, people.head)

    assert request.status == RequestStatus.APPROVED
    assert request.approved_at is not None


def test_from_5000_the_director_approves_after_the_head(people):
    budget(people, "100000")
    request, flow = submitted(people, service_line("2500", quantity=2))

    assert steps_of(flow) == ["head", "director"]
    approve_all(request, people.head)
    assert request.status == RequestStatus.SUBMITTED  # still waiting for the director
    approve_all(request, people.director)
    assert request.status == RequestStatus.APPROVED


def test_above_50000_the_principal_decides_collectively_with_the_meeting_recorded(people):
    budget(people, "200000")
    request, flow = submitted(people, service_line("60000"))
    assert steps_of(flow) == ["head", "director", "principal"]
    approve_all(request, people.head, people.director)

    with pytest.raises(DomainError) as refused:
        approvals.approve(request, by=people.principal)
    assert refused.value.code == "MeetingNoteRequired"

    approve_all(request, people.principal, meeting_note="2026年第3次校长办公会（三重一大）")
    assert request.status == RequestStatus.APPROVED
    decision = ApprovalDecision.objects.get(approver=people.principal)
    assert "三重一大" in decision.meeting_note


def test_an_over_budget_request_adds_the_principals_step(people):
    budget(people, "3000")
    request, flow = submitted(people, service_line("3500"))

    assert request.over_budget is True
    assert steps_of(flow) == ["head", "principal"]
    approve_all(request, people.head)
    assert request.status == RequestStatus.SUBMITTED
    approve_all(request, people.principal)
    assert request.status == RequestStatus.APPROVED


def test_the_over_budget_step_cannot_be_skipped_by_the_director(people):
    budget(people, "3000")
    request, _flow = submitted(people, service_line("3500"))
    approve_all(request, people.head)

    with pytest.raises(PermissionDenied):
        approvals.approve(request, by=people.director)
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_earlier_requests_use_up_the_budget_so_a_later_one_is_over(people):
    budget(people, "5000")
    first, _flow = submitted(people, service_line("3000"))
    second, flow = submitted(people, service_line("2500"))

    assert first.over_budget is False
    assert second.over_budget is True  # 3,000 committed; 2,000 left
    assert steps_of(flow) == ["head", "principal"]


def test_without_a_budget_a_request_is_not_over_unless_the_school_says_so(people):
    request, flow = submitted(people, service_line("1000"))
    assert request.over_budget is False
    assert steps_of(flow) == ["head"]

    PurchasingSettings.objects.create(school=people.school, missing_budget_is_over=True)
    request, flow = submitted(people, service_line("1000"))
    assert request.over_budget is True
    assert steps_of(flow) == ["head", "principal"]


def test_a_heads_own_request_goes_to_the_director_instead(people):
    budget(people, "100000")
    request, flow = submitted(people, service_line("800"), by=people.head)

    assert steps_of(flow) == ["director"]
    with pytest.raises(PermissionDenied):
        approvals.approve(request, by=people.head)
    approve_all(request, people.director)
    assert request.status == RequestStatus.APPROVED


# ---------------------------------------------------------------- refusals


def test_nobody_approves_their_own_request(people):
    budget(people, "100000")
    request, _flow = submitted(
        people, service_line("9000"), by=people.director, department=people.department
    )

    approve_all(request, people.head)
    with pytest.raises(PermissionDenied) as refused:
        approvals.approve(request, by=people.director)
    assert refused.value.code == "SelfApproval"


def test_another_departments_head_cannot_approve(people):
    request, _flow = submitted(people, service_line("800"))

    with pytest.raises(PermissionDenied):
        approvals.approve(request, by=people.other_head)
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_a_teacher_cannot_ask_for_another_department(people):
    with pytest.raises(PermissionDenied) as refused:
        draft(people, service_line("800"), department=people.other_department)
    assert refused.value.code == "WrongDepartment"


def test_someone_of_another_school_cannot_approve_or_submit(people, other_school):
    strangers = make_people(other_school, prefix="b")
    request = draft(people, service_line("800"))

    with pytest.raises(PermissionDenied):
        requests.submit(request, by=strangers.teacher)
    requests.submit(request, by=people.teacher)
    with pytest.raises(PermissionDenied):
        approvals.approve(request, by=strangers.head)
    with pytest.raises(PermissionDenied):
        approvals.approve(request, by=strangers.principal)


def test_only_the_requester_submits(people):
    request = draft(people, service_line("800"))
    with pytest.raises(PermissionDenied):
        requests.submit(request, by=people.director)


def test_a_submitted_request_cannot_be_submitted_again_or_edited(people):
    request, _flow = submitted(people, service_line("800"))

    with pytest.raises(IllegalTransition):
        requests.submit(request, by=people.teacher)
    with pytest.raises(IllegalTransition):
        requests.update_request(request, by=people.teacher, title="改")


def test_an_approved_request_cannot_be_approved_twice(people):
    request, _flow = submitted(people, service_line("800"))
    approve_all(request, people.head)

    with pytest.raises(IllegalTransition):
        approvals.approve(request, by=people.head)


def test_a_rejected_request_is_closed_with_its_reason(people):
    request, _flow = submitted(people, service_line("800"))
    with pytest.raises(DomainError):
        approvals.reject(request, by=people.head, reason=" ")

    approvals.reject(request, by=people.head, reason="本学期已配发")
    request.refresh_from_db()

    assert request.status == RequestStatus.REJECTED
    with pytest.raises(IllegalTransition):
        requests.submit(request, by=people.teacher)


# ---------------------------------------------------------------- return for changes


def test_return_for_changes_then_resubmit_keeps_both_rounds(people):
    budget(people, "100000")
    request, flow = submitted(people, service_line("6000"))
    approve_all(request, people.head)
    approvals.return_for_changes(request, by=people.director, reason="请补充报价单")
    request.refresh_from_db()
    assert request.status == RequestStatus.RETURNED

    requests.update_request(request, by=people.teacher, lines=[service_line("4000")])
    flow = requests.submit(request, by=people.teacher)
    request.refresh_from_db()

    assert flow.round == 2
    assert steps_of(flow) == ["head"]  # the smaller amount needs the head only
    approve_all(request, people.head)
    assert request.status == RequestStatus.APPROVED
    rounds = list(
        ApprovalDecision.objects.filter(flow=flow)
        .order_by("round", "step_order")
        .values_list("round", "decision")
    )
    assert rounds == [(1, "approved"), (1, "returned"), (2, "approved")]


def test_a_request_changed_after_submission_cannot_be_approved(people):
    request, _flow = submitted(people, service_line("800"))
    # Someone edits behind the engine's back: the version no longer matches.
    type(request).objects.filter(pk=request.pk).update(version=request.version + 5)

    with pytest.raises(DomainError):
        approvals.approve(request, by=people.head)


def test_cancel_needs_a_reason_and_closes_a_draft(people):
    request = draft(people, service_line("800"))
    with pytest.raises(DomainError):
        requests.cancel(request, by=people.teacher, reason="")

    requests.cancel(request, by=people.teacher, reason="重复申请")
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED


def test_the_requester_cannot_cancel_once_approved_but_logistics_can(people):
    request, _flow = submitted(people, service_line("800"))
    approve_all(request, people.head)

    with pytest.raises(PermissionDenied):
        requests.cancel(request, by=people.teacher, reason="不需要了")
    requests.cancel(request, by=people.director, reason="部门撤回")
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED


def test_a_draft_totals_its_lines_and_takes_its_budget_year_from_the_needed_by_date(people):
    request = draft(
        people, service_line("12.5", quantity=4), service_line("100", quantity=Decimal("1.5"))
    )

    assert request.estimated_total == Decimal("200.00")
    assert request.budget_year == 2026
    assert request.status == RequestStatus.DRAFT


def test_a_line_without_quantity_or_price_is_refused_and_nothing_is_written(people):
    with pytest.raises(DomainError) as refused:
        draft(people, service_line("100"), {"description": "投影仪", "kind": "service",
                                             "quantity": 1, "unit": "台"})  # fmt: skip
    assert "Line 2" in str(refused.value.message)
    from houqin.purchasing.models import PurchaseRequest

    assert not PurchaseRequest.objects.exists()

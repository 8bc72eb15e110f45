from decimal import Decimal

import pytest

from houqin import factories as f
from houqin.core import approvals, documents
from houqin.core.approvals import DocumentChanged, NoApprover
from houqin.core.documents import DocumentType, StepSpec
from houqin.core.errors import Conflict, DomainError, IllegalTransition, PermissionDenied
from houqin.core.models import ApprovalDecision, ApprovalFlow, ApprovalPolicy, Delegation
from houqin.testdocs import services
from houqin.testdocs.models import SampleRequest
from houqin.testdocs.testing import DOC_TYPE, make_people, new_request, purchase_policy, submitted


@pytest.fixture
def people(school):
    purchase_policy(school)
    return make_people(school)


def status_of(request):
    return SampleRequest.objects.get(pk=request.pk).status


def steps_of(flow):
    return [(s["kind"], s["role"]) for s in flow.plan]


def test_small_purchase_needs_only_the_department_head(people):
    request, flow = submitted(people, "4999.99")
    assert steps_of(flow) == [("department_head", "")]
    flow = approvals.approve(flow, by=people.head)
    assert flow.status == "approved"
    assert status_of(request) == "approved"


def test_middle_purchase_needs_the_head_then_the_logistics_director(people):
    request, flow = submitted(people, "5000")
    assert steps_of(flow) == [("department_head", ""), ("role", "director")]
    approvals.approve(flow, by=people.head)
    assert status_of(request) == "submitted"
    with pytest.raises(PermissionDenied):
        approvals.approve(flow, by=people.head)
    flow = approvals.approve(flow, by=people.director)
    assert flow.status == "approved"
    assert status_of(request) == "approved"


def test_large_purchase_needs_the_principal_with_a_meeting_record(people):
    request, flow = submitted(people, "50000")
    assert steps_of(flow) == [("department_head", ""), ("role", "director"), ("role", "principal")]
    approvals.approve(flow, by=people.head)
    approvals.approve(flow, by=people.director)
    with pytest.raises(DomainError) as exc:
        approvals.approve(flow, by=people.principal)
    assert "三重一大" in str(exc.value.message)
    flow = approvals.approve(
        flow, by=people.principal, meeting_note="2026-03-02 校长办公会决议同意"
    )
    assert flow.status == "approved"
    decision = ApprovalDecision.objects.get(flow=flow, step_order=3)
    assert decision.meeting_note.startswith("2026-03-02")


def test_no_applicable_step_approves_at_once_and_records_it(school):
    purchase_policy(
        school, steps=[StepSpec(kind="role", role="director", min_amount=Decimal("1000"))]
    )
    people = make_people(school)
    request, flow = submitted(people, "10")
    assert flow.status == "approved"
    assert status_of(request) == "approved"
    assert ApprovalDecision.objects.get(flow=flow).decision == "auto_approved"


def test_without_a_policy_the_document_cannot_be_sent(school):
    people = make_people(school)
    request = new_request(people, 100)
    with pytest.raises(DomainError) as exc:
        services.submit(request, by=people.teacher)
    assert "No approval policy" in str(exc.value.message)
    assert status_of(request) == "draft"


def test_a_document_type_default_policy_is_created_on_first_use(school, monkeypatch):
    people = make_people(school)
    monkeypatch.setitem(
        documents._TYPES,
        DOC_TYPE,
        DocumentType(
            doc_type=DOC_TYPE,
            label="Sample",
            default_steps=(StepSpec(kind="role", role="director"),),
        ),
    )
    request = new_request(people, 100)
    flow = approvals.start(request, by=people.teacher)
    assert steps_of(flow) == [("role", "director")]
    assert (
        ApprovalPolicy.objects.filter(school=school, doc_type=DOC_TYPE, is_active=True).count() == 1
    )


def test_department_head_step_goes_to_the_requesters_own_head(people):
    request, flow = submitted(people, "100")
    assert flow.current_approver == people.head
    assert not approvals.can_act(flow, people.other_head)
    with pytest.raises(PermissionDenied):
        approvals.approve(flow, by=people.other_head)
    assert approvals.can_act(flow, people.head)
    assert list(approvals.pending_for(approvals.access_for(people.head))) == [flow]
    assert list(approvals.pending_for(approvals.access_for(people.other_head))) == []


def test_requester_can_never_approve_their_own_request(people):
    # The director asks for ¥8,000: the head approves; the director's own step needs another one.
    request, flow = submitted(people, "8000", by=people.director)
    approvals.approve(flow, by=people.head)
    other = f.member(people.school, "director", username="director2")
    with pytest.raises(PermissionDenied) as exc:
        approvals.approve(flow, by=people.director)
    assert "own request" in str(exc.value.message)
    assert not approvals.can_act(flow, people.director)
    approvals.approve(flow, by=other)
    assert status_of(request) == "approved"


def test_self_approval_error_says_when_nobody_else_holds_the_role(people):
    request, flow = submitted(people, "8000", by=people.director)
    approvals.approve(flow, by=people.head)
    with pytest.raises(PermissionDenied) as exc:
        approvals.approve(flow, by=people.director)
    assert "nobody else" in str(exc.value.message)
    assert approvals.pending_for(approvals.access_for(people.director)).count() == 0


def test_head_asking_for_themself_is_refused_without_a_fallback(people):
    request = new_request(people, 100, by=people.head)
    with pytest.raises(NoApprover):
        services.submit(request, by=people.head)
    assert status_of(request) == "draft"


def test_head_asking_for_themself_goes_to_the_fallback_role(school):
    purchase_policy(school, steps=[StepSpec(kind="department_head", fallback_role="director")])
    people = make_people(school)
    request, flow = submitted(people, "100", by=people.head)
    assert steps_of(flow) == [("role", "director")]
    approvals.approve(flow, by=people.director)
    assert status_of(request) == "approved"


def test_reject_needs_a_reason(people):
    request, flow = submitted(people, "100")
    with pytest.raises(DomainError):
        approvals.reject(flow, by=people.head, reason="  ")
    assert status_of(request) == "submitted"
    flow = approvals.reject(flow, by=people.head, reason="预算不足")
    assert flow.status == "rejected"
    assert status_of(request) == "rejected"
    assert ApprovalDecision.objects.get(flow=flow).comment == "预算不足"
    with pytest.raises(IllegalTransition):
        approvals.approve(flow, by=people.head)


def test_return_needs_a_reason(people):
    request, flow = submitted(people, "100")
    with pytest.raises(DomainError):
        approvals.return_for_changes(flow, by=people.head, reason="")
    assert status_of(request) == "submitted"


def test_returned_document_is_resubmitted_in_a_new_round_keeping_history(people):
    request, flow = submitted(people, "4000")
    approvals.return_for_changes(flow, by=people.head, reason="请补充型号")
    request.refresh_from_db()
    assert request.status == "returned"
    services.change_amount(request, by=people.teacher, amount=Decimal("6000"))
    flow = services.submit(request, by=people.teacher)
    assert (flow.round, flow.status) == (2, "pending")
    assert steps_of(flow) == [("department_head", ""), ("role", "director")]
    approvals.approve(flow, by=people.head)
    approvals.approve(flow, by=people.director)
    history = list(
        ApprovalDecision.objects.filter(flow=flow).values_list("round", "step_order", "decision")
    )
    assert history == [(1, 1, "returned"), (2, 1, "approved"), (2, 2, "approved")]
    assert status_of(request) == "approved"


def test_only_the_requester_resubmits(people):
    request, flow = submitted(people, "100")
    approvals.return_for_changes(flow, by=people.head, reason="再看看")
    with pytest.raises(PermissionDenied):
        approvals.resubmit(flow, by=people.head)


def test_a_pending_document_cannot_be_sent_twice(people):
    request, flow = submitted(people, "100")
    with pytest.raises(Conflict):
        approvals.start(request, by=people.teacher)


def test_approving_after_the_amount_changed_is_refused(people):
    request, flow = submitted(people, "4000")
    services.change_amount(request, by=people.teacher, amount=Decimal("40000"))
    with pytest.raises(DocumentChanged) as exc:
        approvals.approve(flow, by=people.head)
    assert "40000" in str(exc.value.message)
    assert not ApprovalDecision.objects.filter(flow=flow).exists()
    approvals.return_for_changes(flow, by=people.head, reason="金额变了，请重新提交")
    assert status_of(request) == "returned"


def test_approving_after_the_document_was_edited_is_refused(people):
    request, flow = submitted(people, "4000")
    SampleRequest.objects.filter(pk=request.pk).update(version=5)
    with pytest.raises(DocumentChanged):
        approvals.approve(flow, by=people.head)


def test_a_second_approval_of_the_same_step_is_refused(people):
    request, flow = submitted(people, "8000")
    approvals.approve(flow, by=people.head)
    other = f.member(people.school, "director", username="director2")
    version = ApprovalFlow.objects.get(pk=flow.pk).version
    approvals.approve(flow, by=people.director, expected_version=version)
    with pytest.raises((Conflict, IllegalTransition)):
        approvals.approve(flow, by=other, expected_version=version)
    assert ApprovalDecision.objects.filter(flow=flow, step_order=2).count() == 1


def test_a_stale_page_cannot_decide(people):
    request, flow = submitted(people, "100")
    with pytest.raises(Conflict):
        approvals.approve(flow, by=people.head, expected_version=flow.version - 1)


def test_another_schools_approver_cannot_act(people, other_school):
    others = make_people(other_school, prefix="b")
    request, flow = submitted(people, "8000")
    approvals.approve(flow, by=people.head)
    assert not approvals.can_act(flow, others.director)
    with pytest.raises(PermissionDenied):
        approvals.approve(flow, by=others.director)
    assert approvals.pending_for(approvals.access_for(others.director)).count() == 0
    assert not ApprovalFlow.objects.restrict(others.director, "view").filter(pk=flow.pk).exists()


def test_delegate_approves_while_the_approver_is_away(people):
    from django.utils import timezone

    clerk = f.member(people.school, "clerk", username="clerk")
    today = timezone.localdate()
    Delegation.objects.create(
        school=people.school,
        from_user=people.director,
        to_user=clerk,
        start_date=today,
        end_date=today,
    )
    request, flow = submitted(people, "8000")
    approvals.approve(flow, by=people.head)
    assert list(approvals.pending_for(approvals.access_for(clerk))) == [flow]
    approvals.approve(flow, by=clerk)
    decision = ApprovalDecision.objects.get(flow=flow, step_order=2)
    assert (decision.approver, decision.on_behalf_of) == (clerk, people.director)


def test_an_expired_delegation_gives_no_right(people):
    from datetime import timedelta

    from django.utils import timezone

    clerk = f.member(people.school, "clerk", username="clerk")
    past = timezone.localdate() - timedelta(days=3)
    Delegation.objects.create(
        school=people.school,
        from_user=people.director,
        to_user=clerk,
        start_date=past,
        end_date=past,
    )
    request, flow = submitted(people, "8000")
    approvals.approve(flow, by=people.head)
    with pytest.raises(PermissionDenied):
        approvals.approve(flow, by=clerk)


def test_pending_for_runs_a_bounded_number_of_queries(people, django_assert_max_num_queries):
    for _ in range(3):
        submitted(people, "100")
    access = approvals.access_for(people.head)
    with django_assert_max_num_queries(4):
        first = [(flow.title, flow.requester.full_name) for flow in approvals.pending_for(access)]
    for _ in range(6):
        submitted(people, "100")
    access = approvals.access_for(people.head)
    with django_assert_max_num_queries(4):
        second = [(flow.title, flow.requester.full_name) for flow in approvals.pending_for(access)]
    assert (len(first), len(second)) == (3, 9)


def test_decisions_are_on_the_documents_timeline(people):
    from houqin.core.models import TimelineEntry

    request, flow = submitted(people, "100")
    approvals.approve(flow, by=people.head, comment="同意")
    texts = list(TimelineEntry.objects.filter(object_id=request.pk).values_list("kind", "actor"))
    assert ("event", people.head.pk) in texts
    assert ("state_change", people.head.pk) in texts


def test_next_approver_and_requester_are_notified(people):
    from houqin.core.models import Notification

    request, flow = submitted(people, "100")
    assert Notification.objects.filter(recipient=people.head).exists()
    approvals.approve(flow, by=people.head)
    assert Notification.objects.filter(recipient=people.teacher).exists()


def test_a_new_policy_replaces_the_active_one_but_running_flows_keep_their_steps(people):
    request, flow = submitted(people, "8000")
    purchase_policy(people.school, steps=[StepSpec(kind="role", role="principal")])
    active = ApprovalPolicy.objects.filter(school=people.school, doc_type=DOC_TYPE, is_active=True)
    assert [p.steps.get().role for p in active] == ["principal"]
    assert steps_of(ApprovalFlow.objects.get(pk=flow.pk)) == [
        ("department_head", ""),
        ("role", "director"),
    ]


def test_a_garbled_page_version_is_a_conflict(people):
    request, flow = submitted(people, "100")
    with pytest.raises(Conflict):
        approvals.approve(flow, by=people.head, expected_version="abc")


def test_a_step_limited_to_a_condition_applies_only_to_documents_that_meet_it(school):
    """E.g. "over the budget": the extra step is in the plan only when the document says so."""
    purchase_policy(
        school,
        steps=[
            StepSpec(kind="department_head"),
            StepSpec(kind="role", role="principal", only_when="over_budget"),
        ],
    )
    people = make_people(school)
    _within, flow = submitted(people, "3000")
    assert steps_of(flow) == [("department_head", "")]

    over = new_request(people, "3000")
    over.approval_conditions = {"over_budget"}
    flow = approvals.start(over, by=people.teacher)
    assert steps_of(flow) == [("department_head", ""), ("role", "principal")]
    assert flow.plan[1]["only_when"] == "over_budget"

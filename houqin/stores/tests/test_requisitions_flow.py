"""Requisitions (领用): ask → department head approves → keeper issues (partly, then the
rest) → requester confirms; and every refusal along the way."""

from datetime import timedelta

import pytest
from django.utils import timezone

from houqin import factories as f
from houqin.core import approvals
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.models import Notification
from houqin.stores import ledger
from houqin.stores import services_requisitions as reqs
from houqin.stores.ledger import InsufficientStock
from houqin.stores.models import StockMove
from houqin.stores.models.requisitions import RequisitionStatus

from .counts_support import D, department_with_head, stocked, store_of

pytestmark = pytest.mark.django_db
Status = RequisitionStatus


@pytest.fixture
def keeper(school):
    return f.member(school, "keeper", username="keeper")


@pytest.fixture
def office(school):
    department, head = department_with_head(school, "教务处", "head")
    return department


@pytest.fixture
def head(office):
    return office.head


@pytest.fixture
def asker(school, office):
    return f.member(school, "staff", department=office, username="asker")


@pytest.fixture
def pens(school, keeper):
    return stocked(school, keeper, "签字笔", 10, "2.00")


@pytest.fixture
def paper(school, keeper):
    return stocked(school, keeper, "A4复印纸", 5, "25.00", unit="包")


def _ask(asker, office, *lines, submit=True):
    return reqs.create(
        by=asker, department=office, purpose="期中考试用", lines=list(lines), submit_now=submit
    )


def _line(requisition, item):
    return requisition.lines.get(item=item)


def test_teacher_asks_head_approves_keeper_issues_teacher_confirms(
    school, asker, head, keeper, office, pens, paper
):
    requisition = _ask(asker, office, (pens, 4), (paper, 2))
    assert requisition.number.startswith("LY")
    requisition.refresh_from_db()
    assert requisition.status == Status.PENDING
    assert requisition.estimated_value == D("58.00")  # 4 pens at ¥2, 2 packs at ¥25

    approvals.approve(requisition, by=head)
    requisition.refresh_from_db()
    assert requisition.status == Status.APPROVED
    assert Notification.objects.filter(recipient=keeper, title__contains="To issue").exists()

    reqs.issue(
        requisition, {_line(requisition, pens).pk: 4, _line(requisition, paper).pk: 2}, by=keeper
    )
    requisition.refresh_from_db()
    assert requisition.status == Status.ISSUED
    assert ledger.on_hand(pens) == D(6)
    assert ledger.on_hand(paper) == D(3)
    moves = StockMove.objects.filter(document_id=requisition.pk, document_type="stores.requisition")
    assert {m.department_id for m in moves} == {office.pk}
    assert Notification.objects.filter(recipient=asker, title__contains="Issued").exists()

    reqs.confirm(requisition, by=asker)
    requisition.refresh_from_db()
    assert requisition.status == Status.RECEIVED
    assert requisition.received_at is not None


def test_keeper_issues_part_now_and_the_rest_later(school, asker, head, keeper, office, pens):
    requisition = _ask(asker, office, (pens, 8))
    approvals.approve(requisition, by=head)
    line = _line(requisition, pens)

    reqs.issue(requisition, {line.pk: 3}, by=keeper)
    requisition.refresh_from_db()
    line.refresh_from_db()
    assert requisition.status == Status.PARTIAL
    assert (line.issued, line.outstanding) == (D(3), D(5))
    assert requisition in reqs.Requisition.objects.filter(status__in=reqs.TO_ISSUE)

    reqs.issue(requisition, {line.pk: 5}, by=keeper)
    requisition.refresh_from_db()
    assert requisition.status == Status.ISSUED
    assert ledger.on_hand(pens) == D(2)


def test_keeper_closes_the_back_order_and_the_requester_confirms_what_came(
    school, asker, head, keeper, office, pens
):
    requisition = _ask(asker, office, (pens, 8))
    approvals.approve(requisition, by=head)
    reqs.issue(requisition, {_line(requisition, pens).pk: 3}, by=keeper)
    with pytest.raises(DomainError, match="reason"):
        reqs.close_rest(requisition, by=keeper, reason="")
    reqs.close_rest(requisition, by=keeper, reason="停产")
    requisition.refresh_from_db()
    assert requisition.status == Status.ISSUED
    assert requisition.close_reason == "停产"
    reqs.confirm(requisition, by=asker)


def test_keeper_can_close_an_approved_requisition_without_issuing(
    school, asker, head, keeper, office, pens
):
    requisition = _ask(asker, office, (pens, 1))
    approvals.approve(requisition, by=head)
    reqs.close_rest(requisition, by=keeper, reason="已从别处领到")
    requisition.refresh_from_db()
    assert requisition.status == Status.CLOSED


def test_keeper_cannot_issue_more_than_on_hand_and_nothing_is_written(
    school, asker, head, keeper, office, pens, paper
):
    requisition = _ask(asker, office, (pens, 2), (paper, 5))
    approvals.approve(requisition, by=head)
    ledger.issue(item=paper, store=store_of(school), quantity=2, by=keeper)  # 3 reams left
    moves = StockMove.objects.count()
    with pytest.raises(InsufficientStock, match="Only 3 包 of A4复印纸"):
        reqs.issue(
            requisition,
            {_line(requisition, pens).pk: 2, _line(requisition, paper).pk: 5},
            by=keeper,
        )
    assert StockMove.objects.count() == moves
    assert ledger.on_hand(pens) == D(10)
    assert _line(requisition, pens).issued == D(0)
    requisition.refresh_from_db()
    assert requisition.status == Status.APPROVED


def test_keeper_cannot_issue_more_than_was_asked_for(school, asker, head, keeper, office, pens):
    requisition = _ask(asker, office, (pens, 2))
    approvals.approve(requisition, by=head)
    with pytest.raises(DomainError, match="2 支 left to issue"):
        reqs.issue(requisition, {_line(requisition, pens).pk: 3}, by=keeper)


def test_nothing_is_issued_before_approval(school, asker, keeper, office, pens):
    requisition = _ask(asker, office, (pens, 2))
    with pytest.raises(IllegalTransition):
        reqs.issue(requisition, {_line(requisition, pens).pk: 2}, by=keeper)
    assert ledger.on_hand(pens) == D(10)


def test_teacher_cannot_issue_items(school, asker, head, office, pens):
    requisition = _ask(asker, office, (pens, 2))
    approvals.approve(requisition, by=head)
    with pytest.raises(PermissionDenied):
        reqs.issue(requisition, {_line(requisition, pens).pk: 2}, by=asker)


def test_requester_cannot_approve_their_own_requisition(school, office, keeper, pens):
    # The head asks for their own department: the step falls to the logistics director.
    head = office.head
    requisition = _ask(head, office, (pens, 1))
    with pytest.raises(PermissionDenied, match="own request"):
        approvals.approve(requisition, by=head)
    director = f.member(school, "director", username="boss")
    approvals.approve(requisition, by=director)
    requisition.refresh_from_db()
    assert requisition.status == Status.APPROVED


def test_head_of_another_department_cannot_approve(school, asker, office, pens):
    other, other_head = department_with_head(school, "总务处", "other_head")
    requisition = _ask(asker, office, (pens, 1))
    with pytest.raises(PermissionDenied):
        approvals.approve(requisition, by=other_head)
    requisition.refresh_from_db()
    assert requisition.status == Status.PENDING


def test_teacher_cannot_ask_for_another_department(school, asker, pens):
    other, _head = department_with_head(school, "总务处", "other_head")
    with pytest.raises(PermissionDenied, match="your own department"):
        _ask(asker, other, (pens, 1))
    assert not reqs.Requisition.objects.exists()


def test_returned_requisition_is_changed_and_sent_again(school, asker, head, office, pens):
    requisition = _ask(asker, office, (pens, 9))
    approvals.return_for_changes(requisition, by=head, reason="太多了")
    requisition.refresh_from_db()
    assert requisition.status == Status.DRAFT
    reqs.update(requisition, by=asker, lines=[(pens, 3)])
    reqs.submit(requisition, by=asker)
    approvals.approve(requisition, by=head)
    requisition.refresh_from_db()
    assert requisition.status == Status.APPROVED
    assert _line(requisition, pens).quantity == D(3)


def test_rejected_requisition_cannot_be_issued(school, asker, head, keeper, office, pens):
    requisition = _ask(asker, office, (pens, 2))
    approvals.reject(requisition, by=head, reason="不需要")
    requisition.refresh_from_db()
    assert requisition.status == Status.REJECTED
    with pytest.raises(IllegalTransition):
        reqs.issue(requisition, {_line(requisition, pens).pk: 2}, by=keeper)


def test_only_the_requester_confirms_receipt(school, asker, head, keeper, office, pens):
    requisition = _ask(asker, office, (pens, 1))
    approvals.approve(requisition, by=head)
    reqs.issue(requisition, {_line(requisition, pens).pk: 1}, by=keeper)
    with pytest.raises(PermissionDenied):
        reqs.confirm(requisition, by=keeper)


def test_issued_requisitions_confirm_themselves_after_a_week(
    school, asker, head, keeper, office, pens
):
    requisition = _ask(asker, office, (pens, 1))
    approvals.approve(requisition, by=head)
    reqs.issue(requisition, {_line(requisition, pens).pk: 1}, by=keeper)
    assert reqs.auto_confirm(now=timezone.now() + timedelta(days=6)) == 0
    assert reqs.auto_confirm(now=timezone.now() + timedelta(days=8)) == 1
    requisition.refresh_from_db()
    assert requisition.status == Status.RECEIVED
    assert requisition.confirmed_automatically


def test_member_of_another_school_cannot_see_or_issue(
    school, other_school, asker, head, office, pens
):
    stranger = f.member(other_school, "keeper", username="stranger")
    requisition = _ask(asker, office, (pens, 1))
    approvals.approve(requisition, by=head)
    assert not reqs.requisitions_for(stranger).exists()
    with pytest.raises(PermissionDenied):
        reqs.issue(requisition, {_line(requisition, pens).pk: 1}, by=stranger)
    foreign_pens = stocked(other_school, stranger, "签字笔", 3)
    with pytest.raises(PermissionDenied):
        reqs.create(by=asker, department=office, purpose="x", lines=[(foreign_pens, 1)])


def test_teacher_sees_own_head_sees_departments_keeper_sees_all(
    school, asker, head, keeper, office, pens
):
    mine = _ask(asker, office, (pens, 1))
    colleague = f.member(school, "staff", department=office, username="colleague")
    theirs = _ask(colleague, office, (pens, 1))
    assert set(reqs.requisitions_for(asker)) == {mine}
    assert set(reqs.requisitions_for(head)) == {mine, theirs}
    assert set(reqs.requisitions_for(keeper)) == {mine, theirs}


def test_the_keeper_and_the_requester_find_their_next_step_in_the_to_do_inbox(
    school, asker, head, keeper, office, pens
):
    """Approved: the keeper has it to issue; issued: the requester has it to confirm."""
    from houqin.core import todo
    from houqin.org.access import access_for, forget_access

    requisition = _ask(asker, office, (pens, 2))
    approvals.approve(requisition, by=head)

    def numbers(user):
        forget_access(user)
        return [item.number for item in todo.collect(access_for(user, school))]

    def counted(user, key):
        forget_access(user)
        source = next(s for s in todo.sources() if s.key == key)
        return todo.count_of(source, access_for(user, school))

    assert requisition.number in numbers(keeper)
    assert counted(keeper, "stores.requisitions_to_issue") == 1
    assert requisition.number not in numbers(asker)
    reqs.issue(requisition, {_line(requisition, pens).pk: 2}, by=keeper)
    assert requisition.number not in numbers(keeper)
    assert requisition.number in numbers(asker)
    assert counted(asker, "stores.requisitions_to_confirm") == 1
    assert counted(keeper, "stores.requisitions_to_issue") == 0

"""A print job's life: submitted, approved when outside, printed, paper drawn, collected."""

from decimal import Decimal

import pytest

from houqin import factories as f
from houqin.core import approvals
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.models import Notification
from houqin.stores import ledger
from houqin.stores import services_printing as printing
from houqin.stores.models import Item, MoveKind, StockMove
from houqin.stores.models.printing import PrintJob, PrintJobStatus

from .printing_support import job, print_room

S = PrintJobStatus


@pytest.fixture
def room(school):
    return print_room(school)


def _fresh(j):
    return PrintJob.objects.get(pk=j.pk)


def test_teachers_own_job_is_queued_at_once_with_a_wy_number(room):
    j = job(room)
    j = _fresh(j)
    assert j.status == S.QUEUED
    assert j.number.startswith("WY-")
    assert j.department == room.maths
    assert j.term == room.term


def test_outside_job_waits_for_the_director_then_is_queued(room):
    j = job(room, is_outside=True, outside_for="社区居委会")
    assert _fresh(j).status == S.PENDING
    approvals.approve(j, by=room.director)
    assert _fresh(j).status == S.QUEUED


def test_rejected_outside_job_is_never_queued(room):
    j = job(room, is_outside=True, outside_for="家委会")
    approvals.reject(j, by=room.director, reason="不属于学校业务")
    assert _fresh(j).status == S.REJECTED
    with pytest.raises(IllegalTransition):
        printing.start(_fresh(j), by=room.keeper)


def test_returned_outside_job_is_changed_and_resubmitted_keeping_its_history(room):
    j = job(room, is_outside=True, outside_for="家委会")
    approvals.return_for_changes(j, by=room.director, reason="份数太多")
    assert _fresh(j).status == S.RETURNED
    printing.update_job(_fresh(j), by=room.teacher, copies=10)
    printing.resubmit(_fresh(j), by=room.teacher)
    assert _fresh(j).status == S.PENDING
    assert _fresh(j).copies == 10
    flow = approvals.flow_for(j)
    assert flow.round == 2
    approvals.approve(j, by=room.director)
    assert _fresh(j).status == S.QUEUED


def test_an_outside_job_waiting_for_approval_is_withdrawn_and_cancelled(room):
    j = job(room, is_outside=True, outside_for="社区居委会")
    approvals.withdraw(j, by=room.teacher, reason="活动取消了")
    assert _fresh(j).status == S.RETURNED
    printing.cancel(_fresh(j), by=room.teacher, reason="活动取消了")
    assert _fresh(j).status == S.CANCELLED
    assert approvals.flow_for(j).status == "returned"


def test_director_cannot_approve_his_own_outside_job(room):
    j = job(room, by=room.director, is_outside=True, outside_for="区教育局")
    with pytest.raises(DomainError):
        approvals.approve(j, by=room.director)
    assert _fresh(j).status == S.PENDING


def test_confidential_job_cannot_be_an_outside_job(room):
    with pytest.raises(DomainError, match="confidential"):
        job(room, is_confidential=True, is_outside=True, outside_for="外校")
    assert not PrintJob.objects.exists()


def test_teacher_cannot_ask_for_another_departments_job(room):
    with pytest.raises(PermissionDenied, match="own department"):
        job(room, department=room.english)
    assert not PrintJob.objects.exists()


def test_member_without_department_is_asked_to_choose_one(room, school):
    loner = f.member(school, "staff")
    with pytest.raises(DomainError, match="department"):
        job(room, by=loner)


def test_print_room_may_enter_a_job_for_a_teacher_of_any_department(room, school):
    english_teacher = f.member(school, "staff", department=room.english)
    j = job(room, by=room.keeper, requester=english_teacher)
    assert j.requester == english_teacher
    assert j.department == room.english


def test_teacher_cannot_enter_a_job_for_someone_else(room):
    with pytest.raises(PermissionDenied):
        job(room, requester=room.colleague)


def test_done_draws_the_sheets_from_the_print_rooms_paper(room):
    j = job(room, pages=100, copies=30)  # double-sided: 50 sheets a copy, 1,500 sheets
    printing.start(j, by=room.keeper)
    printing.finish(_fresh(j), by=room.keeper)
    j = _fresh(j)
    assert j.status == S.DONE
    assert j.sheets_used == 1500
    move = j.stock_move
    assert move.kind == MoveKind.PRINT_JOB
    assert move.quantity == Decimal("-3.000")  # 1,500 sheets = 3 reams of 500
    assert (move.document_type, move.document_id, move.document_number) == (
        "stores.printjob", j.pk, j.number,
    )  # fmt: skip
    assert move.department == room.maths
    assert ledger.on_hand(room.paper, room.store) == Decimal("7.000")


def test_odd_pages_double_sided_round_up_to_whole_sheets(room):
    j = job(room, pages=5, copies=2)  # 3 sheets a copy
    printing.finish(j, by=room.keeper)
    assert _fresh(j).sheets_used == 6
    assert _fresh(j).stock_move.quantity == Decimal("-0.012")


def test_single_sided_job_uses_a_sheet_per_page(room):
    j = job(room, pages=5, copies=2, sides="single")
    printing.finish(j, by=room.keeper)
    assert _fresh(j).sheets_used == 10


def test_print_room_may_record_more_sheets_than_computed(room):
    j = job(room, pages=100, copies=30)
    printing.finish(j, by=room.keeper, sheets_used=1600)
    assert _fresh(j).stock_move.quantity == Decimal("-3.200")


def test_not_enough_paper_is_a_clear_refusal_and_the_job_is_not_done(room):
    j = job(room, pages=200, copies=60)  # 6,000 sheets: 12 reams, 10 in stock
    with pytest.raises(ledger.InsufficientStock, match="Only 10"):
        printing.finish(j, by=room.keeper)
    assert _fresh(j).status == S.QUEUED
    assert not StockMove.objects.filter(kind=MoveKind.PRINT_JOB).exists()
    assert ledger.on_hand(room.paper, room.store) == Decimal("10")


def test_a_second_paper_of_the_size_is_used_when_the_first_runs_short(room, school):
    box = Item.objects.create(
        school=school, code="P-A4-BOX", name="A4复印纸（箱）", unit="箱", sheets_per_unit=2500,
        paper_size="A4",
    )  # fmt: skip
    ledger.receive(item=box, store=room.store, quantity=4, unit_cost="95", by=room.keeper)
    j = job(room, pages=200, copies=60)  # 6,000 sheets: more than the reams, fits the boxes
    printing.finish(j, by=room.keeper)
    assert _fresh(j).paper_item == box
    assert ledger.on_hand(box, room.store) == Decimal("1.600")


def test_no_paper_of_that_size_in_the_catalogue_is_a_clear_refusal(room):
    j = job(room, paper_size="A3")
    with pytest.raises(DomainError, match="No A3 paper"):
        printing.finish(j, by=room.keeper)
    assert _fresh(j).status == S.QUEUED


def test_requester_is_told_when_the_job_is_done(room):
    j = job(room)
    printing.finish(j, by=room.keeper)
    note = Notification.objects.get(recipient=room.teacher)
    assert j.number in note.title


def test_teacher_cannot_start_or_finish_a_job(room):
    j = job(room)
    with pytest.raises(PermissionDenied):
        printing.start(j, by=room.teacher)
    with pytest.raises(PermissionDenied):
        printing.finish(_fresh(j), by=room.teacher)
    assert _fresh(j).status == S.QUEUED


def test_done_job_collected_by_the_requester_by_default(room):
    j = job(room)
    printing.finish(j, by=room.keeper)
    printing.collect(_fresh(j), by=room.keeper)
    j = _fresh(j)
    assert j.status == S.COLLECTED
    assert j.collected_by == room.teacher
    assert not j.collected_by_someone_else


def test_confidential_job_collected_by_the_group_leader_records_his_name(room):
    j = job(room, is_confidential=True, title="期末考试数学试卷")
    printing.finish(j, by=room.keeper)
    printing.collect(_fresh(j), by=room.keeper, collector=room.head)
    j = _fresh(j)
    assert j.collected_by == room.head
    assert j.collected_by_someone_else
    assert j.collector_label == str(room.head)


def test_collection_by_a_named_person_without_an_account_is_recorded(room):
    j = job(room, is_confidential=True)
    printing.finish(j, by=room.keeper)
    printing.collect(_fresh(j), by=room.keeper, collector_name="赵老师（代领）")
    j = _fresh(j)
    assert j.collected_by is None
    assert j.collector_label == "赵老师（代领）"
    assert j.collected_by_someone_else


def test_a_job_not_done_cannot_be_collected(room):
    j = job(room)
    with pytest.raises(IllegalTransition):
        printing.collect(j, by=room.keeper)


def test_cancel_needs_a_reason(room):
    j = job(room)
    with pytest.raises(DomainError, match="reason"):
        printing.cancel(j, by=room.teacher, reason=" ")
    printing.cancel(_fresh(j), by=room.teacher, reason="考试改期")
    assert _fresh(j).status == S.CANCELLED


def test_requester_cannot_cancel_once_printing_but_the_print_room_can(room):
    j = job(room)
    printing.start(j, by=room.keeper)
    with pytest.raises(PermissionDenied):
        printing.cancel(_fresh(j), by=room.teacher, reason="不要了")
    printing.cancel(_fresh(j), by=room.keeper, reason="原稿有误")
    assert _fresh(j).status == S.CANCELLED


def test_colleague_cannot_cancel_someone_elses_job(room):
    j = job(room)
    with pytest.raises(PermissionDenied):
        printing.cancel(j, by=room.colleague, reason="x")


def test_every_step_is_on_the_jobs_timeline(room):
    from houqin.core.timeline import entries_for

    j = job(room)
    printing.start(j, by=room.keeper)
    printing.finish(_fresh(j), by=room.keeper)
    printing.collect(_fresh(j), by=room.keeper)
    states = [e.to_state for e in entries_for(j) if e.to_state]
    assert states == [S.PENDING, S.QUEUED, S.PRINTING, S.DONE, S.COLLECTED]


def test_keeper_of_another_school_cannot_run_this_schools_job(room, other_school):
    stranger = f.member(other_school, "keeper")
    j = job(room)
    with pytest.raises(PermissionDenied):
        printing.start(j, by=stranger)
    with pytest.raises(PermissionDenied):
        printing.finish(_fresh(j), by=stranger)


def test_paper_of_another_school_is_refused(room, other_school):
    foreign = Item.objects.create(
        school=other_school, code="X", name="纸", unit="包", sheets_per_unit=500, paper_size="A4"
    )
    j = job(room)
    with pytest.raises(DomainError, match="this school"):
        printing.finish(j, by=room.keeper, paper_item=foreign)
    assert _fresh(j).status == S.QUEUED

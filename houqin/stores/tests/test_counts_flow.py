"""Stock counts: snapshot, counting, approval, and only then the adjustments in the ledger."""

import pytest

from houqin import factories as f
from houqin.core import approvals
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.stores import ledger
from houqin.stores import services_counts as counts
from houqin.stores.models import MoveKind, StockMove
from houqin.stores.models.counts import StockCountStatus

from .counts_support import D, category_of, stocked, store_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(school):
    return f.member(school, "keeper", username="keeper")


@pytest.fixture
def boss(school):
    return f.member(school, "director", username="boss")


@pytest.fixture
def shelf(school, keeper):
    """Pens: 10 at ¥2; paper: 20 at ¥25; tape (cleaning): 4 at ¥3."""
    pens = stocked(school, keeper, "签字笔", 10, "2.00")
    paper = stocked(school, keeper, "A4复印纸", 20, "25.00")
    tape = stocked(school, keeper, "胶带", 4, "3.00", category=category_of(school, "清洁用品"))
    return pens, paper, tape


def _line(count, item):
    return count.lines.get(item=item)


def test_count_snapshots_what_the_ledger_says_at_the_start(school, keeper, shelf):
    pens, paper, tape = shelf
    count = counts.start(store=store_of(school), by=keeper)
    assert count.number.startswith("PD")
    assert count.status == StockCountStatus.COUNTING
    assert {(line.item_id, line.expected) for line in count.lines.all()} == {
        (pens.pk, D(10)),
        (paper.pk, D(20)),
        (tape.pk, D(4)),
    }
    assert _line(count, paper).unit_cost == D("25.0000")


def test_count_of_some_categories_lists_only_their_items(school, keeper, shelf):
    pens, paper, tape = shelf
    count = counts.start(
        store=store_of(school), by=keeper, categories=[category_of(school, "清洁用品")]
    )
    assert list(count.lines.values_list("item_id", flat=True)) == [tape.pk]


def test_nothing_changes_in_the_ledger_before_the_director_approves(school, keeper, shelf):
    pens, paper, tape = shelf
    count = counts.start(store=store_of(school), by=keeper)
    counts.record_counts(count, {_line(count, pens).pk: 8}, by=keeper)
    moves_before = StockMove.objects.count()
    counts.submit(count, by=keeper, uncounted_as_expected=True)
    count.refresh_from_db()
    assert count.status == StockCountStatus.PENDING
    assert count.difference_value == D("4.00")  # 2 pens at ¥2
    assert StockMove.objects.count() == moves_before
    assert ledger.on_hand(pens) == D(10)


def test_approved_count_applies_gains_and_losses_at_average_cost(school, keeper, boss, shelf):
    pens, paper, tape = shelf
    count = counts.start(store=store_of(school), by=keeper)
    counts.record_counts(
        count,
        {_line(count, pens).pk: 7, _line(count, paper).pk: 21, _line(count, tape).pk: 4},
        by=keeper,
    )
    counts.submit(count, by=keeper)
    count.refresh_from_db()
    assert count.difference_value == D("31.00")  # 3 pens at ¥2 + 1 ream at ¥25
    approvals.approve(count, by=boss)
    count.refresh_from_db()
    assert count.status == StockCountStatus.APPLIED
    assert ledger.on_hand(pens) == D(7)
    assert ledger.on_hand(paper) == D(21)
    adjustments = StockMove.objects.filter(kind=MoveKind.ADJUSTMENT, document_id=count.pk)
    assert {(m.item_id, m.quantity, m.amount) for m in adjustments} == {
        (pens.pk, D(-3), D("-6.00")),
        (paper.pk, D(1), D("25.00")),
    }
    assert _line(count, pens).adjustment is not None
    assert _line(count, tape).adjustment is None
    for item in (pens, paper):
        assert ledger.derived_balance(item, store_of(school))[0] == ledger.on_hand(item)


def test_moves_after_the_snapshot_are_kept_when_the_count_is_applied(school, keeper, boss, shelf):
    pens, paper, tape = shelf
    store = store_of(school)
    count = counts.start(store=store, by=keeper)
    counts.record_counts(count, {_line(count, pens).pk: 9}, by=keeper)  # one pen missing
    # While the count waits, 4 pens are issued and 5 received.
    ledger.issue(item=pens, store=store, quantity=4, by=keeper)
    counts.submit(count, by=keeper, uncounted_as_expected=True)
    ledger.receive(item=pens, store=store, quantity=5, unit_cost="2.00", by=keeper)
    approvals.approve(count, by=boss)
    # 10 − 4 + 5 = 11 on hand before approval; the count's difference (−1) applies on top.
    assert ledger.on_hand(pens, store) == D(10)


def test_a_delta_that_would_go_below_zero_leaves_zero_and_says_so(school, keeper, boss, shelf):
    pens, paper, tape = shelf
    store = store_of(school)
    count = counts.start(store=store, by=keeper)
    counts.record_counts(count, {_line(count, tape).pk: 1}, by=keeper)  # 3 missing
    ledger.issue(item=tape, store=store, quantity=3, by=keeper)  # 1 left
    counts.submit(count, by=keeper, uncounted_as_expected=True)
    approvals.approve(count, by=boss)
    assert ledger.on_hand(tape, store) == D(0)
    assert "zero" in _line(count, tape).note


def test_rejected_count_changes_nothing(school, keeper, boss, shelf):
    pens, paper, tape = shelf
    count = counts.start(store=store_of(school), by=keeper)
    counts.record_counts(count, {_line(count, pens).pk: 1}, by=keeper)
    counts.submit(count, by=keeper, uncounted_as_expected=True)
    approvals.reject(count, by=boss, reason="数错了")
    count.refresh_from_db()
    assert count.status == StockCountStatus.REJECTED
    assert ledger.on_hand(pens) == D(10)
    assert not StockMove.objects.filter(kind=MoveKind.ADJUSTMENT).exists()


def test_returned_count_is_recounted_and_submitted_again(school, keeper, boss, shelf):
    pens, paper, tape = shelf
    count = counts.start(store=store_of(school), by=keeper)
    counts.record_counts(count, {_line(count, pens).pk: 1}, by=keeper)
    counts.submit(count, by=keeper, uncounted_as_expected=True)
    approvals.return_for_changes(count, by=boss, reason="请复盘签字笔")
    count.refresh_from_db()
    assert count.status == StockCountStatus.COUNTING
    counts.record_counts(count, {_line(count, pens).pk: 9}, by=keeper)
    counts.submit(count, by=keeper)
    approvals.approve(count, by=boss)
    assert ledger.on_hand(pens) == D(9)


def test_keeper_cannot_submit_with_items_left_uncounted(school, keeper, shelf):
    count = counts.start(store=store_of(school), by=keeper)
    with pytest.raises(DomainError, match="3 items are not counted yet"):
        counts.submit(count, by=keeper)
    count.refresh_from_db()
    assert count.status == StockCountStatus.COUNTING


def test_keeper_cannot_approve_their_own_count(school, keeper, shelf, boss):
    count = counts.start(store=store_of(school), by=keeper)
    counts.submit(count, by=keeper, uncounted_as_expected=True)
    with pytest.raises(PermissionDenied):
        approvals.approve(count, by=keeper)


def test_teacher_cannot_start_or_enter_a_count(school, keeper, shelf):
    teacher = f.member(school, "staff", username="t1")
    with pytest.raises(PermissionDenied):
        counts.start(store=store_of(school), by=teacher)
    count = counts.start(store=store_of(school), by=keeper)
    line = count.lines.first()
    with pytest.raises(PermissionDenied):
        counts.record_counts(count, {line.pk: 0}, by=teacher)
    line.refresh_from_db()
    assert line.counted is None


def test_counts_cannot_be_changed_once_submitted(school, keeper, shelf):
    count = counts.start(store=store_of(school), by=keeper)
    counts.submit(count, by=keeper, uncounted_as_expected=True)
    line = count.lines.first()
    with pytest.raises(IllegalTransition):
        counts.record_counts(count, {line.pk: 0}, by=keeper)
    with pytest.raises(IllegalTransition):
        counts.cancel(count, by=keeper)


def test_a_store_is_counted_once_at_a_time(school, keeper, shelf):
    counts.start(store=store_of(school), by=keeper)
    with pytest.raises(DomainError, match="already being counted"):
        counts.start(store=store_of(school), by=keeper)


def test_keeper_of_another_school_cannot_touch_the_count(school, other_school, keeper, shelf):
    stranger = f.member(other_school, "keeper", username="stranger")
    count = counts.start(store=store_of(school), by=keeper)
    line = count.lines.first()
    with pytest.raises(PermissionDenied):
        counts.record_counts(count, {line.pk: 0}, by=stranger)
    with pytest.raises(PermissionDenied):
        counts.start(store=store_of(school), by=stranger)
    assert not counts.counts_for(stranger).exists()


def test_a_count_with_a_garbage_quantity_records_nothing(school, keeper, shelf):
    pens, paper, tape = shelf
    count = counts.start(store=store_of(school), by=keeper)
    with pytest.raises(DomainError):
        counts.record_counts(
            count, {_line(count, pens).pk: 3, _line(count, paper).pk: "-2"}, by=keeper
        )
    assert not count.lines.filter(counted__isnull=False).exists()


def test_an_item_found_but_not_on_the_count_can_be_added(school, keeper, boss, shelf):
    from .counts_support import item_of

    store = store_of(school)
    count = counts.start(store=store, by=keeper)
    stapler = item_of(school, "订书机", reference_price=D("15.00"))
    line = counts.add_item(count, item=stapler, by=keeper, counted=2)
    assert (line.expected, line.counted, line.unit_cost) == (D(0), D(2), D("15.0000"))
    counts.submit(count, by=keeper, uncounted_as_expected=True)
    approvals.approve(count, by=boss)
    assert ledger.on_hand(stapler, store) == D(2)

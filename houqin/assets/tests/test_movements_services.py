"""Moving, lending and returning assets: what changes, what is recorded, what is refused."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from houqin.assets import services_movements as moves
from houqin.assets.models import Asset, AssetLoan, AssetMovement, AssetStatus, MovementKind
from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.models import Notification, TimelineEntry
from houqin.core.testing import race
from houqin.factories import DepartmentFactory, RoomFactory, SchoolFactory, member

from .factories import AssetCategoryFactory, AssetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(school, make_member):
    return make_member(school, "clerk", username="clerk")


@pytest.fixture
def room_301(school):
    return RoomFactory(floor__building__campus__school=school, number="301", name="机房")


@pytest.fixture
def room_102(school):
    return RoomFactory(floor__building__campus__school=school, number="102")


@pytest.fixture
def academic_office(school):
    return DepartmentFactory(school=school, name="教务处")


def timeline_of(asset):
    return list(
        TimelineEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Asset), object_id=asset.pk
        ).order_by("pk")
    )


def make_assets(school, count, **kwargs):
    category = AssetCategoryFactory(school=school)
    return [AssetFactory(school=school, category=category, **kwargs) for _ in range(count)]


# ---------------------------------------------------------------- transfer


def test_moving_a_computer_into_room_301_records_the_move_history_and_timeline(
    school, clerk, room_102, room_301
):
    asset = AssetFactory(school=school, room=room_102, name="台式计算机")

    moved = moves.transfer([asset], by=clerk, room=room_301, note="机房改造")

    assert moved == 1
    asset.refresh_from_db()
    assert asset.room == room_301
    movement = AssetMovement.objects.get(asset=asset)
    assert movement.kind == MovementKind.TRANSFER
    assert (movement.from_room, movement.to_room) == (room_102, room_301)
    assert movement.moved_by == clerk and movement.note == "机房改造"
    latest = asset.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.room_id == room_301.pk
    assert latest.history_user == clerk
    [entry] = timeline_of(asset)
    assert "301" in entry.text and "102" in entry.text and entry.actor == clerk


def test_moving_thirty_computers_at_once_shares_one_batch_with_a_row_each(school, clerk, room_301):
    computers = make_assets(school, 30, name="台式计算机")

    moved = moves.transfer(Asset.objects.filter(school=school), by=clerk, room=room_301)

    assert moved == 30
    assert set(Asset.objects.values_list("room_id", flat=True)) == {room_301.pk}
    movements = AssetMovement.objects.filter(asset__in=computers)
    assert movements.count() == 30
    assert movements.values("batch").distinct().count() == 1
    assert all(len(timeline_of(c)) == 1 for c in computers)
    assert all(c.history.count() == 2 for c in computers)  # created, then moved


def test_bulk_move_of_two_thousand_assets_runs_a_few_queries_not_one_per_asset(
    school, clerk, academic_office
):
    category = AssetCategoryFactory(school=school)
    Asset.objects.bulk_create(
        [
            Asset(school=school, category=category, number=f"B{i:05d}", name="课桌椅")
            for i in range(2000)
        ]
    )

    with CaptureQueriesContext(connection) as queries:
        moved = moves.transfer(
            Asset.objects.filter(school=school), by=clerk, department=academic_office
        )

    assert moved == 2000
    # Membership and access checks, one SELECT, then per 500 rows one UPDATE and the history,
    # movement and timeline INSERTs: the count does not follow the number of assets.
    assert len(queries.captured_queries) < 40, len(queries.captured_queries)
    assert Asset.objects.filter(department=academic_office).count() == 2000
    assert AssetMovement.objects.count() == 2000
    assert Asset.history.filter(history_type="~").count() == 2000
    assert TimelineEntry.objects.filter(data__event="transfer").count() == 2000


def test_assigning_to_a_department_and_a_person_keeps_the_place(
    school, clerk, room_102, academic_office
):
    keeper = member(school, "staff", username="wang", full_name="王老师")
    asset = AssetFactory(school=school, room=room_102)

    moves.transfer([asset], by=clerk, department=academic_office, custodian=keeper)

    asset.refresh_from_db()
    assert (asset.room, asset.department, asset.custodian) == (room_102, academic_office, keeper)
    movement = AssetMovement.objects.get(asset=asset)
    assert movement.from_room is None and movement.to_room is None  # the place did not change
    assert movement.to_department == academic_office and movement.to_custodian == keeper


def test_assets_already_there_are_left_alone(school, clerk, room_301):
    there = AssetFactory(school=school, room=room_301)
    elsewhere = AssetFactory(school=school)

    assert moves.transfer([there, elsewhere], by=clerk, room=room_301) == 1
    assert not AssetMovement.objects.filter(asset=there).exists()
    assert there.history.count() == 1


def test_a_selection_with_a_disposed_asset_is_refused_and_nothing_moves(
    school, clerk, room_102, room_301
):
    fine = make_assets(school, 3, room=room_102)
    disposed = AssetFactory(school=school, room=room_102, status=AssetStatus.DISPOSED)

    with pytest.raises(DomainError) as refused:
        moves.transfer([*fine, disposed], by=clerk, room=room_301)

    assert disposed.number in str(refused.value.message)
    assert "disposed of or lost" in str(refused.value.message)
    assert set(Asset.objects.values_list("room_id", flat=True)) == {room_102.pk}
    assert not AssetMovement.objects.exists()
    assert not TimelineEntry.objects.exists()


def test_a_lost_or_lent_asset_cannot_be_moved(school, clerk, room_301):
    lost = AssetFactory(school=school, status=AssetStatus.LOST)
    lent = AssetFactory(school=school, status=AssetStatus.LENT)

    with pytest.raises(DomainError, match="disposed of or lost"):
        moves.transfer([lost], by=clerk, room=room_301)
    with pytest.raises(DomainError, match="record its return first"):
        moves.transfer([lent], by=clerk, room=room_301)


def test_another_schools_asset_in_the_selection_is_refused_and_nothing_moves(
    school, other_school, clerk, room_301
):
    ours = AssetFactory(school=school)
    theirs = AssetFactory(school=other_school, number="THEIRS-1")

    with pytest.raises(DomainError, match="belongs to another school") as refused:
        moves.transfer([ours, theirs], by=clerk, room=room_301)

    assert "THEIRS-1" in str(refused.value.message)
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.room_id is None and theirs.room_id is None
    assert not AssetMovement.objects.exists()


def test_moving_to_another_schools_room_is_refused(school, other_school, clerk):
    asset = AssetFactory(school=school)
    their_room = RoomFactory(floor__building__campus__school=other_school)

    with pytest.raises(DomainError, match="place of this school"):
        moves.transfer([asset], by=clerk, room=their_room)


def test_the_custodian_must_belong_to_the_school(school, other_school, clerk):
    asset = AssetFactory(school=school)
    stranger = member(other_school, "staff", username="stranger")

    with pytest.raises(DomainError, match="member of this school"):
        moves.transfer([asset], by=clerk, custodian=stranger)


def test_a_move_needs_a_destination(school, clerk):
    with pytest.raises(DomainError, match="Choose a place"):
        moves.transfer([AssetFactory(school=school)], by=clerk)


def test_a_teacher_cannot_move_assets(school, teacher, room_301):
    asset = AssetFactory(school=school)
    with pytest.raises(PermissionDenied):
        moves.transfer([asset], by=teacher, room=room_301)
    asset.refresh_from_db()
    assert asset.room_id is None


# ---------------------------------------------------------------- status


def test_setting_many_assets_idle_records_each_change(school, clerk):
    assets = make_assets(school, 4)

    assert moves.set_status(Asset.objects.all(), by=clerk, status=AssetStatus.IDLE) == 4

    assert set(Asset.objects.values_list("status", flat=True)) == {AssetStatus.IDLE}
    entry = timeline_of(assets[0])[-1]
    assert (entry.from_state, entry.to_state) == (AssetStatus.IN_USE, AssetStatus.IDLE)
    assert assets[0].history.latest("history_id").status == AssetStatus.IDLE


def test_status_cannot_be_set_on_assets_in_repair(school, clerk):
    in_repair = AssetFactory(school=school, status=AssetStatus.IN_REPAIR)
    with pytest.raises(DomainError, match="neither in use nor idle"):
        moves.set_status([in_repair], by=clerk, status=AssetStatus.IDLE)
    with pytest.raises(DomainError):
        moves.set_status([AssetFactory(school=school)], by=clerk, status=AssetStatus.DISPOSED)


# ---------------------------------------------------------------- loans


def test_lending_an_idle_projector_and_getting_it_back_makes_it_idle_again(school, clerk):
    borrower = member(school, "staff", username="li", full_name="李老师")
    projector = AssetFactory(school=school, name="投影仪", status=AssetStatus.IDLE)
    due = timezone.localdate() + timedelta(days=7)

    loan = moves.lend(projector, by=clerk, borrower=borrower, due_on=due, note="公开课")

    projector.refresh_from_db()
    assert projector.status == AssetStatus.LENT
    assert loan.is_open and loan.borrower == borrower and loan.lent_by == clerk
    assert AssetMovement.objects.get(asset=projector).kind == MovementKind.LEND

    moves.return_loan(loan, by=clerk, return_note="完好")

    projector.refresh_from_db()
    loan.refresh_from_db()
    assert projector.status == AssetStatus.IDLE
    assert loan.returned_on == timezone.localdate() and loan.return_note == "完好"
    kinds = list(
        AssetMovement.objects.filter(asset=projector).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == [MovementKind.LEND, MovementKind.RETURN]
    states = [(e.from_state, e.to_state) for e in timeline_of(projector)]
    assert states == [
        (AssetStatus.IDLE, AssetStatus.LENT),
        (AssetStatus.LENT, AssetStatus.IDLE),
    ]
    assert [h.status for h in projector.history.order_by("history_id")] == [
        AssetStatus.IDLE,
        AssetStatus.LENT,
        AssetStatus.IDLE,
    ]


def test_an_asset_in_use_lent_to_a_department_comes_back_in_use(school, clerk, academic_office):
    asset = AssetFactory(school=school)
    loan = moves.lend(
        asset,
        by=clerk,
        borrower_department=academic_office,
        due_on=timezone.localdate() + timedelta(days=1),
    )
    moves.return_loan(loan, by=clerk)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_USE


def test_an_asset_already_lent_cannot_be_lent_again(school, clerk):
    asset = AssetFactory(school=school)
    due = timezone.localdate() + timedelta(days=3)
    moves.lend(asset, by=clerk, borrower_name="区教研室 陈老师", due_on=due)

    with pytest.raises(DomainError, match="already lent out"):
        moves.lend(asset, by=clerk, borrower_name="另一位", due_on=due)
    assert AssetLoan.objects.filter(asset=asset).count() == 1


def test_a_loan_names_exactly_one_borrower_and_a_future_due_date(school, clerk, academic_office):
    asset = AssetFactory(school=school)
    today = timezone.localdate()
    with pytest.raises(DomainError, match="one person, one department"):
        moves.lend(asset, by=clerk, due_on=today)
    with pytest.raises(DomainError, match="one person, one department"):
        moves.lend(
            asset,
            by=clerk,
            borrower_name="x",
            borrower_department=academic_office,
            due_on=today,
        )
    with pytest.raises(DomainError, match="in the past"):
        moves.lend(asset, by=clerk, borrower_name="x", due_on=today - timedelta(days=1))
    assert not AssetLoan.objects.exists()


def test_assets_in_repair_or_disposed_cannot_be_lent(school, clerk):
    due = timezone.localdate() + timedelta(days=3)
    for status in (AssetStatus.IN_REPAIR, AssetStatus.DISPOSED, AssetStatus.PENDING_DISPOSAL):
        asset = AssetFactory(school=school, status=status)
        with pytest.raises(DomainError, match="only assets in use or idle"):
            moves.lend(asset, by=clerk, borrower_name="x", due_on=due)


def test_a_loan_is_returned_once(school, clerk):
    asset = AssetFactory(school=school)
    loan = moves.lend(
        asset, by=clerk, borrower_name="x", due_on=timezone.localdate() + timedelta(days=3)
    )
    with pytest.raises(DomainError, match="future"):
        moves.return_loan(loan, by=clerk, returned_on=timezone.localdate() + timedelta(days=1))
    moves.return_loan(loan, by=clerk)
    with pytest.raises(DomainError, match="already returned"):
        moves.return_loan(loan, by=clerk)
    assert AssetMovement.objects.filter(kind=MovementKind.RETURN).count() == 1


def test_a_teacher_cannot_lend_or_another_school_lend_our_asset(school, other_school, teacher):
    asset = AssetFactory(school=school)
    due = timezone.localdate() + timedelta(days=3)
    with pytest.raises(PermissionDenied):
        moves.lend(asset, by=teacher, borrower_name="x", due_on=due)
    outsider = member(other_school, "clerk", username="outsider")
    with pytest.raises(DomainError, match="another school"):
        moves.lend(asset, by=outsider, borrower_name="x", due_on=due)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_USE


# ---------------------------------------------------------------- overdue


def test_an_overdue_loan_is_reminded_to_the_borrower_and_the_clerks_once(school, clerk, director):
    borrower = member(school, "staff", username="zhao", full_name="赵老师")
    asset = AssetFactory(school=school, name="单反相机")
    loan = moves.lend(asset, by=clerk, borrower=borrower, due_on=timezone.localdate())
    on_time = moves.lend(
        AssetFactory(school=school),
        by=clerk,
        borrower=borrower,
        due_on=timezone.localdate() + timedelta(days=10),
    )
    three_days_later = timezone.now() + timedelta(days=3)

    assert moves.notify_overdue_loans(now=three_days_later) == 1
    assert moves.notify_overdue_loans(now=three_days_later + timedelta(days=1)) == 0

    notes = Notification.objects.filter(source_id=loan.pk)
    assert sorted(n.recipient.username for n in notes) == ["clerk", "director", "zhao"]
    assert all("单反相机" in n.title for n in notes)
    assert not Notification.objects.filter(source_id=on_time.pk).exists()


def test_a_returned_loan_is_not_reminded(school, clerk):
    loan = moves.lend(
        AssetFactory(school=school), by=clerk, borrower_name="x", due_on=timezone.localdate()
    )
    moves.return_loan(loan, by=clerk)
    assert moves.notify_overdue_loans(now=timezone.now() + timedelta(days=5)) == 0


def test_the_daily_job_reminds_overdue_loans(school, clerk):
    from houqin.assets import jobs_movements

    moves.lend(
        AssetFactory(school=school), by=clerk, borrower_name="x", due_on=timezone.localdate()
    )
    assert jobs_movements.remind_overdue_loans(timezone.now() + timedelta(days=2)) == 1


# ---------------------------------------------------------------- concurrency


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_lending_the_same_asset_at_once_make_exactly_one_loan():
    school = SchoolFactory()
    clerks = [member(school, "clerk", username=f"c{i}") for i in range(4)]
    asset = AssetFactory(school=school)
    due = timezone.localdate() + timedelta(days=5)

    def press(clerk):
        return lambda: moves.lend(
            Asset.objects.get(pk=asset.pk), by=clerk, borrower_name=clerk.username, due_on=due
        )

    outcomes = race(*(press(c) for c in clerks))

    won = [o for o in outcomes if isinstance(o, AssetLoan)]
    lost = [o for o in outcomes if isinstance(o, moves.InvalidLoan)]
    assert len(won) == 1 and len(lost) == 3, outcomes
    assert AssetLoan.objects.filter(asset=asset).count() == 1
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.LENT
    assert AssetMovement.objects.filter(asset=asset).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_move_and_a_loan_of_the_same_asset_at_once_do_not_both_happen_half():
    school = SchoolFactory()
    clerk = member(school, "clerk", username="c")
    room = RoomFactory(floor__building__campus__school=school)
    asset = AssetFactory(school=school)
    due = timezone.localdate() + timedelta(days=5)

    outcomes = race(
        lambda: moves.transfer([asset.pk], by=clerk, room=room),
        lambda: moves.lend(Asset.objects.get(pk=asset.pk), by=clerk, borrower_name="x", due_on=due),
    )

    assert not any(isinstance(o, Exception) and not isinstance(o, DomainError) for o in outcomes)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.LENT  # the loan happened either way
    # The move happened only if it came first (a lent asset does not move).
    moved = outcomes[0] == 1
    assert (asset.room_id == room.pk) == moved

"""A disposal request's life: draft, submit, approve / reject / return and resubmit — and the
assets' status all along (in use → pending disposal → disposed, or back to what it was)."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

import houqin.assets.documents_disposal  # noqa: F401  (registers the document type)
from houqin.assets import services_disposal as disposals
from houqin.assets.models import Asset, AssetStatus, Disposal, DisposalLine, DisposalStatus
from houqin.core import approvals
from houqin.core.approvals import set_policy
from houqin.core.documents import StepSpec
from houqin.core.errors import Conflict, DomainError, IllegalTransition, PermissionDenied
from houqin.core.models import ApprovalFlow
from houqin.core.testing import race
from houqin.core.timeline import entries_for
from houqin.factories import DepartmentFactory, SchoolFactory, member

from .factories import AssetFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- people and assets


@dataclass
class People:
    school: object
    department: object
    head: object  # heads ``department``
    teacher: object  # in ``department``; custodian of the test assets
    director: object
    principal: object
    clerk: object


def make_people(school, prefix="") -> People:
    department = DepartmentFactory(school=school, name=f"{prefix}教务处")
    head = member(school, "dept_head", "staff", department=department, username=f"{prefix}head")
    department.head = head
    department.save()
    return People(
        school=school,
        department=department,
        head=head,
        teacher=member(school, "staff", department=department, username=f"{prefix}teacher"),
        director=member(school, "director", username=f"{prefix}director"),
        principal=member(school, "principal", username=f"{prefix}principal"),
        clerk=member(school, "clerk", username=f"{prefix}clerk"),
    )


def make_asset(people: People, **kw) -> Asset:
    kw.setdefault("custodian", people.teacher)
    kw.setdefault("department", people.department)
    return AssetFactory(school=people.school, **kw)


def draft(people: People, *assets_or_lines, by=None, **kw) -> Disposal:
    return disposals.create_disposal(
        by=by or people.teacher,
        school=people.school,
        lines=list(assets_or_lines),
        reason=kw.pop("reason", "主板损坏，无法维修"),
        **kw,
    )


def submitted(people: People, *assets_or_lines, **kw) -> tuple[Disposal, ApprovalFlow]:
    disposal = draft(people, *assets_or_lines, **kw)
    flow = disposals.submit(disposal, by=disposal.requested_by)
    disposal.refresh_from_db()
    return disposal, flow


def approve_all(disposal: Disposal, *people_in_order) -> None:
    for who in people_in_order:
        approvals.approve(disposal, by=who)
    disposal.refresh_from_db()


def status_of(asset) -> str:
    return Asset.objects.get(pk=asset.pk).status


@pytest.fixture
def people(school):
    return make_people(school)


# ---------------------------------------------------------------- drafting


def test_a_request_is_a_draft_with_the_values_of_its_assets(people):
    pc = make_asset(people, unit_price=Decimal("4800"), accumulated_depreciation=Decimal("1200"))
    desk = make_asset(people, unit_price=Decimal("650.50"))

    disposal = draft(people, pc, desk, appraisal="信息中心鉴定：无维修价值")

    assert disposal.status == DisposalStatus.DRAFT
    assert disposal.number.startswith("BF-")
    assert disposal.department == people.department  # the requester's department
    assert disposal.total_value == Decimal("5450.50")
    line = disposal.lines.get(asset=pc)
    assert (line.original_value, line.accumulated_depreciation) == (
        Decimal("4800"),
        Decimal("1200"),
    )
    assert status_of(pc) == AssetStatus.IN_USE  # nothing leaves the register for a draft


def test_a_draft_can_be_cancelled_with_a_reason(people):
    disposal = draft(people, make_asset(people))
    with pytest.raises(DomainError):
        disposals.cancel(disposal, by=people.teacher, reason=" ")
    disposals.cancel(disposal, by=people.teacher, reason="填错了")
    assert Disposal.objects.get(pk=disposal.pk).status == DisposalStatus.CANCELLED


def test_a_request_without_a_reason_or_assets_is_refused(people):
    with pytest.raises(DomainError):
        draft(people, make_asset(people), reason="")
    with pytest.raises(DomainError):
        draft(people)
    assert not Disposal.objects.exists()


# ---------------------------------------------------------------- who may include an asset


def test_the_custodian_the_department_head_and_the_keepers_may_include_an_asset(people):
    for who in (people.teacher, people.head, people.clerk, people.director):
        disposal = draft(people, make_asset(people), by=who)
        assert disposal.requested_by == who


def test_another_teacher_may_not_include_someone_elses_asset(people, make_member):
    stranger = make_member(people.school, "staff", username="stranger")
    asset = make_asset(people)
    with pytest.raises(PermissionDenied, match=asset.number):
        draft(people, asset, by=stranger)
    assert not Disposal.objects.exists()


def test_another_schools_asset_cannot_be_put_on_a_request(people, other_school):
    theirs = AssetFactory(school=other_school)
    with pytest.raises(DomainError):
        draft(people, theirs, by=people.clerk)
    assert status_of(theirs) == AssetStatus.IN_USE


def test_a_lent_or_disposed_asset_is_refused(people):
    with pytest.raises(DomainError, match="lent"):
        draft(people, make_asset(people, status=AssetStatus.LENT))
    with pytest.raises(DomainError, match="already disposed"):
        draft(people, make_asset(people, status=AssetStatus.DISPOSED))


# ---------------------------------------------------------------- one open disposal per asset


def test_an_asset_is_on_one_open_disposal_only(people):
    asset = make_asset(people)
    first = draft(people, asset)
    with pytest.raises(Conflict, match=first.number):
        draft(people, asset, by=people.clerk)
    disposals.cancel(first, by=people.teacher, reason="重复")
    assert draft(people, asset, by=people.clerk).lines.get().asset == asset


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_for_the_same_asset_at_once_exactly_one_wins():
    people = make_people(SchoolFactory(code="race"))
    asset = make_asset(people)
    requesters = [people.teacher, people.head, people.clerk, people.director]

    def request(who):
        return lambda: draft(people, Asset.objects.get(pk=asset.pk), by=who)

    outcomes = race(*(request(who) for who in requesters))

    won = [o for o in outcomes if isinstance(o, Disposal)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(won) == 1 and len(lost) == 3, outcomes
    assert DisposalLine.objects.filter(asset=asset).count() == 1


# ---------------------------------------------------------------- approval paths


def test_submitting_puts_whole_cards_pending_and_waits_for_the_department_head(people):
    asset = make_asset(people)
    disposal, flow = submitted(people, asset)

    assert disposal.status == DisposalStatus.PENDING and disposal.submitted_at
    assert status_of(asset) == AssetStatus.PENDING_DISPOSAL
    assert flow.current_approver == people.head
    assert [s["kind"] for s in flow.plan] == ["department_head", "role"]


def test_full_approval_disposes_the_assets_and_keeps_their_history(people):
    pc, printer = make_asset(people), make_asset(people, status=AssetStatus.IDLE)
    disposal, _flow = submitted(people, pc, printer)

    approve_all(disposal, people.head, people.director)

    assert disposal.status == DisposalStatus.DISPOSED
    assert disposal.disposed_on == timezone.localdate()
    for asset in (pc, printer):
        fresh = Asset.objects.get(pk=asset.pk)
        assert fresh.status == AssetStatus.DISPOSED
        assert fresh.disposed_on == timezone.localdate()
        assert fresh.history.count() >= 3  # created, pending, disposed
        assert [e.to_state for e in entries_for(fresh) if e.to_state][-2:] == [
            AssetStatus.PENDING_DISPOSAL,
            AssetStatus.DISPOSED,
        ]
    # Still in the ledger, just not active.
    assert not Asset.objects.filter(pk=pc.pk).get().is_active


def test_rejection_puts_each_asset_back_to_the_status_it_had(people):
    idle = make_asset(people, status=AssetStatus.IDLE)
    broken = make_asset(people, status=AssetStatus.IN_REPAIR)
    disposal, _flow = submitted(people, idle, broken)

    approvals.approve(disposal, by=people.head)
    approvals.reject(disposal, by=people.director, reason="还能修")

    disposal.refresh_from_db()
    assert disposal.status == DisposalStatus.REJECTED
    assert status_of(idle) == AssetStatus.IDLE
    assert status_of(broken) == AssetStatus.IN_REPAIR
    with pytest.raises(IllegalTransition):
        disposals.submit(disposal, by=people.teacher)


def test_return_then_resubmit_starts_a_second_round_and_can_be_approved(people):
    asset = make_asset(people, status=AssetStatus.IDLE)
    other = make_asset(people)
    disposal, _flow = submitted(people, asset)

    approvals.return_for_changes(disposal, by=people.head, reason="补充鉴定意见")
    disposal.refresh_from_db()
    assert disposal.status == DisposalStatus.DRAFT
    assert status_of(asset) == AssetStatus.IDLE

    disposals.update_disposal(
        disposal, by=people.teacher, appraisal="信息中心鉴定：报废", lines=[asset, other]
    )
    flow = disposals.submit(disposal, by=people.teacher)
    assert flow.round == 2 and flow.status == ApprovalFlow.Status.PENDING
    assert status_of(other) == AssetStatus.PENDING_DISPOSAL

    approve_all(disposal, people.head, people.director)
    assert disposal.status == DisposalStatus.DISPOSED
    assert {status_of(asset), status_of(other)} == {AssetStatus.DISPOSED}


def test_a_pending_request_cannot_be_changed(people):
    disposal, _flow = submitted(people, make_asset(people))
    with pytest.raises(IllegalTransition):
        disposals.update_disposal(disposal, by=people.teacher, reason="改一下")


def test_nobody_approves_their_own_request(people):
    # The director asks; the director step then needs another director.
    asset = make_asset(people, custodian=people.director, department=None)
    disposal, flow = submitted(people, asset, by=people.director)

    assert flow.plan[0]["role"] == "director"  # no department: the head step falls back
    with pytest.raises(PermissionDenied):
        approvals.approve(disposal, by=people.director)
    assert status_of(asset) == AssetStatus.PENDING_DISPOSAL


@pytest.mark.parametrize(
    ("value", "steps"),
    [
        (Decimal("49999.99"), ["department_head", "director"]),
        (Decimal("50000"), ["department_head", "director", "principal"]),
    ],
)
def test_the_principal_approves_from_fifty_thousand_yuan(people, value, steps):
    asset = make_asset(people, unit_price=value, total_value=value)
    disposal, flow = submitted(people, asset)

    assert [s["role"] or s["kind"] for s in flow.plan] == steps
    approve_all(disposal, people.head, people.director)
    expected = DisposalStatus.PENDING if "principal" in steps else DisposalStatus.DISPOSED
    assert disposal.status == expected
    if "principal" in steps:
        approve_all(disposal, people.principal)
        assert disposal.status == DisposalStatus.DISPOSED


def test_the_schools_own_policy_is_followed(people):
    set_policy(
        school=people.school,
        doc_type="assets.disposal",
        name="只需主任",
        steps=[StepSpec(kind="role", role="director")],
    )
    disposal, flow = submitted(people, make_asset(people))
    assert len(flow.plan) == 1
    approve_all(disposal, people.director)
    assert disposal.status == DisposalStatus.DISPOSED


# ---------------------------------------------------------------- batch cards


def test_part_of_a_batch_card_is_disposed_and_the_card_keeps_the_rest(people):
    desks = make_asset(
        people,
        name="课桌椅",
        quantity=Decimal("120"),
        unit="套",
        unit_price=Decimal("300"),
        total_value=Decimal("36000"),
        accumulated_depreciation=Decimal("12000"),
    )
    disposal, _flow = submitted(people, (desks, "20"))

    line = disposal.lines.get()
    assert (line.quantity, line.original_value, line.accumulated_depreciation) == (
        Decimal("20"),
        Decimal("6000.00"),
        Decimal("2000.00"),
    )
    assert disposal.total_value == Decimal("6000.00")
    assert status_of(desks) == AssetStatus.IN_USE  # the other 100 are still in use

    approve_all(disposal, people.head, people.director)

    desks.refresh_from_db()
    assert desks.status == AssetStatus.IN_USE
    assert (desks.quantity, desks.total_value, desks.accumulated_depreciation) == (
        Decimal("100"),
        Decimal("30000.00"),
        Decimal("10000.00"),
    )


def test_more_than_the_card_holds_is_refused(people):
    desks = make_asset(people, quantity=Decimal("10"), unit="套")
    with pytest.raises(DomainError, match="only 10"):
        draft(people, (desks, "11"))


def test_the_whole_quantity_of_a_batch_card_disposes_the_card(people):
    desks = make_asset(people, quantity=Decimal("10"), unit="套")
    disposal, _flow = submitted(people, (desks, "10"))
    approve_all(disposal, people.head, people.director)
    desks.refresh_from_db()
    assert desks.status == AssetStatus.DISPOSED and desks.quantity == Decimal("10")

"""Damage and compensation (公物损坏赔偿): the school rule's amounts by cause, payments,
waivers, the repair order, class teachers' scope and the term totals per class."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from houqin.assets import services_damage as damage
from houqin.assets.models import DamageCause, DamageRecord, DamageStatus
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.timeline import entries_for
from houqin.factories import RoomFactory, SchoolClassFactory

from .factories import AssetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(school, make_member):
    return make_member(school, "clerk", username="clerk")


@pytest.fixture
def class_teacher(school, make_member):
    return make_member(school, "class_teacher", "staff", username="banzhuren", full_name="李老师")


@pytest.fixture
def own_class(school, class_teacher):
    return SchoolClassFactory(school=school, grade=7, number=3, class_teacher=class_teacher)


@pytest.fixture
def other_class(school, make_member):
    other = make_member(school, "class_teacher", username="other-banzhuren")
    return SchoolClassFactory(school=school, grade=8, number=1, class_teacher=other)


@pytest.fixture
def desk(school):
    return AssetFactory(school=school, name="课桌", unit_price=Decimal("320.00"))


def record(by, school, **kw):
    kw.setdefault("description", "桌面被刻字")
    return damage.create_damage(by=by, school=school, **kw)


# ---------------------------------------------------------------- the school rule


@pytest.mark.parametrize(
    ("cause", "amount", "points", "status"),
    [
        (DamageCause.WEAR, "0", "0", DamageStatus.WAIVED),
        (DamageCause.NEGLIGENCE, "320.00", "0", DamageStatus.OPEN),
        (DamageCause.DELIBERATE, "640.00", "0", DamageStatus.OPEN),
        (DamageCause.UNKNOWN, "320.00", "1", DamageStatus.OPEN),
    ],
)
def test_the_amount_follows_the_school_rule_by_cause(
    clerk, school, desk, own_class, cause, amount, points, status
):
    made = record(clerk, school, asset=desk, cause=cause, school_class=own_class)

    assert made.assessed_amount == Decimal(amount)
    assert made.class_points == Decimal(points)
    assert made.status == status
    assert made.number.startswith("PC-")
    assert made.room == desk.room


def test_a_repair_cost_replaces_the_unit_price_and_deliberate_damage_pays_it_twice():
    advice = damage.suggest(cause=DamageCause.DELIBERATE, repair_cost="85")
    assert advice.amount == Decimal("170.00") and not advice.waived


def test_the_recorder_may_assess_another_amount_except_for_wear(clerk, school, desk, own_class):
    made = record(clerk, school, asset=desk, school_class=own_class, assessed_amount="100")
    assert made.assessed_amount == Decimal("100.00")
    worn = record(
        clerk, school, asset=desk, cause=DamageCause.WEAR, assessed_amount="100", description="x"
    )
    assert worn.assessed_amount == 0 and worn.status == DamageStatus.WAIVED


def test_damage_needs_an_asset_or_a_place_and_someone_responsible(clerk, school, own_class):
    with pytest.raises(DomainError):
        record(clerk, school, school_class=own_class)
    room = RoomFactory(floor__building__campus__school=school)
    with pytest.raises(DomainError):
        record(clerk, school, room=room, cause=DamageCause.NEGLIGENCE)
    with pytest.raises(DomainError, match="class pays"):
        record(clerk, school, room=room, cause=DamageCause.UNKNOWN, responsible_name="王同学")
    made = record(clerk, school, room=room, responsible_name="王同学", repair_cost="45")
    assert made.assessed_amount == Decimal("45.00") and made.asset is None


# ---------------------------------------------------------------- payments and waivers


def test_payments_add_up_and_the_record_is_paid_when_fully_paid(clerk, school, desk, own_class):
    made = record(clerk, school, asset=desk, school_class=own_class)
    yesterday = timezone.localdate() - timedelta(days=1)

    damage.record_payment(made, by=clerk, amount="120", paid_on=yesterday)
    assert made.status == DamageStatus.OPEN and made.outstanding == Decimal("200.00")

    with pytest.raises(DomainError, match="200.00"):
        damage.record_payment(made, by=clerk, amount="250")
    damage.record_payment(made, by=clerk, amount="200")

    made.refresh_from_db()
    assert made.status == DamageStatus.PAID
    assert made.paid_amount == Decimal("320.00") and made.paid_on == timezone.localdate()
    with pytest.raises(IllegalTransition):
        damage.record_payment(made, by=clerk, amount="1")
    assert [e.to_state for e in entries_for(made) if e.to_state] == [
        DamageStatus.OPEN,
        DamageStatus.PAID,
    ]


def test_a_waiver_needs_a_reason_and_the_right_to_waive(
    clerk, class_teacher, school, desk, own_class
):
    made = record(clerk, school, asset=desk, school_class=own_class)
    with pytest.raises(DomainError):
        damage.waive(made, by=clerk, reason="")
    with pytest.raises(PermissionDenied):
        damage.waive(made, by=class_teacher, reason="家庭困难")
    damage.waive(made, by=clerk, reason="家庭困难，经主任同意")
    assert DamageRecord.objects.get(pk=made.pk).status == DamageStatus.WAIVED
    assert "家庭困难" in entries_for(made).last().text


def test_a_class_teacher_cannot_record_payments(clerk, class_teacher, school, desk, own_class):
    made = record(class_teacher, school, asset=desk, school_class=own_class)
    with pytest.raises(PermissionDenied):
        damage.record_payment(made, by=class_teacher, amount="10")


def test_the_amount_can_be_assessed_again_once_the_repair_cost_is_known(
    clerk, school, desk, own_class
):
    made = record(clerk, school, asset=desk, school_class=own_class)
    damage.reassess(made, by=clerk, amount="80", reason="维修费80元")
    assert DamageRecord.objects.get(pk=made.pk).assessed_amount == Decimal("80.00")


# ---------------------------------------------------------------- the repair order


def test_a_repair_order_is_reported_through_maintenance_and_linked(clerk, director, school):
    from houqin.maintenance import services as maintenance

    room = RoomFactory(floor__building__campus__school=school)
    chair = AssetFactory(school=school, room=room, name="椅子")
    made = record(director, school, asset=chair, responsible_name="王同学")
    category = maintenance.ensure_categories(school)[0]

    damage.report_repair(made, by=director, category=category)

    made.refresh_from_db()
    assert made.work_order.room == room
    assert made.work_order.requester == director
    assert made.number in made.work_order.title


def test_only_a_repair_order_of_the_same_school_can_be_linked(
    director, school, other_school, make_member
):
    from houqin.maintenance import services as maintenance

    room = RoomFactory(floor__building__campus__school=school)
    made = record(director, school, room=room, responsible_name="王同学")
    other_director = make_member(other_school, "director", username="director-b")
    theirs = maintenance.report(
        school=other_school,
        by=other_director,
        room=RoomFactory(floor__building__campus__school=other_school),
        category=maintenance.ensure_categories(other_school)[0],
        description="坏了",
    )
    with pytest.raises(DomainError):
        damage.link_work_order(made, by=director, work_order=theirs)
    mine = maintenance.report(
        school=school,
        by=director,
        room=room,
        category=maintenance.ensure_categories(school)[0],
        description="坏了",
    )
    damage.link_work_order(made, by=director, work_order=mine)
    assert DamageRecord.objects.get(pk=made.pk).work_order == mine


# ---------------------------------------------------------------- class teachers


def test_a_class_teacher_records_damage_in_their_own_class_only(
    class_teacher, school, desk, own_class, other_class
):
    made = record(class_teacher, school, asset=desk, school_class=own_class)
    assert made.recorded_by == class_teacher
    with pytest.raises(PermissionDenied):
        record(class_teacher, school, asset=desk, school_class=other_class)
    with pytest.raises(PermissionDenied):
        record(class_teacher, school, asset=desk, responsible_name="王同学")


def test_a_class_teacher_sees_only_their_classs_records(
    clerk, class_teacher, school, desk, own_class, other_class
):
    mine = record(clerk, school, asset=desk, school_class=own_class)
    record(clerk, school, asset=desk, school_class=other_class)
    visible = DamageRecord.objects.restrict(class_teacher, "view")
    assert list(visible) == [mine]


def test_a_teacher_without_a_class_cannot_record_damage(teacher, school, desk, own_class):
    with pytest.raises(PermissionDenied):
        record(teacher, school, asset=desk, school_class=own_class)


def test_another_schools_asset_or_class_is_refused(clerk, school, other_school):
    theirs = AssetFactory(school=other_school)
    with pytest.raises(DomainError):
        record(clerk, school, asset=theirs, responsible_name="王同学")
    assert not DamageRecord.objects.exists()


# ---------------------------------------------------------------- term totals per class


def test_term_totals_per_class(clerk, school, desk, own_class, other_class):
    record(clerk, school, asset=desk, school_class=own_class, cause=DamageCause.UNKNOWN)
    paid = record(clerk, school, asset=desk, school_class=own_class, assessed_amount="50")
    damage.record_payment(paid, by=clerk, amount="50")
    record(clerk, school, asset=desk, school_class=other_class, cause=DamageCause.WEAR)
    old = record(
        clerk,
        school,
        asset=desk,
        school_class=own_class,
        occurred_on=date(2020, 3, 1),
    )
    assert old.occurred_on.year == 2020

    today = timezone.localdate()
    rows = damage.class_totals(
        DamageRecord.objects.filter(school=school), start=today - timedelta(days=30), end=today
    )

    by_class = {row["school_class"]: row for row in rows}
    assert [row["school_class"] for row in rows] == [own_class, other_class]
    assert by_class[own_class]["records"] == 2
    assert by_class[own_class]["assessed"] == Decimal("370.00")
    assert by_class[own_class]["paid"] == Decimal("50.00")
    assert by_class[own_class]["outstanding"] == Decimal("320.00")
    assert by_class[own_class]["class_points"] == Decimal("1")
    assert by_class[other_class]["waived"] == 1
    assert by_class[other_class]["assessed"] == 0

"""Maintenance plans over assets: "service every air-conditioner in the offices each term"
makes one order per unit, exactly once, and compliance counts units."""

from datetime import date

import pytest

from houqin.assets.models import AssetStatus
from houqin.assets.tests.factories import AssetCategoryFactory, AssetFactory
from houqin.core.testing import race
from houqin.factories import FloorFactory, RoomFactory, SchoolFactory, member
from houqin.maintenance import plans, services
from houqin.maintenance.models import MaintenancePlan, Recurrence, Status, WorkOrder
from houqin.org.models import RoomType

from .factories import RepairCategoryFactory
from .test_plans import make_plan, make_terms


@pytest.fixture
def ac_category(school):
    top = AssetCategoryFactory(school=school, code="2", name="设备")
    return AssetCategoryFactory(school=school, code="2020100", name="空调机", parent=top)


@pytest.fixture
def repair_category(school):
    return RepairCategoryFactory(school=school, code="air_conditioning", name="空调")


@pytest.fixture
def rooms(school):
    floor = FloorFactory(building__campus__school=school)
    office_a = RoomFactory(floor=floor, number="201", room_type=RoomType.OFFICE)
    office_b = RoomFactory(floor=floor, number="202", room_type=RoomType.OFFICE)
    classroom = RoomFactory(floor=floor, number="301", room_type=RoomType.CLASSROOM)
    return office_a, office_b, classroom


def test_a_plan_over_asset_categories_makes_one_order_per_unit_in_its_places(
    school, ac_category, repair_category, rooms
):
    office_a, office_b, classroom = rooms
    make_terms(school)
    first = AssetFactory(school=school, category=ac_category, room=office_a, name="格力挂机")
    second = AssetFactory(school=school, category=ac_category, room=office_a, name="美的柜机")
    third = AssetFactory(school=school, category=ac_category, room=office_b)
    AssetFactory(school=school, category=ac_category, room=classroom)  # not an office
    AssetFactory(school=school, category=ac_category, room=office_b, status=AssetStatus.DISPOSED)
    AssetFactory(school=school, room=office_b)  # another category
    plan = make_plan(school, repair_category)
    plan.asset_categories.set([ac_category.parent])  # the top class covers its sub-classes

    made = plans.generate(plan, today=date(2025, 9, 10))

    assert sorted(o.asset_id for o in made) == sorted([first.pk, second.pk, third.pk])
    order = WorkOrder.objects.get(asset=first)
    assert order.room == office_a and order.plan_due == date(2025, 9, 15)
    assert "格力挂机" in order.title
    # Two units in one room are two orders, and a second run adds nothing.
    assert WorkOrder.objects.filter(plan=plan, room=office_a).count() == 2
    assert plans.generate(plan, today=date(2025, 9, 11)) == []


def test_without_places_the_plan_covers_every_unit_of_the_category(
    school, ac_category, repair_category, rooms
):
    make_terms(school)
    units = [AssetFactory(school=school, category=ac_category, room=room) for room in rooms]
    elsewhere = AssetFactory(school=school, category=ac_category, room=None)
    plan = make_plan(school, repair_category, room_types=())
    plan.asset_categories.set([ac_category])

    targets = plans.targets(plan)

    assert {t.asset for t in targets} == {*units, elsewhere}
    assert len(plans.generate(plan, today=date(2025, 9, 10))) == 4


def test_compliance_counts_units_done(school, ac_category, repair_category, rooms):
    make_terms(school)
    for _ in range(3):
        AssetFactory(school=school, category=ac_category, room=rooms[0])
    plan = make_plan(school, repair_category)
    plan.asset_categories.set([ac_category])
    made = plans.generate(plan, today=date(2025, 9, 10))
    director = member(school, "director", username="boss")
    worker = member(school, "worker", username="wang")
    services.assign(made[0], by=director, worker=worker)
    services.start(made[0], by=worker)
    services.finish(made[0], by=worker, checklist=[{"done": True}, {"done": True}])

    result = plans.compliance(plan, start=date(2025, 9, 1), end=date(2026, 1, 23))

    assert (result.expected, result.done) == (3, 1)
    assert WorkOrder.objects.get(pk=made[0].pk).status == Status.DONE


def test_after_completion_counts_each_unit_on_its_own(school, ac_category, repair_category, rooms):
    units = [AssetFactory(school=school, category=ac_category, room=rooms[0]) for _ in range(2)]
    plan = make_plan(
        school, repair_category, recurrence=Recurrence.AFTER_COMPLETION, interval_days=30,
        lead_days=0, room_types=(), starts_on=date(2026, 3, 2),
    )
    plan.asset_categories.set([ac_category])
    made = plans.generate(plan, today=date(2026, 3, 2))
    assert sorted(o.asset_id for o in made) == sorted(u.pk for u in units)
    # Both are open: nothing more until one is done.
    assert plans.generate(plan, today=date(2026, 6, 1)) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_make_each_units_order_exactly_once():
    school = SchoolFactory()
    repair_category = RepairCategoryFactory(school=school)
    ac = AssetCategoryFactory(school=school, code="2020100", name="空调机")
    make_terms(school)
    floor = FloorFactory(building__campus__school=school)
    room = RoomFactory(floor=floor, number="201", room_type=RoomType.OFFICE)
    for _ in range(10):
        AssetFactory(school=school, category=ac, room=room)
    plan = make_plan(school, repair_category)
    plan.asset_categories.set([ac])

    def run():
        return plans.generate(MaintenancePlan.objects.get(pk=plan.pk), today=date(2025, 9, 10))

    outcomes = race(run, run, run, run)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert sum(len(made) for made in outcomes) == 10
    assert WorkOrder.objects.filter(plan=plan).values("asset_id").distinct().count() == 10
    assert WorkOrder.objects.filter(plan=plan).count() == 10

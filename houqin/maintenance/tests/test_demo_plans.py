"""The demo's maintenance plans show a real term's shape: last term all done, this term
mostly done with a few offices left."""

from datetime import date, timedelta

import pytest

from houqin.factories import FloorFactory, RoomFactory, member
from houqin.maintenance import plans, services
from houqin.maintenance.demo_plans import build_plans
from houqin.maintenance.models import MaintenancePlan
from houqin.org.models import AcademicYear, RoomType, Term

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_like(school):
    year = AcademicYear.objects.create(
        school=school, name="2026-2027", start_date=date(2026, 2, 1), end_date=date(2027, 7, 31)
    )
    Term.objects.create(school=school, year=year, number=1, name="春季",
                        start_date=date(2026, 2, 23), end_date=date(2026, 7, 3))
    Term.objects.create(school=school, year=year, number=2, name="秋季",
                        start_date=date(2026, 9, 1), end_date=date(2027, 1, 22))
    services.ensure_categories(school)
    member(school, "worker", username="w")
    floor = FloorFactory(building__campus__school=school)
    for i in range(20):
        RoomFactory(floor=floor, number=f"1{i:02d}", room_type=RoomType.OFFICE)
    RoomFactory(floor=floor, number="B01", room_type=RoomType.FUNCTION)
    return school


def test_demo_ac_plan_is_done_last_term_and_mostly_done_this_term(demo_like):
    today = date(2026, 11, 23)
    made = build_plans(demo_like, today=today)
    ac = made[0]
    assert ac.recurrence == "term" and len(made) == 2

    now = plans.compliance(ac, today=today)
    assert now.label == "秋季" and now.expected == 20
    assert now.done == 18 and now.overdue == 2  # 10% left open, past the due date
    spring = Term.objects.get(name="春季")
    before = plans.compliance(ac, start=spring.start_date, end=spring.end_date, today=today)
    assert (before.done, before.expected) == (20, 20)
    # Running the scheduler again changes nothing; building the demo again adds nothing.
    assert plans.generate(ac, today=today + timedelta(days=1)) == []
    assert build_plans(demo_like, today=today) == []
    assert MaintenancePlan.objects.filter(school=demo_like).count() == 2

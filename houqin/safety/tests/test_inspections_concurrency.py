"""Two schedulers (or a scheduler and "make due rounds now") at once make each round once, with
gapless numbers — on PostgreSQL, where the race is real."""

from datetime import date

import pytest

from houqin.core.testing import race
from houqin.factories import FloorFactory, RoomFactory, SchoolFactory, member
from houqin.safety import schedules
from houqin.safety.models.inspections import InspectionRound, InspectionSchedule

from .inspections_support import at, schedule, template


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_generators_make_each_round_exactly_once():
    school = SchoolFactory()
    director = member(school, "director")
    floor = FloorFactory(building__campus__school=school)
    rooms = [RoomFactory(floor=floor, number=f"1{i:02d}") for i in range(3)]
    plan = schedule(
        school,
        template(school, "fire-patrol"),
        rooms=rooms,
        by=director,
        starts_on=date(2026, 3, 1),
    )

    def run():
        found = InspectionSchedule.objects.select_related("template", "school").get(pk=plan.pk)
        return schedules.generate(found, now=at(date(2026, 3, 10), 12))

    outcomes = race(run, run, run, run)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert sum(len(made) for made in outcomes) == 10
    rounds = InspectionRound.objects.filter(schedule=plan)
    assert rounds.count() == 10 and rounds.values("due_date").distinct().count() == 10
    numbers = sorted(int(n.rsplit("-", 1)[1]) for n in rounds.values_list("number", flat=True))
    assert numbers == list(range(1, 11))

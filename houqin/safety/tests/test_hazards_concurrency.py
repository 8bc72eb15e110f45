"""Two people acting on the same hazard at the same moment on PostgreSQL: it is verified once,
and a work order is created once."""

import pytest

from houqin import factories as f
from houqin.core.errors import DomainError
from houqin.core.models import TimelineEntry
from houqin.core.testing import race
from houqin.maintenance import services as maintenance
from houqin.maintenance.models import WorkOrder
from houqin.safety import services_hazards as hz
from houqin.safety.models.hazards import Hazard, HazardStatus

from .hazards_support import assigned, reported, to_verify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_verifiers_at_once_close_the_hazard_once(school):
    director = f.member(school, "director", username="director")
    owner = f.member(school, "clerk", username="owner")
    teacher = f.member(school, "staff", username="teacher")
    inspectors = [f.member(school, "inspector", username=f"insp{n}") for n in range(2)]
    hazard = to_verify(reported(school, teacher), director, owner)

    outcomes = race(*[
        (lambda who=who: hz.verify(Hazard.objects.get(pk=hazard.pk), by=who))
        for who in inspectors
    ])  # fmt: skip

    assert sum(isinstance(o, Hazard) for o in outcomes) == 1
    assert sum(isinstance(o, DomainError) for o in outcomes) == 1, outcomes
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED
    closings = TimelineEntry.objects.filter(object_id=hazard.pk, to_state=HazardStatus.CLOSED)
    assert closings.count() == 1


def test_two_clicks_on_create_work_order_make_one_order(school):
    director = f.member(school, "director", username="director")
    teacher = f.member(school, "staff", username="teacher")
    hazard = assigned(reported(school, teacher), director, director)
    category = maintenance.ensure_categories(school)[0]

    outcomes = race(*[
        (lambda: hz.create_work_order(Hazard.objects.get(pk=hazard.pk), by=director,
                                      category=category, version=2))
        for _ in range(2)
    ])  # fmt: skip

    assert sum(isinstance(o, WorkOrder) for o in outcomes) == 1, outcomes
    assert WorkOrder.objects.filter(school=school).count() == 1

"""The demo: templates, schedules, a term of rounds with a few missed, late and failed (raising
hazards), ~80 pieces of equipment with some due or expired; fast and idempotent."""

import time

import pytest
from django.utils import timezone

from houqin.core import compliance
from houqin.org.demo import build_demo
from houqin.org.terms import term_on
from houqin.safety import demo_inspections
from houqin.safety.models.equipment import SafetyEquipment
from houqin.safety.models.hazards import Hazard, HazardSource
from houqin.safety.models.inspections import InspectionAnswer, InspectionRound, RoundStatus
from houqin.safety.services_equipment import due_q


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_demo_inspections_are_realistic_fast_and_idempotent():
    schools = build_demo()
    started = time.monotonic()
    demo_inspections.build(schools)
    assert time.monotonic() - started < 20
    school = schools["donghu"]
    rounds = InspectionRound.objects.filter(school=school)
    assert rounds.filter(status=RoundStatus.MISSED).exists()
    assert rounds.filter(status=RoundStatus.DONE, is_late=True).exists()
    assert rounds.filter(status=RoundStatus.DONE).count() > 50
    failed = InspectionAnswer.objects.filter(stop__round__school=school, failed=True)
    assert failed.filter(hazard__isnull=False).exists()
    assert Hazard.objects.filter(school=school, source=HazardSource.INSPECTION).exists()
    equipment = SafetyEquipment.objects.filter(school=school)
    assert 70 <= equipment.count() <= 90
    assert equipment.filter(due_q(timezone.localdate())).count() >= 2
    term = term_on(school, timezone.localdate())
    status = compliance.status_of("safety.fire_patrol_days")(school, term, timezone.localdate())
    assert status.due > 0 and status.done > 0
    before = rounds.count()
    demo_inspections.build(schools)
    assert InspectionRound.objects.filter(school=school).count() == before

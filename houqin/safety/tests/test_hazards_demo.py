"""The demo: hazards in every state across the term, some overdue, one major, some from the
public form, some rectified through finished work orders; building twice changes nothing."""

import time

import pytest
from django.utils import timezone

from houqin.core import compliance
from houqin.maintenance.models import Source, WorkOrder
from houqin.org.demo import build_demo
from houqin.org.terms import term_on
from houqin.safety import demo_hazards, jobs_hazards
from houqin.safety.filters_hazards import overdue_q
from houqin.safety.models.hazards import Hazard, HazardLevel, HazardSource, HazardStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_demo_hazards_cover_every_state_and_are_idempotent():
    schools = build_demo()
    started = time.monotonic()
    demo_hazards.build(schools)
    assert time.monotonic() - started < 10
    school = schools["donghu"]
    hazards = Hazard.objects.filter(school=school)
    assert set(hazards.values_list("status", flat=True)) == set(HazardStatus.values)
    assert hazards.filter(overdue_q()).count() >= 2
    assert hazards.filter(level=HazardLevel.MAJOR).exists()
    assert hazards.filter(source=HazardSource.PUBLIC).exists()
    assert hazards.filter(reopen_count__gt=0, status=HazardStatus.RECTIFYING).exists()
    closed_by_order = hazards.filter(status=HazardStatus.CLOSED, work_order__isnull=False)
    assert closed_by_order.count() >= 2
    assert WorkOrder.objects.filter(school=school, source=Source.HAZARD).exists()
    for hazard in closed_by_order:
        assert hazard.verified_by_id != hazard.fixed_by_id
    assert not hazards.filter(found_at__gt=timezone.now()).exists()
    term = term_on(school, timezone.localdate())
    assert not hazards.filter(found_at__date__lt=term.start_date).exists()

    status = compliance.status_of("safety.hazard_report_hours")(school, term, timezone.localdate())
    assert status.due == hazards.exclude(status=HazardStatus.CANCELLED).count()
    assert status.open >= 2 and status.missed >= 1
    verified = compliance.status_of("safety.hazard_verified_by_other")(
        school, term, timezone.localdate()
    )
    assert verified.due >= 5 and verified.missed == 0
    assert jobs_hazards.escalate() >= 3

    before = hazards.count()
    demo_hazards.build(schools)
    assert Hazard.objects.filter(school=school).count() == before

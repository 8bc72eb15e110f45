"""A hazard rectified through a maintenance work order: the order's finish sends the hazard
to verification by itself, its worker being the fixer; escalation notifies once per stage."""

from datetime import timedelta

import pytest
from django.utils import timezone

from houqin.core.errors import IllegalTransition, PermissionDenied
from houqin.core.models import Notification
from houqin.core.timeline import entries_for
from houqin.maintenance import services as maintenance
from houqin.maintenance.models import Source, Urgency
from houqin.safety import jobs_hazards
from houqin.safety import services_hazards as hz
from houqin.safety.models.hazards import Hazard, HazardLevel, HazardStatus

from .hazards_support import assigned, reported


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def worker(school, make_member):
    return make_member(school, "worker", username="worker", full_name="王师傅")


@pytest.fixture
def clerk(school, make_member):
    return make_member(school, "clerk", username="clerk")


@pytest.fixture
def principal(school, make_member):
    return make_member(school, "principal", username="principal")


@pytest.fixture
def category(school):
    return maintenance.ensure_categories(school)[0]


def fresh(hazard):
    return Hazard.objects.get(pk=hazard.pk)


def finish_order(order, director, worker):
    maintenance.assign(order, by=director, worker=worker)
    maintenance.start(order, by=worker)
    maintenance.finish(order, by=worker, labour_minutes=20)


def test_round_trip_hazard_order_finish_verify_close(
    school, teacher, director, worker, clerk, category
):
    hazard = assigned(reported(school, teacher, level=HazardLevel.MAJOR), director, director)
    order = hz.create_work_order(hazard, by=director, category=category)
    assert order.source == Source.HAZARD and order.urgency == Urgency.URGENT
    assert order.room_id == hazard.room_id
    assert fresh(hazard).work_order == order
    with pytest.raises(IllegalTransition, match="still open"):
        hz.create_work_order(fresh(hazard), by=director, category=category)

    finish_order(order, director, worker)
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.TO_VERIFY
    assert hazard.fixed_by == worker
    # The director assigned and owns it, but did not fix it: may verify.
    with pytest.raises(PermissionDenied):
        hz.verify(hazard, by=worker)
    hz.verify(hazard, by=director)
    assert fresh(hazard).status == HazardStatus.CLOSED
    texts = [e.text for e in entries_for(hazard)]
    assert any(order.number in t for t in texts)


def test_cancelled_order_leaves_the_hazard_rectifying_with_a_note(
    school, teacher, director, clerk, category
):
    hazard = assigned(reported(school, teacher), director, clerk)
    order = hz.create_work_order(hazard, by=clerk, category=category)
    maintenance.cancel(order, by=director, reason="改由外包单位处理")
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.RECTIFYING
    assert hazard.work_order is None
    assert any("cancelled" in e.text for e in entries_for(hazard))
    assert Notification.objects.filter(recipient=clerk, title__contains="cancelled").exists()
    # The owner may ask again.
    assert hz.create_work_order(hazard, by=clerk, category=category).pk != order.pk


def test_work_order_only_while_rectifying(school, teacher, director, category):
    hazard = reported(school, teacher)
    with pytest.raises(IllegalTransition):
        hz.create_work_order(hazard, by=director, category=category)


def test_a_stranger_cannot_ask_for_repairs(school, teacher, director, clerk, category):
    hazard = assigned(reported(school, teacher), director, clerk)
    with pytest.raises(PermissionDenied):
        hz.create_work_order(hazard, by=teacher, category=category)


# ---------------------------------------------------------------- escalation


def _notices(user):
    return Notification.objects.filter(recipient=user, title__contains="Hazard").count()


def test_unassigned_hazard_escalates_once_to_the_director(school, teacher, director, principal):
    hazard = reported(school, teacher)
    Hazard.objects.filter(pk=hazard.pk).update(created_at=timezone.now() - timedelta(hours=30))
    before = _notices(director)
    assert jobs_hazards.escalate() == 1
    assert jobs_hazards.escalate() == 0
    assert _notices(director) == before + 1
    assert _notices(principal) == 0
    assert fresh(hazard).escalation_stage == 1


def test_overdue_hazard_reaches_the_principal_after_a_further_period(
    school, teacher, director, clerk, principal
):
    hazard = assigned(reported(school, teacher), director, clerk)
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    now = timezone.now()
    assert jobs_hazards.escalate(now) == 1
    assert Notification.objects.filter(
        recipient=clerk, title__contains="past its deadline"
    ).exists()
    assert jobs_hazards.escalate(now + timedelta(days=1)) == 0
    assert _notices(principal) == 0
    assert jobs_hazards.escalate(now + timedelta(days=4)) == 1
    assert _notices(principal) == 1
    assert jobs_hazards.escalate(now + timedelta(days=9)) == 0


def test_overdue_major_hazard_tells_the_principal_at_once_and_only_once(
    school, teacher, director, clerk, principal
):
    hazard = assigned(reported(school, teacher, level=HazardLevel.MAJOR), director, clerk)
    before = _notices(principal)
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    now = timezone.now()
    jobs_hazards.escalate(now)
    jobs_hazards.escalate(now + timedelta(days=5))
    assert _notices(principal) == before + 1


def test_a_new_deadline_starts_escalation_over(school, teacher, director, clerk):
    hazard = assigned(reported(school, teacher), director, clerk)
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    jobs_hazards.escalate()
    hz.reassign(
        fresh(hazard), by=director, owner=clerk, deadline=timezone.localdate() + timedelta(days=2)
    )
    assert fresh(hazard).escalation_stage == 0
    assert jobs_hazards.escalate() == 0


def test_closed_hazards_never_escalate(school, teacher, director, clerk):
    hazard = assigned(reported(school, teacher), director, clerk)
    hz.cancel(hazard, by=director, reason="误报")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - timedelta(days=3))
    assert jobs_hazards.escalate() == 0

"""The hourly auto-close job: done orders nobody confirmed close after N days."""

from datetime import timedelta

import pytest
from django.utils import timezone

from houqin.core.scheduler import get_job, run_due_jobs
from houqin.core.timeline import entries_for
from houqin.maintenance import services
from houqin.maintenance.models import MaintenanceSettings, Status, WorkOrder

from .factories import make_order


@pytest.fixture
def worker(school, make_member):
    return make_member(school, "worker")


def finished(school, teacher, director, worker, *, days_ago):
    order = make_order(school, teacher)
    services.assign(order, by=director, worker=worker)
    services.start(order, by=worker)
    services.finish(order, by=worker)
    WorkOrder.objects.filter(pk=order.pk).update(
        done_at=timezone.now() - timedelta(days=days_ago)
    )
    return order


def test_auto_close_closes_only_done_orders_older_than_the_setting(
    school, teacher, director, worker
):
    MaintenanceSettings.objects.update_or_create(school=school, defaults={"autoclose_days": 3})
    old = finished(school, teacher, director, worker, days_ago=4)
    recent = finished(school, teacher, director, worker, days_ago=2)
    open_order = make_order(school, teacher)
    confirmed = finished(school, teacher, director, worker, days_ago=10)
    services.confirm(confirmed, by=teacher, rating=4)

    assert services.close_unconfirmed() == 1

    status = dict(WorkOrder.objects.values_list("pk", "status"))
    assert status[old.pk] == Status.CLOSED
    assert status[recent.pk] == Status.DONE
    assert status[open_order.pk] == Status.SUBMITTED
    assert status[confirmed.pk] == Status.CONFIRMED
    last = list(entries_for(old))[-1]
    assert last.actor is None and last.to_state == Status.CLOSED
    assert services.close_unconfirmed() == 0


def test_default_is_seven_days(school, teacher, director, worker):
    six = finished(school, teacher, director, worker, days_ago=6)
    eight = finished(school, teacher, director, worker, days_ago=8)
    services.close_unconfirmed()
    assert WorkOrder.objects.get(pk=six.pk).status == Status.DONE
    assert WorkOrder.objects.get(pk=eight.pk).status == Status.CLOSED


def test_job_is_registered_hourly_and_runs_from_the_scheduler(school, teacher, director, worker):
    job = get_job("maintenance.close_unconfirmed")
    assert job.every == timedelta(hours=1)
    old = finished(school, teacher, director, worker, days_ago=30)
    now = timezone.now()
    assert "maintenance.close_unconfirmed" in run_due_jobs(now, keys={job.key})
    assert WorkOrder.objects.get(pk=old.pk).status == Status.CLOSED
    # The same slot does not run twice.
    assert run_due_jobs(now, keys={job.key}) == []

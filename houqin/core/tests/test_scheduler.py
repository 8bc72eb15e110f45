import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from houqin.core import scheduler
from houqin.core.models import JobRun

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def calls():
    return []


@pytest.fixture
def every_15_minutes(calls):
    @scheduler.periodic("test.every_15", every=timedelta(minutes=15))
    def job(now):
        calls.append(now)

    yield "test.every_15"
    scheduler.unregister("test.every_15")


@pytest.fixture
def daily_at_0330(calls):
    @scheduler.periodic("test.daily", hour=3, minute=30)
    def job(now):
        calls.append(now)

    yield "test.daily"
    scheduler.unregister("test.daily")


def at(hour, minute, day=10):
    return datetime(2026, 9, day, hour, minute, tzinfo=SHANGHAI)


def test_due_job_runs_once_even_when_run_twice_for_the_same_slot(db, every_15_minutes, calls):
    first = scheduler.run_due_jobs(at(8, 1), keys={every_15_minutes})
    second = scheduler.run_due_jobs(at(8, 14), keys={every_15_minutes})

    assert first == [every_15_minutes] and second == []
    assert len(calls) == 1
    assert JobRun.objects.get().status == JobRun.Status.OK


def test_next_slot_runs_again(db, every_15_minutes, calls):
    scheduler.run_due_jobs(at(8, 1), keys={every_15_minutes})
    scheduler.run_due_jobs(at(8, 16), keys={every_15_minutes})
    assert len(calls) == 2


def test_daily_job_runs_once_a_day_after_its_time(db, daily_at_0330, calls):
    scheduler.run_due_jobs(at(10, 0), keys={daily_at_0330})
    scheduler.run_due_jobs(at(23, 0), keys={daily_at_0330})
    scheduler.run_due_jobs(at(3, 29, day=11), keys={daily_at_0330})
    scheduler.run_due_jobs(at(3, 31, day=11), keys={daily_at_0330})

    slots = [r.slot.astimezone(SHANGHAI) for r in JobRun.objects.order_by("slot")]
    assert slots == [at(3, 30), at(3, 30, day=11)]
    assert len(calls) == 2


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(db, every_15_minutes, calls):
    @scheduler.periodic("test.broken", every=timedelta(minutes=5))
    def broken(now):
        raise RuntimeError("disk full")

    try:
        ran = scheduler.run_due_jobs(at(9, 0), keys={"test.broken", every_15_minutes})
    finally:
        scheduler.unregister("test.broken")

    assert set(ran) == {"test.broken", every_15_minutes}
    failed = JobRun.objects.get(key="test.broken")
    assert failed.status == JobRun.Status.FAILED and "disk full" in failed.error
    assert len(calls) == 1


def test_periodic_refuses_unclear_schedules():
    with pytest.raises(ValueError):
        scheduler.periodic("test.bad", every=timedelta(minutes=5), hour=3)
    with pytest.raises(ValueError):
        scheduler.periodic("test.bad")
    with pytest.raises(ValueError):
        scheduler.periodic("test.bad", hour=25)


def test_core_jobs_are_registered():
    keys = {job.key for job in scheduler.jobs()}
    assert {"core.retry_deliveries", "core.prune_notifications"} <= keys


def test_scheduler_command_once_runs_due_jobs_and_exits(db, every_15_minutes, calls):
    call_command("scheduler", "--once", verbosity=0)
    call_command("scheduler", "--once", verbosity=0)
    assert len(calls) == 1
    assert JobRun.objects.filter(key="core.retry_deliveries").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_run_a_slot_once(every_15_minutes, calls):
    barrier = threading.Barrier(2)
    results = []

    def scheduler_process():
        try:
            barrier.wait(timeout=10)
            results.append(scheduler.run_due_jobs(at(8, 1), keys={every_15_minutes}))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler_process) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(results) == [[], [every_15_minutes]]
    assert len(calls) == 1
    assert JobRun.objects.filter(key=every_15_minutes).count() == 1

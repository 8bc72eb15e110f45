"""Periodic jobs: each runs at most once per time slot, however many schedulers are running.

Register a job in an app's ``jobs.py`` (imported by its ``AppConfig.ready``)::

    @periodic("maintenance.generate_pm_orders", every=timedelta(minutes=15))
    def generate(now): ...

    @periodic("core.prune_notifications", hour=3, minute=30)   # daily at 03:30 local time
    def prune(now): ...

``run_due_jobs(now)`` works out each job's current slot and claims it by inserting a
``JobRun(key, slot)`` row under a unique constraint before running the job; a second
scheduler (or a repeated call) loses the insert and skips. A job therefore must still be
safe to repeat in the rare case it crashes half-way: the slot is spent, the next slot runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    key: str
    func: Callable[[datetime], object]
    every: timedelta | None = None
    hour: int | None = None
    minute: int | None = None

    def slot(self, now: datetime) -> datetime:
        """The start of the slot ``now`` falls in (the latest slot that has begun)."""
        if self.every is not None:
            step = int(self.every.total_seconds())
            seconds = int(now.timestamp())
            return datetime.fromtimestamp(seconds - seconds % step, tz=UTC)
        local = timezone.localtime(now)
        if self.hour is None:
            start = local.replace(minute=self.minute, second=0, microsecond=0)
            return start if start <= local else start - timedelta(hours=1)
        start = local.replace(hour=self.hour, minute=self.minute or 0, second=0, microsecond=0)
        return start if start <= local else start - timedelta(days=1)


_JOBS: dict[str, Job] = {}


def periodic(
    key: str, *, every: timedelta | None = None, hour: int | None = None, minute: int | None = None
):
    """Register ``func(now)`` to run every ``every``, or daily at ``hour:minute``, or hourly
    at ``minute`` (local time)."""
    if (every is None) == (hour is None and minute is None):
        raise ValueError("give either every=, or hour=/minute=")
    if every is not None and every < timedelta(minutes=1):
        raise ValueError("jobs run at most once a minute")
    if (hour is not None and not 0 <= hour <= 23) or (minute is not None and not 0 <= minute <= 59):
        raise ValueError("hour must be 0-23 and minute 0-59")

    if hour is not None and minute is None:
        minute = 0

    def decorator(func):
        _JOBS[key] = Job(key=key, func=func, every=every, hour=hour, minute=minute)
        return func

    return decorator


def jobs() -> list[Job]:
    return list(_JOBS.values())


def get_job(key: str) -> Job:
    return _JOBS[key]


def unregister(key: str) -> None:
    _JOBS.pop(key, None)


def claim(key: str, slot: datetime) -> int | None:
    """Insert the JobRun row for ``(key, slot)``; None when someone already has it."""
    from houqin.core.models import JobRun

    try:
        with transaction.atomic():
            return JobRun.objects.create(key=key, slot=slot).pk
    except IntegrityError:
        return None


def run_due_jobs(now: datetime | None = None, keys=None) -> list[str]:
    """Run every job whose current slot has not run yet; return the keys that ran."""
    from houqin.core.models import JobRun

    now = now or timezone.now()
    ran: list[str] = []
    for job in jobs():
        if keys is not None and job.key not in keys:
            continue
        run_id = claim(job.key, job.slot(now))
        if run_id is None:
            continue
        try:
            job.func(now)
        except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
            logger.exception("periodic job %s failed", job.key)
            JobRun.objects.filter(pk=run_id).update(
                status=JobRun.Status.FAILED,
                finished_at=timezone.now(),
                error=f"{type(exc).__name__}: {exc}"[:2000],
            )
        else:
            JobRun.objects.filter(pk=run_id).update(
                status=JobRun.Status.OK, finished_at=timezone.now()
            )
        ran.append(job.key)
    return ran

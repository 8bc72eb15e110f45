"""Core's periodic jobs (imported by ``CoreConfig.ready``; run by ``manage.py scheduler``)."""

from datetime import timedelta

from django.utils import timezone

from houqin.core import notify
from houqin.core.scheduler import periodic

JOB_RUNS_KEPT = timedelta(days=30)


@periodic("core.retry_deliveries", every=timedelta(minutes=1))
def retry_deliveries(now):
    """Send again the e-mails and group-bot posts whose retry time has come."""
    return notify.retry_due_deliveries(now)


@periodic("core.prune_notifications", hour=3, minute=30)
def prune_notifications(now):
    """Drop read notifications after half a year, and old scheduler bookkeeping."""
    from houqin.core.models import JobRun

    JobRun.objects.filter(slot__lt=(now or timezone.now()) - JOB_RUNS_KEPT).delete()
    return notify.prune_read_notifications(now=now)

"""Background tasks of core (django-tasks API; the database backend runs them in ``db_worker``).

Enqueue only after commit: ``transaction.on_commit(lambda: deliver_task.enqueue(pk))``.
Task arguments must be JSON (ids, not model instances).
"""

from django_tasks import task


@task()
def deliver_task(delivery_id: int) -> str:
    """Send one notification delivery (e-mail or group bot); failures are retried later."""
    from houqin.core.notify import attempt_delivery

    return attempt_delivery(delivery_id)

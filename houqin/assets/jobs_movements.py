"""Periodic jobs of asset movements (the scheduler runs each at most once per slot).

Imported by the assets app's ``ready()`` so the scheduler knows the job.
"""

from houqin.core.scheduler import periodic

from . import services_movements


@periodic("assets.remind_overdue_loans", hour=8, minute=0)
def remind_overdue_loans(now):
    """Each morning: tell borrowers and asset clerks about loans past due, once per loan."""
    return services_movements.notify_overdue_loans(now=now)

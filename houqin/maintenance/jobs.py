"""Periodic jobs of repairs (the scheduler runs each at most once per slot)."""

from datetime import timedelta

from houqin.core.scheduler import periodic

from . import services, sla


@periodic("maintenance.close_unconfirmed", every=timedelta(hours=1))
def close_unconfirmed(now):
    """Close done orders the requester has not confirmed within the configured days."""
    return services.close_unconfirmed(now=now)


@periodic("maintenance.escalate_overdue", every=timedelta(minutes=10))
def escalate_overdue(now):
    """Flag newly overdue repairs and tell the school's dispatchers, once per order."""
    return sla.escalate_overdue(now=now)


@periodic("maintenance.generate_plan_orders", every=timedelta(hours=1))
def generate_plan_orders(now):
    """Make the work orders of maintenance plans that fall due (each exactly once)."""
    from . import plans

    return plans.generate_all(now=now)

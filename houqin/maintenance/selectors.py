"""Read-side queries for repair pages, the API and the to-do inbox (always scoped)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When

from houqin.core.scoping import access_for

from .models import DISPATCH_PERM, Status, Urgency, WorkOrder

# A fixer's orders that still need work from them.
ACTIVE_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD)

_URGENCY_RANK = Case(
    When(urgency=Urgency.URGENT, then=Value(0)),
    When(urgency=Urgency.NORMAL, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def urgent_first(qs):
    """Urgent first, then normal, then not urgent; oldest first within each."""
    return qs.annotate(urgency_rank=_URGENCY_RANK).order_by("urgency_rank", "created_at", "pk")


def _mine_q(access) -> Q:
    """Assigned to me, or to my company without a named person (any of its staff may take it)."""
    q = Q(assignee_id=getattr(access.user, "pk", None))
    if getattr(access, "company_id", None):
        q |= Q(company_id=access.company_id, assignee__isnull=True)
    return q


def queue_for(user, school=None):
    """The fixer's open orders (assigned, in progress, on hold): urgent first, then oldest."""
    access = access_for(user, school)
    if not access.is_member:
        return WorkOrder.objects.none()
    qs = WorkOrder.objects.restrict(user, "view", school).filter(
        _mine_q(access), status__in=ACTIVE_STATUSES
    )
    return urgent_first(qs)


def to_dispatch(user, school=None):
    """Submitted orders nobody has been assigned yet (for dispatchers): urgent first."""
    access = access_for(user, school)
    if not access.is_member or not access.has_perm(DISPATCH_PERM):
        return WorkOrder.objects.none()
    qs = WorkOrder.objects.restrict(user, "view", school).filter(status=Status.SUBMITTED)
    return urgent_first(qs)


def to_confirm(user, school=None):
    """Orders the user reported that are fixed and wait for their confirmation."""
    access = access_for(user, school)
    if not access.is_member:
        return WorkOrder.objects.none()
    return (
        WorkOrder.objects.restrict(user, "view", school)
        .filter(requester_id=user.pk, status=Status.DONE)
        .order_by("done_at", "pk")
    )


def todo_querysets(access) -> dict:
    """The three to-do counts' querysets (to fix, to dispatch, to confirm), counted with every
    other module's in one statement on every page (``houqin.core.todo.counts``): one COUNT
    subquery each, so each is answered by its own index — (school, assignee, status), (school,
    status, -created_at), requester and status — instead of reading every open and done order
    of the school (20,000 with 500,000 orders)."""
    user = access.user
    orders = WorkOrder.objects.restrict(user, "view", access.school_id).order_by()
    return {
        "assigned": orders.filter(_mine_q(access), status__in=ACTIVE_STATUSES),
        "dispatch": orders.filter(status=Status.SUBMITTED)
        if access.has_perm(DISPATCH_PERM)
        else None,
        "confirm": orders.filter(requester_id=user.pk, status=Status.DONE),
    }


def pool_for(user, school=None):
    """抢单: unassigned orders a maintenance worker may take, when the school has the pool on.

    Workers cannot see unassigned orders otherwise; the pool shows them only what is needed
    to choose (the page lists title, place, category and urgency)."""
    from houqin.org.roles import Role

    from .models import MaintenanceSettings

    access = access_for(user, school)
    if not access.is_member or Role.WORKER not in getattr(access, "roles", ()):
        return WorkOrder.objects.none()
    if not MaintenanceSettings.for_school(access.school_id).claim_pool:
        return WorkOrder.objects.none()
    qs = WorkOrder.objects.filter(school_id=access.school_id, status=Status.SUBMITTED)
    return urgent_first(qs)

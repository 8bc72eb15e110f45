"""To-do sources (待办) of repairs: my orders to fix, orders to dispatch, fixes to confirm."""

from __future__ import annotations

from datetime import timedelta

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from houqin.core import todo

from . import selectors
from .models import Urgency

MODULE = _("Repairs")


def _url(order) -> str:
    try:
        return reverse("maintenance:workorder_detail", args=[order.pk])
    except NoReverseMatch:
        return ""


def _item(order, source, *, due=None) -> todo.TodoItem:
    return todo.TodoItem(
        title=order.title,
        url=_url(order),
        source=source,
        module=str(MODULE),
        number=order.number,
        due=due,
        urgent=order.urgency == Urgency.URGENT,
        created_at=order.created_at,
    )


def _source(key, label, selector, due=None):
    name = key.split(".", 1)[1]

    def items(access, limit):
        orders = list(
            selector(access.user, access.school_id).only(
                "pk", "title", "number", "urgency", "created_at", "done_at"
            )[:limit]
        )
        when = due(access.school_id) if due and orders else None
        return [_item(o, key, due=when(o) if when else None) for o in orders]

    def counted(access):
        querysets = access.__dict__.get("_maintenance_todo_querysets")
        if querysets is None:
            querysets = access.__dict__["_maintenance_todo_querysets"] = selectors.todo_querysets(
                access
            )
        return querysets[name]

    return todo.TodoSource(key=key, label=label, items=items, counted=counted)


def _autoclose_at(school_id):
    """When each fixed order of the school closes by itself (one settings read per list)."""
    from .services import autoclose_days

    days = timedelta(days=autoclose_days(school_id))
    return lambda order: order.done_at + days if order.done_at else None


SOURCES = (
    _source("maintenance.assigned", _("Work orders to fix"), selectors.queue_for),
    _source("maintenance.dispatch", _("Work orders to dispatch"), selectors.to_dispatch),
    _source(
        "maintenance.confirm", _("Repairs to confirm"), selectors.to_confirm, due=_autoclose_at
    ),
)
for _s in SOURCES:
    todo.register(_s)

"""The to-do inbox (待办): what waits for each person, across modules.

A module registers a source (in its ``AppConfig.ready``)::

    todo.register(TodoSource(key="maintenance.assigned", label=_("Work orders to do"),
                             items=my_items_function, count=my_count_function))

``items(access, limit)`` returns ``TodoItem``s; both must use scoped querysets (``restrict``)
and a bounded number of queries. The count is shown on every page, so a source should give
``counted(access)``: the scoped queryset whose rows are its count (or None when the person has
nothing of this kind), and every source's queryset is counted in ONE statement per page
(``counts``). A source may instead give ``count(access)`` returning an int, at a query of its
own. The home page shows every source's items, most urgent first; the navigation shows the
total count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connections
from django.utils import timezone


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    source: str
    module: str = ""
    number: str = ""
    due: datetime | None = None
    urgent: bool = False
    created_at: datetime | None = None


@dataclass(frozen=True)
class TodoSource:
    key: str
    label: str
    items: Callable[..., list[TodoItem]]
    count: Callable[..., int] | None = None
    counted: Callable[..., object] | None = None  # access -> QuerySet | None


_SOURCES: dict[str, TodoSource] = {}


def register(source: TodoSource) -> None:
    _SOURCES[source.key] = source


def sources() -> list[TodoSource]:
    return list(_SOURCES.values())


def _sort_key(item: TodoItem):
    far = timezone.now().replace(year=9999) if timezone.now() else None
    return (not item.urgent, item.due or far, item.created_at or far)


def collect(access, limit: int = 50) -> list[TodoItem]:
    """Everything waiting for this person, most urgent first (urgent, then by due time)."""
    if not access.is_member:
        return []
    items: list[TodoItem] = []
    known = counts(access)  # already run for the page's badge: a source with none asks nothing
    for source in _SOURCES.values():
        if known.get(source.key) == 0:
            continue
        items.extend(source.items(access, limit))
    return sorted(items, key=_sort_key)[:limit]


def counts(access) -> dict[str, int]:
    """Each source's count for this person: the ``counted`` querysets in one statement (one
    COUNT subquery each, so each is answered by its own indexes), the others by ``count``.
    Kept on the access object, which lives for one request."""
    if not access.is_member:
        return {key: 0 for key in _SOURCES}
    cached = access.__dict__.get("_todo_counts")
    if cached is not None:
        return cached
    out: dict[str, int] = {}
    querysets = {}
    for key, source in _SOURCES.items():
        if source.counted is not None:
            queryset = source.counted(access)
            if queryset is None:
                out[key] = 0
            else:
                querysets[key] = queryset
        else:
            out[key] = source.count(access) if source.count else 0
    if querysets:
        columns, params, db = [], [], None
        for n, queryset in enumerate(querysets.values()):
            db = db or queryset.db
            # Put together from each queryset's own SQL: building one ORM expression of nested
            # subqueries cost ~1 ms of Python on every page.
            sql, sql_params = queryset.order_by().values("pk").query.sql_with_params()
            columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS todo_{n})")
            params.extend(sql_params)
        with connections[db].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(columns), params)
            row = cursor.fetchone()
        out.update(zip(querysets, row, strict=True))
    access.__dict__["_todo_counts"] = out
    return out


def count_of(source: TodoSource, access) -> int:
    return counts(access).get(source.key, 0)


def count(access) -> int:
    return sum(counts(access).values())

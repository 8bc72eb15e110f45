"""The to-do inbox (待办): what waits for each person, across modules.

A module registers a source (in its ``AppConfig.ready``)::

    todo.register(TodoSource(key="maintenance.assigned", label=_("Work orders to do"),
                             items=my_items_function, count=my_count_function))

``items(access, limit)`` returns ``TodoItem``s and ``count(access)`` an int; both must use
scoped querysets (``restrict``) and a bounded number of queries. The home page shows every
source's items, most urgent first; the navigation shows the total count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

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
    count: Callable[..., int]


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
    for source in _SOURCES.values():
        items.extend(source.items(access, limit))
    return sorted(items, key=_sort_key)[:limit]


def count(access) -> int:
    if not access.is_member:
        return 0
    return sum(source.count(access) for source in _SOURCES.values())

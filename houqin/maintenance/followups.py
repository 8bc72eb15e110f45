"""Other modules follow the work orders they asked for: a hazard waits for its rectification
order to be done. Maintenance knows none of them; they register a watcher here (in their
``ready()``), called inside the order's transaction after each of its transitions::

    followups.register(on_order_moved)   # on_order_moved(order, transition_name, *, by)

Transition names are those of ``WorkOrder.machine`` (``finish``, ``confirm``, ``reopen``,
``cancel``, ``reject`` …). A watcher that raises undoes the transition, so watchers must only
record, never refuse."""

from collections.abc import Callable

_WATCHERS: list[Callable] = []


def register(watcher: Callable) -> None:
    if watcher not in _WATCHERS:
        _WATCHERS.append(watcher)


def moved(order, transition: str, *, by) -> None:
    for watcher in _WATCHERS:
        watcher(order, transition, by=by)

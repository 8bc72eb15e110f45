"""Where a repair's parts come from: free text with a cost, or an item drawn from stock.

Maintenance knows no stores: the stores app registers a *stock source* here when it loads
(``houqin.stores.registry_catalogue``). Without one, every part is free text, as before.

A stock source offers:

- ``choices(school_id) -> list[(key, label)]``: what a worker may pick (an item in a store,
  with what is on hand), ``key`` being an opaque string;
- ``draw(order, lines, by) -> list[dict]``: take each line (``{"key", "quantity"}``) out of
  stock for ``order``, all or nothing, and return one PartUsage row per line
  (``name``, ``quantity``, ``unit``, ``unit_cost``, ``item_id``). It raises a ``DomainError``
  (not enough in stock, not allowed) and then nothing is taken.
"""

from __future__ import annotations

from typing import Protocol


class StockSource(Protocol):
    def choices(self, school_id: int) -> list[tuple[str, str]]: ...

    def draw(self, order, lines: list[dict], by) -> list[dict]: ...


_source: StockSource | None = None


def register(source: StockSource | None) -> None:
    """Install (or, with None, remove) the stock source."""
    global _source
    _source = source


def stock_source() -> StockSource | None:
    return _source


def stock_choices(school_id) -> list[tuple[str, str]]:
    """The stock a worker may pick parts from ([] when no stores are installed)."""
    return _source.choices(school_id) if _source is not None and school_id else []


def draw(order, lines: list[dict], by) -> list[dict]:
    if not lines:
        return []
    if _source is None:
        from django.utils.translation import gettext_lazy as _

        from houqin.core.errors import DomainError

        raise DomainError(_("Parts from stock are not available here."))
    return _source.draw(order, lines, by)

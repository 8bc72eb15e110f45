"""Test helpers of the catalogue area: items, stores and stock made the short way."""

from __future__ import annotations

import itertools
from decimal import Decimal

from houqin.stores import ledger
from houqin.stores.models import Item, ItemCategory, MoveKind, Store

_codes = itertools.count(1)


def D(value) -> Decimal:  # noqa: N802 - reads like the literal it stands for
    return Decimal(str(value))


def make_store(school, name="总务仓库", **fields) -> Store:
    store, _ = Store.objects.get_or_create(
        school=school, name=name, defaults={"is_default": name == "总务仓库", **fields}
    )
    return store


def make_category(school, name="办公用品") -> ItemCategory:
    category, _ = ItemCategory.objects.get_or_create(school=school, name=name)
    return category


def make_item(school, name="签字笔", *, code=None, unit="支", category=None, **fields) -> Item:
    return Item.objects.create(
        school=school,
        code=code or f"T{next(_codes):05d}",
        name=name,
        unit=unit,
        category=category if category is not None else make_category(school),
        **fields,
    )


def stock(item, store, quantity, unit_cost, *, by, kind=MoveKind.RECEIPT, when=None):
    """Put ``quantity`` of ``item`` into ``store`` at ``unit_cost`` (a receipt by default)."""
    return ledger.receive(
        item=item, store=store, quantity=quantity, unit_cost=unit_cost, by=by, kind=kind, when=when
    )

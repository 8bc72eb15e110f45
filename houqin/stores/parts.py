"""The stores as the maintenance module's stock source (``houqin.maintenance.parts``): a worker
finishing a repair picks parts from what is on hand, and ``finish`` draws them through the
ledger (kind "drawn for a repair", the work order as the document), at the moving average."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.scoping import access_for

from . import ledger
from .models import Item, MoveKind, StockBalance, Store
from .tables_catalogue import plain

DRAW_PERMS = ("stores.draw_stock", "stores.issue_stock")
CENT = Decimal("0.01")


def stock_key(item_id, store_id) -> str:
    return f"{item_id}:{store_id}"


def _parse_key(key) -> tuple[int, int]:
    try:
        item_id, store_id = (int(part) for part in str(key).split(":"))
    except (TypeError, ValueError):
        raise DomainError(_("Choose a part from the list of stock.")) from None
    return item_id, store_id


class StoresStockSource:
    """Parts from the stores: items on hand in an active store of the order's school."""

    def choices(self, school_id) -> list[tuple[str, str]]:
        balances = (
            StockBalance.objects.filter(
                school_id=school_id, quantity__gt=0, item__is_active=True, store__is_active=True
            )
            .select_related("item", "store")
            .order_by("store__name", "item__code")
        )
        return [
            (
                stock_key(b.item_id, b.store_id),
                f"{b.item.code} {b.item} · {b.store.name} ({plain(b.quantity)} {b.item.unit})",
            )
            for b in balances
        ]

    def draw(self, order, lines: list[dict], by) -> list[dict]:
        access = access_for(by, order.school_id)
        if not access.is_member or not any(access.has_perm(p) for p in DRAW_PERMS):
            raise PermissionDenied(_("You may not draw parts from the stores."))
        keys = [_parse_key(line["key"]) for line in lines]
        items = Item.objects.in_bulk({item_id for item_id, _store in keys})
        stores = Store.objects.in_bulk({store_id for _item, store_id in keys})
        stock_lines = []
        for (item_id, store_id), line in zip(keys, lines, strict=True):
            item, store = items.get(item_id), stores.get(store_id)
            if (
                item is None
                or store is None
                or {item.school_id, store.school_id} != {order.school_id}
            ):
                raise DomainError(_("Choose a part from the list of stock."))
            stock_lines.append(ledger.Line(item, store, line["quantity"]))
        department = _department_of(order)
        moves = ledger.issue_many(
            stock_lines, by=by, document=order, department=department,
            kind=MoveKind.WORK_ORDER, note=str(order.title or "")[:200],
        )  # fmt: skip
        return [
            {
                "name": str(move.item)[:100],
                "quantity": -move.quantity,
                "unit": move.item.unit[:10],
                "unit_cost": move.unit_cost.quantize(CENT, rounding=ROUND_HALF_UP),
                "item_id": move.item_id,
            }
            for move in moves
        ]


def _department_of(order):
    """The department the repaired room belongs to (for consumption reports), if any."""
    room = getattr(order, "room", None)
    return getattr(room, "department", None) if room is not None else None

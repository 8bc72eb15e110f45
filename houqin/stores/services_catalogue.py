"""Stock by hand: receipts without a purchase order (a donation, a return to stores) and
transfers between stores. Each checks the acting user's right and school, then moves stock
through ``houqin.stores.ledger`` (the ledger row is the record: who, when, why).

Items, categories and stores are plain records edited on their forms; their changes are kept
by django-simple-history.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.scoping import access_for

from . import ledger
from .models import Item, MoveKind, StockMove, Store
from .selectors import default_store  # noqa: F401  (re-exported: stores' services API)

RECEIVE_PERM = "stores.receive_stock"
ADJUST_PERM = "stores.adjust_stock"
HAND_RECEIPT_KINDS = (MoveKind.RECEIPT, MoveKind.RETURN)


def _check(by, perm: str, *objects, message) -> None:
    """Refuse unless ``by`` holds ``perm`` in the school of every object."""
    school_ids = {obj.school_id for obj in objects}
    if len(school_ids) != 1:
        raise DomainError(_("The item and the store belong to different schools."))
    access = access_for(by, school_ids.pop())
    if not access.is_member or not access.has_perm(perm):
        raise PermissionDenied(message)


def _active(item: Item, *stores: Store) -> None:
    if not item.is_active:
        raise DomainError(_("%(item)s is no longer active.") % {"item": item})
    for store in stores:
        if not store.is_active:
            raise DomainError(_("The store %(store)s is closed.") % {"store": store})


@transaction.atomic
def receive_by_hand(
    *, item: Item, store: Store, quantity, unit_cost, by, kind: str = MoveKind.RECEIPT, note=""
) -> StockMove:
    """Stock in without a purchase order: a donation or purchase paid elsewhere (receipt) or
    goods a department brings back (return to stores). The note says where it came from."""
    _check(by, RECEIVE_PERM, item, store, message=_("You may not receive stock."))
    if kind not in HAND_RECEIPT_KINDS:
        raise DomainError(_("Choose a receipt or a return to stores."))
    note = str(note or "").strip()
    if not note:
        raise DomainError(_("Write where the stock came from (who gave or returned it)."))
    _active(item, store)
    return ledger.receive(
        item=item, store=store, quantity=quantity, unit_cost=unit_cost, by=by, kind=kind,
        note=note,
    )  # fmt: skip


@transaction.atomic
def transfer_by_hand(
    *, item: Item, from_store: Store, to_store: Store, quantity, by, note=""
) -> tuple[StockMove, StockMove]:
    """Move stock from one store to another at its average cost."""
    _check(
        by, ADJUST_PERM, item, from_store, to_store,
        message=_("You may not transfer stock between stores."),
    )  # fmt: skip
    _active(item, to_store)
    return ledger.transfer(
        item=item, from_store=from_store, to_store=to_store, quantity=quantity, by=by,
        note=str(note or "").strip(),
    )  # fmt: skip

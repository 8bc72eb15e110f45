"""Stores (物品): the catalogue of items, the stores that hold them, and the stock ledger.

Every change of stock is a ``StockMove`` row (receipt, issue, transfer, adjustment after a
count, draw by a work order or a print job). ``StockBalance`` holds, per item and store, the
quantity on hand and its value as the ledger leaves them: it is the row the services lock and
update with each move, so that stock never goes negative, and each move records the balance
it left (``balance_quantity``, ``balance_value``), so the balance can always be re-derived from
the ledger. The moving-average unit cost is ``value / quantity``.

Writes only through ``houqin.stores.ledger`` (receive, issue, transfer, adjust, draw).
"""

# Each area's models, imported so that Django finds them; import them from their module
# (``from houqin.stores.models.requisitions import Requisition``).
from . import counts, printing, requisitions  # noqa: E402,F401,I001
from .catalogue import Item, ItemCategory, PaperSize, Store
from .common import MONEY, QUANTITY, UNIT_COST, ZERO
from .ledger import MoveKind, StockBalance, StockMove

__all__ = [
    "MONEY",
    "QUANTITY",
    "UNIT_COST",
    "ZERO",
    "Item",
    "ItemCategory",
    "MoveKind",
    "PaperSize",
    "StockBalance",
    "StockMove",
    "Store",
]

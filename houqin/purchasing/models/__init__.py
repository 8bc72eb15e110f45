"""Purchasing (采购): budgets, purchase requests with their approval and quotes, purchase
orders to vendors, and receiving (验收入库) into the stores or onto the asset register.

The chain: a department's ``PurchaseRequest`` (lines of catalogue items or free text) goes
through the approval engine (amount tiers; an extra step when it would overspend its budget)
→ above the school's quote threshold three ``Quote`` rows from different vendors and a choice
→ approved lines are consolidated by vendor into ``PurchaseOrder`` lines → ``Receipt`` rows
(partial deliveries allowed), each accepted by someone other than the buyer, turn received
quantities into stock (``houqin.stores.ledger.receive``) or asset cards
(``houqin.assets.services.register``), linked back to the order and the request.

A budget's committed and spent amounts are derived (``selectors``), never typed in.
"""

from .common import MONEY, PRICE, QUANTITY, ZERO
from .orders import (
    OrderStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
    ReceiptStatus,
)
from .requests import (
    COMMITTED_STATUSES,
    Budget,
    BudgetCategory,
    LineKind,
    PurchaseRequest,
    PurchaseRequestLine,
    PurchasingSettings,
    Quote,
    RequestStatus,
)

__all__ = [
    "COMMITTED_STATUSES",
    "MONEY",
    "PRICE",
    "QUANTITY",
    "ZERO",
    "Budget",
    "BudgetCategory",
    "LineKind",
    "OrderStatus",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseRequest",
    "PurchaseRequestLine",
    "PurchasingSettings",
    "Quote",
    "Receipt",
    "ReceiptLine",
    "ReceiptStatus",
    "RequestStatus",
]

"""The stock ledger and the balances it leaves (see the package docstring)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from houqin.core.models import TenantModel

from .catalogue import Item, Store
from .common import MONEY, QUANTITY, UNIT_COST, ZERO


class StockBalance(TenantModel):
    """Quantity on hand and its value for one item in one store, as the ledger leaves them.

    The ledger services lock this row (``SELECT … FOR UPDATE`` on PostgreSQL) and change it
    with a conditional UPDATE that refuses to go below zero (which also guards SQLite)."""

    history_exempt_reason = "a cache of the stock ledger, which is the history"

    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="balances", verbose_name=_("item")
    )
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="balances", verbose_name=_("store")
    )
    quantity = models.DecimalField(_("on hand"), **QUANTITY, default=ZERO)
    value = models.DecimalField(_("value (¥)"), **MONEY, default=ZERO)
    last_move_at = models.DateTimeField(_("last move"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        ordering = ["item__code", "store__name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "store"], name="uniq_stock_balance"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_never_negative"),
            models.CheckConstraint(condition=Q(value__gte=0), name="stock_value_never_negative"),
        ]

    def __str__(self):
        return f"{self.item} @ {self.store}: {self.quantity}"

    @property
    def average_cost(self) -> Decimal:
        if not self.quantity:
            return ZERO
        return (self.value / self.quantity).quantize(Decimal("0.0001"))

    @classmethod
    def owned_q(cls, access, action):
        return None


class MoveKind(models.TextChoices):
    OPENING = "opening", _("Opening balance")
    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue")
    RETURN = "return", _("Returned to stores")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    ADJUSTMENT = "adjustment", _("Adjustment after a count")
    WORK_ORDER = "work_order", _("Drawn for a repair")
    PRINT_JOB = "print_job", _("Drawn for a print job")


class StockMove(TenantModel):
    """One row of the stock ledger: a signed quantity at a unit cost, and the balance after it.

    ``document_type``/``document_id``/``document_number`` name what caused the move (a receipt,
    a requisition, a work order, a print job, a stock count) without a foreign key into each
    module. Append-only: a mistake is corrected by another move."""

    history_exempt_reason = "the stock ledger is append-only: it is the history"

    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="moves", verbose_name=_("item")
    )
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="moves", verbose_name=_("store")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    # Positive for stock coming in, negative for stock going out.
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_cost = models.DecimalField(_("unit cost (¥)"), **UNIT_COST)
    amount = models.DecimalField(_("amount (¥)"), **MONEY)
    balance_quantity = models.DecimalField(_("on hand after"), **QUANTITY)
    balance_value = models.DecimalField(_("value after (¥)"), **MONEY)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
        help_text=_("Who the stock went to (issues, print jobs): for consumption reports."),
    )
    document_type = models.CharField(_("document type"), max_length=60, blank=True)
    document_id = models.PositiveBigIntegerField(_("document id"), null=True, blank=True)
    document_number = models.CharField(_("document"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["item", "store", "id"], name="stockmove_item_idx"),
            models.Index(fields=["school", "kind", "occurred_at"], name="stockmove_kind_idx"),
            models.Index(fields=["document_type", "document_id"], name="stockmove_document_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stockmove_quantity_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_quantity__gte=0), name="stockmove_balance_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.item} {self.quantity:+}"

    @classmethod
    def owned_q(cls, access, action):
        return None

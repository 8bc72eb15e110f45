"""Purchase orders, receipts (验收入库) and their lines."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import NumberedDocument, TenantModel

from .common import MONEY, PRICE, QUANTITY, ZERO
from .requests import PurchaseRequestLine


def _requesters_q(access, path: str):
    """Rows reached through ``path`` (to the purchase request) whose request the user made or
    whose department they head: those who asked for a purchase follow its order and delivery."""
    user_id = getattr(access.user, "pk", None)
    q = Q(**{f"{path}__requested_by_id": user_id})
    department_ids = getattr(access, "headed_department_ids", None) or ()
    if department_ids:
        q |= Q(**{f"{path}__department_id__in": list(department_ids)})
    return q


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLACED = "placed", _("Placed with the vendor")
    PARTLY_RECEIVED = "partly_received", _("Partly received")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class PurchaseOrder(NumberedDocument):
    """An order to one vendor, consolidating approved request lines (采购单)."""

    number_prefix = "DD"

    vendor = models.ForeignKey(
        "org.Company", on_delete=models.PROTECT, related_name="+", verbose_name=_("vendor")
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("buyer"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    placed_on = models.DateField(_("ordered on"), null=True, blank=True)
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    total = models.DecimalField(_("total (¥)"), **MONEY, default=ZERO, editable=False)
    funding_source = models.CharField(
        _("funding source"),
        max_length=60,
        blank=True,
        help_text=_("Written on the asset cards of what this order brings (e.g. 财政拨款)."),
    )
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta(NumberedDocument.Meta):
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "status", "-created_at"], name="purchase_order_status"),
        ]

    def __str__(self):
        return f"{self.number} {self.vendor}".strip()

    def get_absolute_url(self):
        return reverse("purchasing:order_detail", args=[self.pk])

    @classmethod
    def owned_q(cls, access, action):
        """Requesters and their department heads read the orders of their requests."""
        if action != "view":
            return None
        lines = PurchaseOrderLine.objects.filter(order_id=OuterRef("pk")).filter(
            _requesters_q(access, "request_line__request")
        )
        return Q(Exists(lines))


class PurchaseOrderLine(TenantModel):
    """One line of an order: from an approved request line, at the agreed price."""

    history_exempt_reason = "lines of a purchase order; the order keeps the history"

    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    request_line = models.ForeignKey(
        PurchaseRequestLine,
        on_delete=models.PROTECT,
        related_name="order_lines",
        verbose_name=_("request line"),
    )
    quantity = models.DecimalField(
        _("quantity"), **QUANTITY, validators=[MinValueValidator(Decimal("0.001"))]
    )
    unit_price = models.DecimalField(
        _("unit price (¥)"), **PRICE, validators=[MinValueValidator(ZERO)]
    )
    received_quantity = models.DecimalField(_("received"), **QUANTITY, default=ZERO, editable=False)

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_quantity__lte=models.F("quantity")),
                name="order_line_not_over_received",
            ),
        ]

    def __str__(self):
        return f"{self.request_line.description} × {self.quantity}"

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))

    @property
    def left_to_receive(self) -> Decimal:
        return max(self.quantity - self.received_quantity, ZERO)

    @classmethod
    def owned_q(cls, access, action):
        return None


class ReceiptStatus(models.TextChoices):
    RECORDED = "recorded", _("Waiting for the acceptance check")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class Receipt(NumberedDocument):
    """A delivery against an order (验收入库): what came, checked and accepted by someone
    other than the buyer, with the invoice. Accepting it moves the goods into the stores or
    onto the asset register."""

    number_prefix = "YS"

    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("order")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReceiptStatus.choices, default=ReceiptStatus.RECORDED
    )
    received_on = models.DateField(_("delivered on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    accepted_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    check_note = models.TextField(_("acceptance check note"), blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=40, blank=True)
    invoice_amount = models.DecimalField(_("invoice amount (¥)"), **MONEY, null=True, blank=True)
    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("into store"),
    )
    history = HistoricalRecords()

    class Meta(NumberedDocument.Meta):
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"{self.number} {self.order.number}".strip()

    def get_absolute_url(self):
        return reverse("purchasing:receipt_detail", args=[self.pk])

    @classmethod
    def owned_q(cls, access, action):
        """Requesters and their department heads read the deliveries of their requests."""
        if action != "view":
            return None
        lines = PurchaseOrderLine.objects.filter(order_id=OuterRef("order_id")).filter(
            _requesters_q(access, "request_line__request")
        )
        return Q(Exists(lines))


class ReceiptLine(TenantModel):
    """A quantity of one order line delivered, and what it became once accepted."""

    history_exempt_reason = "lines of a receipt; the receipt keeps the history"

    receipt = models.ForeignKey(
        Receipt, on_delete=models.CASCADE, related_name="lines", verbose_name=_("receipt")
    )
    order_line = models.ForeignKey(
        PurchaseOrderLine,
        on_delete=models.PROTECT,
        related_name="receipt_lines",
        verbose_name=_("order line"),
    )
    quantity = models.DecimalField(
        _("quantity"), **QUANTITY, validators=[MinValueValidator(Decimal("0.001"))]
    )
    # Filled when accepted: the stock move, or the asset cards (first and count).
    stock_move = models.ForeignKey(
        "stores.StockMove",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stock move"),
    )
    asset_ids = models.JSONField(_("asset cards"), default=list, blank=True)

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        ordering = ["receipt", "pk"]

    def __str__(self):
        return f"{self.order_line} ← {self.quantity}"

    @classmethod
    def owned_q(cls, access, action):
        return None

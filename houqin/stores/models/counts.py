"""Stock counts (物品盘点, not the asset stock-take): the keeper counts a store (or some of its
categories) against the quantities snapshotted when the count started; the differences are
approved through the approval engine and only then applied to the ledger as adjustments."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import NumberedDocument, TenantModel

from .catalogue import Item, ItemCategory, Store
from .common import MONEY, QUANTITY, UNIT_COST, ZERO

ZERO_CENT = Decimal("0.01")


class StockCountStatus(models.TextChoices):
    COUNTING = "counting", _("Counting")
    PENDING = "pending", _("Waiting for approval")
    APPLIED = "applied", _("Approved and applied")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class StockCount(NumberedDocument):
    """A count of one store. ``difference_value`` (the approval amount) is the sum of the
    absolute differences at the average cost of the snapshot."""

    number_prefix = "PD"

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="counts", verbose_name=_("store")
    )
    categories = models.ManyToManyField(
        ItemCategory,
        blank=True,
        related_name="+",
        verbose_name=_("categories"),
        help_text=_("Leave empty to count every item of the store."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=StockCountStatus.choices,
        default=StockCountStatus.COUNTING,
    )
    note = models.TextField(_("note"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("snapshot taken at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    difference_value = models.DecimalField(
        _("value of the differences (¥)"), **MONEY, default=ZERO, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta(NumberedDocument.Meta):
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.number} {self.store}".strip()

    def get_absolute_url(self):
        return reverse("stores:count_detail", args=[self.pk])

    @property
    def approval_requester(self):
        return self.started_by

    @property
    def approval_department_id(self):
        return None

    @property
    def approval_amount(self):
        return self.difference_value

    @property
    def approval_version(self):
        return self.version

    @property
    def approval_title(self):
        return str(_("Stock count %(number)s, %(store)s") % {"number": self.number, "store": self.store})

    @classmethod
    def owned_q(cls, access, action):
        return None


class StockCountLine(TenantModel):
    """One item of a count: what the ledger said at the snapshot, what the keeper found."""

    history_exempt_reason = "lines of a stock count; the count keeps the history"

    count = models.ForeignKey(
        StockCount, on_delete=models.CASCADE, related_name="lines", verbose_name=_("stock count")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    expected = models.DecimalField(_("expected"), **QUANTITY)
    unit_cost = models.DecimalField(_("average cost at the snapshot (¥)"), **UNIT_COST)
    counted = models.DecimalField(_("counted"), **QUANTITY, null=True, blank=True)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counted by"),
    )
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The ledger row that applied this line's difference (after approval).
    adjustment = models.ForeignKey(
        "stores.StockMove",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adjustment"),
    )

    class Meta:
        verbose_name = _("stock count line")
        verbose_name_plural = _("stock count lines")
        ordering = ["item__code"]
        constraints = [
            models.UniqueConstraint(fields=["count", "item"], name="uniq_stock_count_item"),
            models.CheckConstraint(
                condition=Q(counted__isnull=True) | Q(counted__gte=0),
                name="stock_count_counted_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.count_id}: {self.item_id}"

    @property
    def difference(self):
        return None if self.counted is None else self.counted - self.expected

    @property
    def difference_value(self):
        difference = self.difference
        return None if difference is None else (difference * self.unit_cost).quantize(ZERO_CENT)

    @classmethod
    def owned_q(cls, access, action):
        return None


"""Stock-takes (盘点): a session over a scope of the register; staff scan labels room by room;
each asset ends found, found elsewhere, missing, or a scanned code ends as surplus. Closing
proposes corrections, applied only after approval."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import NumberedDocument, TenantModel


class StockTakeStatus(models.TextChoices):
    OPEN = "open", _("Counting")
    CLOSED = "closed", _("Closed: corrections waiting for approval")
    APPLIED = "applied", _("Corrections applied")
    CANCELLED = "cancelled", _("Cancelled")


class StockTake(NumberedDocument):
    """A stock-take session over places, departments and/or categories of assets."""

    number_prefix = "PD"

    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=StockTakeStatus.choices, default=StockTakeStatus.OPEN
    )
    # The scope: assets in these buildings or rooms, of these departments, of these categories
    # (each kind given narrows the scope; nothing given means the whole active register).
    buildings = models.ManyToManyField(
        "org.Building", blank=True, related_name="+", verbose_name=_("buildings")
    )
    rooms = models.ManyToManyField(
        "org.Room", blank=True, related_name="+", verbose_name=_("rooms")
    )
    departments = models.ManyToManyField(
        "org.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    categories = models.ManyToManyField(
        "assets.AssetCategory", blank=True, related_name="+", verbose_name=_("categories")
    )
    notes = models.TextField(_("notes"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("corrections applied at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta(NumberedDocument.Meta):
        verbose_name = _("stock-take")
        verbose_name_plural = _("stock-takes")
        ordering = ["-started_at", "-pk"]
        permissions = [("scan_stocktake", _("Can scan in stock-takes"))]

    def __str__(self):
        return f"{self.number} {self.name}".strip()

    def get_absolute_url(self):
        return reverse("assets:stocktake_detail", args=[self.pk])

    # The approval engine reads these (houqin.core.approvals).
    @property
    def approval_requester(self):
        return self.closed_by or self.started_by

    @property
    def approval_department_id(self):
        return None

    @property
    def approval_version(self):
        return self.version

    @classmethod
    def owned_q(cls, access, action):
        return None


class ScanResult(models.TextChoices):
    PENDING = "pending", _("Not yet found")
    FOUND = "found", _("Found in place")
    MOVED = "moved", _("Found elsewhere")
    MISSING = "missing", _("Missing")
    SURPLUS = "surplus", _("Surplus (not on the register)")


class Correction(models.TextChoices):
    NONE = "", _("No change")
    MOVE = "move", _("Move to where it was found")
    MARK_LOST = "mark_lost", _("Mark as lost")
    REGISTER = "register", _("Register as a new asset")


class StockTakeItem(TenantModel):
    """One line of a stock-take: an asset expected in the scope (snapshot of where it should
    be), or a surplus code scanned that the register does not know."""

    history_exempt_reason = "lines of a stock-take; the scans are the record"

    stocktake = models.ForeignKey(
        StockTake, on_delete=models.CASCADE, related_name="items", verbose_name=_("stock-take")
    )
    asset = models.ForeignKey(
        "assets.Asset",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asset"),
    )
    code = models.CharField(_("scanned code"), max_length=100, blank=True)
    expected_room = models.ForeignKey(
        "org.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("expected place"),
    )
    found_room = models.ForeignKey(
        "org.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("found in"),
    )
    result = models.CharField(
        _("result"), max_length=20, choices=ScanResult.choices, default=ScanResult.PENDING
    )
    correction = models.CharField(
        _("correction"), max_length=20, choices=Correction.choices, default="", blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scanned by"),
    )

    class Meta:
        verbose_name = _("stock-take line")
        verbose_name_plural = _("stock-take lines")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stocktake", "asset"],
                condition=Q(asset__isnull=False),
                name="uniq_stocktake_asset",
            ),
            models.UniqueConstraint(
                fields=["stocktake", "code"],
                condition=Q(asset__isnull=True),
                name="uniq_stocktake_surplus_code",
            ),
        ]
        indexes = [
            models.Index(
                fields=["stocktake", "expected_room", "result"], name="stocktake_room_idx"
            ),
        ]

    def __str__(self):
        return f"{self.stocktake_id}: {self.asset_id or self.code} {self.result}"

    @classmethod
    def owned_q(cls, access, action):
        return None


class StockTakeScan(TenantModel):
    """Every scan as it arrived, from a phone that may have been offline. ``client_id`` is made
    on the phone, so a scan sent twice after a dropped connection is stored once."""

    history_exempt_reason = "append-only scan log"

    stocktake = models.ForeignKey(
        StockTake, on_delete=models.CASCADE, related_name="scans", verbose_name=_("stock-take")
    )
    client_id = models.UUIDField(_("scan id"), default=uuid.uuid4)
    code = models.CharField(_("scanned code"), max_length=200)
    room = models.ForeignKey(
        "org.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scanned in"),
    )
    item = models.ForeignKey(
        StockTakeItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("line"),
    )
    typed = models.BooleanField(_("typed by hand"), default=False)
    scanned_at = models.DateTimeField(_("scanned at"), default=timezone.now)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("scanned by"),
    )

    class Meta:
        verbose_name = _("stock-take scan")
        verbose_name_plural = _("stock-take scans")
        ordering = ["-scanned_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stocktake", "client_id"], name="uniq_stocktake_scan_client_id"
            ),
        ]

    def __str__(self):
        return self.code

    @classmethod
    def owned_q(cls, access, action):
        return None

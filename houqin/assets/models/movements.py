"""Movements of assets between places and custodians, and loans with a due date."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import TenantModel


class MovementKind(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    LEND = "lend", _("Lent out")
    RETURN = "return", _("Returned")
    STOCKTAKE = "stocktake", _("Stock-take correction")


class AssetMovement(TenantModel):
    """One change of place or custodian of one asset. Append-only; bulk moves share a batch."""

    history_exempt_reason = "append-only movement log; each row is already a record"

    asset = models.ForeignKey(
        "assets.Asset", on_delete=models.CASCADE, related_name="movements", verbose_name=_("asset")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=MovementKind.choices, default=MovementKind.TRANSFER
    )
    from_room = models.ForeignKey(
        "org.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from place"),
    )
    to_room = models.ForeignKey(
        "org.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to place"),
    )
    from_department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from department"),
    )
    to_department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to department"),
    )
    from_custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from custodian"),
    )
    to_custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to custodian"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    batch = models.UUIDField(_("batch"), default=uuid.uuid4, db_index=True, editable=False)
    moved_at = models.DateTimeField(_("moved at"), default=timezone.now)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moved by"),
    )

    class Meta:
        verbose_name = _("asset movement")
        verbose_name_plural = _("asset movements")
        ordering = ["-moved_at", "-pk"]
        indexes = [models.Index(fields=["asset", "-moved_at"], name="asset_movement_asset_idx")]

    def __str__(self):
        return f"{self.asset_id} {self.get_kind_display()}"

    @classmethod
    def owned_q(cls, access, action):
        return None


class AssetLoan(TenantModel):
    """借用: an asset lent to a person or a department until a due date, then returned."""

    asset = models.ForeignKey(
        "assets.Asset", on_delete=models.PROTECT, related_name="loans", verbose_name=_("asset")
    )
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="asset_loans",
        verbose_name=_("borrower"),
    )
    borrower_department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("borrowing department"),
    )
    borrower_name = models.CharField(_("borrower (outside the school)"), max_length=60, blank=True)
    lent_on = models.DateField(_("lent on"), default=timezone.localdate)
    due_on = models.DateField(_("due back"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    return_note = models.CharField(_("condition on return"), max_length=200, blank=True)
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lent by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asset loan")
        verbose_name_plural = _("asset loans")
        ordering = ["-lent_on", "-pk"]
        constraints = [
            # An asset is lent to one borrower at a time.
            models.UniqueConstraint(
                fields=["asset"], condition=Q(returned_on__isnull=True), name="uniq_open_asset_loan"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("lent_on")), name="asset_loan_due_after_lent"
            ),
        ]

    def __str__(self):
        return f"{self.asset_id} → {self.borrower_label}"

    @property
    def borrower_label(self) -> str:
        if self.borrower_id:
            return str(self.borrower)
        if self.borrower_department_id:
            return str(self.borrower_department)
        return self.borrower_name

    @property
    def is_open(self) -> bool:
        return self.returned_on is None

    @classmethod
    def owned_q(cls, access, action):
        """Borrowers see their own loans."""
        if action != "view":
            return None
        return Q(borrower_id=getattr(access.user, "pk", None))

"""Disposals and write-offs (报废/报损): a request with reason, photos and appraisal goes
through the approval engine; approved assets leave the active register and stay in history."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import NumberedDocument, TenantModel


class DisposalKind(models.TextChoices):
    SCRAP = "scrap", _("Scrapped (worn out)")
    LOSS = "loss", _("Loss or damage")
    TRANSFER_OUT = "transfer_out", _("Transferred out")
    SALE = "sale", _("Sold")
    DONATION = "donation", _("Donated")


class DisposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for approval")
    DISPOSED = "disposed", _("Disposed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class Disposal(NumberedDocument):
    """A disposal request over one or more assets. A historic write-off records one approved
    in the past (with the approving document's number) and skips the approval engine."""

    number_prefix = "BF"

    kind = models.CharField(
        _("kind"), max_length=20, choices=DisposalKind.choices, default=DisposalKind.SCRAP
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DisposalStatus.choices, default=DisposalStatus.DRAFT
    )
    reason = models.TextField(_("reason"))
    appraisal = models.TextField(_("technical appraisal"), blank=True)
    is_historic = models.BooleanField(_("historic write-off"), default=False)
    approval_reference = models.CharField(
        _("approving document number"),
        max_length=100,
        blank=True,
        help_text=_("For a historic write-off: the number of the document that approved it."),
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    total_value = models.DecimalField(
        _("total original value (¥)"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0"),
        editable=False,
    )
    residual_income = models.DecimalField(
        _("residual income (¥)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    disposed_on = models.DateField(_("disposed on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta(NumberedDocument.Meta):
        verbose_name = _("disposal")
        verbose_name_plural = _("disposals")
        ordering = ["-created_at", "-pk"]
        permissions = [("writeoff_disposal", _("Can record historic write-offs"))]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}".strip()

    def get_absolute_url(self):
        return reverse("assets:disposal_detail", args=[self.pk])

    @property
    def approval_requester(self):
        return self.requested_by

    @property
    def approval_department_id(self):
        return self.department_id

    @property
    def approval_amount(self):
        return self.total_value

    @property
    def approval_version(self):
        return self.version

    @property
    def approval_title(self):
        return str(self)

    @classmethod
    def owned_q(cls, access, action):
        """Requesters see and edit their own requests; department heads see their
        department's."""
        if action not in ("view", "change"):
            return None
        q = Q(requested_by_id=getattr(access.user, "pk", None))
        department_ids = getattr(access, "headed_department_ids", None) or ()
        if action == "view" and department_ids:
            q |= Q(department_id__in=list(department_ids))
        return q


class DisposalLine(TenantModel):
    """One asset on a disposal, with its value and depreciation when the request was made."""

    history_exempt_reason = "lines of a disposal; the disposal keeps the history"

    disposal = models.ForeignKey(
        Disposal, on_delete=models.CASCADE, related_name="lines", verbose_name=_("disposal")
    )
    asset = models.ForeignKey(
        "assets.Asset",
        on_delete=models.PROTECT,
        related_name="disposal_lines",
        verbose_name=_("asset"),
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    original_value = models.DecimalField(_("original value (¥)"), max_digits=16, decimal_places=2)
    accumulated_depreciation = models.DecimalField(
        _("accumulated depreciation (¥)"), max_digits=16, decimal_places=2, default=Decimal("0")
    )

    class Meta:
        verbose_name = _("disposal line")
        verbose_name_plural = _("disposal lines")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["disposal", "asset"], name="uniq_disposal_asset"),
        ]

    def __str__(self):
        return f"{self.disposal_id}: {self.asset_id}"

    @property
    def net_value(self):
        return self.original_value - self.accumulated_depreciation

    @classmethod
    def owned_q(cls, access, action):
        return None

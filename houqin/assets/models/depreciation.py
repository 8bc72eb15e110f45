"""Depreciation runs: one per school and month, idempotent. Each asset's accumulated figure is
kept on the asset; the run posts summaries (by category, department and funding source), never
one journal line per asset."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from houqin.core.models import TenantModel


class DepreciationRun(TenantModel):
    """The depreciation of one month (``period`` is the month's first day)."""

    history_exempt_reason = "a ledger posting; runs are never edited, only repeated"

    period = models.DateField(_("month"))
    asset_count = models.PositiveIntegerField(_("assets depreciated"), default=0)
    total_amount = models.DecimalField(
        _("depreciation of the month (¥)"), max_digits=18, decimal_places=2, default=Decimal("0")
    )
    ran_at = models.DateTimeField(_("ran at"), auto_now=True)
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ran by"),
    )

    class Meta:
        verbose_name = _("depreciation run")
        verbose_name_plural = _("depreciation runs")
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["school", "period"], name="uniq_depreciation_period"),
        ]

    def __str__(self):
        return self.period.strftime("%Y-%m")

    @classmethod
    def owned_q(cls, access, action):
        return None


class DepreciationEntry(TenantModel):
    """The month's depreciation of one category, department and funding source."""

    history_exempt_reason = "a ledger posting, rewritten only by re-running its month"

    run = models.ForeignKey(
        DepreciationRun, on_delete=models.CASCADE, related_name="entries", verbose_name=_("run")
    )
    category = models.ForeignKey(
        "assets.AssetCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    funding_source = models.CharField(_("funding source"), max_length=60, blank=True)
    asset_count = models.PositiveIntegerField(_("assets"), default=0)
    amount = models.DecimalField(_("depreciation (¥)"), max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("depreciation entry")
        verbose_name_plural = _("depreciation entries")
        ordering = ["run", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "category", "department", "funding_source"],
                name="uniq_depreciation_entry",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{self.run} {self.category_id}: {self.amount}"

    @classmethod
    def owned_q(cls, access, action):
        return None

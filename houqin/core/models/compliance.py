"""A school's own figures for the compliance rules (``houqin.core.compliance``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import TenantModel

__all__ = ["ComplianceSetting"]


class ComplianceSetting(TenantModel):
    """A school's stricter figure for one rule (never a looser one: the services refuse it)."""

    rule = models.CharField(_("rule"), max_length=60)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    note = models.CharField(_("why"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compliance setting")
        verbose_name_plural = _("compliance settings")
        constraints = [
            models.UniqueConstraint(fields=["school", "rule"], name="uniq_compliance_setting"),
        ]

    def __str__(self):
        return f"{self.rule} = {self.value}"

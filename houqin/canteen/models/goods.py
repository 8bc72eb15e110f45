"""Incoming goods checks (进货查验) and suppliers' licences (经营许可证) with their expiry.

A goods check is kept until ``keep_until``: the goods' shelf-life end plus the school's
``canteen.goods_record_months`` (or ``goods_record_months_no_shelf_life`` from the delivery day
when the goods have no shelf life). The supplier's documents are attached on the timeline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import TenantModel

USER = settings.AUTH_USER_MODEL


class LicenceKind(models.TextChoices):
    FOOD_BUSINESS = "food_business", _("Food business licence")
    FOOD_PRODUCTION = "food_production", _("Food production licence")
    BUSINESS = "business", _("Business licence")
    ANIMAL_QUARANTINE = "quarantine", _("Animal quarantine certificate")
    OTHER = "other", _("Other")


class SupplierLicence(TenantModel):
    """A supplier's (or the caterer's) licence with its number and expiry."""

    company = models.ForeignKey(
        "org.Company", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("supplier"),
    )  # fmt: skip
    supplier_name = models.CharField(_("supplier (name)"), max_length=100, blank=True)
    kind = models.CharField(_("licence"), max_length=20, choices=LicenceKind.choices)
    licence_number = models.CharField(_("licence number"), max_length=60)
    issued = models.DateField(_("issued"), null=True, blank=True)
    expires = models.DateField(_("expires"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier licence")
        verbose_name_plural = _("supplier licences")
        ordering = ["expires", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=False) | ~Q(supplier_name=""),
                name="canteen_licence_has_supplier",
            ),
        ]

    def __str__(self):
        return f"{self.supplier_label} · {self.get_kind_display()} {self.licence_number}"

    @property
    def supplier_label(self) -> str:
        return str(self.company) if self.company_id else self.supplier_name


class GoodsCheck(TenantModel):
    """One delivery checked at the door: what, how much, batch, shelf life, documents, verdict."""

    date = models.DateField(_("date"))
    company = models.ForeignKey(
        "org.Company", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("supplier"),
    )  # fmt: skip
    supplier_name = models.CharField(_("supplier (name)"), max_length=100, blank=True)
    goods = models.CharField(_("goods"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10, default="kg")
    batch = models.CharField(_("batch"), max_length=60, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    shelf_life_days = models.PositiveIntegerField(
        _("shelf life (days)"), null=True, blank=True, help_text=_("Empty: no shelf life stated.")
    )
    best_before = models.DateField(_("best before"), null=True, blank=True, editable=False)
    licence_seen = models.BooleanField(_("supplier licence seen"), default=False)
    certificate_seen = models.BooleanField(_("inspection certificate seen"), default=False)
    accepted = models.BooleanField(_("accepted"), default=True)
    refusal_reason = models.CharField(_("why refused"), max_length=200, blank=True)
    keep_until = models.DateField(_("keep record until"), editable=False)
    checked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goods check")
        verbose_name_plural = _("goods checks")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="canteen_goods_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(accepted=True) | ~Q(refusal_reason=""),
                name="canteen_goods_refusal_reason",
            ),
            models.CheckConstraint(
                condition=Q(company__isnull=False) | ~Q(supplier_name=""),
                name="canteen_goods_has_supplier",
            ),
        ]
        indexes = [models.Index(fields=["school", "date"], name="canteen_goods_date_idx")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.goods} ({self.supplier_label})"

    @property
    def supplier_label(self) -> str:
        return str(self.company) if self.company_id else self.supplier_name

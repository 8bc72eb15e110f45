"""Damage and compensation (公物损坏赔偿): who damaged what, the assessed and paid amounts,
and the repair order that fixed it."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import NumberedDocument


class DamageCause(models.TextChoices):
    """The school rule (SPEC §6) sets the amount by cause."""

    WEAR = "wear", _("Normal wear (waived)")
    NEGLIGENCE = "negligence", _("Negligence (pays the original price)")
    DELIBERATE = "deliberate", _("Deliberate (pays double)")
    UNKNOWN = "unknown", _("Culprit unknown (the class pays)")


class DamageStatus(models.TextChoices):
    OPEN = "open", _("Waiting for payment")
    PAID = "paid", _("Paid")
    WAIVED = "waived", _("Waived")


class DamageRecord(NumberedDocument):
    """A damaged asset or place, who is responsible (a person, a class, or both), the amount."""

    number_prefix = "PC"

    asset = models.ForeignKey(
        "assets.Asset",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="damage_records",
        verbose_name=_("asset"),
    )
    room = models.ForeignKey(
        "org.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
    )
    occurred_on = models.DateField(_("happened on"), default=timezone.localdate)
    description = models.TextField(_("what was damaged and how"))
    cause = models.CharField(
        _("cause"), max_length=20, choices=DamageCause.choices, default=DamageCause.NEGLIGENCE
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible staff member"),
    )
    responsible_name = models.CharField(
        _("responsible person"),
        max_length=60,
        blank=True,
        help_text=_("A student or an outsider, by name."),
    )
    school_class = models.ForeignKey(
        "org.SchoolClass",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="damage_records",
        verbose_name=_("class"),
    )
    assessed_amount = models.DecimalField(
        _("assessed amount (¥)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    paid_amount = models.DecimalField(
        _("paid (¥)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    class_points = models.DecimalField(
        _("class assessment points deducted"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DamageStatus.choices, default=DamageStatus.OPEN
    )
    work_order = models.ForeignKey(
        "maintenance.WorkOrder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="damage_records",
        verbose_name=_("repair order"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    history = HistoricalRecords()

    class Meta(NumberedDocument.Meta):
        verbose_name = _("damage record")
        verbose_name_plural = _("damage records")
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["school", "school_class"], name="damage_class_idx")]

    def __str__(self):
        return f"{self.number} {self.description[:30]}".strip()

    def get_absolute_url(self):
        return reverse("assets:damage_detail", args=[self.pk])

    @property
    def outstanding(self) -> Decimal:
        return max(Decimal("0"), self.assessed_amount - self.paid_amount)

    @classmethod
    def owned_q(cls, access, action):
        """Class teachers see their classes' records; staff see records naming them."""
        if action != "view":
            return None
        user_id = getattr(access.user, "pk", None)
        return Q(school_class__class_teacher_id=user_id) | Q(responsible_user_id=user_id)

"""Safety equipment (消防器材/设施): extinguishers, hydrants, alarms, emergency lights, CCTV
cameras, AEDs, with the place, last and next check and expiry. The next check follows the
kind's interval (extinguishers: the school's ``safety.extinguisher_check_months``). Writes only
through ``houqin.safety.services_equipment``; an extinguisher-check round updates the dates."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import TenantModel


class EquipmentKind(models.TextChoices):
    EXTINGUISHER = "extinguisher", _("Fire extinguisher")
    HYDRANT = "hydrant", _("Fire hydrant")
    ALARM = "alarm", _("Fire alarm")
    EMERGENCY_LIGHT = "emergency_light", _("Emergency light / exit sign")
    CAMERA = "camera", _("CCTV camera")
    AED = "aed", _("AED")
    OTHER = "other", _("Other")


class EquipmentStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    FAULTY = "faulty", _("Faulty")
    RETIRED = "retired", _("Retired")


class SafetyEquipment(TenantModel):
    """One piece of safety equipment at one place."""

    history = HistoricalRecords()

    code = models.CharField(_("code"), max_length=30)
    kind = models.CharField(_("kind"), max_length=20, choices=EquipmentKind.choices)
    model_name = models.CharField(
        _("type"), max_length=60, blank=True, help_text=_("e.g. ABC dry powder, CO2")
    )
    size = models.CharField(_("size"), max_length=20, blank=True, help_text=_("e.g. 4 kg"))
    room = models.ForeignKey(
        "org.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
    )
    location_note = models.CharField(_("where exactly"), max_length=100, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    last_checked_on = models.DateField(_("last check"), null=True, blank=True)
    next_check_on = models.DateField(_("next check"), null=True, blank=True, db_index=True)
    refill_due_on = models.DateField(_("refill due"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EquipmentStatus.choices,
        default=EquipmentStatus.IN_SERVICE,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("safety equipment")
        verbose_name_plural = _("safety equipment")
        ordering = ["kind", "code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="uniq_equipment_code"),
        ]
        indexes = [models.Index(fields=["school", "room"], name="equipment_room_idx")]

    def __str__(self):
        return f"{self.code} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("safety:equipment_detail", args=[self.pk])

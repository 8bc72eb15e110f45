"""Food handlers (从业人员), their morning health checks (晨检) and who is on duty.

An excluded handler, one without a check that day, or one whose health certificate has expired
cannot be put on duty (``services_staff.put_on_duty`` refuses it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import TenantModel

from .food import MealKind

USER = settings.AUTH_USER_MODEL


class FoodHandler(TenantModel):
    """A person who handles food (usually the caterer's staff), with the health certificate."""

    name = models.CharField(_("name"), max_length=60)
    user = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("user account"),
    )  # fmt: skip
    company = models.ForeignKey(
        "org.Company", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("company"),
    )  # fmt: skip
    job = models.CharField(
        _("job"), max_length=40, blank=True, help_text=_("Cook, helper, server…")
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    certificate_number = models.CharField(_("health certificate number"), max_length=40, blank=True)
    certificate_issued = models.DateField(_("certificate issued"), null=True, blank=True)
    certificate_expires = models.DateField(_("certificate expires"), null=True, blank=True)
    is_active = models.BooleanField(_("working here"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("food handler")
        verbose_name_plural = _("food handlers")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(
                fields=["school", "is_active", "certificate_expires"],
                name="canteen_handler_cert_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def certificate_valid_on(self, day) -> bool:
        return self.certificate_expires is not None and self.certificate_expires >= day


class MorningCheck(TenantModel):
    """A handler's health check before work (晨检): symptoms → excluded from work that day."""

    handler = models.ForeignKey(
        FoodHandler, on_delete=models.PROTECT, related_name="checks", verbose_name=_("handler")
    )
    date = models.DateField(_("date"))
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    fever = models.BooleanField(_("fever"), default=False)
    diarrhoea = models.BooleanField(_("diarrhoea"), default=False)
    skin_wound = models.BooleanField(_("skin wound or infection"), default=False)
    sore_throat = models.BooleanField(_("sore throat"), default=False)
    other_symptoms = models.CharField(_("other symptoms"), max_length=120, blank=True)
    hands_ok = models.BooleanField(_("hands clean, nails short"), default=True)
    fit = models.BooleanField(_("fit for work"), default=True)
    exclusion_reason = models.CharField(_("why excluded"), max_length=200, blank=True)
    checked_at = models.DateTimeField(_("checked at"))
    checked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("morning check")
        verbose_name_plural = _("morning checks")
        ordering = ["-date", "handler__name"]
        constraints = [
            models.UniqueConstraint(fields=["handler", "date"], name="uniq_canteen_morning_check"),
            models.CheckConstraint(
                condition=Q(fit=True) | ~Q(exclusion_reason=""),
                name="canteen_check_excluded_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["school", "date"], name="canteen_check_date_idx")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.handler}"

    @property
    def symptoms(self) -> list[str]:
        found = [
            str(label)
            for flag, label in (
                (self.fever, _("fever")),
                (self.diarrhoea, _("diarrhoea")),
                (self.skin_wound, _("skin wound or infection")),
                (self.sore_throat, _("sore throat")),
            )
            if flag
        ]
        if self.other_symptoms:
            found.append(self.other_symptoms)
        if not self.hands_ok:
            found.append(str(_("hands not clean")))
        return found


class DutyRecord(TenantModel):
    """A handler on duty on a day (for one meal, or the whole day when no meal is given)."""

    handler = models.ForeignKey(
        FoodHandler, on_delete=models.PROTECT, related_name="duties", verbose_name=_("handler")
    )
    date = models.DateField(_("date"))
    meal_kind = models.CharField(_("meal"), max_length=10, choices=MealKind.choices, blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty record")
        verbose_name_plural = _("duty records")
        ordering = ["-date", "handler__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["handler", "date", "meal_kind"], name="uniq_canteen_duty"
            ),
        ]
        indexes = [models.Index(fields=["school", "date"], name="canteen_duty_date_idx")]

    def __str__(self):
        meal = self.get_meal_kind_display() if self.meal_kind else _("all day")
        return f"{self.date:%Y-%m-%d} {meal} · {self.handler}"

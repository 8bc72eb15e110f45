"""Drinking water (饮水安全): the supply contract, water-quality tests, dispensers and their
filter changes; and food/water-safety education campaigns (宣传教育)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import TenantModel

USER = settings.AUTH_USER_MODEL


class WaterContract(TenantModel):
    """The drinking-water supply contract: supplier, period, contact; the file on the timeline."""

    company = models.ForeignKey(
        "org.Company", on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier")
    )
    title = models.CharField(_("title"), max_length=100)
    contract_number = models.CharField(_("contract number"), max_length=60, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("water contract")
        verbose_name_plural = _("water contracts")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="canteen_water_contract_dates",
            ),
        ]

    def __str__(self):
        return self.title


class Dispenser(TenantModel):
    """A drinking-water dispenser (饮水机) whose filter is changed every ``filter_days``."""

    room = models.ForeignKey(
        "org.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("room"),
    )  # fmt: skip
    location = models.CharField(
        _("location"), max_length=100, blank=True, help_text=_("Where exactly.")
    )
    model = models.CharField(_("model"), max_length=60, blank=True)
    filter_days = models.PositiveIntegerField(
        _("filter change every (days)"), default=90, validators=[MinValueValidator(1)]
    )
    last_changed = models.DateField(_("filter last changed"), null=True, blank=True, editable=False)
    next_due = models.DateField(_("next filter change"), null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("water dispenser")
        verbose_name_plural = _("water dispensers")
        ordering = ["location", "pk"]
        indexes = [
            models.Index(
                fields=["school", "is_active", "next_due"], name="canteen_dispenser_due_idx"
            )
        ]

    def __str__(self):
        place = str(self.room) if self.room_id else ""
        return " · ".join(p for p in (place, self.location, self.model) if p) or f"#{self.pk}"


class FilterChange(TenantModel):
    """A dispenser's filter changed: when, by whom; the next change is due after its interval."""

    dispenser = models.ForeignKey(
        Dispenser,
        on_delete=models.PROTECT,
        related_name="filter_changes",
        verbose_name=_("dispenser"),
    )
    date = models.DateField(_("date"))
    done_by_name = models.CharField(_("changed by"), max_length=60)
    next_due = models.DateField(_("next change due"), editable=False)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("filter change")
        verbose_name_plural = _("filter changes")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.dispenser}"


class WaterTest(TenantModel):
    """A water-quality test: where, what was measured, pass or fail, and the follow-up."""

    date = models.DateField(_("date"))
    dispenser = models.ForeignKey(
        Dispenser, on_delete=models.PROTECT, null=True, blank=True, related_name="tests",
        verbose_name=_("dispenser"),
    )  # fmt: skip
    place = models.CharField(_("place"), max_length=100, blank=True)
    tested_by = models.CharField(
        _("tested by"), max_length=100, help_text=_("The laboratory or person.")
    )
    results = models.TextField(
        _("items and results"), help_text=_("One item a line, e.g. 菌落总数 12 CFU/mL.")
    )
    passed = models.BooleanField(_("passed"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("water test")
        verbose_name_plural = _("water tests")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.place_label}"

    @property
    def place_label(self) -> str:
        return self.place or (str(self.dispenser) if self.dispenser_id else "")


class EducationCampaign(TenantModel):
    """A food or drinking-water safety education activity (宣传教育); material on the timeline."""

    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=120)
    audience = models.CharField(
        _("audience"), max_length=100, help_text=_("Students of grade 7, parents, staff…")
    )
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("education campaign")
        verbose_name_plural = _("education campaigns")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.topic}"

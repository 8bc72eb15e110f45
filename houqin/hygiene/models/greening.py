"""Greening (绿化): plots, the plant register and care tasks done by the contractor and checked
by the logistics office.

A care task goes planned → done (the contractor, with a photo) → accepted, or back to "redo"
with a reason (then done again). A task is overdue while planned or redo after its due date.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from houqin.core.models import TenantModel
from houqin.core.states import StateMachine, Transition, has_perm, needs_reason


class CareKind(models.TextChoices):
    WATERING = "watering", _("Watering")
    PRUNING = "pruning", _("Pruning")
    PEST_CONTROL = "pest_control", _("Pest control")
    FERTILISING = "fertilising", _("Fertilising")
    MOWING = "mowing", _("Mowing")
    OTHER = "other", _("Other care")


class CareStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("plan status", "Planned")
    DONE = "done", _("Done, to check")
    REDO = "redo", _("To redo")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_CARE = (CareStatus.PLANNED, CareStatus.REDO)


class GreenPlot(TenantModel):
    """A lawn, a bed, a row of trees: what the greening contractor looks after."""

    history = HistoricalRecords()

    name = models.CharField(_("name"), max_length=80)
    room = models.ForeignKey(
        "org.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
    )
    location = models.CharField(_("where"), max_length=120, blank=True)
    size_m2 = models.DecimalField(
        _("size (m²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    company = models.ForeignKey(
        "org.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contractor"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("green plot")
        verbose_name_plural = _("green plots")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="uniq_green_plot_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("hygiene:plot_detail", args=[self.pk])

    @classmethod
    def owned_q(cls, access, action):
        if action == "view" and access.company_id:
            return Q(company_id=access.company_id)
        return None


class Plant(TenantModel):
    """A line of the plant register: a species and how many grow on a plot."""

    history = HistoricalRecords()

    plot = models.ForeignKey(
        GreenPlot, on_delete=models.CASCADE, related_name="plants", verbose_name=_("plot")
    )
    species = models.CharField(_("species"), max_length=80)
    count = models.PositiveIntegerField(_("count"), default=1)
    planted_on = models.DateField(_("planted on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("plant")
        verbose_name_plural = _("plants")
        ordering = ["plot__name", "species"]

    def __str__(self):
        return f"{self.species} × {self.count}"

    def get_absolute_url(self):
        return reverse("hygiene:plot_detail", args=[self.plot_id])

    @classmethod
    def owned_q(cls, access, action):
        if action == "view" and access.company_id:
            return Q(plot__company_id=access.company_id)
        return None


def _is_contractor_of(access, task) -> bool:
    return bool(access.company_id) and access.company_id == task.company_id


class CareTask(TenantModel):
    """One planned piece of care on a plot (浇水, 修剪, 病虫害防治, 施肥, 割草)."""

    history = HistoricalRecords()

    plot = models.ForeignKey(
        GreenPlot, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("plot")
    )
    company = models.ForeignKey(
        "org.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contractor"),
    )
    kind = models.CharField(_("care"), max_length=20, choices=CareKind.choices)
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=CareStatus.choices, default=CareStatus.PLANNED
    )
    note = models.CharField(_("instructions"), max_length=200, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    done_note = models.CharField(_("what was done"), max_length=300, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    check_note = models.CharField(_("check note"), max_length=300, blank=True)
    redo_count = models.PositiveSmallIntegerField(_("times sent back"), default=0)

    machine = StateMachine(
        transitions=[
            Transition(
                "done",
                source={CareStatus.PLANNED, CareStatus.REDO},
                target=CareStatus.DONE,
                label=_("Mark done"),
                allowed=lambda access, task: (
                    _is_contractor_of(access, task) or access.has_perm("hygiene.change_caretask")
                ),
            ),
            Transition(
                "accept",
                source={CareStatus.DONE},
                target=CareStatus.ACCEPTED,
                label=_("Accept"),
                allowed=has_perm("hygiene.check_caretask"),
            ),
            Transition(
                "redo",
                source={CareStatus.DONE},
                target=CareStatus.REDO,
                label=_("Send back to redo"),
                allowed=has_perm("hygiene.check_caretask"),
                guard=needs_reason,
            ),
            Transition(
                "cancel",
                source={CareStatus.PLANNED, CareStatus.REDO},
                target=CareStatus.CANCELLED,
                label=_("Cancel"),
                allowed=has_perm("hygiene.change_caretask"),
                guard=needs_reason,
            ),
        ]
    )

    class Meta:
        verbose_name = _("care task")
        verbose_name_plural = _("care tasks")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["school", "status", "due_on"], name="hygiene_care_open")]

    def __str__(self):
        return _("%(kind)s · %(plot)s · %(due)s") % {
            "kind": self.get_kind_display(),
            "plot": self.plot.name if self.plot_id else "",
            "due": self.due_on,
        }

    def get_absolute_url(self):
        return reverse("hygiene:task_detail", args=[self.pk])

    def is_overdue(self, today) -> bool:
        return self.status in OPEN_CARE and self.due_on < today

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.is_overdue(timezone.localdate())

    @classmethod
    def owned_q(cls, access, action):
        # Contractor staff see and work on their own company's tasks only.
        if action in ("view", "change") and access.company_id:
            return Q(company_id=access.company_id)
        return None

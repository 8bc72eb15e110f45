"""Regulations and emergency plans (规章制度/应急预案), their versions and who has read them, and
drills (演练) planned and recorded.

A document (``SafetyDocument``) keeps its versions; the newest version is the current one and
supersedes the one before (``is_current``, one per document by constraint). Staff acknowledge
having read the current version once (``DocumentAcknowledgement``, unique per person and
version). A drill is planned, then recorded (done) or cancelled; its findings may each raise a
hazard (the link is kept here: ``DrillFinding.hazard``).

Writes only through ``houqin.safety.services_documents`` and ``services_drills``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from houqin.core.models import TenantModel
from houqin.core.states import StateMachine, Transition, any_of, has_perm, is_user


class SafetyDocumentKind(models.TextChoices):
    REGULATION = "regulation", _("Regulation")
    EMERGENCY_PLAN = "plan", _("Emergency plan")


class SafetyDocument(TenantModel):
    """A regulation or an emergency plan: its title, who keeps it, and its versions."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=SafetyDocumentKind.choices,
        default=SafetyDocumentKind.REGULATION,
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("owner"),
        help_text=_("Keeps the document up to date and is reminded when a review is due."),
    )  # fmt: skip
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("department"),
    )  # fmt: skip
    is_active = models.BooleanField(_("in force"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regulation or emergency plan")
        verbose_name_plural = _("regulations and emergency plans")
        ordering = ["kind", "title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "title"], name="uniq_safety_document_title"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("safety:document_detail", args=[self.pk])

    @classmethod
    def owned_q(cls, access, action):
        # The owner keeps their own documents (new versions).
        if action == "change":
            return Q(owner_id=getattr(access.user, "pk", None))
        return None


class SafetyDocumentVersion(TenantModel):
    """One version of a document: its text (or files on its timeline) and its dates."""

    document = models.ForeignKey(
        SafetyDocument, on_delete=models.PROTECT, related_name="versions",
        verbose_name=_("safety document"),
    )  # fmt: skip
    label = models.CharField(_("version"), max_length=30)
    text = models.TextField(_("text"), blank=True)
    effective_date = models.DateField(_("effective date"))
    review_by = models.DateField(_("review by"))
    is_current = models.BooleanField(_("current"), default=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("added by"),
    )  # fmt: skip
    # The daily job's reminders, each sent once per version.
    review_warned_on = models.DateField(null=True, blank=True, editable=False)
    review_overdue_on = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["review_warned_on", "review_overdue_on"])

    class Meta:
        verbose_name = _("safety document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-effective_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"], condition=Q(is_current=True),
                name="uniq_safety_document_current_version",
            ),
            models.UniqueConstraint(
                fields=["document", "label"], name="uniq_safety_document_version_label"
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["school", "is_current", "review_by"], name="sdv_review_idx")
        ]

    def __str__(self):
        return f"{self.document} {self.label}"

    def get_absolute_url(self):
        return reverse("safety:document_detail", args=[self.document_id])


class DocumentAcknowledgement(TenantModel):
    """A person has read one version (once)."""

    history_exempt_reason = "append-only: one row per person and version"

    version = models.ForeignKey(
        SafetyDocumentVersion, on_delete=models.CASCADE, related_name="acknowledgements",
        verbose_name=_("version"),
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("read by"),
    )  # fmt: skip
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("acknowledgement of reading")
        verbose_name_plural = _("acknowledgements of reading")
        ordering = ["-read_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="uniq_document_ack"),
        ]

    def __str__(self):
        return f"{self.user} · {self.version}"

    @classmethod
    def owned_q(cls, access, action):
        # Everyone sees their own; a document's owner sees who read it.
        if action != "view":
            return None
        user_id = getattr(access.user, "pk", None)
        return Q(user_id=user_id) | Q(version__document__owner_id=user_id)


class DrillKind(models.TextChoices):
    FIRE = "fire", _("Fire evacuation")
    EARTHQUAKE = "earthquake", _("Earthquake")
    OTHER = "other", _("Other")


class DrillStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("plan status", "Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


MANAGE_DRILLS = "safety.change_drill"


class Drill(TenantModel):
    """An emergency drill: planned (date, kind, plan, organiser, places), then recorded."""

    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=12, choices=DrillKind.choices, default=DrillKind.FIRE
    )
    planned_date = models.DateField(_("planned date"))
    plan = models.ForeignKey(
        SafetyDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="drills",
        limit_choices_to={"kind": SafetyDocumentKind.EMERGENCY_PLAN},
        verbose_name=_("emergency plan"),
    )  # fmt: skip
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("organiser"),
    )  # fmt: skip
    buildings = models.ManyToManyField(
        "org.Building", blank=True, related_name="+", verbose_name=_("buildings")
    )
    rooms = models.ManyToManyField(
        "org.Room", blank=True, related_name="+", verbose_name=_("places")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DrillStatus.choices, default=DrillStatus.PLANNED,
        db_index=True,
    )  # fmt: skip
    done_date = models.DateField(_("done on"), null=True, blank=True)
    participants = models.PositiveIntegerField(
        _("participants"), null=True, blank=True, validators=[MaxValueValidator(100000)]
    )
    evacuation_seconds = models.PositiveIntegerField(
        _("evacuation time (seconds)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(36000)],
    )  # fmt: skip
    # The school's target when the drill was recorded (``safety.evacuation_seconds``).
    target_seconds = models.PositiveIntegerField(_("target (seconds)"), null=True, blank=True)
    is_slow = models.BooleanField(_("slower than the target"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    history = HistoricalRecords()

    machine = StateMachine(
        field="status",
        transitions=[
            Transition(
                "record", source={DrillStatus.PLANNED}, target=DrillStatus.DONE,
                label=_("Record the drill"),
                allowed=any_of(has_perm(MANAGE_DRILLS), is_user("organiser")),
            ),
            Transition(
                "cancel", source={DrillStatus.PLANNED}, target=DrillStatus.CANCELLED,
                label=_("Cancel"), allowed=has_perm(MANAGE_DRILLS),
            ),
        ],
    )  # fmt: skip

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-planned_date", "-pk"]
        indexes = [models.Index(fields=["school", "status", "done_date"], name="drill_done_idx")]

    def __str__(self):
        return f"{self.planned_date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("safety:drill_detail", args=[self.pk])

    @property
    def day(self):
        """The day it happened, else the day it is planned for."""
        return self.done_date or self.planned_date

    @classmethod
    def owned_q(cls, access, action):
        # The organiser sees and records their own drills.
        if action in ("view", "change"):
            return Q(organiser_id=getattr(access.user, "pk", None))
        return None


class DrillFinding(TenantModel):
    """Something a drill showed (a blocked exit, a class that did not hear the alarm)."""

    drill = models.ForeignKey(
        Drill, on_delete=models.CASCADE, related_name="findings", verbose_name=_("drill")
    )
    description = models.CharField(_("finding"), max_length=200)
    room = models.ForeignKey(
        "org.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("place"),
    )  # fmt: skip
    hazard = models.ForeignKey(
        "safety.Hazard", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("hazard"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("drill finding")
        verbose_name_plural = _("drill findings")
        ordering = ["drill", "pk"]

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        return reverse("safety:drill_detail", args=[self.drill_id])

    @classmethod
    def owned_q(cls, access, action):
        if action == "view":
            return Q(drill__organiser_id=getattr(access.user, "pk", None))
        return None

"""Hazards (隐患): found by an inspection, a drill, an equipment check or anyone's report, then
rectified (with temporary controls while open, perhaps through a work order), verified by
someone other than the fixer, and closed (销号). Nothing closes unverified; a failed
verification sends it back to rectification; overdue hazards escalate.

Writes only through ``houqin.safety.services_hazards``. Other areas raise a hazard with
``services_hazards.report_hazard(...)`` and keep the returned row (the hazard never points back
at an inspection answer or a drill: they point at it)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from houqin.core.models import NumberedDocument
from houqin.core.states import StateMachine, Transition, any_of, has_perm, is_user, needs_reason

ASSIGN_PERM = "safety.assign_hazard"  # director, clerk: owner, deadline, measures
VERIFY_PERM = "safety.verify_hazard"  # who may accept a rectification (not their own)
CANCEL_PERM = "safety.cancel_hazard"  # director: "not a hazard"
EXPORT_PERM = "safety.export_hazard"


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    EQUIPMENT = "equipment", _("Equipment check")
    DRILL = "drill", _("Drill")
    REPORT = "report", _("Staff report")
    PUBLIC = "public", _("Public QR form")
    MANUAL = "manual", _("Entered by hand")


class HazardStatus(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("hazard", "Reported")  # waiting for an owner and a deadline
    RECTIFYING = "rectifying", _("Being rectified")
    TO_VERIFY = "to_verify", _("Waiting for verification")
    CLOSED = "closed", _("Closed")  # verified: 销号
    CANCELLED = "cancelled", _("Cancelled")  # not a hazard (with a reason)


OPEN_HAZARD_STATUSES = (HazardStatus.REPORTED, HazardStatus.RECTIFYING, HazardStatus.TO_VERIFY)


class Hazard(NumberedDocument):
    """One hazard at one place, from report to verified closure."""

    number_prefix = "YH"

    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(
        _("level"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL
    )
    source = models.CharField(
        _("found by"), max_length=12, choices=HazardSource.choices, default=HazardSource.MANUAL
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=HazardStatus.choices,
        default=HazardStatus.REPORTED,
        db_index=True,
    )
    room = models.ForeignKey(
        "org.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
    )
    location_note = models.CharField(_("where exactly"), max_length=100, blank=True)
    found_at = models.DateTimeField(_("found at"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("hazard", "reported by"),
    )
    reporter_name = models.CharField(pgettext_lazy("hazard", "reporter's name"), max_length=40, blank=True)
    reporter_phone = models.CharField(pgettext_lazy("hazard", "reporter's phone"), max_length=20, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible for rectification"),
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    control_measures = models.TextField(_("temporary control measures"), blank=True)
    work_order = models.ForeignKey(
        "maintenance.WorkOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work order"),
    )
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rectified by"),
    )
    fixed_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    fix_note = models.TextField(_("what was done"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("failed verifications"), default=0)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verify_note = models.TextField(_("verification note"), blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    cancel_reason = models.TextField(_("why it is not a hazard"), blank=True)
    # Escalation stage reached: 1 = owner and director told, 2 = the principal too.
    escalation_stage = models.PositiveSmallIntegerField(_("escalation stage"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    machine = StateMachine(
        field="status",
        transitions=[
            Transition(
                "assign",
                source={HazardStatus.REPORTED},
                target=HazardStatus.RECTIFYING,
                allowed=has_perm(ASSIGN_PERM),
                label=_("Assign for rectification"),
            ),
            # Change the owner, deadline or measures while it is being rectified.
            Transition(
                "reassign",
                source={HazardStatus.RECTIFYING},
                target=HazardStatus.RECTIFYING,
                allowed=has_perm(ASSIGN_PERM),
                label=_("Change owner or deadline"),
            ),
            Transition(
                "rectify",
                source={HazardStatus.RECTIFYING},
                target=HazardStatus.TO_VERIFY,
                allowed=any_of(is_user("owner"), has_perm(ASSIGN_PERM)),
                label=_("Mark as rectified"),
            ),
            Transition(
                "verify",
                source={HazardStatus.TO_VERIFY},
                target=HazardStatus.CLOSED,
                allowed=has_perm(VERIFY_PERM),
                label=_("Verify and close"),
            ),
            Transition(
                "fail",
                source={HazardStatus.TO_VERIFY},
                target=HazardStatus.RECTIFYING,
                allowed=has_perm(VERIFY_PERM),
                guard=needs_reason,
                label=_("Not rectified"),
            ),
            Transition(
                "cancel",
                source={HazardStatus.REPORTED, HazardStatus.RECTIFYING},
                target=HazardStatus.CANCELLED,
                allowed=has_perm(CANCEL_PERM),
                guard=needs_reason,
                label=_("Not a hazard"),
            ),
        ],
    )

    class Meta(NumberedDocument.Meta):
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "status", "deadline"], name="hazard_status_idx"),
            models.Index(fields=["school", "found_at"], name="hazard_found_idx"),
            models.Index(fields=["school", "owner", "status"], name="hazard_owner_idx"),
        ]
        permissions = [
            ("assign_hazard", _("Can assign hazards for rectification")),
            ("verify_hazard", _("Can verify rectified hazards")),
            ("cancel_hazard", _("Can cancel hazards")),
            ("export_hazard", _("Can export hazards")),
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("safety:hazard_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_HAZARD_STATUSES

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in (HazardStatus.RECTIFYING, HazardStatus.REPORTED)
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )

    @property
    def place_label(self) -> str:
        parts = [str(self.room) if self.room_id else "", self.location_note]
        return " · ".join(p for p in parts if p)

    @property
    def reporter_label(self) -> str:
        if self.reported_by_id:
            return self.reported_by.get_full_name() or self.reported_by.get_username()
        return self.reporter_name

    @classmethod
    def owned_q(cls, access, action):
        """Reporters see what they reported; owners see and work on theirs; department heads
        see their departments' hazards."""
        user_id = getattr(access.user, "pk", None)
        if action == "view":
            q = Q(reported_by_id=user_id) | Q(owner_id=user_id)
            headed = getattr(access, "headed_department_ids", None) or ()
            if headed:
                q |= Q(department_id__in=sorted(headed))
            return q
        if action == "change":
            return Q(owner_id=user_id)
        return None

"""Inspection templates (检查表), schedules, rounds (巡查) and their answers.

Versioning: a template (``InspectionTemplate``: name, kind, compliance rule) has numbered
``TemplateVersion`` rows that hold the items and the two-signature flag. A round points at the
version it was done with (a version FK, never a copy of the items); editing a template whose
current version already has rounds makes a new version, so old records keep their checklist.

Rounds: a schedule makes one round per occurrence slot (``due_date`` + ``slot`` for patrols
done several times a day), unique per (schedule, due date, slot), covering every place of the
schedule; the inspector records a stop per place (answers, photos, equipment checks) and signs.
Writes only through ``houqin.safety.services_inspections`` and ``houqin.safety.schedules``.
"""

from datetime import time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from houqin.core.models import NumberedDocument, TenantModel


class TemplateKind(models.TextChoices):
    FIRE_PATROL = "fire_patrol", _("Daily fire patrol")
    FIRE_INSPECTION = "fire_inspection", _("Fire inspection")
    EXTINGUISHER = "extinguisher", _("Extinguisher check")
    FIRE_SYSTEM = "fire_system", _("Fire systems test")
    ELECTRICAL = "electrical", _("Electrical circuits")
    BUILDING = "building", _("Buildings")
    SPORTS = "sports", _("Sports facilities")
    SECURITY = "security", _("Security patrol (三防)")
    GATE = "gate", _("Gate duty")
    CANTEEN = "canteen", _("Canteen")
    HOLIDAY = "holiday", _("Pre-holiday check")
    OFFICE = "office", _("Office self-check")
    OTHER = "other", _("Other")


class AnswerType(models.TextChoices):
    PASS_FAIL = "pass_fail", _("Pass / fail")
    NUMBER = "number", _("Number with limits")
    CHOICE = "choice", _("Choice")
    PHOTO = "photo", _("Photo")
    NOTE = "note", _("Note")


class InspectionTemplate(TenantModel):
    """A checklist a school inspects with; its items live in versions."""

    history = HistoricalRecords()

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=TemplateKind.choices)
    rule_key = models.CharField(
        _("compliance rule"),
        max_length=60,
        blank=True,
        help_text=_("The rule this inspection satisfies; schedules may not be looser than it."),
    )
    description = models.TextField(_("description"), blank=True)
    checks_equipment = models.BooleanField(
        _("checks safety equipment"),
        default=False,
        help_text=_("Each place's safety equipment is marked ok or faulty during the round."),
    )
    equipment_kinds = models.JSONField(_("equipment kinds"), default=list, blank=True)
    builtin_code = models.SlugField(_("built-in template"), max_length=40, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("inspection template")
        verbose_name_plural = _("inspection templates")
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "builtin_code"],
                condition=~Q(builtin_code=""),
                name="uniq_inspection_builtin",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("safety:inspection_template_detail", args=[self.pk])

    @classmethod
    def owned_q(cls, access, action):
        # Every member may read the checklists they are asked to walk.
        return Q() if action == "view" else None


class TemplateVersion(TenantModel):
    """One version of a template's checklist; rounds keep the version they were done with."""

    history_exempt_reason = "a used version never changes: editing makes a new one, so the versions are the history"

    template = models.ForeignKey(
        InspectionTemplate,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("inspection checklist"),
    )
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    needs_second_signature = models.BooleanField(
        _("needs a second signature"),
        default=False,
        help_text=_("The head of the inspected department signs too (fire inspections)."),
    )
    is_current = models.BooleanField(_("current"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="uniq_template_version"),
            models.UniqueConstraint(
                fields=["template"], condition=Q(is_current=True), name="one_current_version"
            ),
        ]

    def __str__(self):
        return f"{self.template.name} v{self.number}"


class TemplateItem(models.Model):
    """One line of a checklist. ``options`` of a choice: [{"label": "…", "fails": bool}]."""

    history_exempt_reason = "items of a template version, which never changes once used"

    version = models.ForeignKey(
        TemplateVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("version")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("item"), max_length=120)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    answer_type = models.CharField(
        _("answer"), max_length=12, choices=AnswerType.choices, default=AnswerType.PASS_FAIL
    )
    min_value = models.DecimalField(
        _("minimum"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=12, blank=True)
    options = models.JSONField(_("options"), default=list, blank=True)
    photo_required = models.BooleanField(_("photo required"), default=False)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["version", "position", "pk"]

    def __str__(self):
        return self.label

    @property
    def option_labels(self) -> list[str]:
        return [str(o.get("label", "")) for o in self.options or []]

    @property
    def limits_label(self) -> str:
        low = "" if self.min_value is None else f"{self.min_value.normalize():f}"
        high = "" if self.max_value is None else f"{self.max_value.normalize():f}"
        if not (low or high):
            return ""
        return f"{low or '…'}–{high or '…'} {self.unit}".strip()


class Recurrence(models.TextChoices):
    DAILY = "daily", _("Every N days")
    WORKING_DAYS = "working_days", _("Working days")
    TIMES_A_DAY = "times_a_day", _("Several times a day")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    TERM = "term", _("Once a term")
    ONCE = "once", _("Once, on a date")


class InspectionSchedule(TenantModel):
    """A template walked over places by people, on a recurrence; makes rounds exactly once."""

    history = HistoricalRecords()

    template = models.ForeignKey(
        InspectionTemplate,
        on_delete=models.PROTECT,
        related_name="schedules",
        verbose_name=_("inspection checklist"),
    )
    name = models.CharField(_("name"), max_length=80)
    recurrence = models.CharField(
        _("recurrence"), max_length=14, choices=Recurrence.choices, default=Recurrence.DAILY
    )
    every_days = models.PositiveSmallIntegerField(_("every N days"), default=1)
    times_a_day = models.PositiveSmallIntegerField(_("times a day"), default=1)
    day_starts = models.TimeField(_("day starts"), default=time(7, 0))
    day_ends = models.TimeField(_("day ends"), default=time(22, 0))
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        default=0,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), default=1)
    offset_days = models.PositiveSmallIntegerField(_("days after the term starts"), default=0)
    on_date = models.DateField(_("on date"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    room_types = models.JSONField(_("each place of type"), default=list, blank=True)
    buildings = models.ManyToManyField(
        "org.Building", blank=True, related_name="+", verbose_name=_("buildings")
    )
    rooms = models.ManyToManyField(
        "org.Room", blank=True, related_name="+", verbose_name=_("places")
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("inspectors")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("inspection schedule")
        verbose_name_plural = _("inspection schedules")
        ordering = ["-is_active", "name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("safety:inspection_schedule_detail", args=[self.pk])

    @classmethod
    def owned_q(cls, access, action):
        if action != "view" or not getattr(access.user, "pk", None):
            return None
        return Q(
            pk__in=cls.inspectors.through.objects.filter(user_id=access.user.pk).values(
                "inspectionschedule_id"
            )
        )


class RoundStatus(models.TextChoices):
    DUE = "due", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    MISSED = "missed", pgettext_lazy("inspection round", "Missed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ROUND_STATUSES = (RoundStatus.DUE, RoundStatus.IN_PROGRESS)


class InspectionRound(NumberedDocument):
    """One walk of a template over the schedule's places, in one time slot."""

    history = HistoricalRecords()

    number_prefix = "XJ"

    schedule = models.ForeignKey(
        InspectionSchedule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name=_("schedule"),
    )
    template = models.ForeignKey(
        InspectionTemplate,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("inspection checklist"),
    )
    version = models.ForeignKey(
        TemplateVersion,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("template version"),
    )
    due_date = models.DateField(_("due date"))
    slot = models.PositiveSmallIntegerField(_("slot"), default=0)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RoundStatus.choices,
        default=RoundStatus.DUE,
        db_index=True,
    )
    is_late = models.BooleanField(_("late"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inspector"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    signed_by = models.CharField(_("inspector's signature"), max_length=40, blank=True)
    signature = models.ForeignKey(
        "core.Attachment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signature"),
    )
    second_signed_by = models.CharField(_("department head's signature"), max_length=40, blank=True)
    second_signature = models.ForeignKey(
        "core.Attachment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("second signature"),
    )
    failed_count = models.PositiveSmallIntegerField(_("failed items"), default=0)
    missed_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)

    class Meta(NumberedDocument.Meta):
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["-due_date", "-slot", "-pk"]
        constraints = [
            *NumberedDocument.Meta.constraints,
            models.UniqueConstraint(
                fields=["schedule", "due_date", "slot"],
                condition=Q(schedule__isnull=False),
                name="uniq_round_per_slot",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "window_end"], name="round_status_idx"),
            models.Index(fields=["school", "template", "due_date"], name="round_template_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.template.name} {self.due_date:%Y-%m-%d}".strip()

    def get_absolute_url(self):
        return reverse("safety:inspection_round_detail", args=[self.pk])

    @property
    def window_label(self) -> str:
        """"11-24" for a whole day, "11-24 16:00–18:00" for a slot, with both dates when it
        spans several days."""
        start = timezone.localtime(self.window_start)
        end = timezone.localtime(self.window_end)
        midnight = start.time() == end.time() == time.min
        if midnight and end - start == timedelta(days=1):
            return f"{start:%m-%d}"
        if midnight:
            return f"{start:%m-%d}–{end - timedelta(days=1):%m-%d}"
        if start.date() == end.date():
            return f"{start:%m-%d %H:%M}–{end:%H:%M}"
        return f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ROUND_STATUSES or self.status == RoundStatus.MISSED

    @classmethod
    def owned_q(cls, access, action):
        user_id = getattr(access.user, "pk", None)
        if action not in ("view", "change") or not user_id:
            return None
        inspected = InspectionSchedule.inspectors.through.objects.filter(user_id=user_id).values(
            "inspectionschedule_id"
        )
        return Q(assignee_id=user_id) | Q(schedule_id__in=inspected)


class RoundStop(models.Model):
    """One place of a round; ``visited_at`` is set when its answers were recorded."""

    history_exempt_reason = "places of a round, written once as it is walked; the round keeps the history"

    round = models.ForeignKey(
        InspectionRound, on_delete=models.CASCADE, related_name="stops", verbose_name=_("inspection round")
    )
    room = models.ForeignKey(
        "org.Room", on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    position = models.PositiveSmallIntegerField(default=0)
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visited by"),
    )
    scanned = models.BooleanField(_("QR scanned"), default=False)
    failed_count = models.PositiveSmallIntegerField(_("failed items"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("round stop")
        verbose_name_plural = _("round stops")
        ordering = ["round", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "room"], name="uniq_round_stop"),
        ]

    def __str__(self):
        return str(self.room)


class InspectionAnswer(models.Model):
    """The answer to one item at one stop; a failed answer keeps the hazard it raised."""

    history_exempt_reason = "answers of a round, written once as it is walked; the round keeps the history"

    stop = models.ForeignKey(
        RoundStop, on_delete=models.CASCADE, related_name="answers", verbose_name=_("stop")
    )
    item = models.ForeignKey(
        TemplateItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    passed = models.BooleanField(_("passed"), null=True)
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2, null=True, blank=True)
    choice = models.CharField(_("choice"), max_length=60, blank=True)
    text = models.CharField(_("note"), max_length=300, blank=True)
    failed = models.BooleanField(_("failed"), default=False)
    photo_entry = models.ForeignKey(
        "core.TimelineEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photos"),
    )
    hazard = models.ForeignKey(
        "safety.Hazard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hazard"),
    )

    class Meta:
        verbose_name = _("inspection answer")
        verbose_name_plural = _("inspection answers")
        ordering = ["stop", "item__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stop", "item"], name="uniq_answer_per_item"),
        ]

    def __str__(self):
        return f"{self.item}: {self.display}"

    @property
    def display(self) -> str:
        if self.item.answer_type == AnswerType.PASS_FAIL:
            return str(_("Pass") if self.passed else _("Fail"))
        if self.item.answer_type == AnswerType.NUMBER and self.value is not None:
            return f"{self.value.normalize():f} {self.item.unit}".strip()
        if self.item.answer_type == AnswerType.CHOICE:
            return self.choice
        if self.item.answer_type == AnswerType.PHOTO:
            return str(_("Photo")) if self.photo_entry_id else "—"
        return self.text


class EquipmentCheck(models.Model):
    """One piece of safety equipment marked ok or faulty during a round."""

    history_exempt_reason = "append-only check results of a piece of equipment"

    stop = models.ForeignKey(
        RoundStop,
        on_delete=models.CASCADE,
        related_name="equipment_checks",
        verbose_name=_("stop"),
    )
    equipment = models.ForeignKey(
        "safety.SafetyEquipment",
        on_delete=models.PROTECT,
        related_name="checks",
        verbose_name=_("equipment"),
    )
    ok = models.BooleanField(_("in order"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    hazard = models.ForeignKey(
        "safety.Hazard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hazard"),
    )

    class Meta:
        verbose_name = _("equipment check")
        verbose_name_plural = _("equipment checks")
        constraints = [
            models.UniqueConstraint(fields=["stop", "equipment"], name="uniq_equipment_check"),
        ]

    def __str__(self):
        return f"{self.equipment}: {'ok' if self.ok else 'faulty'}"

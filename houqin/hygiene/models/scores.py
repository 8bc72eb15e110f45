"""Hygiene areas, score sheets, rankings, red flag (卫生评比).

How a class is scored (the rule every page, export and test follows):

- a *sheet* is one inspector's marks for one class in one slot: the base score, minus the
  deductions (each at most its item's full marks), plus a bonus;
- a class's score for a *slot* (a school day, or a week when the school inspects weekly) is
  the average of its sheets in that slot, weighted by inspector kind when the school weights
  inspectors (unweighted by default: the plain average);
- a class's *week* score is the average of its slot scores that week; slots in which the class
  was not inspected are left out. A class not inspected at all in a week where other classes
  were is given the base score (no evidence, neither praised nor punished);
- the *term* total is the sum of the week scores over the weeks of the term in which the
  school inspected at all;
- ties share a rank (competition ranking 1, 1, 3) and are listed in class order (grade, then
  class number).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import TenantModel


class SlotMode(models.TextChoices):
    DAILY = "daily", _("Every school day")
    WEEKLY = "weekly", _("Once a week")


class InspectorKind(models.TextChoices):
    TEACHER = "teacher", _("Duty teacher")
    STUDENT = "student", _("Student council")


class AreaKind(models.TextChoices):
    CLASSROOM = "classroom", _("Classroom")
    CORRIDOR = "corridor", _("Corridor")
    STAIRS = "stairs", _("Stairs")
    TOILET = "toilet", _("Toilet")
    OUTDOOR = "outdoor", _("Outdoor area")
    OTHER = "other", _("Other")


class HygieneSettings(TenantModel):
    """One school's hygiene rules: slots, base score, inspector weights, praise and criticism."""

    history = HistoricalRecords()

    slot_mode = models.CharField(
        _("inspection slot"), max_length=10, choices=SlotMode.choices, default=SlotMode.DAILY
    )
    base_score = models.DecimalField(
        _("base score"), max_digits=6, decimal_places=2, default=Decimal("100")
    )
    weighted = models.BooleanField(
        _("weight inspectors"),
        default=False,
        help_text=_("Off: a slot's score is the plain average of its sheets."),
    )
    teacher_weight = models.DecimalField(
        _("duty teacher weight"), max_digits=4, decimal_places=2, default=Decimal("0.6")
    )
    student_weight = models.DecimalField(
        _("student council weight"), max_digits=4, decimal_places=2, default=Decimal("0.4")
    )
    praise_top = models.PositiveSmallIntegerField(
        _("praise the top classes of each grade"), default=3
    )
    criticise_below = models.DecimalField(
        _("criticise week scores below"), max_digits=6, decimal_places=2, default=Decimal("90")
    )

    class Meta:
        verbose_name = _("hygiene settings")
        verbose_name_plural = _("hygiene settings")
        constraints = [models.UniqueConstraint(fields=["school"], name="uniq_hygiene_settings")]

    def __str__(self):
        return str(_("Hygiene settings"))

    def weight_of(self, kind: str) -> Decimal:
        if not self.weighted:
            return Decimal("1")
        return self.teacher_weight if kind == InspectorKind.TEACHER else self.student_weight

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None


class HygieneArea(TenantModel):
    """卫生区: a place kept clean by a class or by the cleaning contractor, for one term."""

    history = HistoricalRecords()

    term = models.ForeignKey(
        "org.Term", on_delete=models.PROTECT, related_name="+", verbose_name=_("term")
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(
        _("kind"), max_length=20, choices=AreaKind.choices, default=AreaKind.CLASSROOM
    )
    room = models.ForeignKey(
        "org.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
    )
    school_class = models.ForeignKey(
        "org.SchoolClass",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hygiene_areas",
        verbose_name=_("class"),
    )
    company = models.ForeignKey(
        "org.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cleaning contractor"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hygiene area")
        verbose_name_plural = _("hygiene areas")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "term", "name"], name="uniq_hygiene_area_term_name"
            ),
            models.CheckConstraint(
                condition=(
                    Q(school_class__isnull=False, company__isnull=True)
                    | Q(school_class__isnull=True, company__isnull=False)
                ),
                name="hygiene_area_one_keeper",
                violation_error_message=_(
                    "Assign the area to a class or to a contractor (one of them)."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def keeper(self):
        return self.school_class or self.company

    def get_absolute_url(self):
        return reverse("hygiene:area_detail", args=[self.pk])

    @classmethod
    def owned_q(cls, access, action):
        if action != "view":
            return None
        q = Q(school_class_id__in=access.class_ids)
        if access.company_id:
            q |= Q(company_id=access.company_id)
        return q


class ScoreItem(TenantModel):
    """One line of the school's score sheet, e.g. "Floor" worth 10 points."""

    history = HistoricalRecords()

    name = models.CharField(_("item"), max_length=60)
    full_marks = models.DecimalField(_("full marks"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    hint = models.CharField(_("what to look at"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("score item")
        verbose_name_plural = _("score items")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="uniq_score_item_name"),
            models.CheckConstraint(
                condition=Q(full_marks__gt=0), name="score_item_full_marks_positive"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("hygiene:item_list")

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None


class ScoreSheet(TenantModel):
    """One inspector's marks for one class in one slot (检查评分表)."""

    history = HistoricalRecords()

    term = models.ForeignKey(
        "org.Term", on_delete=models.PROTECT, related_name="+", verbose_name=_("term")
    )
    school_class = models.ForeignKey(
        "org.SchoolClass",
        on_delete=models.PROTECT,
        related_name="hygiene_sheets",
        verbose_name=_("class"),
    )
    inspected_on = models.DateField(_("date"))
    slot = models.DateField(
        _("slot"), help_text=_("The day, or the Monday of the week for weekly inspection.")
    )
    week = models.DateField(_("week (Monday)"), db_index=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("inspector"),
    )
    inspector_kind = models.CharField(
        _("inspector kind"),
        max_length=10,
        choices=InspectorKind.choices,
        default=InspectorKind.TEACHER,
    )
    base_score = models.DecimalField(_("base score"), max_digits=6, decimal_places=2)
    deducted = models.DecimalField(
        _("deducted"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    bonus = models.DecimalField(_("bonus"), max_digits=5, decimal_places=2, default=Decimal("0"))
    bonus_reason = models.CharField(_("bonus reason"), max_length=200, blank=True)
    total = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["-inspected_on", "school_class__grade", "school_class__number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "slot", "inspector"], name="uniq_hygiene_sheet_per_slot"
            ),
        ]
        indexes = [models.Index(fields=["school", "week"], name="hygiene_sheet_school_week")]

    def __str__(self):
        return _("%(klass)s · %(date)s") % {"klass": self.school_class, "date": self.inspected_on}

    def get_absolute_url(self):
        return reverse("hygiene:sheet_detail", args=[self.pk])

    @classmethod
    def owned_q(cls, access, action):
        if action != "view":
            return None
        # Class teachers see their classes' sheets; inspectors the sheets they wrote.
        return Q(school_class_id__in=access.class_ids) | Q(inspector=access.user)


class ScoreDeduction(models.Model):
    """Points taken off one item of a sheet, with the reason (photos on the sheet's timeline)."""

    history_exempt_reason = "lines of a score sheet, which is withdrawn and scored again, never edited"

    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="deductions", verbose_name=_("score sheet")
    )
    item = models.ForeignKey(
        ScoreItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        ordering = ["item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "item"], name="uniq_hygiene_deduction_item"),
            models.CheckConstraint(condition=Q(points__gt=0), name="hygiene_deduction_positive"),
        ]

    def __str__(self):
        return f"{self.item}: -{self.points}"


class WeekPublication(TenantModel):
    """A week whose ranking has been published: its results are frozen in WeekResult rows."""

    history_exempt_reason = "append-only: one row per published week"

    week = models.DateField(_("week (Monday)"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("published week")
        verbose_name_plural = _("published weeks")
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["school", "week"], name="uniq_hygiene_week_published")
        ]

    def __str__(self):
        return str(self.week)

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None


class WeekResult(TenantModel):
    """A class's published result for one week; ``red_flag`` rows are the 流动红旗 history."""

    history_exempt_reason = "frozen results of a published week"

    publication = models.ForeignKey(
        WeekPublication, on_delete=models.CASCADE, related_name="results", verbose_name=_("week")
    )
    week = models.DateField(_("week (Monday)"))
    school_class = models.ForeignKey(
        "org.SchoolClass",
        on_delete=models.PROTECT,
        related_name="hygiene_results",
        verbose_name=_("class"),
    )
    score = models.DecimalField(_("week score"), max_digits=6, decimal_places=2)
    slots = models.PositiveSmallIntegerField(_("slots inspected"), default=0)
    grade_rank = models.PositiveSmallIntegerField(_("rank in grade"))
    school_rank = models.PositiveSmallIntegerField(_("rank in school"))
    red_flag = models.BooleanField(_("red flag"), default=False)
    praised = models.BooleanField(_("praised"), default=False)
    criticised = models.BooleanField(_("criticised"), default=False)

    class Meta:
        verbose_name = _("week result")
        verbose_name_plural = _("week results")
        ordering = ["-week", "school_class__grade", "grade_rank", "school_class__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "school_class"], name="uniq_hygiene_week_result"
            ),
        ]

    def __str__(self):
        return f"{self.school_class} {self.week}: {self.score}"

    @classmethod
    def owned_q(cls, access, action):
        # Published results are for the whole school to see.
        return Q() if action == "view" else None

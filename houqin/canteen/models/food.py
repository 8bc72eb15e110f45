"""Food-safety records of a day's meals: the meals and their dishes, food samples (留样),
tableware disinfection (餐具消毒) and accompanied meals (陪餐).

A meal (餐次) is one service of one day (breakfast, lunch or dinner) with the dishes served; the
per-meal rules (a sample of every dish, a leader eating with the students, disinfection after
the meal) are checked against the meals recorded. Writes go through ``services_food``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import TenantModel

USER = settings.AUTH_USER_MODEL


class MealKind(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast")
    LUNCH = "lunch", _("Lunch")
    DINNER = "dinner", _("Dinner")


MEAL_ORDER = {MealKind.BREAKFAST: 0, MealKind.LUNCH: 1, MealKind.DINNER: 2}


class CanteenSettings(TenantModel):
    """Which meals the school serves and who caters them (one row per school)."""

    serves_breakfast = models.BooleanField(_("serves breakfast"), default=False)
    serves_lunch = models.BooleanField(_("serves lunch"), default=True)
    serves_dinner = models.BooleanField(_("serves dinner"), default=False)
    caterer = models.ForeignKey(
        "org.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caterer"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("canteen settings")
        verbose_name_plural = _("canteen settings")
        constraints = [
            models.UniqueConstraint(fields=["school"], name="uniq_canteen_settings"),
        ]

    def __str__(self):
        return str(_("Canteen settings"))

    @property
    def meal_kinds(self) -> list[str]:
        kinds = []
        if self.serves_breakfast:
            kinds.append(MealKind.BREAKFAST)
        if self.serves_lunch:
            kinds.append(MealKind.LUNCH)
        if self.serves_dinner:
            kinds.append(MealKind.DINNER)
        return kinds


class Dish(TenantModel):
    """A dish on the school's list, to choose from when recording a meal."""

    name = models.CharField(_("name"), max_length=60)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dish")
        verbose_name_plural = _("dishes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="uniq_canteen_dish_name"),
        ]

    def __str__(self):
        return self.name


class Meal(TenantModel):
    """One meal served on one day (餐次), with its dishes."""

    date = models.DateField(_("date"))
    kind = models.CharField(_("meal"), max_length=10, choices=MealKind.choices)
    diners = models.PositiveIntegerField(_("diners"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meal")
        verbose_name_plural = _("meals")
        ordering = ["-date", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date", "kind"], name="uniq_canteen_meal"),
        ]
        indexes = [models.Index(fields=["school", "date"], name="canteen_meal_date_idx")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class MealDish(TenantModel):
    """A dish served at a meal (free text, or from the school's dish list)."""

    meal = models.ForeignKey(
        Meal, on_delete=models.CASCADE, related_name="dishes", verbose_name=_("meal")
    )
    name = models.CharField(_("dish"), max_length=60)
    dish = models.ForeignKey(
        Dish, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("dish on the list"),
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dish served")
        verbose_name_plural = _("dishes served")
        ordering = ["meal", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meal", "name"], name="uniq_canteen_meal_dish"),
        ]

    def __str__(self):
        return f"{self.meal} · {self.name}"


class FoodSample(TenantModel):
    """A kept sample of one dish of one meal (留样): weight, when, by whom, where, disposal."""

    meal = models.ForeignKey(
        Meal, on_delete=models.PROTECT, related_name="samples", verbose_name=_("meal")
    )
    meal_dish = models.OneToOneField(
        MealDish, on_delete=models.PROTECT, related_name="sample", verbose_name=_("dish")
    )
    grams = models.DecimalField(
        _("weight (g)"), max_digits=7, decimal_places=1, validators=[MinValueValidator(0)]
    )
    minimum_grams = models.DecimalField(
        _("minimum weight then (g)"), max_digits=7, decimal_places=1, editable=False, default=0,
        help_text=_("The school's minimum when the sample was recorded."),
    )  # fmt: skip
    taken_at = models.DateTimeField(_("taken at"))
    taken_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken by")
    )
    container = models.CharField(_("fridge / container"), max_length=60, blank=True)
    dispose_after = models.DateTimeField(_("dispose not before"))
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("disposed by"),
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("food sample")
        verbose_name_plural = _("food samples")
        ordering = ["-taken_at", "-pk"]
        indexes = [
            models.Index(
                fields=["school", "disposed_at", "dispose_after"], name="canteen_sample_due_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(grams__gte=0), name="canteen_sample_grams_positive"),
        ]

    def __str__(self):
        return f"{self.meal_dish} · {self.grams:g} g"

    @property
    def is_kept(self) -> bool:
        return self.disposed_at is None

    @property
    def may_dispose(self) -> bool:
        return self.disposed_at is None and timezone.now() >= self.dispose_after

    @staticmethod
    def dispose_time(taken_at, hours) -> object:
        return taken_at + timedelta(hours=int(hours))


class DisinfectionMethod(models.TextChoices):
    HEAT = "heat", _("Heat (boiling / hot water)")
    STEAM = "steam", _("Steam")
    CABINET = "cabinet", _("Disinfection cabinet")
    CHEMICAL = "chemical", _("Chemical (chlorine)")
    OTHER = "other", _("Other")


class Disinfection(TenantModel):
    """Tableware disinfected after a meal (餐具消毒)."""

    meal = models.ForeignKey(
        Meal, on_delete=models.PROTECT, related_name="disinfections", verbose_name=_("meal")
    )
    method = models.CharField(_("method"), max_length=10, choices=DisinfectionMethod.choices)
    items = models.CharField(
        _("items"), max_length=120, help_text=_("Bowls, plates, trays, spoons…")
    )
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    concentration = models.DecimalField(
        _("concentration (mg/L)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    minutes = models.PositiveSmallIntegerField(_("minutes"), validators=[MinValueValidator(1)])
    done_at = models.DateTimeField(_("done at"))
    done_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    done_by_name = models.CharField(_("done by (name)"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disinfection")
        verbose_name_plural = _("disinfections")
        ordering = ["-done_at", "-pk"]

    def __str__(self):
        return f"{self.meal} · {self.get_method_display()}"


class AccompaniedMeal(TenantModel):
    """A school leader ate the meal with the students (陪餐): rating, problems, action taken."""

    meal = models.ForeignKey(
        Meal, on_delete=models.PROTECT, related_name="accompaniments", verbose_name=_("meal")
    )
    leader = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("leader")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (poor) to 5 (very good)."),
    )  # fmt: skip
    problems = models.TextField(_("problems found"), blank=True)
    action = models.TextField(_("action taken"), blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accompanied meal")
        verbose_name_plural = _("accompanied meals")
        ordering = ["-meal__date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["meal", "leader"], name="uniq_canteen_accompanied"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="canteen_accompanied_rating_range"
            ),
        ]

    def __str__(self):
        return f"{self.meal} · {self.leader}"

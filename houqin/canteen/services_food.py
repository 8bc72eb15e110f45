"""Writes of the day's meal records: meals and dishes, food samples (留样) and their disposal,
disinfection (餐具消毒), accompanied meals (陪餐). Each checks the acting user's right, validates
against the school's compliance figures, writes in one transaction and records the timeline."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import compliance, timeline
from houqin.core.errors import DomainError
from houqin.core.errors import PermissionDenied as DomainPermissionDenied
from houqin.core.scoping import access_for
from houqin.org.roles import Role

from . import rules
from .models.food import (
    AccompaniedMeal,
    CanteenSettings,
    Dish,
    Disinfection,
    DisinfectionMethod,
    FoodSample,
    Meal,
    MealDish,
    MealKind,
)

# Who counts as a school leader for accompanied meals (学校相关负责人).
LEADER_ROLES = (Role.PRINCIPAL, Role.DIRECTOR, Role.DEPT_HEAD)


def require(by, school, perm: str):
    """The acting user's access in ``school``, or a refusal when they lack ``perm``."""
    access = access_for(by, school)
    if not access.is_member or not access.has_perm(perm):
        raise DomainPermissionDenied()
    return access


def school_id(obj) -> int:
    return getattr(obj, "pk", obj)


def settings_for(school) -> CanteenSettings:
    """The school's canteen settings (a default row, unsaved, until someone saves one)."""
    found = CanteenSettings.objects.filter(school_id=school_id(school)).first()
    return found or CanteenSettings(school_id=school_id(school))


@transaction.atomic
def save_settings(school, *, by, serves_breakfast, serves_lunch, serves_dinner, caterer=None):
    require(by, school, "canteen.change_canteensettings")
    if not (serves_breakfast or serves_lunch or serves_dinner):
        raise DomainError(_("Choose at least one meal the canteen serves."))
    row, _created = CanteenSettings.objects.update_or_create(
        school_id=school_id(school),
        defaults={
            "serves_breakfast": serves_breakfast,
            "serves_lunch": serves_lunch,
            "serves_dinner": serves_dinner,
            "caterer": caterer,
        },
    )
    return row


def _clean_names(names) -> list[str]:
    seen, out = set(), []
    for raw in names:
        name = (raw or "").strip()[:60]
        if name and name not in seen:
            seen.add(name)
            out.append(name)
    return out


@transaction.atomic
def record_meal(school, *, by, date, kind, dishes, diners=None, note="") -> Meal:
    """Record a meal served (or add dishes to it): the dishes by name, from the list or typed."""
    require(by, school, "canteen.add_meal")
    if kind not in MealKind.values:
        raise DomainError(_("Unknown meal."))
    names = _clean_names(dishes)
    if not names:
        raise DomainError(_("Name at least one dish served at this meal."))
    meal, created = Meal.objects.get_or_create(
        school_id=school_id(school), date=date, kind=kind,
        defaults={"diners": diners, "note": note or "", "recorded_by": by},
    )  # fmt: skip
    known = {d.name: d for d in Dish.objects.filter(school_id=meal.school_id, name__in=names)}
    have = set(meal.dishes.values_list("name", flat=True))
    start = len(have)
    new = [
        MealDish(
            school_id=meal.school_id, meal=meal, name=name, dish=known.get(name), position=start + i
        )
        for i, name in enumerate(n for n in names if n not in have)
    ]
    MealDish.objects.bulk_create(new)
    timeline.record(
        meal, by=by, kind=timeline.Kind.EVENT,
        text=(_("Meal recorded: %(dishes)s") if created else _("Dishes added: %(dishes)s"))
        % {"dishes": "、".join(d.name for d in new) or "—"},
    )  # fmt: skip
    return meal


def _grams(value) -> Decimal:
    try:
        grams = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter the sample's weight in grams.")) from None
    if not grams.is_finite() or grams <= 0:
        raise DomainError(_("Enter the sample's weight in grams."))
    return grams


def check_sample_weight(school, grams) -> Decimal:
    """Refuse a sample lighter than the school's minimum, naming the figure and its source."""
    minimum = Decimal(str(compliance.value(school, rules.SAMPLE_GRAMS.key)))
    if grams < minimum:
        raise DomainError(
            _(
                "A food sample must weigh at least %(minimum)s g (%(source)s); %(grams)s g is "
                "too little. Take a larger sample."
            )
            % {
                "minimum": f"{minimum:g}",
                "grams": f"{grams:g}",
                "source": rules.SAMPLE_GRAMS.source,
            }
        )
    return minimum


@transaction.atomic
def take_sample(meal_dish: MealDish, *, by, grams, taken_at=None, container="") -> FoodSample:
    """Record the kept sample of one dish; it may be disposed after the school's hours."""
    require(by, meal_dish.school_id, "canteen.add_foodsample")
    grams = _grams(grams)
    minimum = check_sample_weight(meal_dish.school_id, grams)
    if FoodSample.objects.filter(meal_dish=meal_dish).exists():
        raise DomainError(_("This dish already has a sample recorded."))
    taken_at = taken_at or timezone.now()
    hours = compliance.value(meal_dish.school_id, rules.SAMPLE_HOURS.key)
    sample = FoodSample(
        school_id=meal_dish.school_id,
        meal_id=meal_dish.meal_id,
        meal_dish=meal_dish,
        grams=grams,
        minimum_grams=minimum,
        taken_at=taken_at,
        taken_by=by,
        container=(container or "").strip()[:60],
        dispose_after=FoodSample.dispose_time(taken_at, hours),
    )
    sample.full_clean()
    try:
        with transaction.atomic():
            sample.save()
    except IntegrityError:
        raise DomainError(_("This dish already has a sample recorded.")) from None
    timeline.record(
        sample.meal, by=by, kind=timeline.Kind.EVENT,
        text=_("Sample of %(dish)s kept: %(grams)s g") % {"dish": meal_dish.name, "grams": f"{grams:g}"},
    )  # fmt: skip
    return sample


@transaction.atomic
def take_samples(meal: Meal, *, by, weights: dict, container="", taken_at=None) -> list[FoodSample]:
    """Samples of several dishes at once (the phone form): all are checked before any is kept."""
    require(by, meal.school_id, "canteen.add_foodsample")
    dishes = {d.pk: d for d in meal.dishes.all()}
    chosen = {}
    for dish_id, raw in weights.items():
        if raw in (None, ""):
            continue
        dish = dishes.get(int(dish_id))
        if dish is None:
            raise DomainError(_("That dish is not served at this meal."))
        try:
            chosen[dish] = _grams(raw)
            check_sample_weight(meal.school_id, chosen[dish])
        except DomainError as exc:
            raise DomainError(f"{dish.name}: {exc.message}") from None
    if not chosen:
        raise DomainError(_("Enter the weight of at least one sample."))
    return [
        take_sample(dish, by=by, grams=grams, container=container, taken_at=taken_at)
        for dish, grams in chosen.items()
    ]


@transaction.atomic
def dispose_sample(sample: FoodSample, *, by, at=None) -> FoodSample:
    """Record a sample thrown away: never before its keeping time is over."""
    require(by, sample.school_id, "canteen.change_foodsample")
    at = at or timezone.now()
    locked = FoodSample.objects.select_for_update().get(pk=sample.pk)
    if locked.disposed_at is not None:
        raise DomainError(_("This sample was already disposed of."))
    if at < locked.dispose_after:
        raise DomainError(
            _("This sample must be kept until %(time)s (%(hours)s hours, %(source)s).")
            % {
                "time": timezone.localtime(locked.dispose_after).strftime("%Y-%m-%d %H:%M"),
                "hours": compliance.value(sample.school_id, rules.SAMPLE_HOURS.key),
                "source": rules.SAMPLE_HOURS.source,
            }
        )
    FoodSample.objects.filter(pk=locked.pk).update(disposed_at=at, disposed_by=by)
    sample.disposed_at, sample.disposed_by = at, by
    timeline.record(
        locked.meal, by=by, kind=timeline.Kind.EVENT,
        text=_("Sample of %(dish)s disposed of") % {"dish": locked.meal_dish.name},
    )  # fmt: skip
    return sample


@transaction.atomic
def record_disinfection(
    meal: Meal, *, by, method, items, minutes, temperature=None, concentration=None,
    done_at=None, done_by_name="",
) -> Disinfection:  # fmt: skip
    """Tableware disinfected after the meal: heat needs a temperature, chemicals a strength."""
    require(by, meal.school_id, "canteen.add_disinfection")
    if method not in DisinfectionMethod.values:
        raise DomainError(_("Choose how the tableware was disinfected."))
    if method in (
        DisinfectionMethod.HEAT,
        DisinfectionMethod.STEAM,
        DisinfectionMethod.CABINET,
    ) and temperature in (None, ""):
        raise DomainError(_("Enter the temperature of the heat disinfection."))
    if method == DisinfectionMethod.CHEMICAL and concentration in (None, ""):
        raise DomainError(_("Enter the concentration of the disinfectant."))
    row = Disinfection(
        school_id=meal.school_id, meal=meal, method=method, items=(items or "").strip(),
        minutes=minutes, temperature=temperature or None, concentration=concentration or None,
        done_at=done_at or timezone.now(), done_by=by, done_by_name=(done_by_name or "").strip(),
    )  # fmt: skip
    row.full_clean()
    row.save()
    timeline.record(
        meal,
        by=by,
        kind=timeline.Kind.EVENT,
        text=_("Tableware disinfected: %(method)s") % {"method": row.get_method_display()},
    )
    return row


def is_leader(user, school) -> bool:
    access = access_for(user, school)
    return access.is_member and access.has_role(*LEADER_ROLES)


@transaction.atomic
def record_accompanied_meal(
    meal: Meal, *, by, leader=None, rating, problems="", action=""
) -> AccompaniedMeal:
    """A leader ate with the students: by the leader themself, or entered for them."""
    leader = leader or by
    if leader.pk != by.pk:
        require(by, meal.school_id, "canteen.change_accompaniedmeal")
    else:
        require(by, meal.school_id, "canteen.add_accompaniedmeal")
    if not is_leader(leader, meal.school_id):
        raise DomainError(
            _(
                "Only a school leader (principal, logistics director or department head) can accompany a meal."
            )
        )
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise DomainError(_("Rate the meal from 1 to 5."))
    if (problems or "").strip() and not (action or "").strip():
        raise DomainError(_("Say what was done about the problems found."))
    if AccompaniedMeal.objects.filter(meal=meal, leader=leader).exists():
        raise DomainError(_("%(leader)s has already recorded this meal.") % {"leader": leader})
    row = AccompaniedMeal.objects.create(
        school_id=meal.school_id, meal=meal, leader=leader, rating=rating,
        problems=(problems or "").strip(), action=(action or "").strip(), recorded_by=by,
    )  # fmt: skip
    timeline.record(
        meal,
        by=by,
        kind=timeline.Kind.EVENT,
        text=_("Accompanied by %(leader)s") % {"leader": leader},
    )
    return row

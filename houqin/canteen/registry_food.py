"""Registrations (imported by the app's ready()): food-safety records: samples, morning checks,
accompanied meals, goods, disinfection, certificates — roles, to-dos, scheduled jobs,
compliance statuses."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import compliance, todo
from houqin.org.roles import Role, grant

from . import jobs_food, rules, selectors_food  # noqa: F401  (jobs_food registers the jobs)

FOOD_MODELS = (
    "canteensettings", "dish", "meal", "mealdish", "foodsample", "disinfection", "accompaniedmeal",
    "foodhandler", "morningcheck", "dutyrecord", "goodscheck", "supplierlicence",
)  # fmt: skip


def perms(actions, models=FOOD_MODELS):
    return {f"canteen.{a}_{m}" for a in actions for m in models}


# The canteen manager keeps every record; the logistics director oversees and may do the same.
for _role in (Role.CANTEEN_MANAGER, Role.DIRECTOR):
    grant(_role, perms(["view", "add", "change", "delete"]))
# The caterer and the suppliers are companies of the school: the canteen manager picks them.
grant(Role.CANTEEN_MANAGER, {"org.view_company"})
# Leaders read everything and record the meals they accompany (陪餐).
grant(Role.PRINCIPAL, perms(["view"]) | {"canteen.add_accompaniedmeal"})
grant(Role.DEPT_HEAD, {"canteen.view_meal", "canteen.view_mealdish", "canteen.add_accompaniedmeal"})
for _role in (Role.CLERK, Role.AUDITOR, Role.DISTRICT_OFFICER):
    grant(_role, perms(["view"]))


# ---------------------------------------------------------------- compliance statuses

for _key, _func in (
    (rules.SAMPLE_GRAMS.key, selectors_food.status_sample_grams),
    (rules.SAMPLE_HOURS.key, selectors_food.status_sample_hours),
    (rules.SAMPLE_EVERY_DISH.key, selectors_food.status_sample_every_dish),
    (rules.ACCOMPANIED_MEAL.key, selectors_food.status_accompanied),
    (rules.MORNING_CHECK.key, selectors_food.status_morning_check),
    (rules.HEALTH_CERT_WARN_DAYS.key, selectors_food.status_certificates),
    (rules.GOODS_RECORD_MONTHS.key, selectors_food.status_goods),
    (rules.GOODS_RECORD_MONTHS_NO_SHELF_LIFE.key, selectors_food.status_goods_no_shelf_life),
    (rules.DISINFECTION_EVERY_MEAL.key, selectors_food.status_disinfection),
):
    compliance.register_status(_key, _func)


# ---------------------------------------------------------------- to-dos of the canteen manager


def _keeps_records(access) -> bool:
    return access.has_role(Role.CANTEEN_MANAGER) and access.has_perm("canteen.add_foodsample")


def _meals_with_gaps(access):
    from .models.food import AccompaniedMeal, Disinfection, Meal, MealDish

    return Meal.objects.filter(school_id=access.school_id, date=timezone.localdate()).filter(
        Exists(MealDish.objects.filter(meal=OuterRef("pk"), sample__isnull=True))
        | ~Exists(AccompaniedMeal.objects.filter(meal=OuterRef("pk")))
        | ~Exists(Disinfection.objects.filter(meal=OuterRef("pk")))
    )


def _gaps_counted(access):
    return _meals_with_gaps(access) if _keeps_records(access) else None


def _gaps_items(access, limit):
    if not _keeps_records(access):
        return []
    url = reverse("canteen:today")
    items = []
    for meal in selectors_food.with_flags(_meals_with_gaps(access)).order_by("kind")[:limit]:
        items.append(
            todo.TodoItem(
                title=f"{meal}: {', '.join(str(g) for g in selectors_food.meal_gaps(meal))}",
                url=url,
                source="canteen.meal_gaps",
                module=str(_("Canteen")),
                urgent=True,
                created_at=meal.created_at,
            )  # fmt: skip
        )
    return items


def _unchecked(access):
    from .models.staff import DutyRecord, MorningCheck

    return DutyRecord.objects.filter(school_id=access.school_id, date=timezone.localdate()).filter(
        ~Exists(MorningCheck.objects.filter(handler=OuterRef("handler"), date=OuterRef("date")))
    )


def _unchecked_counted(access):
    return _unchecked(access) if _keeps_records(access) else None


def _unchecked_items(access, limit):
    if not _keeps_records(access):
        return []
    url = reverse("canteen:today")
    return [
        todo.TodoItem(
            title=str(
                _("%(name)s is on duty without a morning check") % {"name": duty.handler.name}
            ),
            url=url,
            source="canteen.unchecked",
            module=str(_("Canteen")),
            urgent=True,
            created_at=duty.created_at,
        )  # fmt: skip
        for duty in _unchecked(access).select_related("handler")[:limit]
    ]


def _dispose(access):
    from .models.food import FoodSample

    return FoodSample.objects.filter(
        Q(school_id=access.school_id), disposed_at__isnull=True, dispose_after__lte=timezone.now()
    )


def _dispose_counted(access):
    return _dispose(access) if _keeps_records(access) else None


def _dispose_items(access, limit):
    if not _keeps_records(access):
        return []
    n = _dispose(access).count()
    if not n:
        return []
    return [
        todo.TodoItem(
            title=str(_("%(n)d food samples may be disposed of") % {"n": n}),
            url=reverse("canteen:sample_list") + "?kept=1",
            source="canteen.dispose",
            module=str(_("Canteen")),
        )  # fmt: skip
    ]


for _source in (
    todo.TodoSource(
        key="canteen.meal_gaps",
        label=_("Today's meals with missing records"),
        items=_gaps_items,
        counted=_gaps_counted,
    ),
    todo.TodoSource(
        key="canteen.unchecked",
        label=_("Handlers on duty without a morning check"),
        items=_unchecked_items,
        counted=_unchecked_counted,
    ),
    todo.TodoSource(
        key="canteen.dispose",
        label=_("Food samples to dispose of"),
        items=_dispose_items,
        counted=_dispose_counted,
    ),
):
    todo.register(_source)

"""Reads of the canteen's records: what each meal has and lacks, the day's missing records, and
how the school stands on each canteen rule this term — each in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as date_type
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import compliance
from houqin.core.compliance import RuleStatus

from . import rules
from .models.food import AccompaniedMeal, Disinfection, FoodSample, Meal, MealKind
from .models.goods import GoodsCheck, SupplierLicence
from .models.staff import DutyRecord, FoodHandler, MorningCheck


def with_flags(meals):
    """Meals annotated with their dish and sample counts and whether they were accompanied and
    disinfected (one query however many meals)."""
    return meals.annotate(
        dish_count=Count("dishes", distinct=True),
        sample_count=Count("samples", distinct=True),
        accompanied=Exists(AccompaniedMeal.objects.filter(meal=OuterRef("pk"))),
        disinfected=Exists(Disinfection.objects.filter(meal=OuterRef("pk"))),
    )


def meal_gaps(meal) -> list[str]:
    """What an annotated meal still lacks, as short phrases."""
    gaps = []
    if meal.sample_count < meal.dish_count:
        gaps.append(
            _("%(n)d of %(total)d dishes without a sample")
            % {"n": meal.dish_count - meal.sample_count, "total": meal.dish_count}
        )
    if not meal.accompanied:
        gaps.append(_("no accompanied meal (陪餐)"))
    if not meal.disinfected:
        gaps.append(_("no disinfection record"))
    return gaps


@dataclass
class DayStatus:
    day: date_type
    meals: list = field(default_factory=list)  # annotated meals with dishes/samples prefetched
    expected_kinds: list = field(default_factory=list)  # meals the school serves, not yet recorded
    unchecked: list = field(default_factory=list)  # handlers on duty without a morning check
    handlers: list = field(default_factory=list)  # active handlers with .check and .on_duty

    @property
    def missing(self) -> list[str]:
        """Every missing record of the day, one line each (for alerts and the to-do)."""
        lines = []
        for meal in self.meals:
            for gap in meal_gaps(meal):
                lines.append(f"{meal.get_kind_display()}: {gap}")
        for handler in self.unchecked:
            lines.append(_("%(name)s is on duty without a morning check") % {"name": handler.name})
        return lines


def day_status(school, day: date_type, *, with_handlers: bool = False) -> DayStatus:
    """The day's meals with what they have and lack; handlers on duty without a check."""
    from .services_food import settings_for

    school_id = getattr(school, "pk", school)
    meals = list(
        with_flags(Meal.objects.filter(school_id=school_id, date=day))
        .prefetch_related("dishes__sample", "accompaniments__leader", "disinfections")
        .order_by("kind")
    )
    meals.sort(key=lambda m: [MealKind.BREAKFAST, MealKind.LUNCH, MealKind.DINNER].index(m.kind))
    recorded = {m.kind for m in meals}
    status = DayStatus(day=day, meals=meals)
    status.expected_kinds = [k for k in settings_for(school_id).meal_kinds if k not in recorded]
    checked = MorningCheck.objects.filter(handler=OuterRef("handler"), date=day)
    status.unchecked = [
        d.handler
        for d in DutyRecord.objects.filter(school_id=school_id, date=day)
        .annotate(checked=Exists(checked))
        .filter(checked=False)
        .select_related("handler")
        .order_by("handler__name", "handler_id")
    ]
    # One handler on duty for two meals is one line.
    status.unchecked = list({h.pk: h for h in status.unchecked}.values())
    if with_handlers:
        checks = {
            c.handler_id: c for c in MorningCheck.objects.filter(school_id=school_id, date=day)
        }
        on_duty = set(
            DutyRecord.objects.filter(school_id=school_id, date=day).values_list(
                "handler_id", flat=True
            )
        )
        handlers = list(
            FoodHandler.objects.filter(school_id=school_id, is_active=True).select_related(
                "company"
            )
        )
        for handler in handlers:
            handler.check = checks.get(handler.pk)
            handler.on_duty = handler.pk in on_duty
            handler.cert_ok = handler.certificate_valid_on(day)
        status.handlers = handlers
    return status


# ---------------------------------------------------------------- certificates and licences


def certificates_due(school, today: date_type | None = None):
    """Active handlers whose health certificate has expired or expires within the warning days."""
    today = today or timezone.localdate()
    days = int(compliance.value(school, rules.HEALTH_CERT_WARN_DAYS.key))
    return (
        FoodHandler.objects.filter(school_id=getattr(school, "pk", school), is_active=True)
        .filter(
            Q(certificate_expires__isnull=True)
            | Q(certificate_expires__lte=today + timedelta(days=days))
        )
        .select_related("company")
        .order_by("certificate_expires", "name")
    )


def licences_due(school, today: date_type | None = None, days: int = 30):
    today = today or timezone.localdate()
    return (
        SupplierLicence.objects.filter(
            school_id=getattr(school, "pk", school),
            expires__isnull=False,
            expires__lte=today + timedelta(days=days),
        )
        .select_related("company")
        .order_by("expires")
    )


def samples_to_dispose(school, now=None):
    now = now or timezone.now()
    return FoodSample.objects.filter(
        school_id=getattr(school, "pk", school), disposed_at__isnull=True, dispose_after__lte=now
    )


# ---------------------------------------------------------------- compliance statuses


def _term_meals(school, term, today):
    end = min(term.end_date, today)
    return Meal.objects.filter(
        school_id=getattr(school, "pk", school), date__gte=term.start_date, date__lte=end
    )


def _url(name: str) -> str:
    return reverse(name)


def _per_meal_status(school, term, today, *, done_q, label, url_name) -> RuleStatus:
    """Meals so far this term; done when ``done_q``; past meals without it are missed (today's
    meals may still get their record)."""
    # One row per meal of the term (a few hundred at most): counted here, in one query.
    meals = with_flags(_term_meals(school, term, today))
    rows = list(
        meals.values_list("date", "dish_count", "sample_count", "accompanied", "disinfected")
    )
    due = len(rows)
    done = sum(1 for r in rows if done_q(r))
    missed = sum(1 for r in rows if not done_q(r) and r[0] < today)
    detail = label % {"n": missed} if missed else ""
    return RuleStatus(due=due, done=done, missed=missed, detail=detail, url=_url(url_name))


def status_sample_every_dish(school, term, today) -> RuleStatus:
    return _per_meal_status(
        school, term, today, done_q=lambda r: r[1] > 0 and r[2] >= r[1],
        label=_("%(n)d meals with a dish without a sample"), url_name="canteen:meal_list",
    )  # fmt: skip


def status_accompanied(school, term, today) -> RuleStatus:
    return _per_meal_status(
        school, term, today, done_q=lambda r: r[3],
        label=_("%(n)d meals without an accompanied-meal record"), url_name="canteen:meal_list",
    )  # fmt: skip


def status_disinfection(school, term, today) -> RuleStatus:
    return _per_meal_status(
        school, term, today, done_q=lambda r: r[4],
        label=_("%(n)d meals without a disinfection record"), url_name="canteen:disinfection_list",
    )  # fmt: skip


def status_sample_grams(school, term, today) -> RuleStatus:
    """Samples of the term weighed against today's minimum (a school that raised it sees the
    older light samples)."""
    minimum = compliance.value(school, rules.SAMPLE_GRAMS.key)
    samples = FoodSample.objects.filter(
        school_id=getattr(school, "pk", school),
        meal__date__gte=term.start_date,
        meal__date__lte=min(term.end_date, today),
    )
    counts = samples.aggregate(due=Count("pk"), light=Count("pk", filter=Q(grams__lt=minimum)))
    light = counts["light"]
    return RuleStatus(
        due=counts["due"], done=counts["due"] - light, missed=light,
        detail=_("%(n)d samples under %(g)s g") % {"n": light, "g": minimum} if light else "",
        url=_url("canteen:sample_list"),
    )  # fmt: skip


def status_sample_hours(school, term, today) -> RuleStatus:
    """Disposed samples kept the school's hours; kept samples past their time are listed."""
    hours = int(compliance.value(school, rules.SAMPLE_HOURS.key))
    samples = list(
        FoodSample.objects.filter(
            school_id=getattr(school, "pk", school), meal__date__gte=term.start_date,
            meal__date__lte=min(term.end_date, today), disposed_at__isnull=False,
        ).values_list("taken_at", "disposed_at")
    )  # fmt: skip
    early = sum(1 for taken, disposed in samples if disposed - taken < timedelta(hours=hours))
    waiting = samples_to_dispose(school).count()
    detail = []
    if early:
        detail.append(_("%(n)d samples disposed of too early") % {"n": early})
    if waiting:
        detail.append(_("%(n)d samples may now be disposed of") % {"n": waiting})
    return RuleStatus(
        due=len(samples), done=len(samples) - early, missed=early, detail="; ".join(detail),
        url=_url("canteen:sample_list"),
    )  # fmt: skip


def status_morning_check(school, term, today) -> RuleStatus:
    """Handler-days on duty this term, and how many had their morning check."""
    checked = MorningCheck.objects.filter(handler=OuterRef("handler_id"), date=OuterRef("date"))
    rows = list(
        DutyRecord.objects.filter(
            school_id=getattr(school, "pk", school), date__gte=term.start_date, date__lte=min(term.end_date, today)
        )
        .values("handler_id", "date")
        .distinct()
        .annotate(checked=Exists(checked))
        .values_list("handler_id", "date", "checked")
    )  # fmt: skip
    days = {(h, d): c for h, d, c in rows}
    missed = sum(1 for c in days.values() if not c)
    return RuleStatus(
        due=len(days), done=len(days) - missed, missed=missed,
        detail=_("%(n)d handler-days on duty without a morning check") % {"n": missed} if missed else "",
        url=_url("canteen:check_list"),
    )  # fmt: skip


def status_certificates(school, term, today) -> RuleStatus:
    days = int(compliance.value(school, rules.HEALTH_CERT_WARN_DAYS.key))
    counts = FoodHandler.objects.filter(
        school_id=getattr(school, "pk", school), is_active=True
    ).aggregate(
        due=Count("pk"),
        expired=Count(
            "pk", filter=Q(certificate_expires__isnull=True) | Q(certificate_expires__lt=today)
        ),
        soon=Count(
            "pk",
            filter=Q(
                certificate_expires__gte=today,
                certificate_expires__lte=today + timedelta(days=days),
            ),
        ),
    )
    detail = []
    if counts["expired"]:
        detail.append(
            _("%(n)d handlers without a valid health certificate") % {"n": counts["expired"]}
        )
    if counts["soon"]:
        detail.append(
            _("%(n)d certificates expire within %(d)d days") % {"n": counts["soon"], "d": days}
        )
    return RuleStatus(
        due=counts["due"], done=counts["due"] - counts["expired"], open=counts["expired"],
        detail="; ".join(detail), url=_url("canteen:handler_list"),
    )  # fmt: skip


def _goods_status(school, term, today, *, with_shelf_life: bool) -> RuleStatus:
    checks = GoodsCheck.objects.filter(
        school_id=getattr(school, "pk", school), date__gte=term.start_date, date__lte=min(term.end_date, today),
        shelf_life_days__isnull=not with_shelf_life,
    )  # fmt: skip
    counts = checks.aggregate(
        due=Count("pk"),
        missing=Count(
            "pk", filter=Q(accepted=True) & (Q(licence_seen=False) | Q(certificate_seen=False))
        ),
    )
    expired = 0
    if with_shelf_life:
        expired = SupplierLicence.objects.filter(
            school_id=getattr(school, "pk", school), expires__lt=today
        ).count()
    detail = []
    if counts["missing"]:
        detail.append(
            _("%(n)d accepted deliveries without the supplier's documents")
            % {"n": counts["missing"]}
        )
    if expired:
        detail.append(_("%(n)d supplier licences expired") % {"n": expired})
    return RuleStatus(
        due=counts["due"], done=counts["due"] - counts["missing"], missed=counts["missing"], open=expired,
        detail="; ".join(detail), url=_url("canteen:goods_list"),
    )  # fmt: skip


def status_goods(school, term, today) -> RuleStatus:
    return _goods_status(school, term, today, with_shelf_life=True)


def status_goods_no_shelf_life(school, term, today) -> RuleStatus:
    return _goods_status(school, term, today, with_shelf_life=False)

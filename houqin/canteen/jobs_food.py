"""The canteen's daily jobs: at 14:00 and 20:00 the canteen manager and the logistics director
hear of today's missing records; at 08:00 of health certificates about to expire. Each school is
told at most once per slot and day, however often the job runs."""

from __future__ import annotations

from datetime import date as date_type

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core.models import Notification
from houqin.core.notify import notify
from houqin.core.scheduler import periodic
from houqin.org.models import Holiday, Membership, School
from houqin.org.roles import Role
from houqin.org.terms import term_on

from .models.food import CanteenSettings, Meal
from .models.staff import FoodHandler
from .selectors_food import certificates_due, day_status

CATEGORY = "canteen"


def is_school_day(school, day: date_type) -> bool:
    """A weekday inside one of the school's terms and outside its holidays."""
    if day.weekday() >= 5:
        return False
    term = term_on(school, day)
    if term is None or not term.start_date <= day <= term.end_date:
        return False
    return not Holiday.objects.filter(
        school=school, start_date__lte=day, end_date__gte=day
    ).exists()


def recipients(school, roles=(Role.CANTEEN_MANAGER, Role.DIRECTOR)) -> list:
    memberships = (
        Membership.objects.filter(
            school=school, is_active=True, roles__role__in=roles, user__is_active=True
        )
        .select_related("user")
        .distinct()
    )
    return [m.user for m in memberships]


def canteen_schools():
    """Schools that keep canteen records (settings saved, or meals or handlers recorded)."""
    ids = set(CanteenSettings.objects.values_list("school_id", flat=True))
    ids |= set(
        FoodHandler.objects.filter(is_active=True).values_list("school_id", flat=True).distinct()
    )
    ids |= set(Meal.objects.values_list("school_id", flat=True).distinct())
    return School.objects.filter(pk__in=ids, is_active=True)


def missing_lines(school, day: date_type) -> list[str]:
    status = day_status(school, day)
    lines = status.missing
    if status.expected_kinds and is_school_day(school, day):
        from .models.food import MealKind

        names = "、".join(str(MealKind(k).label) for k in status.expected_kinds)
        lines.insert(0, _("Meals not recorded yet: %(meals)s") % {"meals": names})
    return lines


def alert_missing_records(school, day: date_type, *, slot: str) -> int:
    """Notify the canteen manager and director of today's missing records (once per slot)."""
    lines = missing_lines(school, day)
    if not lines:
        return 0
    title = _("Canteen records missing on %(day)s (%(slot)s)") % {
        "day": day.isoformat(),
        "slot": slot,
    }
    if Notification.objects.filter(school=school, category=CATEGORY, title=title).exists():
        return 0
    people = recipients(school)
    notify(
        recipients=people, title=title, body="\n".join(lines), url=reverse("canteen:today"),
        category=CATEGORY, school=school, level=Notification.Level.WARNING,
    )  # fmt: skip
    return len(people)


def run_missing_records(now, slot: str) -> int:
    day = timezone.localdate(now)
    return sum(alert_missing_records(school, day, slot=slot) for school in canteen_schools())


@periodic("canteen.missing_records_14", hour=14, minute=0)
def missing_records_afternoon(now):
    return run_missing_records(now, "14:00")


@periodic("canteen.missing_records_20", hour=20, minute=0)
def missing_records_evening(now):
    return run_missing_records(now, "20:00")


def alert_certificates(school, today: date_type) -> int:
    due = list(certificates_due(school, today))
    if not due:
        return 0
    title = _("Health certificates to renew (%(day)s)") % {"day": today.isoformat()}
    if Notification.objects.filter(school=school, category=CATEGORY, title=title).exists():
        return 0
    none = _("none on record")
    lines = [
        f"{h.name}: {h.certificate_expires.isoformat() if h.certificate_expires else none}"
        for h in due
    ]
    people = recipients(school, (Role.CANTEEN_MANAGER,))
    notify(
        recipients=people, title=title, body="\n".join(lines), url=reverse("canteen:certificate_list"),
        category=CATEGORY, school=school, level=Notification.Level.WARNING,
    )  # fmt: skip
    return len(people)


@periodic("canteen.health_certificates", hour=8, minute=0)
def certificates_weekly(now):
    today = timezone.localdate(now)
    if today.weekday() != 0:  # Mondays: a weekly reminder, not a daily nag
        return 0
    return sum(alert_certificates(school, today) for school in canteen_schools())

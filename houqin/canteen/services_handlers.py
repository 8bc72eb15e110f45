"""Writes of food handlers (从业人员): the register, morning checks (晨检) and duty.

Nobody is put on duty who was excluded at the morning check, who has no check that day, or whose
health certificate has expired (学校食品安全与营养健康管理规定 第二十七条)."""

from __future__ import annotations

from datetime import date as date_type
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import timeline
from houqin.core.errors import DomainError

from . import rules
from .models.food import MealKind
from .models.staff import DutyRecord, FoodHandler, MorningCheck
from .services_food import require

FEVER_FROM = Decimal("37.3")  # 体温 ≥ 37.3 °C counts as fever


@transaction.atomic
def save_handler(handler: FoodHandler, *, by) -> FoodHandler:
    """Add or change a handler (from a validated form or the API)."""
    require(
        by,
        handler.school_id,
        "canteen.add_foodhandler" if handler._state.adding else "canteen.change_foodhandler",
    )
    if (
        handler.certificate_issued
        and handler.certificate_expires
        and handler.certificate_expires < handler.certificate_issued
    ):
        raise DomainError(_("The certificate cannot expire before it was issued."))
    adding = handler._state.adding
    handler.full_clean()
    handler.save()
    if adding:
        timeline.record(handler, by=by, kind=timeline.Kind.EVENT, text=_("Handler registered"))
    return handler


def _temperature(value):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter the temperature in °C, e.g. 36.5.")) from None
    if not Decimal("34") <= number <= Decimal("43"):
        raise DomainError(
            _("A body temperature of %(t)s °C is not plausible: check the reading.") % {"t": number}
        )
    return number


@transaction.atomic
def record_check(
    handler: FoodHandler, *, by, date=None, temperature=None, fever=False, diarrhoea=False,
    skin_wound=False, sore_throat=False, other_symptoms="", hands_ok=True, exclusion_reason="",
) -> MorningCheck:  # fmt: skip
    """A handler's morning check: any symptom (or a fever reading) excludes them from work that
    day (and takes them off duty); the reason is recorded. A second check of the day replaces
    the first."""
    require(by, handler.school_id, "canteen.add_morningcheck")
    if not handler.is_active:
        raise DomainError(_("%(name)s no longer works here.") % {"name": handler.name})
    day = date or timezone.localdate()
    temp = _temperature(temperature)
    fever = bool(fever) or (temp is not None and temp >= FEVER_FROM)
    other_symptoms = (other_symptoms or "").strip()[:120]
    symptoms = fever or diarrhoea or skin_wound or sore_throat or other_symptoms or not hands_ok
    reason = (exclusion_reason or "").strip()[:200]
    if symptoms and not reason:
        parts = [str(label) for flag, label in (
            (fever, _("fever")), (diarrhoea, _("diarrhoea")), (skin_wound, _("skin wound or infection")),
            (sore_throat, _("sore throat")), (not hands_ok, _("hands not clean")),
        ) if flag]  # fmt: skip
        if other_symptoms:
            parts.append(other_symptoms)
        reason = "、".join(parts)[:200]
    check, _created = MorningCheck.objects.update_or_create(
        handler=handler, date=day,
        defaults={
            "school_id": handler.school_id, "temperature": temp, "fever": fever,
            "diarrhoea": bool(diarrhoea), "skin_wound": bool(skin_wound), "sore_throat": bool(sore_throat),
            "other_symptoms": other_symptoms, "hands_ok": bool(hands_ok), "fit": not symptoms,
            "exclusion_reason": reason if symptoms else "", "checked_at": timezone.now(), "checked_by": by,
        },
    )  # fmt: skip
    if symptoms:
        # Excluded: off duty that day, even if someone put them on duty before the check.
        DutyRecord.objects.filter(handler=handler, date=day).delete()
        timeline.record(
            handler,
            by=by,
            kind=timeline.Kind.EVENT,
            text=_("Excluded from work on %(day)s: %(reason)s") % {"day": day, "reason": reason},
        )
    return check


def duty_refusal(handler: FoodHandler, day: date_type, check: MorningCheck | None) -> str | None:
    """Why ``handler`` cannot be on duty on ``day`` (None when they can)."""
    if not handler.is_active:
        return _("%(name)s no longer works here.") % {"name": handler.name}
    if not handler.certificate_valid_on(day):
        if handler.certificate_expires is None:
            return _(
                "%(name)s has no health certificate on record: nobody works with food without one."
            ) % {"name": handler.name}
        return _(
            "%(name)s's health certificate expired on %(date)s: renew it before they work (%(source)s)."
        ) % {
            "name": handler.name,
            "date": handler.certificate_expires,
            "source": rules.HEALTH_CERT_WARN_DAYS.source,
        }
    if check is None:
        return _("%(name)s has no morning check on %(day)s: check them before they work.") % {
            "name": handler.name,
            "day": day,
        }
    if not check.fit:
        return _("%(name)s was excluded at the morning check (%(reason)s) and cannot be on duty on %(day)s.") % {
            "name": handler.name, "reason": check.exclusion_reason, "day": day,
        }  # fmt: skip
    return None


@transaction.atomic
def put_on_duty(handler: FoodHandler, *, by, date=None, meal_kind="") -> DutyRecord:
    """Put a handler on duty for a day (or one meal of it) — refused with a clear reason."""
    require(by, handler.school_id, "canteen.add_dutyrecord")
    day = date or timezone.localdate()
    if meal_kind and meal_kind not in MealKind.values:
        raise DomainError(_("Unknown meal."))
    locked = FoodHandler.objects.select_for_update().get(pk=handler.pk)
    check = MorningCheck.objects.filter(handler=locked, date=day).first()
    refusal = duty_refusal(locked, day, check)
    if refusal:
        raise DomainError(refusal)
    duty, created = DutyRecord.objects.get_or_create(
        handler=locked, date=day, meal_kind=meal_kind or "",
        defaults={"school_id": locked.school_id, "recorded_by": by},
    )  # fmt: skip
    return duty


@transaction.atomic
def put_many_on_duty(handlers, *, by, date=None, meal_kind="") -> list[DutyRecord]:
    """Everyone chosen, or nobody: the first refusal names who cannot work."""
    return [put_on_duty(h, by=by, date=date, meal_kind=meal_kind) for h in handlers]


@transaction.atomic
def withdraw_duty(duty: DutyRecord, *, by) -> None:
    require(by, duty.school_id, "canteen.delete_dutyrecord")
    timeline.record(
        duty.handler,
        by=by,
        kind=timeline.Kind.EVENT,
        text=_("Taken off duty on %(day)s") % {"day": duty.date},
    )
    duty.delete()

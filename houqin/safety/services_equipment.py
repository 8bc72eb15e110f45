"""Safety equipment writes and dates: the next check follows the kind's interval (extinguishers
from the school's ``safety.extinguisher_check_months``, alarms from the yearly fire-systems test,
the rest monthly); expiry and refill dates are listed as due, and highlighted 30 days ahead."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from houqin.core import compliance, timeline
from houqin.core.errors import PermissionDenied
from houqin.core.scoping import access_for

from .models.equipment import EquipmentKind, EquipmentStatus, SafetyEquipment

SOON_DAYS = 30
INTERVAL_RULES = {
    EquipmentKind.EXTINGUISHER: "safety.extinguisher_check_months",
    EquipmentKind.ALARM: "safety.fire_system_test_months",
}


def interval_months(school, kind: str) -> int:
    key = INTERVAL_RULES.get(kind)
    return max(int(compliance.value(school, key)), 1) if key else 1


def next_check_after(piece: SafetyEquipment, day: date) -> date:
    return day + relativedelta(months=interval_months(piece.school_id, piece.kind))


def due_q(today: date) -> Q:
    """Equipment whose check, refill or expiry date has come."""
    return Q(next_check_on__lte=today) | Q(refill_due_on__lte=today) | Q(expires_on__lte=today)


def expired_q(today: date) -> Q:
    return Q(expires_on__lte=today)


def soon_q(today: date) -> Q:
    soon = today + timedelta(days=SOON_DAYS)
    return (
        Q(next_check_on__gt=today, next_check_on__lte=soon)
        | Q(expires_on__gt=today, expires_on__lte=soon)
        | Q(refill_due_on__gt=today, refill_due_on__lte=soon)
    )


def state_of(piece: SafetyEquipment, today: date) -> str:
    """ "expired", "due", "soon" or "" for the list's highlighting."""
    soon = today + timedelta(days=SOON_DAYS)
    if piece.expires_on and piece.expires_on <= today:
        return "expired"
    dates = [d for d in (piece.next_check_on, piece.refill_due_on) if d]
    if any(d <= today for d in dates):
        return "due"
    if any(d <= soon for d in [*dates, *([piece.expires_on] if piece.expires_on else [])]):
        return "soon"
    return ""


@transaction.atomic
def save_equipment(piece: SafetyEquipment, *, by) -> SafetyEquipment:
    """Add or change a piece of equipment; its next check follows its last one when not given."""
    access = access_for(by, piece.school_id)
    perm = "safety.add_safetyequipment" if piece._state.adding else "safety.change_safetyequipment"
    if not access.is_member or not access.has_perm(perm):
        raise PermissionDenied(_("You may not change the equipment register."))
    if piece.last_checked_on and not piece.next_check_on:
        piece.next_check_on = next_check_after(piece, piece.last_checked_on)
    adding = piece._state.adding
    piece.full_clean()
    piece.save()
    if adding:
        timeline.record(
            piece, by=by, kind=timeline.Kind.EVENT, text=str(_("Added to the register"))
        )
    return piece


__all__ = ["EquipmentStatus", "save_equipment", "next_check_after", "state_of"]

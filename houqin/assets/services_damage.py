"""Damage and compensation (公物损坏赔偿): record, assess, pay, waive, link the repair.

The school rule (SPEC §6) suggests the amount by cause: normal wear is waived; negligence pays
the asset's unit price (or the repair cost); deliberate damage pays double; when nobody owns
up the class pays and loses class-assessment points. Class teachers record damage in their
own classes; the asset keepers (director, clerk) record any, assess, take payments and waive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.apps import apps
from django.db import transaction
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import timeline
from houqin.core.attachments import validate_upload
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.scoping import access_for
from houqin.core.states import StateMachine, Transition, has_perm

from .models import DamageCause, DamageRecord, DamageStatus

CENT = Decimal("0.01")
ADD_PERM = "assets.add_damagerecord"
MANAGE_PERM = "assets.change_damagerecord"
# Points a class loses when nobody owns up, unless the recorder says otherwise.
DEFAULT_CLASS_POINTS = Decimal("1")
MAX_PHOTOS = 10

MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition(
            "settle",
            source={DamageStatus.OPEN},
            target=DamageStatus.PAID,
            system_only=True,
            label=_("Paid in full"),
        ),
        Transition(
            "waive",
            source={DamageStatus.OPEN},
            target=DamageStatus.WAIVED,
            allowed=has_perm(MANAGE_PERM),
            label=_("Waive"),
        ),
    ],
)


@dataclass(frozen=True)
class Suggestion:
    """What the school rule proposes for a cause: the amount, class points, waived or not."""

    amount: Decimal
    class_points: Decimal
    waived: bool
    basis: str


def _amount(value, message, *, allow_zero=True) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(message) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise DomainError(message)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def suggest(*, cause: str, asset=None, repair_cost=None) -> Suggestion:
    """The amount the school rule suggests (the recorder may change it)."""
    if repair_cost not in (None, ""):
        base = _amount(repair_cost, _("The repair cost must be a positive amount."))
        basis = str(_("the repair cost"))
    elif asset is not None:
        base = asset.unit_price
        basis = str(_("the asset's unit value"))
    else:
        base = Decimal("0")
        basis = ""
    if cause == DamageCause.WEAR:
        return Suggestion(Decimal("0"), Decimal("0"), True, str(_("normal wear is waived")))
    if cause == DamageCause.DELIBERATE:
        return Suggestion(
            base * 2, Decimal("0"), False, str(_("double %(basis)s") % {"basis": basis})
        )
    if cause == DamageCause.UNKNOWN:
        return Suggestion(base, DEFAULT_CLASS_POINTS, False, basis)
    return Suggestion(base, Decimal("0"), False, basis)


def _may_manage(access) -> bool:
    return access.is_member and access.has_perm(MANAGE_PERM)


def _check_photos(photos) -> list:
    photos = [p for p in (photos or ()) if p]
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("At most %(count)d photos can be added.") % {"count": MAX_PHOTOS})
    for photo in photos:
        validate_upload(photo)
    return photos


def _check_work_order(work_order, school_id):
    if work_order is not None and work_order.school_id != school_id:
        raise DomainError(_("Choose a repair order of this school."))
    return work_order


@transaction.atomic
def create_damage(
    *,
    by,
    school,
    description,
    cause=DamageCause.NEGLIGENCE,
    asset=None,
    room=None,
    occurred_on=None,
    responsible_user=None,
    responsible_name="",
    school_class=None,
    assessed_amount=None,
    repair_cost=None,
    class_points=None,
    work_order=None,
    photos=(),
) -> DamageRecord:
    """Record damage to an asset or a place. Without ``assessed_amount`` the school rule's
    suggestion is taken; normal wear is recorded as waived."""
    school_id = getattr(school, "pk", school)
    access = access_for(by, school_id)
    if not access.is_member or not access.has_perm(ADD_PERM):
        raise PermissionDenied(_("You may not record damage in this school."))
    manager = _may_manage(access)
    if not manager and (
        school_class is None or school_class.pk not in getattr(access, "class_ids", ())
    ):
        raise PermissionDenied(
            _("Class teachers record damage in their own classes: choose your class.")
        )
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Describe what was damaged and how."))
    if cause not in DamageCause.values:
        raise DomainError(_("Choose the cause of the damage."))
    if asset is None and room is None:
        raise DomainError(_("Choose the damaged asset or the place."), code="AssetOrPlace")
    for related in (asset, room, school_class):
        if related is not None and related.school_id != school_id:
            raise DomainError(_("Choose an asset, place and class of this school."))
    if responsible_user is not None and not _is_member(responsible_user, school_id):
        raise DomainError(_("The responsible staff member is not a member of this school."))
    responsible_name = (responsible_name or "").strip()
    if cause == DamageCause.UNKNOWN and school_class is None:
        raise DomainError(
            _("When nobody owns up, the class pays: choose the class."), code="ClassRequired"
        )
    if cause in (DamageCause.NEGLIGENCE, DamageCause.DELIBERATE) and not (
        responsible_user or responsible_name or school_class
    ):
        raise DomainError(
            _("Name who is responsible: a staff member, a student or a class."),
            code="ResponsibleRequired",
        )
    occurred_on = occurred_on or timezone.localdate()
    if occurred_on > timezone.localdate():
        raise DomainError(_("The damage cannot have happened in the future."))
    advice = suggest(cause=cause, asset=asset, repair_cost=repair_cost)
    amount = (
        advice.amount
        if assessed_amount in (None, "") or advice.waived
        else _amount(assessed_amount, _("The assessed amount cannot be negative."))
    )
    points = (
        advice.class_points
        if class_points in (None, "")
        else _amount(class_points, _("Class points cannot be negative."))
    )
    photos = _check_photos(photos)
    record = DamageRecord(
        school_id=school_id,
        asset=asset,
        room=room if room is not None else getattr(asset, "room", None),
        occurred_on=occurred_on,
        description=description,
        cause=cause,
        responsible_user=responsible_user,
        responsible_name=responsible_name[:60],
        school_class=school_class,
        assessed_amount=amount,
        class_points=points if school_class is not None else Decimal("0"),
        status=DamageStatus.WAIVED if advice.waived else DamageStatus.OPEN,
        work_order=_check_work_order(work_order, school_id),
        recorded_by=by,
    )
    record.assign_number()
    record.full_clean()
    record.save()
    text = _("Recorded: %(cause)s, assessed ¥%(amount)s.") % {
        "cause": record.get_cause_display(),
        "amount": amount,
    }
    timeline.record(
        record,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        text=str(text),
        to_state=record.status,
        data={"suggested": str(advice.amount), "basis": advice.basis},
    )
    if photos:
        timeline.attach(record, by=by, files=photos, text=str(_("Photos of the damage")))
    if asset is not None:
        timeline.record(
            asset,
            by=by,
            kind=timeline.Kind.EVENT,
            text=str(_("Damage recorded (%(number)s)") % {"number": record.number}),
            data={"damage": record.pk},
        )
    return record


def _is_member(user, school_id) -> bool:
    Membership = apps.get_model("org", "Membership")
    return Membership.objects.filter(user=user, school_id=school_id, is_active=True).exists()


def _lock(record: DamageRecord) -> DamageRecord:
    fresh = DamageRecord.objects.select_for_update().get(pk=record.pk)
    for field in fresh._meta.concrete_fields:
        setattr(record, field.attname, getattr(fresh, field.attname))
    return record


def _manager_or_refuse(record, by, message):
    access = access_for(by, record.school_id)
    if not _may_manage(access):
        raise PermissionDenied(message)
    return access


@transaction.atomic
def reassess(record: DamageRecord, *, by, amount, class_points=None, reason="") -> DamageRecord:
    """Change the assessed amount (e.g. once the repair cost is known) while it is open."""
    record = _lock(record)
    _manager_or_refuse(record, by, _("You may not assess damage records."))
    if record.status != DamageStatus.OPEN:
        raise IllegalTransition(_("Only an open record can be assessed again."))
    amount = _amount(amount, _("The assessed amount cannot be negative."))
    if amount < record.paid_amount:
        raise DomainError(_("The assessed amount cannot be less than what was already paid."))
    before = record.assessed_amount
    record.assessed_amount = amount
    if class_points not in (None, "") and record.school_class_id:
        record.class_points = _amount(class_points, _("Class points cannot be negative."))
    record.full_clean()
    record.save()
    text = _("Assessed again: ¥%(old)s → ¥%(new)s.") % {"old": before, "new": amount}
    if reason:
        text = f"{text} {reason.strip()}"
    timeline.record(record, by=by, kind=timeline.Kind.EVENT, text=str(text))
    if record.paid_amount >= amount > 0:
        MACHINE.perform(record, "settle", by=by, system=True)
    return record


@transaction.atomic
def record_payment(record: DamageRecord, *, by, amount, paid_on=None) -> DamageRecord:
    """Money received; the record is PAID once the assessed amount is paid in full."""
    record = _lock(record)
    _manager_or_refuse(record, by, _("You may not record payments."))
    if record.status != DamageStatus.OPEN:
        raise IllegalTransition(
            _("This record is already %(status)s.") % {"status": record.get_status_display()}
        )
    amount = _amount(amount, _("The payment must be a positive amount."), allow_zero=False)
    if amount > record.outstanding:
        raise DomainError(
            _("Only ¥%(outstanding)s is outstanding; ¥%(amount)s is too much.")
            % {"outstanding": record.outstanding, "amount": amount},
            code="Overpaid",
        )
    paid_on = paid_on or timezone.localdate()
    if not isinstance(paid_on, date) or paid_on > timezone.localdate():
        raise DomainError(_("The payment date cannot be in the future."))
    record.paid_amount += amount
    record.paid_on = paid_on
    record.full_clean()
    record.save()
    timeline.record(
        record,
        by=by,
        kind=timeline.Kind.EVENT,
        text=str(
            _("Payment of ¥%(amount)s received on %(date)s.")
            % {"amount": amount, "date": paid_on.isoformat()}
        ),
        data={"paid": str(amount)},
    )
    if record.paid_amount >= record.assessed_amount:
        MACHINE.perform(record, "settle", by=by, system=True)
    return record


@transaction.atomic
def waive(record: DamageRecord, *, by, reason) -> DamageRecord:
    """Waive what is outstanding, with the reason (e.g. hardship, wear found on review)."""
    record = _lock(record)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for waiving."), code="ReasonRequired")
    return MACHINE.perform(record, "waive", by=by, note=reason)


@transaction.atomic
def link_work_order(record: DamageRecord, *, by, work_order) -> DamageRecord:
    """Link the repair order that fixes the damage (an existing one of this school)."""
    record = _lock(record)
    _manager_or_refuse(record, by, _("You may not change this damage record."))
    record.work_order = _check_work_order(work_order, record.school_id)
    record.save()
    timeline.record(
        record,
        by=by,
        kind=timeline.Kind.EVENT,
        text=str(_("Repair order %(number)s linked.") % {"number": work_order.number})
        if work_order is not None
        else str(_("Repair order unlinked.")),
    )
    return record


@transaction.atomic
def report_repair(record: DamageRecord, *, by, category, urgency=None, description=""):
    """Report the repair through the maintenance module and link the new order."""
    from houqin.maintenance import services as maintenance

    _manager_or_refuse(record, by, _("You may not change this damage record."))
    room = record.room or (record.asset.room if record.asset_id else None)
    text = (description or "").strip() or record.description
    if record.asset_id:
        text = f"{record.asset} · {text}"
    kwargs = {"urgency": urgency} if urgency else {}
    order = maintenance.report(
        school=record.school,
        by=by,
        room=room,
        category=category,
        description=text,
        title=str(_("Damage %(number)s") % {"number": record.number}),
        asset=record.asset,
        **kwargs,
    )
    return link_work_order(record, by=by, work_order=order)


@transaction.atomic
def add_photos(record: DamageRecord, *, by, photos, text="") -> object:
    access = access_for(by, record.school_id)
    if not (_may_manage(access) or record.recorded_by_id == getattr(by, "pk", None)):
        raise PermissionDenied(_("You may not add photos to this record."))
    return timeline.attach(record, by=by, files=_check_photos(photos), text=text)


# ---------------------------------------------------------------- term totals per class


def class_totals(records, *, start: date, end: date) -> list[dict]:
    """Per class, for damage that happened from ``start`` to ``end`` (both included): records,
    assessed, paid, outstanding and class points. ``records`` is an already scoped queryset;
    one query, plus one for the classes' names. The hygiene module joins these by class."""
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
    rows = (
        records.filter(school_class__isnull=False, occurred_on__gte=start, occurred_on__lte=end)
        .order_by()
        .values("school_class")
        .annotate(
            records=Count("pk"),
            assessed=Coalesce(Sum("assessed_amount"), zero),
            paid=Coalesce(Sum("paid_amount"), zero),
            open_assessed=Coalesce(
                Sum("assessed_amount", filter=Q(status=DamageStatus.OPEN)), zero
            ),
            open_paid=Coalesce(Sum("paid_amount", filter=Q(status=DamageStatus.OPEN)), zero),
            waived=Count("pk", filter=Q(status=DamageStatus.WAIVED)),
            points=Coalesce(Sum("class_points"), zero),
        )
    )
    rows = list(rows)
    SchoolClass = apps.get_model("org", "SchoolClass")
    classes = SchoolClass.objects.select_related("class_teacher").in_bulk(
        [r["school_class"] for r in rows]
    )
    out = []
    for row in rows:
        school_class = classes.get(row["school_class"])
        out.append(
            {
                "school_class": school_class,
                "records": row["records"],
                "assessed": row["assessed"],
                "paid": row["paid"],
                "outstanding": row["open_assessed"] - row["open_paid"],
                "waived": row["waived"],
                "class_points": row["points"],
            }
        )
    out.sort(
        key=lambda r: (
            getattr(r["school_class"], "grade", 0),
            getattr(r["school_class"], "number", 0),
        )
    )
    return out


__all__ = [
    "MACHINE",
    "Suggestion",
    "add_photos",
    "class_totals",
    "create_damage",
    "link_work_order",
    "reassess",
    "record_payment",
    "report_repair",
    "suggest",
    "waive",
]

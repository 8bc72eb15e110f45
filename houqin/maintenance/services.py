"""Repair work orders: report, dispatch, fix, confirm, close. The only way their state changes.

Every action checks who may (``WorkOrder.machine``), writes the timeline and tells the people
concerned (in-app now, other channels after commit).
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import timeline
from houqin.core.attachments import validate_upload
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.notify import notify
from houqin.core.scoping import access_for
from houqin.org.models import Company, Membership, User
from houqin.org.roles import ROLE_PERMISSIONS, Role

from . import followups, sla
from . import parts as stock_parts
from .models import (
    DEFAULT_CATEGORIES,
    DISPATCH_PERM,
    OPEN_STATUSES,
    MaintenanceSettings,
    PartUsage,
    RepairCategory,
    Source,
    Status,
    Urgency,
    WorkOrder,
)

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
NOTIFY_CATEGORY = "maintenance"
MAX_PHOTOS = 10


class InvalidReport(DomainError):
    default_message = _("This report is not complete.")


def autoclose_days(school) -> int:
    """Days after which a fixed, unconfirmed order closes by itself (the school's setting)."""
    return MaintenanceSettings.for_school(school).autoclose_days


def order_url(order: WorkOrder) -> str:
    try:
        return reverse("maintenance:workorder_detail", args=[order.pk])
    except NoReverseMatch:
        return ""


def _person(user) -> str:
    return user.get_full_name() if user is not None else ""


def _check_photos(photos) -> list:
    photos = [p for p in (photos or ()) if p]
    if len(photos) > MAX_PHOTOS:
        raise InvalidReport(_("At most %(count)d photos can be added.") % {"count": MAX_PHOTOS})
    # Refuse a bad file before anything is written (nothing half-saved).
    for photo in photos:
        validate_upload(photo)
    return photos


def _lock(order: WorkOrder) -> WorkOrder:
    """Re-read the row under lock so a stale page cannot act on an old state."""
    fresh = WorkOrder.objects.select_for_update().get(pk=order.pk)
    for field in fresh._meta.concrete_fields:
        setattr(order, field.attname, getattr(fresh, field.attname))
    return order


def _perform(order, name, *, by, note="", values=None, **ctx):
    values = dict(values or {})
    values["version"] = order.version + 1
    order = WorkOrder.machine.perform(order, name, by=by, note=note, values=values, **ctx)
    followups.moved(order, name, by=by)
    return order


# ---------------------------------------------------------------- categories


@transaction.atomic
def ensure_categories(school) -> list[RepairCategory]:
    """The school's repair categories, creating the default list the first time."""
    existing = {c.code: c for c in RepairCategory.objects.filter(school=school)}
    for order, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1):
        if code not in existing:
            existing[code], _created = RepairCategory.objects.get_or_create(
                school=school, code=code, defaults={"name": str(name), "order": order * 10}
            )
    return list(RepairCategory.objects.filter(school=school).order_by("order", "pk"))


# ---------------------------------------------------------------- reporting


def find_open_duplicates(*, school, room, category, asset=None):
    """Open orders for the same place (or asset) and category: the reporter may join one."""
    if category is None or (room is None and asset is None):
        return WorkOrder.objects.none()
    same = {"asset": asset} if asset is not None else {"room": room}
    return WorkOrder.objects.filter(
        school=school, category=category, status__in=OPEN_STATUSES, **same
    ).order_by("created_at", "pk")


def _dispatchers(school_id) -> list:
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if DISPATCH_PERM in perms]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__school_id=school_id,
            memberships__is_active=True,
            memberships__roles__role__in=roles,
        ).distinct()
    )


@transaction.atomic
def report(
    *,
    school,
    by=None,
    room=None,
    category,
    title="",
    description,
    urgency=Urgency.NORMAL,
    photos=(),
    reporter_name="",
    reporter_phone="",
    location_note="",
    source=Source.WEB,
    join=None,
    asset=None,
) -> WorkOrder:
    """Report a problem (logged in, or public with name and phone); returns the order.

    With ``join`` the report is added to that open order's timeline and the original is returned.
    With ``asset`` (reported from an asset's label) the order names it, at the asset's place.
    """
    reporter_name = (reporter_name or "").strip()
    reporter_phone = re.sub(r"[\s-]", "", reporter_phone or "")
    description = (description or "").strip()
    if by is not None:
        access = access_for(by, school)
        if not access.is_member or not access.has_perm("maintenance.add_workorder"):
            raise PermissionDenied(_("You may not report problems for this school."))
    else:
        if not reporter_name:
            raise InvalidReport(_("Give your name so the repair team can find you."))
        if not MOBILE_RE.match(reporter_phone):
            raise InvalidReport(_("Give an 11-digit mobile number so the repair team can call."))
    if room is not None and room.school_id != getattr(school, "pk", school):
        raise InvalidReport(_("This place belongs to another school."))
    if asset is not None:
        if asset.school_id != getattr(school, "pk", school):
            raise InvalidReport(_("This asset belongs to another school."))
        room = room or asset.room
    if category is None or category.school_id != getattr(school, "pk", school):
        raise InvalidReport(_("Choose a repair category of this school."))
    if not description:
        raise InvalidReport(_("Describe the problem."))
    if urgency not in Urgency.values:
        raise InvalidReport(_("Choose how urgent the problem is."))
    photos = _check_photos(photos)

    if join is not None:
        return _join(join, school=school, by=by, description=description, photos=photos,
                     reporter_name=reporter_name, reporter_phone=reporter_phone)

    order = WorkOrder(
        school_id=getattr(school, "pk", school),
        title=(title or "").strip()[:100]
        or f"{category.name} · {asset.name if asset else room or location_note}"[:100],
        description=description,
        category=category,
        urgency=urgency,
        room=room,
        asset=asset,
        location_note=(location_note or "").strip(),
        source=source,
        requester=by,
        reporter_name=reporter_name or _person(by),
        reporter_phone=reporter_phone or (getattr(by, "phone", "") or ""),
        **sla.dues_for(school=school, urgency=urgency, reported_at=timezone.now()),
    )
    order.assign_number()
    order.full_clean()
    order.save()
    timeline.record(
        order, by=by, kind=timeline.Kind.STATE_CHANGE, text=str(_("Reported")),
        to_state=Status.SUBMITTED, data={"source": source},
    )
    if photos:
        timeline.attach(order, by=by, files=photos, text=str(_("Photos of the problem")))
    if order.urgency == Urgency.URGENT:
        notify(
            recipients=_dispatchers(order.school_id),
            title=_("Urgent repair %(number)s: %(title)s")
            % {"number": order.number, "title": order.title},
            body=description,
            url=order_url(order),
            category=NOTIFY_CATEGORY,
            school=order.school_id,
            level="warning",
            source=order,
        )
    return order


def _join(original, *, school, by, description, photos, reporter_name, reporter_phone):
    original = _lock(original)
    if original.school_id != getattr(school, "pk", school):
        raise InvalidReport(_("This work order belongs to another school."))
    if not original.is_open:
        raise IllegalTransition(
            _("%(number)s is already %(state)s; report the problem as a new one.")
            % {"number": original.number, "state": original.get_status_display()}
        )
    who = _person(by) or reporter_name
    contact = reporter_phone if by is None else ""
    header = _("Same problem reported by %(who)s") % {"who": who}
    if contact:
        header = f"{header} ({contact})"
    timeline.comment(original, by=by, text=f"{header}:\n{description}", files=photos)
    return original


def suggest_assignee(order: WorkOrder):
    """The category's default worker or contractor, else the worker with fewest open orders."""
    category = order.category
    if category.default_worker_id or category.default_company_id:
        return category.default_worker, category.default_company
    # Open orders per worker from the (school, assignee, status) index: a subquery, not a join
    # over every order each worker ever had.
    open_orders = (
        WorkOrder.objects.filter(
            school_id=order.school_id, assignee=OuterRef("pk"), status__in=OPEN_STATUSES
        )
        .order_by()
        .values("assignee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    worker = (
        User.objects.filter(
            is_active=True,
            memberships__school_id=order.school_id,
            memberships__is_active=True,
            memberships__roles__role=Role.WORKER,
        )
        .distinct()
        .annotate(open_orders=Coalesce(Subquery(open_orders), 0))
        .order_by("open_orders", "pk")
        .first()
    )
    return worker, None


# ---------------------------------------------------------------- dispatching


def _check_assignee(order: WorkOrder, worker, company):
    """Validate worker/company for ``order``; returns the company the worker works for."""
    if worker is None and company is None:
        raise DomainError(_("Choose a worker or a contractor."))
    if company is not None and (company.school_id != order.school_id or not company.is_active):
        raise DomainError(_("Choose an active contractor of this school."))
    if worker is None:
        return company
    membership = (
        Membership.objects.filter(
            school_id=order.school_id, user=worker, is_active=True, user__is_active=True
        )
        .prefetch_related("roles")
        .first()
    )
    if membership is None:
        raise DomainError(
            _("%(name)s is not an active member of this school.") % {"name": _person(worker)}
        )
    if company is not None:
        if membership.company_id != company.pk:
            raise DomainError(
                _("%(name)s does not work for %(company)s.")
                % {"name": _person(worker), "company": company.name}
            )
        return company
    if Role.WORKER in membership.role_codes:
        return None
    if membership.company_id and Role.CONTRACTOR in membership.role_codes:
        return Company.objects.get(pk=membership.company_id)
    raise DomainError(
        _("%(name)s is not a maintenance worker.") % {"name": _person(worker)}
    )


def _notify_fixers(order: WorkOrder, title) -> None:
    if order.assignee_id:
        recipients = [order.assignee]
    else:
        recipients = list(
            User.objects.filter(
                is_active=True,
                memberships__school_id=order.school_id,
                memberships__company_id=order.company_id,
                memberships__is_active=True,
            ).distinct()
        )
    notify(
        recipients=recipients,
        title=title,
        body=order.description,
        url=order_url(order),
        category=NOTIFY_CATEGORY,
        school=order.school_id,
        level="warning" if order.is_urgent else "info",
        source=order,
    )


@transaction.atomic
def assign(order: WorkOrder, *, by, worker=None, company=None, note="") -> WorkOrder:
    """Dispatch to a worker or a contractor; on an order already assigned this is 转单."""
    order = _lock(order)
    name = "assign" if order.status == Status.SUBMITTED else "reassign"
    transition = WorkOrder.machine.get(name)
    # Who-may and state are checked first, so a refusal never reveals the people list.
    if not transition.applies_from(order.status) or not WorkOrder.machine.is_allowed(
        transition, order, by
    ):
        return _perform(order, name, by=by)  # raises the right error
    company = _check_assignee(order, worker, company)
    previous = (order.assignee, order.company)
    to = _person(worker) or company.name
    text = _("Assigned to %(to)s") % {"to": to}
    if name == "reassign":
        before = _person(previous[0]) or (previous[1].name if previous[1] else "")
        text = _("Reassigned from %(before)s to %(to)s") % {"before": before, "to": to}
    if note:
        text = f"{text}: {note}"
    now = timezone.now()
    values = {"assignee": worker, "company": company, "assigned_at": now}
    values.update(_sla_on_move(order, now))
    _perform(order, name, by=by, note=str(text), values=values)
    _notify_fixers(
        order,
        _("Repair %(number)s assigned to you: %(title)s")
        % {"number": order.number, "title": order.title},
    )
    return order


def reassign(order: WorkOrder, *, by, worker=None, company=None, note="") -> WorkOrder:
    """转单: the same as ``assign`` on an order that already has someone."""
    return assign(order, by=by, worker=worker, company=company, note=note)


class AlreadyTaken(DomainError):
    default_message = _("Someone else took this job first.")


@transaction.atomic
def claim(order: WorkOrder, *, by) -> WorkOrder:
    """抢单: a worker takes an unassigned order from the pool (when the school allows it).
    Of two workers pressing at once, one gets it and the other is told it is taken."""
    order = _lock(order)
    if order.status != Status.SUBMITTED:
        raise AlreadyTaken()
    now = timezone.now()
    values = {"assignee": by, "company": None, "assigned_at": now}
    values.update(_sla_on_move(order, now))
    return _perform(
        order, "claim", by=by, values=values,
        note=str(_("Taken from the pool by %(name)s") % {"name": _person(by)}),
    )


MAX_BULK = 200


@transaction.atomic
def bulk_assign(orders, *, by, worker=None, company=None, note="") -> list[WorkOrder]:
    """Assign many orders to one worker or contractor: all of them or, on any refusal,
    none (the message names the order that could not be assigned)."""
    orders = list(orders)
    if not orders:
        raise DomainError(_("Choose the work orders to assign."))
    if len(orders) > MAX_BULK:
        raise DomainError(
            _("Assign at most %(count)d work orders at a time.") % {"count": MAX_BULK}
        )
    done = []
    for order in sorted(orders, key=lambda o: o.pk):
        try:
            done.append(assign(order, by=by, worker=worker, company=company, note=note))
        except DomainError as exc:
            raise type(exc)(f"{order.number}: {exc.message}") from None
    return done


# ---------------------------------------------------------------- fixing


@transaction.atomic
def start(order: WorkOrder, *, by) -> WorkOrder:
    """The assignee starts work: assigned → in progress."""
    order = _lock(order)
    now = timezone.now()
    values = {} if order.started_at else {"started_at": now}
    values.update(_sla_on_move(order, now))
    return _perform(order, "start", by=by, values=values)


def _sla_on_move(order: WorkOrder, now) -> dict:
    """The first assign or start answers the order; leaving hold restarts the fix clock."""
    values = {} if order.responded_at else {"responded_at": now}
    if order.status == Status.ON_HOLD:
        values.update(sla.resume_values(order, now=now))
    return values


@transaction.atomic
def hold(order: WorkOrder, *, by, reason) -> WorkOrder:
    """Waiting for parts, access or weather: in progress → on hold, with the reason."""
    order = _lock(order)
    reason = (reason or "").strip()
    values = {"hold_reason": reason[:200], "hold_started_at": timezone.now()}
    return _perform(order, "hold", by=by, note=reason, values=values, reason=reason)


@transaction.atomic
def resume(order: WorkOrder, *, by) -> WorkOrder:
    """Back to work: on hold → in progress."""
    order = _lock(order)
    values = {"hold_reason": ""}
    if order.status == Status.ON_HOLD:
        values.update(sla.resume_values(order, now=timezone.now()))
    return _perform(order, "resume", by=by, values=values)


def _money(value, message) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        raise DomainError(message) from None
    if amount < 0 or not amount.is_finite():
        raise DomainError(message)
    return amount.quantize(Decimal("0.01"))


def _clean_parts(parts) -> list[dict]:
    """Free-text parts as PartUsage fields; parts from stock (a ``stock`` key, see
    ``maintenance.parts``) as ``{"key", "quantity"}`` lines marked ``from_stock``."""
    rows = []
    for part in parts or ():
        stock_key = str(part.get("stock") or "").strip()
        name = str(part.get("name") or "").strip()
        if not name and not stock_key:
            continue
        raw = part.get("quantity")
        quantity = _money(1 if raw in (None, "") else raw, _("A part's quantity must be positive."))
        if quantity <= 0:
            raise DomainError(_("A part's quantity must be positive."))
        if stock_key:
            rows.append({"from_stock": True, "key": stock_key, "quantity": quantity})
            continue
        rows.append(
            {
                "name": name[:100],
                "quantity": quantity,
                "unit": str(part.get("unit") or "")[:10],
                "unit_cost": _money(part.get("unit_cost"), _("A part's cost cannot be negative.")),
            }
        )
    return rows


def _clean_checklist(order: WorkOrder, checklist) -> list[dict]:
    """The order's checklist with the worker's ticks and notes; every line must be ticked or
    carry a note saying why not (e.g. "unit removed")."""
    lines = [dict(line) for line in (order.checklist or [])]
    if not lines:
        return lines
    given = list(checklist or ())
    for i, line in enumerate(lines):
        answer = given[i] if i < len(given) else {}
        line["done"] = bool(answer.get("done"))
        line["note"] = str(answer.get("note") or "").strip()[:200]
    missing = [line["item"] for line in lines if not line["done"] and not line["note"]]
    if missing:
        raise DomainError(
            _("Tick every checklist line or note why it was not done: %(items)s")
            % {"items": "、".join(missing)}
        )
    return lines


def _check_signature(order: WorkOrder, signature, signed_by) -> tuple[object, str]:
    signed_by = (signed_by or "").strip()[:40]
    required = order.requires_signature or MaintenanceSettings.for_school(
        order.school_id
    ).require_signature
    if signature is None:
        if required:
            raise DomainError(_("The requester must sign to confirm the work on site."))
        return None, ""
    if not signed_by:
        raise DomainError(_("Write the name of the person who signed."))
    info = validate_upload(signature)
    if not info.is_image:
        raise DomainError(_("The signature must be an image."))
    return signature, signed_by


@transaction.atomic
def finish(
    order: WorkOrder, *, by, labour_minutes=0, parts=(), outside_cost=0, photos=(), note="",
    checklist=(), signature=None, signed_by="",
) -> WorkOrder:
    """Fixed: in progress → done, with labour, parts, outside cost, the checklist ticked and,
    where required, after photos and the requester's signature; the requester is told."""
    order = _lock(order)
    transition = WorkOrder.machine.get("finish")
    if not transition.applies_from(order.status) or not WorkOrder.machine.is_allowed(
        transition, order, by
    ):
        return _perform(order, "finish", by=by)  # raises the right error
    try:
        labour_minutes = int(labour_minutes or 0)
    except (TypeError, ValueError):
        raise DomainError(_("Labour must be a number of minutes.")) from None
    if labour_minutes < 0:
        raise DomainError(_("Labour cannot be negative."))
    outside_cost = _money(outside_cost, _("The outside cost cannot be negative."))
    rows = _clean_parts(parts)
    photos = _check_photos(photos)
    if order.requires_photo and not photos:
        raise DomainError(_("This job needs a photo of the finished work."))
    lines = _clean_checklist(order, checklist)
    signature, signed_by = _check_signature(order, signature, signed_by)
    now = timezone.now()
    values = {
        "labour_minutes": labour_minutes,
        "outside_cost": outside_cost,
        "done_at": now,
        "hold_reason": "",
        "checklist": lines,
    }
    if signature is not None:
        values.update(signed_by=signed_by, signed_at=now)
    # Parts from stock leave the stores first: not enough on hand refuses the whole finish.
    stock_lines = [row for row in rows if row.pop("from_stock", False)]
    rows = [row for row in rows if "key" not in row]
    rows += stock_parts.draw(order, stock_lines, by)
    _perform(order, "finish", by=by, note=(note or "").strip(), values=values)
    PartUsage.objects.bulk_create(
        [PartUsage(school_id=order.school_id, order=order, recorded_by=by, **row) for row in rows]
    )
    if photos:
        timeline.attach(order, by=by, files=photos, text=str(_("Photos after the fix")))
    if signature is not None:
        timeline.attach(
            order, by=by, files=[signature],
            text=str(_("Signed on site by %(name)s") % {"name": signed_by}),
        )
    if order.requester_id:
        notify(
            recipients=[order.requester],
            title=_("Repair %(number)s is fixed: please confirm")
            % {"number": order.number},
            body=order.title,
            url=order_url(order),
            category=NOTIFY_CATEGORY,
            school=order.school_id,
            source=order,
        )
    return order


# ---------------------------------------------------------------- after the fix


@transaction.atomic
def confirm(order: WorkOrder, *, by, rating, comment="") -> WorkOrder:
    """The requester (or a dispatcher for them) confirms the fix with a rating of 1 to 5."""
    order = _lock(order)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    transition = WorkOrder.machine.get("confirm")
    if transition.applies_from(order.status) and WorkOrder.machine.is_allowed(
        transition, order, by
    ) and not 1 <= rating <= 5:
        raise DomainError(_("Give a rating from 1 to 5."))
    comment = (comment or "").strip()[:200]
    return _perform(
        order,
        "confirm",
        by=by,
        note=comment,
        values={"rating": rating, "rating_comment": comment, "confirmed_at": timezone.now()},
    )


@transaction.atomic
def reopen(order: WorkOrder, *, by, reason) -> WorkOrder:
    """Not fixed: done → assigned, back to the same worker, with the reason."""
    order = _lock(order)
    reason = (reason or "").strip()
    _perform(order, "reopen", by=by, note=reason, values={"done_at": None}, reason=reason)
    if order.assignee_id or order.company_id:
        _notify_fixers(
            order,
            _("Repair %(number)s is not fixed: %(reason)s")
            % {"number": order.number, "reason": reason},
        )
    return order


@transaction.atomic
def reject(order: WorkOrder, *, by, reason) -> WorkOrder:
    """Not a repair (or not ours): submitted/assigned → rejected, with the reason."""
    order = _lock(order)
    reason = (reason or "").strip()
    _perform(order, "reject", by=by, note=reason, values={"closed_at": timezone.now()},
             reason=reason)
    _tell_requester(order, _("Repair %(number)s was rejected: %(reason)s"), reason)
    return order


@transaction.atomic
def cancel(order: WorkOrder, *, by, reason) -> WorkOrder:
    """Withdraw an open order (the requester, or a dispatcher), with the reason."""
    order = _lock(order)
    reason = (reason or "").strip()
    _perform(order, "cancel", by=by, note=reason, values={"closed_at": timezone.now()},
             reason=reason)
    if by is not None and by.pk != order.requester_id:
        _tell_requester(order, _("Repair %(number)s was cancelled: %(reason)s"), reason)
    return order


def _tell_requester(order, title, reason):
    if order.requester_id:
        notify(
            recipients=[order.requester],
            title=title % {"number": order.number, "reason": reason},
            url=order_url(order),
            category=NOTIFY_CATEGORY,
            school=order.school_id,
            source=order,
        )


@transaction.atomic
def close(order: WorkOrder, *, by=None) -> WorkOrder:
    """Confirmed → closed, by a dispatcher or (``by=None``) the system."""
    order = _lock(order)
    return _perform(
        order, "close", by=by, values={"closed_at": timezone.now()}, system=by is None
    )


def close_unconfirmed(now=None) -> int:
    """Close done orders nobody confirmed within their school's auto-close days; returns how
    many."""
    now = now or timezone.now()
    closed = 0
    schools = (
        WorkOrder.objects.filter(status=Status.DONE).values_list("school_id", flat=True).distinct()
    )
    for school_id in sorted(set(schools)):
        closed += _close_unconfirmed_in(school_id, now)
    return closed


def _close_unconfirmed_in(school_id, now) -> int:
    days = autoclose_days(school_id)
    cutoff = now - timedelta(days=days)
    ids = list(
        WorkOrder.objects.filter(school_id=school_id, status=Status.DONE, done_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    closed = 0
    for pk in ids:
        with transaction.atomic():
            order = WorkOrder.objects.select_for_update().filter(pk=pk, status=Status.DONE).first()
            if order is None:
                continue  # confirmed or reopened meanwhile
            _perform(
                order,
                "auto_close",
                by=None,
                note=str(
                    _("Closed automatically: not confirmed within %(days)d days.")
                    % {"days": days}
                ),
                values={"closed_at": now},
                system=True,
            )
            closed += 1
    return closed


# ---------------------------------------------------------------- talk


@transaction.atomic
def comment(order: WorkOrder, *, by, text, photos=()) -> object:
    """A comment (with photos) by the requester, the assignee or a dispatcher."""
    from .models import is_dispatcher, is_fixer, is_requester

    access = access_for(by, order.school_id)
    if not access.is_member or not (
        is_requester(access, order) or is_fixer(access, order) or is_dispatcher(access, order)
    ):
        raise PermissionDenied(_("You may not comment on this work order."))
    photos = _check_photos(photos)
    return timeline.comment(order, by=by, text=text, files=photos)


__all__ = [
    "assign", "bulk_assign", "cancel", "claim", "close", "close_unconfirmed", "comment", "confirm", "ensure_categories",
    "find_open_duplicates", "finish", "hold", "reassign", "reject", "reopen",
    "report", "resume", "start", "suggest_assignee",
]

"""Moving and lending assets: the only way an asset's place, custodian or loan state changes.

``transfer`` moves one asset or a selection of thousands in one go ("move these 30 computers
into room 301", "assign to 教务处"): the selection is checked first and nothing is written
when any asset may not move; then one set-based UPDATE, the history rows and the movement
and timeline rows are each written in bulk. ``lend`` and ``return_loan`` handle 借用;
``notify_overdue_loans`` reminds borrowers and clerks of a late loan, once per loan.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from houqin.core import timeline
from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.models import TimelineEntry
from houqin.core.notify import notify
from houqin.core.scoping import access_for
from houqin.org.models import Department, Membership, Room
from houqin.org.roles import ROLE_PERMISSIONS

from .models import Asset, AssetLoan, AssetMovement, AssetStatus, MovementKind

MOVE_PERM = "assets.move_asset"
NOTIFY_CATEGORY = "assets"
# One bulk action at most: the whole selection is held in memory and locked while it moves.
MAX_BULK = 20_000
# Rows per UPDATE ... WHERE id IN (...) and per INSERT: well under SQLite's parameter limit.
CHUNK = 500
# Asset numbers named in a refusal message (the rest are counted).
NAMED_IN_ERRORS = 5
# What the bulk "set status" action may set, and change from.
SETTABLE_STATUSES = (AssetStatus.IN_USE, AssetStatus.IDLE)
LENDABLE = (AssetStatus.IN_USE, AssetStatus.IDLE)
OVERDUE_BATCH = 500
EVENT_LEND = "lend"
EVENT_RETURN = "return"
EVENT_OVERDUE = "loan_overdue"
# A movement records only what changed; the other ends stay empty.
_MOVEMENT_ENDS = (
    "from_room_id",
    "to_room_id",
    "from_department_id",
    "to_department_id",
    "from_custodian_id",
    "to_custodian_id",
)


class InvalidMovement(DomainError):
    default_message = _("These assets cannot be moved.")


class InvalidLoan(DomainError):
    default_message = _("This loan is not possible.")


# ---------------------------------------------------------------- helpers


def _check_perm(by, school_id=None):
    """The acting user's access; refused without the right to move assets."""
    access = access_for(by, school_id)
    if not access.is_member or not access.has_perm(MOVE_PERM):
        raise PermissionDenied(_("You may not move or lend assets."))
    return access


def _actor(by):
    return by if getattr(by, "is_authenticated", False) else None


def _chunks(seq: list, size: int = CHUNK):
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def _named(assets, count: int) -> str:
    numbers = ", ".join(a.number for a in assets[:NAMED_IN_ERRORS])
    more = count - min(count, NAMED_IN_ERRORS)
    if more:
        numbers += " " + gettext("and %(count)d more") % {"count": more}
    return numbers


def _selected_ids(assets) -> list[int] | models.QuerySet:
    """The selection as ids: a queryset stays a subquery, anything else becomes a list."""
    if isinstance(assets, models.QuerySet):
        return assets.order_by().values("pk")
    if isinstance(assets, Asset | int):
        assets = [assets]
    return sorted({getattr(a, "pk", a) for a in assets})


def _lock_selection(assets) -> list[Asset]:
    """The chosen assets, fresh from the database and locked (in id order: no deadlocks)."""
    ids = _selected_ids(assets)
    base = (
        Asset.objects.select_for_update(of=("self",))
        .only("school_id", "number", "name", "status", "room_id", "department_id", "custodian_id")
        .order_by("pk")
    )
    if isinstance(ids, list):
        rows: list[Asset] = []
        for chunk in _chunks(ids):
            rows.extend(base.filter(pk__in=chunk))
            if len(rows) > MAX_BULK:
                break
    else:
        rows = list(base.filter(pk__in=ids)[: MAX_BULK + 1])
    if len(rows) > MAX_BULK:
        raise InvalidMovement(
            _("At most %(count)d assets can be changed at once. Narrow the selection.")
            % {"count": MAX_BULK}
        )
    if not rows:
        raise InvalidMovement(_("No assets are selected."))
    return rows


def _check_same_school(rows: list[Asset], school_id: int) -> None:
    foreign = [a for a in rows if a.school_id != school_id]
    if foreign:
        raise InvalidMovement(
            ngettext(
                "%(count)d asset belongs to another school and cannot be changed here: "
                "%(numbers)s.",
                "%(count)d assets belong to another school and cannot be changed here: "
                "%(numbers)s.",
                len(foreign),
            )
            % {"count": len(foreign), "numbers": _named(foreign, len(foreign))}
        )


def _refuse(refused: list[Asset], message: str) -> None:
    """Refuse the whole selection, naming the first few assets at fault."""
    if refused:
        raise InvalidMovement(
            message % {"count": len(refused), "numbers": _named(refused, len(refused))}
        )


def _is_member(user, school_id: int) -> bool:
    return Membership.objects.filter(school_id=school_id, user=user, is_active=True).exists()


def _check_targets(school_id, *, room=None, department=None, custodian=None) -> None:
    if room is not None and (room.school_id != school_id or not room.is_active):
        raise InvalidMovement(_("Choose a place of this school that is in use."))
    if department is not None and (department.school_id != school_id or not department.is_active):
        raise InvalidMovement(_("Choose an active department of this school."))
    if custodian is not None and not _is_member(custodian, school_id):
        raise InvalidMovement(_("The custodian must be a member of this school."))


# Bulk writes. Django's bulk_create prepares every value of every row through its field (about
# 0.3 ms a row for these tables); a move of 5,000 assets would spend seconds there. History
# rows are copied from the updated asset rows by INSERT ... SELECT, and movement and timeline
# rows go in by executemany with their shared values prepared once.


def _write_history(ids: list[int], *, by, reason: str, when) -> None:
    """One history row per asset, as ``save()`` would have written (set-based updates don't):
    a copy of each (already updated) asset row, with who, when and why."""
    history = Asset.history.model
    quote = connection.ops.quote_name
    tracked = [quote(f.column) for f in history.tracked_fields]
    opts = history._meta
    constants = [
        opts.get_field("history_date").get_db_prep_save(when, connection),
        str(reason)[:100],
        "~",
        getattr(_actor(by), "pk", None),
    ]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    columns = ", ".join([*tracked, *(quote(c) for c in extra)])
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({columns}) "
        f"SELECT {', '.join(tracked)}, %s, %s, %s, %s FROM {quote(Asset._meta.db_table)} "
        "WHERE {id} IN ({marks})"
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(sql.format(id=quote("id"), marks=marks), [*constants, *chunk])


def _insert_rows(model, *, shared: dict, rows: list[dict]) -> None:
    """INSERT ``rows`` (plain ints, strings and None by attname) with the ``shared`` values
    (prepared once through their fields) in every row."""
    if not rows:
        return
    opts = model._meta
    prepared = [opts.get_field(n).get_db_prep_save(v, connection) for n, v in shared.items()]
    own = list(rows[0])
    quote = connection.ops.quote_name
    columns = ", ".join(quote(opts.get_field(n).column) for n in [*shared, *own])
    marks = ", ".join(["%s"] * (len(shared) + len(own)))
    sql = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES ({marks})"
    params = [(*prepared, *(row[n] for n in own)) for row in rows]
    with connection.cursor() as cursor:
        for chunk in _chunks(params, 2000):
            cursor.executemany(sql, chunk)


def _timeline_rows(rows, *, by, kind, texts, data, when, from_states=None, to_state=""):
    """One timeline entry per asset (what ``timeline.record`` writes, for many at once)."""
    _insert_rows(
        TimelineEntry,
        shared={
            "created_at": when,
            "updated_at": when,
            "content_type_id": ContentType.objects.get_for_model(Asset).pk,
            "kind": kind,
            "actor_id": getattr(_actor(by), "pk", None),
            "to_state": to_state,
            "data": data,
        },
        rows=[
            {
                "school_id": asset.school_id,
                "object_id": asset.pk,
                "text": texts[asset.pk] if isinstance(texts, dict) else texts,
                "from_state": (from_states or {}).get(asset.pk, ""),
            }
            for asset in rows
        ],
    )


def _labels(model, ids, select_related=()) -> dict:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {
        obj.pk: str(obj)
        for obj in model._base_manager.select_related(*select_related).filter(pk__in=ids)
    }


# ---------------------------------------------------------------- transfer


@transaction.atomic
def transfer(assets, *, by, room=None, department=None, custodian=None, note="") -> int:
    """Move one asset or many to a place, a custodian department and/or a custodian person.

    Only the dimensions given change; assets already there are left alone. Disposed, lost and
    lent assets, and assets of another school, are refused with nothing changed. Returns how
    many assets moved. Each moved asset gets a history row, an ``AssetMovement`` (all of one
    call share a ``batch``) and a timeline entry.
    """
    access = _check_perm(by)
    school_id = access.school_id
    if room is None and department is None and custodian is None:
        raise InvalidMovement(_("Choose a place, a department or a custodian to move to."))
    note = (note or "").strip()[:200]
    _check_targets(school_id, room=room, department=department, custodian=custodian)
    rows = _lock_selection(assets)
    _check_same_school(rows, school_id)
    gone = [a for a in rows if a.status in (AssetStatus.DISPOSED, AssetStatus.LOST)]
    _refuse(
        gone,
        ngettext(
            "%(count)d asset is disposed of or lost and cannot be moved: %(numbers)s.",
            "%(count)d assets are disposed of or lost and cannot be moved: %(numbers)s.",
            len(gone),
        ),
    )
    lent = [a for a in rows if a.status == AssetStatus.LENT]
    _refuse(
        lent,
        ngettext(
            "%(count)d asset is lent out; record its return first: %(numbers)s.",
            "%(count)d assets are lent out; record their return first: %(numbers)s.",
            len(lent),
        ),
    )

    changes = {}
    if room is not None:
        changes["room_id"] = room.pk
    if department is not None:
        changes["department_id"] = department.pk
    if custodian is not None:
        changes["custodian_id"] = custodian.pk
    moving = [a for a in rows if any(getattr(a, f) != v for f, v in changes.items())]
    if not moving:
        return 0

    now = timezone.now()
    batch = uuid.uuid4()
    old_rooms = _labels(Room, [a.room_id for a in moving], ("floor__building",))
    old_departments = _labels(Department, [a.department_id for a in moving])
    old_custodians = _labels(get_user_model(), [a.custodian_id for a in moving])
    movements, texts = [], {}
    for asset in moving:
        movement = dict.fromkeys(_MOVEMENT_ENDS)
        movement["asset_id"] = asset.pk
        parts = []
        if room is not None and asset.room_id != room.pk:
            movement.update(from_room_id=asset.room_id, to_room_id=room.pk)
            parts.append(
                gettext("place %(old)s → %(new)s")
                % {"old": old_rooms.get(asset.room_id, "—"), "new": room}
            )
        if department is not None and asset.department_id != department.pk:
            movement.update(from_department_id=asset.department_id, to_department_id=department.pk)
            parts.append(
                gettext("department %(old)s → %(new)s")
                % {"old": old_departments.get(asset.department_id, "—"), "new": department}
            )
        if custodian is not None and asset.custodian_id != custodian.pk:
            movement.update(from_custodian_id=asset.custodian_id, to_custodian_id=custodian.pk)
            parts.append(
                gettext("custodian %(old)s → %(new)s")
                % {"old": old_custodians.get(asset.custodian_id, "—"), "new": custodian}
            )
        movements.append(movement)
        text = gettext("Moved: %(changes)s") % {"changes": "; ".join(parts)}
        texts[asset.pk] = f"{text} ({note})" if note else text

    ids = [a.pk for a in moving]
    for chunk in _chunks(ids):
        Asset.objects.filter(pk__in=chunk).update(**changes, updated_at=now)
    _write_history(ids, by=by, reason=note or gettext("Transfer"), when=now)
    _insert_rows(
        AssetMovement,
        shared={
            "created_at": now,
            "updated_at": now,
            "school_id": school_id,
            "kind": MovementKind.TRANSFER,
            "note": note,
            "batch": batch,
            "moved_at": now,
            "moved_by_id": getattr(_actor(by), "pk", None),
        },
        rows=movements,
    )
    _timeline_rows(
        moving,
        by=by,
        kind=timeline.Kind.EVENT,
        texts=texts,
        data={"event": "transfer", "batch": str(batch)},
        when=now,
    )
    return len(moving)


@transaction.atomic
def set_status(assets, *, by, status: str, note="") -> int:
    """Mark many assets in use or idle (闲置). Only assets in use or idle may change this way:
    lending, repairs, disposals and stock-takes change the other statuses. Returns the count."""
    access = _check_perm(by)
    if status not in SETTABLE_STATUSES:
        raise InvalidMovement(_("Only 'in use' and 'idle' can be set here."))
    note = (note or "").strip()[:200]
    rows = _lock_selection(assets)
    _check_same_school(rows, access.school_id)
    others = [a for a in rows if a.status not in SETTABLE_STATUSES]
    if others:
        raise InvalidMovement(
            ngettext(
                "%(count)d asset is neither in use nor idle (lent, in repair, pending disposal, "
                "disposed of or lost) and cannot change this way: %(numbers)s.",
                "%(count)d assets are neither in use nor idle (lent, in repair, pending "
                "disposal, disposed of or lost) and cannot change this way: %(numbers)s.",
                len(others),
            )
            % {"count": len(others), "numbers": _named(others, len(others))}
        )
    changing = [a for a in rows if a.status != status]
    if not changing:
        return 0
    now = timezone.now()
    from_states = {a.pk: a.status for a in changing}
    ids = [a.pk for a in changing]
    for chunk in _chunks(ids):
        Asset.objects.filter(pk__in=chunk).update(status=status, updated_at=now)
    label = AssetStatus(status).label
    _write_history(ids, by=by, reason=note or gettext("Status changed"), when=now)
    text = gettext("Status set to %(status)s") % {"status": label}
    _timeline_rows(
        changing,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        texts=f"{text} ({note})" if note else text,
        data={"event": "set_status"},
        from_states=from_states,
        to_state=status,
        when=now,
    )
    return len(changing)


# ---------------------------------------------------------------- loans


def _lock_asset(asset) -> Asset:
    return Asset.objects.select_for_update(of=("self",)).get(pk=getattr(asset, "pk", asset))


def _borrower_label(borrower, department, name) -> str:
    if borrower is not None:
        return str(borrower)
    if department is not None:
        return str(department)
    return name


@transaction.atomic
def lend(
    asset,
    *,
    by,
    borrower=None,
    borrower_department=None,
    borrower_name: str = "",
    due_on: date,
    note: str = "",
) -> AssetLoan:
    """借出: lend an asset in use or idle to a person, a department or an outside borrower
    until ``due_on``. The asset is "lent out" until the loan is returned."""
    access = _check_perm(by)
    school_id = access.school_id
    asset = _lock_asset(asset)
    if asset.school_id != school_id:
        raise InvalidLoan(_("This asset belongs to another school."))
    borrower_name = (borrower_name or "").strip()[:60]
    named = [x for x in (borrower, borrower_department, borrower_name) if x]
    if len(named) != 1:
        raise InvalidLoan(_("Lend to one person, one department or one outside borrower."))
    if borrower is not None and not _is_member(borrower, school_id):
        raise InvalidLoan(_("The borrower must be a member of this school."))
    if borrower_department is not None and borrower_department.school_id != school_id:
        raise InvalidLoan(_("Choose a department of this school."))
    today = timezone.localdate()
    if due_on is None or due_on < today:
        raise InvalidLoan(_("The due date cannot be in the past."))
    if (
        asset.status == AssetStatus.LENT
        or AssetLoan.objects.filter(asset=asset, returned_on__isnull=True).exists()
    ):
        raise InvalidLoan(
            _("%(asset)s is already lent out. Record its return first.") % {"asset": asset}
        )
    if asset.status not in LENDABLE:
        raise InvalidLoan(
            _("%(asset)s is %(status)s; only assets in use or idle can be lent.")
            % {"asset": asset, "status": asset.get_status_display().lower()}
        )
    loan = AssetLoan(
        school_id=school_id,
        asset=asset,
        borrower=borrower,
        borrower_department=borrower_department,
        borrower_name=borrower_name,
        lent_on=today,
        due_on=due_on,
        note=(note or "").strip()[:200],
        lent_by=_actor(by),
    )
    loan._history_user = _actor(by)
    try:
        with transaction.atomic():
            loan.save()
    except IntegrityError as exc:
        # Two lends of one asset at once: the open-loan constraint lets one through.
        raise InvalidLoan(
            _("%(asset)s is already lent out. Record its return first.") % {"asset": asset}
        ) from exc
    previous = asset.status
    asset.status = AssetStatus.LENT
    asset._history_user = _actor(by)
    asset.save(update_fields=["status", "updated_at"])
    label = _borrower_label(borrower, borrower_department, borrower_name)
    AssetMovement.objects.create(
        school_id=school_id,
        asset=asset,
        kind=MovementKind.LEND,
        from_room_id=asset.room_id,
        from_department_id=asset.department_id,
        from_custodian_id=asset.custodian_id,
        to_department=borrower_department,
        to_custodian=borrower,
        note=(loan.note or gettext("Lent to %(borrower)s") % {"borrower": label})[:200],
        moved_by=_actor(by),
    )
    timeline.record(
        asset,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        text=gettext("Lent to %(borrower)s until %(due)s")
        % {"borrower": label, "due": due_on.isoformat()},
        from_state=previous,
        to_state=AssetStatus.LENT,
        # The status to restore on return (an asset idle before its loan is idle after it).
        data={"event": EVENT_LEND, "loan": loan.pk, "previous_status": previous},
    )
    return loan


def _status_before(loan: AssetLoan) -> str:
    """The asset's status before this loan, as the lend wrote it on the asset's timeline."""
    entry = (
        TimelineEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Asset),
            object_id=loan.asset_id,
            data__event=EVENT_LEND,
            data__loan=loan.pk,
        )
        .order_by("-pk")
        .first()
    )
    previous = entry.from_state if entry is not None else ""
    return previous if previous in LENDABLE else AssetStatus.IN_USE


@transaction.atomic
def return_loan(loan, *, by, returned_on: date | None = None, return_note: str = "") -> AssetLoan:
    """归还: the borrowed asset is back; it takes the status it had before the loan."""
    access = _check_perm(by)
    loan = AssetLoan.objects.select_for_update(of=("self",)).get(pk=loan.pk)
    if loan.school_id != access.school_id:
        raise InvalidLoan(_("This loan belongs to another school."))
    if loan.returned_on is not None:
        raise InvalidLoan(
            _("This loan was already returned on %(date)s.") % {"date": loan.returned_on}
        )
    today = timezone.localdate()
    returned_on = returned_on or today
    if returned_on > today:
        raise InvalidLoan(_("The return date cannot be in the future."))
    if returned_on < loan.lent_on:
        raise InvalidLoan(_("The return date cannot be before the asset was lent."))
    asset = _lock_asset(loan.asset_id)
    loan.returned_on = returned_on
    loan.return_note = (return_note or "").strip()[:200]
    loan._history_user = _actor(by)
    loan.save(update_fields=["returned_on", "return_note", "updated_at"])
    previous = asset.status
    if asset.status == AssetStatus.LENT:
        asset.status = _status_before(loan)
        asset._history_user = _actor(by)
        asset.save(update_fields=["status", "updated_at"])
    label = loan.borrower_label
    AssetMovement.objects.create(
        school_id=loan.school_id,
        asset=asset,
        kind=MovementKind.RETURN,
        from_department_id=loan.borrower_department_id,
        from_custodian_id=loan.borrower_id,
        to_room_id=asset.room_id,
        to_department_id=asset.department_id,
        to_custodian_id=asset.custodian_id,
        note=(loan.return_note or gettext("Returned by %(borrower)s") % {"borrower": label})[:200],
        moved_by=_actor(by),
    )
    text = gettext("Returned by %(borrower)s on %(date)s") % {
        "borrower": label,
        "date": returned_on.isoformat(),
    }
    if loan.return_note:
        text = f"{text} ({loan.return_note})"
    timeline.record(
        asset,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        text=text,
        from_state=previous,
        to_state=asset.status,
        data={"event": EVENT_RETURN, "loan": loan.pk},
    )
    return loan


def is_overdue(loan: AssetLoan, today: date | None = None) -> bool:
    return loan.returned_on is None and loan.due_on < (today or timezone.localdate())


# ---------------------------------------------------------------- overdue reminders


def _clerks(school_id) -> list:
    """People who keep the register (they may move assets): the overdue reminder's audience."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if MOVE_PERM in perms]
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__school_id=school_id,
            memberships__is_active=True,
            memberships__roles__role__in=roles,
        )
        .distinct()
    )


def loans_url() -> str:
    try:
        return reverse("assets:loan_list") + "?state=overdue"
    except NoReverseMatch:
        return ""


def notify_overdue_loans(now=None) -> int:
    """Tell the borrower and the school's asset clerks about each loan past its due date,
    once per loan (the reminder is kept on the loan's timeline); returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    loan_type = ContentType.objects.get_for_model(AssetLoan)
    reminded = TimelineEntry.objects.filter(
        content_type=loan_type, data__event=EVENT_OVERDUE
    ).values("object_id")
    ids = list(
        AssetLoan.objects.filter(returned_on__isnull=True, due_on__lt=today)
        .exclude(pk__in=reminded)
        .order_by("pk")
        .values_list("pk", flat=True)[:OVERDUE_BATCH]
    )
    clerks: dict[int, list] = {}
    count = 0
    for pk in ids:
        with transaction.atomic():
            loan = (
                AssetLoan.objects.select_for_update(of=("self",))
                .select_related("asset", "borrower", "borrower_department")
                .get(pk=pk)
            )
            if loan.returned_on is not None or _was_reminded(loan, loan_type):
                continue
            if loan.school_id not in clerks:
                clerks[loan.school_id] = _clerks(loan.school_id)
            recipients = list(clerks[loan.school_id])
            if loan.borrower is not None and loan.borrower not in recipients:
                recipients.append(loan.borrower)
            days = (today - loan.due_on).days
            title = gettext("Asset loan overdue: %(asset)s, due back %(due)s (%(borrower)s)") % {
                "asset": loan.asset,
                "due": loan.due_on.isoformat(),
                "borrower": loan.borrower_label,
            }
            body = ngettext(
                "%(days)d day late. Please return it or agree a new date with the asset clerk.",
                "%(days)d days late. Please return it or agree a new date with the asset clerk.",
                days,
            ) % {"days": days}
            notify(
                recipients=recipients,
                title=title,
                body=body,
                url=loans_url(),
                category=NOTIFY_CATEGORY,
                school=loan.school_id,
                level="warning",
                source=loan,
            )
            timeline.record(
                loan,
                by=None,
                kind=timeline.Kind.EVENT,
                text=gettext("Overdue: the borrower and the asset clerks were reminded."),
                data={"event": EVENT_OVERDUE, "due_on": loan.due_on.isoformat()},
            )
            count += 1
    return count


def _was_reminded(loan: AssetLoan, loan_type) -> bool:
    return TimelineEntry.objects.filter(
        content_type=loan_type, object_id=loan.pk, data__event=EVENT_OVERDUE
    ).exists()

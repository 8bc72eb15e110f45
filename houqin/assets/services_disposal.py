"""Disposal requests (报废/报损): the only way they change (historic write-offs, 历史核销, are
in ``services_writeoff``).

A request lists assets (a batch card may give part of its quantity), goes through the approval
engine (``houqin.assets.documents_disposal`` registers the type and its default policy) and,
once approved, takes the assets off the active register: whole cards become DISPOSED, a part
of a batch card reduces its quantity and value.

Rules: an asset is on at most one open (draft or pending) disposal — the asset rows are locked
(PostgreSQL) or the writer holds the database (SQLite IMMEDIATE) while this is checked, so of
two concurrent requests exactly one wins; only the custodian, the head of the asset's
department or the register keepers may put an asset on a request; nobody approves their own
request (the engine). Whole cards are PENDING_DISPOSAL while the request waits; a rejection or a
return puts them back to the status they had, read from the asset's own timeline entry written
on submission.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from houqin.core import approvals, timeline
from houqin.core.attachments import validate_upload
from houqin.core.errors import Conflict, DomainError, IllegalTransition, PermissionDenied
from houqin.core.models import TimelineEntry
from houqin.core.scoping import access_for
from houqin.core.states import StateMachine, Transition, any_of, has_perm, is_user, needs_reason

from .models import (
    Asset,
    AssetStatus,
    Disposal,
    DisposalKind,
    DisposalLine,
    DisposalStatus,
)

CENT = Decimal("0.01")
MANAGE_PERM = "assets.change_disposal"
REGISTER_PERM = "assets.change_asset"
OPEN_STATUSES = (DisposalStatus.DRAFT, DisposalStatus.PENDING)
# Statuses an asset may be disposed from. Lent assets come back first; lost ones are written off.
DISPOSABLE_STATUSES = (
    AssetStatus.IN_USE,
    AssetStatus.IDLE,
    AssetStatus.IN_REPAIR,
    AssetStatus.LOST,
)
# A request is read and approved line by line (a historic write-off takes any number).
MAX_LINES = 1000
MAX_PHOTOS = 10
# Rows per statement: under SQLite's variable limit and PostgreSQL's comfortable IN lists.
CHUNK = 2000
# Unknown numbers named in an error message (the rest are counted).
SHOWN_NUMBERS = 50


# The one transition table of a disposal (the approval engine takes the system transitions).
MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition(
            "submit",
            source={DisposalStatus.DRAFT},
            target=DisposalStatus.PENDING,
            allowed=is_user("requested_by"),
            label=_("Submit for approval"),
        ),
        Transition(
            "approve",
            source={DisposalStatus.PENDING},
            target=DisposalStatus.DISPOSED,
            system_only=True,
            label=_("Approved: disposed"),
        ),
        Transition(
            "reject",
            source={DisposalStatus.PENDING},
            target=DisposalStatus.REJECTED,
            system_only=True,
            label=_("Rejected"),
        ),
        Transition(
            "return",
            source={DisposalStatus.PENDING},
            target=DisposalStatus.DRAFT,
            system_only=True,
            label=_("Returned for changes"),
        ),
        Transition(
            "cancel",
            source={DisposalStatus.DRAFT},
            target=DisposalStatus.CANCELLED,
            allowed=any_of(is_user("requested_by"), has_perm(MANAGE_PERM)),
            guard=needs_reason,
            label=_("Cancel the request"),
        ),
    ],
)


# ---------------------------------------------------------------- small helpers


def _school_id(school) -> int:
    return getattr(school, "pk", school)


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _part(amount: Decimal, quantity: Decimal, whole: Decimal) -> Decimal:
    """``amount`` × quantity / whole, to the cent (the whole amount for the whole quantity)."""
    if quantity >= whole:
        return amount
    return _money(amount * quantity / whole)


def _quantity(value, asset: Asset) -> Decimal:
    if value in (None, ""):
        return asset.quantity
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        quantity = Decimal("-1")
    if not quantity.is_finite() or quantity <= 0:
        raise DomainError(
            _("%(number)s: the quantity to dispose must be a positive number.")
            % {"number": asset.number}
        )
    quantity = quantity.quantize(CENT, rounding=ROUND_HALF_UP)
    if quantity > asset.quantity:
        raise DomainError(
            _("%(number)s: only %(have)s %(unit)s on the card, not %(want)s.")
            % {
                "number": asset.number,
                "have": _fmt(asset.quantity),
                "unit": asset.unit,
                "want": _fmt(quantity),
            }
        )
    return quantity


def _fmt(quantity: Decimal) -> str:
    """120.00 → "120", 2.50 → "2.5" (never "1E+2")."""
    return format(quantity.normalize(), "f")


def _names(numbers: list[str]) -> str:
    shown = "、".join(numbers[:SHOWN_NUMBERS])
    if len(numbers) > SHOWN_NUMBERS:
        shown += str(_(" and %(count)d more") % {"count": len(numbers) - SHOWN_NUMBERS})
    return shown


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _lock_assets(school_id: int, ids: Iterable[int]) -> dict[int, Asset]:
    """The assets, locked in id order (PostgreSQL; SQLite's writer already holds the file)."""
    ids = sorted(set(ids))
    found: dict[int, Asset] = {}
    for chunk in _chunks(ids):
        rows = Asset.objects.filter(school_id=school_id, pk__in=chunk).order_by("pk")
        if connection.features.has_select_for_update:
            rows = rows.select_for_update(of=("self",))
        found.update((a.pk, a) for a in rows)
    return found


def _open_elsewhere(asset_ids: list[int], disposal: Disposal | None) -> dict[int, str]:
    """Asset id → the number of another open disposal it is on."""
    found: dict[int, str] = {}
    for chunk in _chunks(sorted(set(asset_ids))):
        lines = DisposalLine.objects.filter(asset_id__in=chunk, disposal__status__in=OPEN_STATUSES)
        if disposal is not None and disposal.pk:
            lines = lines.exclude(disposal_id=disposal.pk)
        found.update(lines.values_list("asset_id", "disposal__number"))
    return found


def may_include(access, asset: Asset) -> bool:
    """The custodian, the head of the asset's department, or whoever keeps the register."""
    user_id = getattr(access.user, "pk", None)
    if access.has_perm(REGISTER_PERM):
        return True
    if asset.custodian_id and asset.custodian_id == user_id:
        return True
    return bool(
        asset.department_id and asset.department_id in getattr(access, "headed_department_ids", ())
    )


def _asset_entries(
    assets, *, by, text, disposal, to_state="", from_states=None, texts=None
) -> None:
    """One timeline line per asset, in bulk (a write-off may touch thousands): a state change
    when ``to_state`` is given (from ``from_states``, else the asset's status), else an event."""
    content_type = ContentType.objects.get_for_model(Asset)
    actor = by if getattr(by, "is_authenticated", False) else None
    kind = TimelineEntry.Kind.STATE_CHANGE if to_state else TimelineEntry.Kind.EVENT
    rows = [
        TimelineEntry(
            school_id=asset.school_id,
            content_type=content_type,
            object_id=asset.pk,
            kind=kind,
            actor=actor,
            text=str((texts or {}).get(asset.pk, text)),
            from_state=(from_states or {}).get(asset.pk, asset.status) if to_state else "",
            to_state=to_state,
            data={"disposal": disposal.pk, "number": disposal.number},
        )
        for asset in assets
    ]
    TimelineEntry.objects.bulk_create(rows, batch_size=CHUNK)


def _save_assets(assets: list[Asset], fields: list[str], *, by, reason: str) -> None:
    """Write changed assets with one history row each (set-based)."""
    if not assets:
        return
    now = timezone.now()
    for asset in assets:
        asset.updated_at = now
    bulk_update_with_history(
        assets,
        Asset,
        [*fields, "updated_at"],
        batch_size=500,
        default_user=by if getattr(by, "is_authenticated", False) else None,
        default_change_reason=str(reason)[:100],
    )


# ---------------------------------------------------------------- choosing assets


_LINE_SPLIT = re.compile(r"[\t ,，;；]+")
_ANY_SPLIT = re.compile(r"[\s,，;；、]+")


def parse_lines(text: str) -> list[tuple[str, str]]:
    """Pasted "number [quantity]" lines (Excel's two columns paste with a tab) → pairs."""
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for line in (text or "").splitlines():
        parts = [p for p in _LINE_SPLIT.split(line.strip()) if p]
        if not parts or parts[0] in seen:
            continue
        seen.add(parts[0])
        pairs.append((parts[0], parts[1] if len(parts) > 1 else ""))
    return pairs


def parse_numbers(text: str) -> list[str]:
    """Pasted asset numbers, one per line or separated by commas or spaces; duplicates once."""
    return list(dict.fromkeys(n for n in _ANY_SPLIT.split(text or "") if n))


def find_by_numbers(school, numbers: list[str]) -> tuple[dict[str, Asset], list[str]]:
    """The school's assets with these numbers, and the numbers that match none (in order)."""
    found: dict[str, Asset] = {}
    for chunk in _chunks(numbers):
        for asset in Asset.objects.filter(school_id=_school_id(school), number__in=chunk):
            found[asset.number] = asset
    return found, [n for n in numbers if n not in found]


def lines_from_text(school, text: str) -> list[tuple[Asset, str]]:
    """Pasted lines as (asset, quantity) pairs; unknown numbers are one clear error."""
    pairs = parse_lines(text)
    found, unknown = find_by_numbers(school, [number for number, _q in pairs])
    if unknown:
        raise DomainError(
            _("No asset of this school has the number %(numbers)s.") % {"numbers": _names(unknown)},
            code="UnknownNumbers",
        )
    return [(found[number], quantity) for number, quantity in pairs]


def _normalise(lines) -> list[tuple[Asset, object]]:
    out = []
    for item in lines or ():
        if isinstance(item, Asset):
            out.append((item, None))
        elif isinstance(item, dict):
            out.append((item["asset"], item.get("quantity")))
        else:
            asset, quantity = item
            out.append((asset, quantity))
    return out


def _check_photos(photos) -> list:
    photos = [p for p in (photos or ()) if p]
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("At most %(count)d photos can be added.") % {"count": MAX_PHOTOS})
    for photo in photos:
        validate_upload(photo)
    return photos


# ---------------------------------------------------------------- the request


def _check_lines(access, disposal: Disposal, items) -> list[DisposalLine]:
    """Validated lines (assets locked) for ``disposal``; raises one error naming every asset."""
    items = _normalise(items)
    if not items:
        raise DomainError(_("Choose at least one asset to dispose of."), code="NoAssets")
    if len(items) > MAX_LINES:
        raise DomainError(
            _(
                "At most %(count)d assets fit on one request. Split it, or record a historic "
                "write-off."
            )
            % {"count": MAX_LINES}
        )
    ids = [asset.pk for asset, _q in items]
    if len(set(ids)) != len(ids):
        raise DomainError(_("An asset is listed twice."))
    locked = _lock_assets(disposal.school_id, ids)
    missing = [asset.number for asset, _q in items if asset.pk not in locked]
    if missing:
        raise DomainError(
            _("No asset of this school has the number %(numbers)s.") % {"numbers": _names(missing)}
        )
    refused = [locked[i].number for i in ids if not may_include(access, locked[i])]
    if refused:
        raise PermissionDenied(
            _(
                "Only the custodian, the head of its department or the asset keepers may ask to "
                "dispose of %(numbers)s."
            )
            % {"numbers": _names(refused)}
        )
    lent = [locked[i].number for i in ids if locked[i].status == AssetStatus.LENT]
    if lent:
        raise DomainError(
            _("%(numbers)s: lent out; record the return first.") % {"numbers": _names(lent)}
        )
    allowed = (*DISPOSABLE_STATUSES, AssetStatus.PENDING_DISPOSAL)
    gone = [locked[i].number for i in ids if locked[i].status not in allowed]
    if gone:
        raise DomainError(
            _("%(numbers)s: already disposed of.") % {"numbers": _names(gone)}, code="Disposed"
        )
    taken = _open_elsewhere(ids, disposal)
    if taken:
        raise Conflict(
            _("Already on an open disposal: %(items)s.")
            % {"items": _names([f"{locked[i].number} ({n})" for i, n in taken.items()])},
            code="OnOpenDisposal",
        )
    lines = []
    for asset, quantity in items:
        asset = locked[asset.pk]
        quantity = _quantity(quantity, asset)
        lines.append(
            DisposalLine(
                school_id=disposal.school_id,
                disposal=disposal,
                asset=asset,
                quantity=quantity,
                original_value=_part(asset.total_value, quantity, asset.quantity),
                accumulated_depreciation=_part(
                    asset.accumulated_depreciation, quantity, asset.quantity
                ),
            )
        )
    return lines


def _department(access, department, school_id):
    if department is None:
        membership = getattr(access, "membership", None)
        return getattr(membership, "department", None) if membership else None
    if department.school_id != school_id:
        raise DomainError(_("Choose a department of this school."))
    return department


def _check_text(kind, reason):
    if kind not in DisposalKind.values:
        raise DomainError(_("Choose the kind of disposal."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the disposal."), code="ReasonRequired")
    return reason


@transaction.atomic
def create_disposal(
    *,
    by,
    school,
    lines,
    reason,
    kind=DisposalKind.SCRAP,
    appraisal="",
    department=None,
    residual_income=Decimal("0"),
    photos=(),
) -> Disposal:
    """A draft request over ``lines`` (assets, or (asset, quantity) pairs); photos go on its
    timeline. Submit it with ``submit``."""
    school_id = _school_id(school)
    access = access_for(by, school_id)
    if not access.is_member or not access.has_perm("assets.add_disposal"):
        raise PermissionDenied(_("You may not ask to dispose of assets in this school."))
    reason = _check_text(kind, reason)
    photos = _check_photos(photos)
    disposal = Disposal(
        school_id=school_id,
        kind=kind,
        reason=reason,
        appraisal=(appraisal or "").strip(),
        department=_department(access, department, school_id),
        residual_income=_money(residual_income or 0),
        requested_by=by,
    )
    checked = _check_lines(access, disposal, lines)
    disposal.total_value = sum((line.original_value for line in checked), Decimal("0"))
    disposal.assign_number()
    disposal.full_clean()
    disposal.save()
    DisposalLine.objects.bulk_create(checked, batch_size=CHUNK)
    timeline.record(
        disposal,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        text=str(_("Request drafted with %(count)d assets.") % {"count": len(checked)}),
        to_state=DisposalStatus.DRAFT,
    )
    if photos:
        timeline.attach(disposal, by=by, files=photos, text=str(_("Photos of the assets")))
    return disposal


def _lock(disposal: Disposal) -> Disposal:
    fresh = Disposal.objects.select_for_update().get(pk=disposal.pk)
    for field in fresh._meta.concrete_fields:
        setattr(disposal, field.attname, getattr(fresh, field.attname))
    return disposal


def _may_edit(access, disposal: Disposal) -> bool:
    return access.is_member and (
        disposal.requested_by_id == getattr(access.user, "pk", None) or access.has_perm(MANAGE_PERM)
    )


@transaction.atomic
def update_disposal(
    disposal: Disposal,
    *,
    by,
    reason=None,
    kind=None,
    appraisal=None,
    department=None,
    residual_income=None,
    lines=None,
) -> Disposal:
    """Change a draft (also one returned for changes); ``lines`` replaces every line."""
    disposal = _lock(disposal)
    access = access_for(by, disposal.school_id)
    if not _may_edit(access, disposal):
        raise PermissionDenied(_("Only the requester can change this request."))
    if disposal.status != DisposalStatus.DRAFT:
        raise IllegalTransition(
            _("A request can be changed only while it is a draft (or returned for changes).")
        )
    disposal.kind = kind if kind is not None else disposal.kind
    disposal.reason = _check_text(disposal.kind, disposal.reason if reason is None else reason)
    if appraisal is not None:
        disposal.appraisal = appraisal.strip()
    if department is not None:
        disposal.department = _department(access, department, disposal.school_id)
    if residual_income is not None:
        disposal.residual_income = _money(residual_income or 0)
    if lines is not None:
        checked = _check_lines(access, disposal, lines)
        DisposalLine.objects.filter(disposal=disposal).delete()
        DisposalLine.objects.bulk_create(checked, batch_size=CHUNK)
        disposal.total_value = sum((line.original_value for line in checked), Decimal("0"))
    disposal.version += 1
    disposal.full_clean()
    disposal.save()
    timeline.record(disposal, by=by, kind=timeline.Kind.EVENT, text=str(_("Request changed.")))
    return disposal


@transaction.atomic
def submit(disposal: Disposal, *, by):
    """Draft → waiting for approval: whole cards become PENDING_DISPOSAL (their status before
    is kept on their timeline), values are taken again, and the approval engine starts (a new
    round after a return). Returns the approval flow."""
    disposal = _lock(disposal)
    transition = MACHINE.get("submit")
    if not transition.applies_from(disposal.status) or not MACHINE.is_allowed(
        transition, disposal, by
    ):
        MACHINE.perform(disposal, "submit", by=by)  # raises the right error
    access = access_for(by, disposal.school_id)
    current = list(disposal.lines.select_related("asset").order_by("pk"))
    lines = _check_lines(access, disposal, [(line.asset, line.quantity) for line in current])
    for old, new in zip(current, lines, strict=True):
        old.original_value = new.original_value
        old.accumulated_depreciation = new.accumulated_depreciation
        old.asset = new.asset  # the locked, fresh row
    DisposalLine.objects.bulk_update(
        current, ["original_value", "accumulated_depreciation"], batch_size=500
    )
    whole = [
        line.asset
        for line in current
        if line.quantity >= line.asset.quantity
        and line.asset.status != AssetStatus.PENDING_DISPOSAL
    ]
    before = {asset.pk: asset.status for asset in whole}
    for asset in whole:
        asset.status = AssetStatus.PENDING_DISPOSAL
    text = _("Sent for disposal in %(number)s") % {"number": disposal.number}
    _save_assets(whole, ["status"], by=by, reason=text)
    _asset_entries(
        whole,
        by=by,
        text=text,
        to_state=AssetStatus.PENDING_DISPOSAL,
        disposal=disposal,
        from_states=before,
    )
    MACHINE.perform(
        disposal,
        "submit",
        by=by,
        values={
            "total_value": sum((line.original_value for line in current), Decimal("0")),
            "submitted_at": timezone.now(),
            "version": disposal.version + 1,
        },
    )
    flow = approvals.flow_for(disposal)
    if flow is not None and flow.status == flow.Status.RETURNED:
        return approvals.resubmit(flow, by=by)
    return approvals.start(disposal, by=by)


@transaction.atomic
def cancel(disposal: Disposal, *, by, reason) -> Disposal:
    """Withdraw a draft (nothing was taken off the register yet)."""
    disposal = _lock(disposal)
    return MACHINE.perform(disposal, "cancel", by=by, note=(reason or "").strip(), reason=reason)


@transaction.atomic
def add_photos(disposal: Disposal, *, by, photos, text="") -> object:
    """Photos or the appraisal's scan on the request's timeline, by whoever may edit it."""
    access = access_for(by, disposal.school_id)
    if not _may_edit(access, disposal):
        raise PermissionDenied(_("Only the requester can add photos to this request."))
    return timeline.attach(disposal, by=by, files=_check_photos(photos), text=text)


# ---------------------------------------------------------------- the engine's handlers


def _previous_statuses(disposal: Disposal, asset_ids: list[int]) -> dict[int, str]:
    """Each asset's status before this disposal, from its timeline entry on submission."""
    before: dict[int, str] = {}
    entries = TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Asset),
        object_id__in=asset_ids,
        to_state=AssetStatus.PENDING_DISPOSAL,
        data__disposal=disposal.pk,
    ).order_by("created_at", "pk")
    for object_id, from_state in entries.values_list("object_id", "from_state"):
        before[object_id] = from_state  # the latest submission wins
    return before


def _restore(disposal: Disposal, *, by, text) -> None:
    """Whole cards back to the status they had before the request."""
    ids = list(disposal.lines.values_list("asset_id", flat=True))
    locked = _lock_assets(disposal.school_id, ids)
    pending = [a for a in locked.values() if a.status == AssetStatus.PENDING_DISPOSAL]
    before = _previous_statuses(disposal, [a.pk for a in pending])
    groups: dict[str, list[Asset]] = {}
    for asset in pending:
        previous = before.get(asset.pk) or AssetStatus.IN_USE
        asset.status = previous if previous in DISPOSABLE_STATUSES else AssetStatus.IN_USE
        groups.setdefault(asset.status, []).append(asset)
    _save_assets(pending, ["status"], by=by, reason=text)
    from_states = dict.fromkeys((a.pk for a in pending), AssetStatus.PENDING_DISPOSAL)
    for status, assets in groups.items():
        _asset_entries(
            assets, by=by, text=text, disposal=disposal, to_state=status, from_states=from_states
        )


def _take_off(disposal: Disposal, *, by, on: date) -> None:
    """Whole cards DISPOSED; part of a batch card leaves its quantity and value."""
    lines = list(disposal.lines.order_by("pk"))
    locked = _lock_assets(disposal.school_id, [line.asset_id for line in lines])
    text = _("Disposed of (%(number)s)") % {"number": disposal.number}
    whole, partial, before = [], [], {}
    notes = {}
    for line in lines:
        asset = locked[line.asset_id]
        before[asset.pk] = asset.status
        if asset.status == AssetStatus.DISPOSED:
            raise IllegalTransition(
                _("%(number)s is already disposed of.") % {"number": asset.number}
            )
        if line.quantity > asset.quantity:
            raise DomainError(
                _(
                    "%(number)s has only %(have)s %(unit)s on its card now. Return the request "
                    "for changes."
                )
                % {"number": asset.number, "have": _fmt(asset.quantity), "unit": asset.unit}
            )
        if line.quantity == asset.quantity:
            asset.status = AssetStatus.DISPOSED
            asset.disposed_on = on
            whole.append(asset)
            continue
        remaining = asset.quantity - line.quantity
        value_out = _part(asset.total_value, line.quantity, asset.quantity)
        depreciation_out = _part(asset.accumulated_depreciation, line.quantity, asset.quantity)
        asset.quantity = remaining
        asset.total_value = max(Decimal("0"), asset.total_value - value_out)
        asset.accumulated_depreciation = max(
            Decimal("0"), asset.accumulated_depreciation - depreciation_out
        )
        notes[asset.pk] = _("%(quantity)s %(unit)s disposed of (%(number)s); %(left)s left.") % {
            "quantity": _fmt(line.quantity),
            "unit": asset.unit,
            "number": disposal.number,
            "left": _fmt(remaining),
        }
        partial.append(asset)
    _save_assets(whole, ["status", "disposed_on"], by=by, reason=text)
    _save_assets(
        partial, ["quantity", "total_value", "accumulated_depreciation"], by=by, reason=text
    )
    _asset_entries(
        whole,
        by=by,
        text=text,
        to_state=AssetStatus.DISPOSED,
        disposal=disposal,
        from_states=before,
    )
    _asset_entries(partial, by=by, text=text, disposal=disposal, texts=notes)


def approval_granted(disposal: Disposal, *, flow, by) -> None:
    """The last step approved: the assets leave the active register today."""
    today = timezone.localdate()
    MACHINE.perform(disposal, "approve", by=by, system=True, values={"disposed_on": today})
    _take_off(disposal, by=by, on=today)


def approval_refused(disposal: Disposal, *, flow, by, reason) -> None:
    MACHINE.perform(disposal, "reject", by=by, system=True, note=reason)
    _restore(
        disposal,
        by=by,
        text=_("Disposal %(number)s rejected: back in the register") % {"number": disposal.number},
    )


def approval_returned(disposal: Disposal, *, flow, by, reason) -> None:
    MACHINE.perform(disposal, "return", by=by, system=True, note=reason)
    _restore(
        disposal,
        by=by,
        text=_("Disposal %(number)s returned for changes: back in the register")
        % {"number": disposal.number},
    )


__all__ = [
    "MACHINE",
    "add_photos",
    "approval_granted",
    "approval_refused",
    "approval_returned",
    "cancel",
    "create_disposal",
    "find_by_numbers",
    "lines_from_text",
    "may_include",
    "parse_lines",
    "parse_numbers",
    "submit",
    "update_disposal",
]

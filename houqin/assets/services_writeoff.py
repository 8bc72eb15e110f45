"""Historic write-offs (历史核销): a disposal approved in the past — by the school or the
bureau, with the approving document's number — recorded for many assets at once, without the
approval engine. All or nothing; set-based, so 20,000 assets take seconds, not minutes: the
database copies the lines, the assets' timeline entries and their history rows from the asset
rows themselves (``insert_select``), with no model instance per asset.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import F, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import timeline
from houqin.core.errors import Conflict, DomainError, PermissionDenied
from houqin.core.models import TimelineEntry
from houqin.core.scoping import access_for

from .models import Asset, AssetStatus, Disposal, DisposalKind, DisposalLine, DisposalStatus
from .services_disposal import (
    _check_text,
    _chunks,
    _department,
    _names,
    _open_elsewhere,
    _school_id,
)

# One way to write many rows at once (the stock-take's snapshot uses it too).
from .services_stocktake import insert_select

WRITEOFF_PERM = "assets.writeoff_disposal"
MAX_WRITEOFF = 100_000


class _Row(NamedTuple):
    pk: int
    number: str
    status: str
    quantity: Decimal
    total_value: Decimal
    accumulated_depreciation: Decimal


def _lock_rows(school_id: int, ids: Iterable[int]) -> dict[int, _Row]:
    """As ``_lock_assets``, but plain rows: a write-off of 20,000 assets builds no models."""
    found: dict[int, _Row] = {}
    for chunk in _chunks(sorted(set(ids))):
        rows = Asset.objects.filter(school_id=school_id, pk__in=chunk).order_by("pk")
        if connection.features.has_select_for_update:
            rows = rows.select_for_update()
        found.update((r[0], _Row(*r)) for r in rows.values_list(*_Row._fields))
    return found


@transaction.atomic
def write_off(
    *,
    by,
    school,
    approval_reference,
    disposed_on,
    reason,
    kind=DisposalKind.SCRAP,
    numbers=None,
    assets=None,
    department=None,
) -> Disposal:
    """历史核销: record a disposal approved in the past (its document number and date) for many
    assets at once — by pasted ``numbers`` or an ``assets`` selection — without the approval
    engine. All or nothing: an unknown number, a disposed asset or one on an open request
    refuses the whole write-off and names them."""
    school_id = _school_id(school)
    access = access_for(by, school_id)
    if not access.is_member or not access.has_perm(WRITEOFF_PERM):
        raise PermissionDenied(_("You may not record historic write-offs."))
    approval_reference = (approval_reference or "").strip()
    if not approval_reference:
        raise DomainError(
            _("Give the number of the document that approved the write-off."),
            code="ReferenceRequired",
        )
    if not isinstance(disposed_on, date):
        raise DomainError(_("Give the date of the disposal."))
    if disposed_on > timezone.localdate():
        raise DomainError(
            _("A historic write-off has a disposal date in the past."), code="FutureDate"
        )
    reason = _check_text(kind, reason)

    if numbers is not None:
        numbers = list(numbers)
        if len(numbers) > MAX_WRITEOFF:
            raise DomainError(
                _("At most %(count)d assets in one write-off.") % {"count": MAX_WRITEOFF}
            )
        found: dict[str, int] = {}
        for chunk in _chunks(numbers):
            found.update(
                Asset.objects.filter(school_id=school_id, number__in=chunk).values_list(
                    "number", "pk"
                )
            )
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise DomainError(
                _("Nothing was written. No asset of this school has the number %(numbers)s.")
                % {"numbers": _names(unknown)},
                code="UnknownNumbers",
            )
        ids = [found[n] for n in numbers]
    else:
        ids = (
            list(
                assets.filter(school_id=school_id).values_list("pk", flat=True)[: MAX_WRITEOFF + 1]
            )
            if hasattr(assets, "values_list")
            else [a.pk for a in assets or () if a.school_id == school_id]
        )
        if len(ids) > MAX_WRITEOFF:
            raise DomainError(
                _("At most %(count)d assets in one write-off.") % {"count": MAX_WRITEOFF}
            )
    if not ids:
        raise DomainError(_("Choose at least one asset to write off."), code="NoAssets")

    locked = _lock_rows(school_id, ids)
    ordered = [locked[i] for i in ids]
    gone = [a.number for a in ordered if a.status == AssetStatus.DISPOSED]
    if gone:
        raise DomainError(
            _("Nothing was written. Already disposed of: %(numbers)s.") % {"numbers": _names(gone)},
            code="Disposed",
        )
    taken = _open_elsewhere(ids, None)
    if taken:
        raise Conflict(
            _("Nothing was written. On an open disposal request: %(items)s.")
            % {"items": _names([f"{locked[i].number} ({n})" for i, n in taken.items()])},
            code="OnOpenDisposal",
        )

    now = timezone.now()
    disposal = Disposal(
        school_id=school_id,
        kind=kind,
        status=DisposalStatus.DISPOSED,
        reason=reason,
        is_historic=True,
        approval_reference=approval_reference[:100],
        department=_department(access, department, school_id) if department else None,
        requested_by=by,
        submitted_at=now,
        disposed_on=disposed_on,
        total_value=sum((a.total_value for a in ordered), Decimal("0")),
    )
    disposal.assign_number()
    disposal.full_clean()
    disposal.save()
    text = _("Written off (%(number)s, approved by %(reference)s on %(date)s)") % {
        "number": disposal.number,
        "reference": approval_reference,
        "date": disposed_on.isoformat(),
    }

    # Set-based: the database copies the lines, the assets' timeline entries and (after the
    # UPDATE) their history rows from the asset rows themselves; no model instance per asset.
    def const(value, field):
        return Value(value, output_field=field)

    when = const(now, models.DateTimeField())
    content_type = ContentType.objects.get_for_model(Asset)
    history = Asset.history.model
    for chunk in _chunks(ids):
        rows = Asset.objects.filter(school_id=school_id, pk__in=chunk)
        insert_select(
            DisposalLine,
            {
                "created_at": when,
                "updated_at": when,
                "school_id": F("school_id"),
                "disposal_id": const(disposal.pk, models.BigIntegerField()),
                "asset_id": F("pk"),
                "quantity": F("quantity"),
                "original_value": F("total_value"),
                "accumulated_depreciation": F("accumulated_depreciation"),
            },
            rows,
        )
        insert_select(
            TimelineEntry,
            {
                "created_at": when,
                "updated_at": when,
                "school_id": F("school_id"),
                "content_type_id": const(content_type.pk, models.IntegerField()),
                "object_id": F("pk"),
                "kind": const(TimelineEntry.Kind.STATE_CHANGE, models.CharField()),
                "actor_id": const(by.pk, models.BigIntegerField()),
                "from_state": F("status"),
                "to_state": const(AssetStatus.DISPOSED, models.CharField()),
                "text": const(str(text), models.TextField()),
                "data": const(
                    {"disposal": disposal.pk, "number": disposal.number}, models.JSONField()
                ),
            },
            rows,
        )
        rows.update(status=AssetStatus.DISPOSED, disposed_on=disposed_on, updated_at=now)
        insert_select(
            history,
            {
                **{f.attname: F(f.attname) for f in history.tracked_fields},
                "history_date": when,
                "history_change_reason": const(str(text)[:100], models.CharField()),
                "history_type": const("~", models.CharField()),
                "history_user_id": const(by.pk, models.BigIntegerField()),
            },
            rows,
        )
    timeline.record(
        disposal,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        text=str(
            _("Historic write-off of %(count)d assets recorded (approved by %(reference)s).")
            % {"count": len(ordered), "reference": approval_reference}
        ),
        to_state=DisposalStatus.DISPOSED,
        data={"historic": True, "assets": len(ordered)},
    )
    return disposal


__all__ = ["MAX_WRITEOFF", "WRITEOFF_PERM", "write_off"]

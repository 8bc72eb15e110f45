"""Stock-takes (盘点): start over a scope, scan room by room, close, correct, approve, apply.

Rules decided here (docs for the people who count):

- **Scope**: the active assets in the chosen buildings or rooms, of the chosen departments, of
  the chosen categories (with their sub-categories); each kind given narrows the scope, nothing
  given means the whole active register. Starting snapshots one line per asset with the place
  the register gives it (``expected_room``).
- **One open stock-take per asset**: a stock-take cannot start while another one that is still
  counting or waiting for approval covers any of the same assets (its corrections would clash).
- **Scans**: a label's QR address (``…/a/<token>/``), a bare token, or an asset number typed by
  hand. Found in its expected room → FOUND; anywhere else → MOVED (``found_room`` set). An
  asset of the register outside the scope → a SURPLUS line that points at the asset ("surplus
  in this scope": it is proposed to move to where it was found, never registered twice). An
  unknown code → a SURPLUS line with the code (one per stock-take and code), proposed for
  registration.
- **Repeats**: every scan is kept as it arrived (``StockTakeScan``, unique per stock-take and
  ``client_id`` so a phone that resends after a dropped connection is stored once); the line
  counts once and follows the most recent scan by the phone's clock (a queue sent late never
  overrides a newer scan).
- **Concurrency**: no row locks (SQLite has none): unique constraints decide who creates a scan
  or a surplus line, and a conditional UPDATE (``scanned_at`` older than this scan) decides
  which scan a line shows.
- **Corrections** are proposed on close (MOVED → move, MISSING → mark lost, known surplus →
  move), editable while the stock-take is closed and not waiting for approval, and applied only
  when the approval engine approves (doc type ``assets.stocktake``).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from houqin.core import approvals, timeline
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.models import TimelineEntry
from houqin.core.numbering import current_year, next_values
from houqin.core.scoping import access_for
from houqin.org.models import Room

from .models import (
    AcquisitionMode,
    Asset,
    AssetCategory,
    AssetMovement,
    AssetSettings,
    AssetStatus,
    Correction,
    MovementKind,
    ScanResult,
    StockTake,
    StockTakeItem,
    StockTakeScan,
    StockTakeStatus,
)
from .models.register import ACTIVE_STATUSES

DOC_TYPE = "assets.stocktake"
ASSET_NUMBER_DOC_TYPE = "assets.asset"
START_PERM = "assets.add_stocktake"
MANAGE_PERM = "assets.change_stocktake"
SCAN_PERM = "assets.scan_stocktake"
BATCH = 2000
CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit

# …/a/<token>/ (an asset label) and …/r/<token>/ (a room's poster), with or without the host.
ASSET_URL_RE = re.compile(r"/a/([A-Za-z0-9_-]{8,32})/?(?:[?#].*)?$")
ROOM_URL_RE = re.compile(r"/r/([A-Za-z0-9_-]{8,32})/?(?:[?#].*)?$")
MAX_CODE = StockTakeItem._meta.get_field("code").max_length
# The results of lines the scope expected (the others are surplus).
EXPECTED_RESULTS = (ScanResult.PENDING, ScanResult.FOUND, ScanResult.MOVED, ScanResult.MISSING)


class ScanRefused(DomainError):
    """The scan cannot be recorded (closed stock-take, no room chosen, a room's code…)."""


@dataclass
class ScanOutcome:
    scan: StockTakeScan
    item: StockTakeItem
    duplicate: bool  # the same client_id was already stored: nothing changed


# ---------------------------------------------------------------- helpers


def _school_id(obj) -> int:
    return getattr(obj, "pk", obj)


def _require(by, school_id, perm, message=None):
    access = access_for(by, school_id)
    if not access.is_member or not access.has_perm(perm):
        raise PermissionDenied(message)
    return access


def _chunks(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _history(stocktake: StockTake, *, by, reason: str = "") -> None:
    """A history row for a stock-take changed by a conditional UPDATE (which writes none)."""
    fresh = StockTake.objects.get(pk=stocktake.pk)
    StockTake.history.bulk_history_create(
        [fresh], update=True, default_user=by, default_change_reason=str(reason)[:100]
    )
    for name in ("status", "closed_by_id", "closed_at", "applied_at", "version"):
        setattr(stocktake, name, getattr(fresh, name))


def category_with_descendants(categories) -> set[int]:
    """The ids of ``categories`` and every sub-category below them (one query per level)."""
    ids = {_school_id(c) for c in categories}
    frontier = set(ids)
    while frontier:
        children = set(
            AssetCategory.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = children - ids
        ids |= frontier
    return ids


def scope_queryset(*, school_id, buildings=(), rooms=(), departments=(), categories=()):
    """The active assets a stock-take over this scope expects."""
    qs = Asset.objects.filter(school_id=school_id, status__in=ACTIVE_STATUSES)
    building_ids = [_school_id(b) for b in buildings]
    room_ids = [_school_id(r) for r in rooms]
    if building_ids or room_ids:
        qs = qs.filter(Q(room__floor__building_id__in=building_ids) | Q(room_id__in=room_ids))
    if departments:
        qs = qs.filter(department_id__in=[_school_id(d) for d in departments])
    if categories:
        qs = qs.filter(category_id__in=category_with_descendants(categories))
    return qs


def stocktake_scope(stocktake: StockTake):
    return scope_queryset(
        school_id=stocktake.school_id,
        buildings=list(stocktake.buildings.all()),
        rooms=list(stocktake.rooms.all()),
        departments=list(stocktake.departments.all()),
        categories=list(stocktake.categories.all()),
    )


def overlapping(*, school_id, scope, exclude=None):
    """Open or unapproved stock-takes that already cover assets of ``scope``."""
    busy = StockTakeItem.objects.filter(
        school_id=school_id,
        stocktake__status__in=(StockTakeStatus.OPEN, StockTakeStatus.CLOSED),
        asset_id__in=scope.values("pk"),
    )
    if exclude is not None:
        busy = busy.exclude(stocktake_id=exclude.pk)
    return StockTake.objects.filter(pk__in=busy.values("stocktake_id")).order_by("pk")


# ---------------------------------------------------------------- starting


def insert_select(model, columns: dict, source) -> int:
    """``INSERT INTO model (columns) SELECT expressions FROM source``: rows made by the
    database from other rows, with no model instance in between (20,000 rows in well under a
    second, where instances cost tens of seconds). ``columns`` maps a field (or attname) of
    ``model`` to an expression over ``source``'s model."""
    aliases = {f"_insert_{n}": expression for n, expression in enumerate(columns.values())}
    rows = source.order_by().annotate(**aliases).values_list(*aliases)
    select, params = rows.query.get_compiler(using=rows.db).as_sql()
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {select}", params)  # noqa: S608
        return cursor.rowcount


def snapshot_lines(stocktake: StockTake, scope) -> int:
    """One PENDING line per asset of ``scope``, with where the register says it is."""
    now = timezone.now()
    text = models.CharField()
    return insert_select(
        StockTakeItem,
        {
            "created_at": Value(now, output_field=models.DateTimeField()),
            "updated_at": Value(now, output_field=models.DateTimeField()),
            "school_id": F("school_id"),
            "stocktake_id": Value(stocktake.pk, output_field=models.BigIntegerField()),
            "asset_id": F("pk"),
            "code": Value("", output_field=text),
            "expected_room_id": F("room_id"),
            "result": Value(ScanResult.PENDING.value, output_field=text),
            "correction": Value("", output_field=text),
            "note": Value("", output_field=text),
        },
        scope,
    )


@transaction.atomic
def start(
    *, school, by, name, buildings=(), rooms=(), departments=(), categories=(), notes=""
) -> StockTake:
    """Open a numbered stock-take and snapshot one line per active asset of the scope."""
    school_id = _school_id(school)
    _require(by, school_id, START_PERM, _("You may not start stock-takes."))
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the stock-take a name."))
    for group in (buildings, rooms, departments, categories):
        if any(getattr(obj, "school_id", school_id) != school_id for obj in group):
            raise DomainError(
                _("The scope names a place, department or category of another school.")
            )
    scope = scope_queryset(
        school_id=school_id,
        buildings=buildings,
        rooms=rooms,
        departments=departments,
        categories=categories,
    )
    clash = overlapping(school_id=school_id, scope=scope).first()
    if clash is not None:
        raise DomainError(
            _(
                "Some of these assets are already in the stock-take %(number)s, which is not "
                "finished. Close and settle it (or cancel it) first, or choose another scope."
            )
            % {"number": clash.number},
            code="Overlap",
        )
    stocktake = StockTake(school_id=school_id, name=name, notes=notes or "", started_by=by)
    stocktake.assign_number()
    stocktake.full_clean()
    stocktake.save()
    stocktake.buildings.set(buildings)
    stocktake.rooms.set(rooms)
    stocktake.departments.set(departments)
    stocktake.categories.set(categories)

    count = snapshot_lines(stocktake, scope)
    timeline.record(
        stocktake,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        text=str(_("Started: %(count)d assets to count.") % {"count": count}),
        to_state=StockTakeStatus.OPEN,
        data={"expected": count},
    )
    return stocktake


@transaction.atomic
def cancel(stocktake: StockTake, *, by, reason: str) -> StockTake:
    """Abandon a stock-take (counting, or closed and not waiting for approval): its scans
    are kept, nothing on the register changes, and its assets are free for a new one."""
    _require(by, stocktake.school_id, MANAGE_PERM, _("You may not change stock-takes."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."), code="ReasonRequired")
    fresh = StockTake.objects.get(pk=stocktake.pk)
    if fresh.status == StockTakeStatus.CLOSED and not corrections_editable(fresh):
        raise IllegalTransition(_("The corrections are waiting for approval: decide them first."))
    updated = StockTake.objects.filter(
        pk=stocktake.pk, status__in=(StockTakeStatus.OPEN, StockTakeStatus.CLOSED)
    ).update(status=StockTakeStatus.CANCELLED, version=F("version") + 1, updated_at=timezone.now())
    if not updated:
        raise IllegalTransition(_("This stock-take is already finished."))
    _history(stocktake, by=by, reason=reason)
    timeline.record(
        stocktake,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        text=reason,
        from_state=fresh.status,
        to_state=StockTakeStatus.CANCELLED,
    )
    return stocktake


# ---------------------------------------------------------------- scanning


def parse_code(code: str) -> tuple[str, str]:
    """("room", token) for a room poster, ("asset", token) for a label URL, else ("code", text)."""
    text = (code or "").strip()
    room = ROOM_URL_RE.search(text)
    if room and "/a/" not in text:
        return "room", room.group(1)
    label = ASSET_URL_RE.search(text)
    if label:
        return "asset", label.group(1)
    return "code", text


def resolve(school_id: int, code: str) -> Asset | None:
    """The school's asset a scanned or typed code means (never another school's)."""
    kind, value = parse_code(code)
    if not value:
        return None
    if kind == "asset":
        return Asset.objects.filter(school_id=school_id, qr_token=value).first()
    candidates = {value, value.upper()}
    found = list(
        Asset.objects.filter(Q(qr_token=value) | Q(number__in=candidates), school_id=school_id)[:3]
    )
    # A label's token wins over a number that happens to read the same.
    for asset in found:
        if asset.qr_token == value:
            return asset
    return found[0] if found else None


def _scanned_at(value) -> datetime:
    if value is None or value == "":
        return timezone.now()
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ScanRefused(_("The scan's time is not readable."))
        value = parsed
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    # A phone clock far ahead would pin the line to its scan: never later than now.
    return min(value, timezone.now())


def _line_for(stocktake: StockTake, *, asset: Asset | None, code: str) -> StockTakeItem:
    """The stock-take's line for this asset (or unknown code), created as SURPLUS if new.

    Two scanners creating the same line at once: the unique constraint lets one insert; the
    other reads the winner's row."""
    lookup = {"asset": asset} if asset is not None else {"asset__isnull": True, "code": code}
    line = StockTakeItem.objects.filter(stocktake=stocktake, **lookup).first()
    if line is not None:
        return line
    try:
        with transaction.atomic():
            return StockTakeItem.objects.create(
                school_id=stocktake.school_id,
                stocktake=stocktake,
                asset=asset,
                code="" if asset is not None else code,
                expected_room_id=asset.room_id if asset is not None else None,
                result=ScanResult.SURPLUS,
            )
    except IntegrityError:
        return StockTakeItem.objects.get(stocktake=stocktake, **lookup)


@transaction.atomic
def scan(
    stocktake: StockTake,
    *,
    by,
    code: str,
    room,
    client_id=None,
    scanned_at=None,
    typed: bool = False,
) -> ScanOutcome:
    """Record one scan of ``code`` in ``room``; idempotent by ``client_id``."""
    _require(by, stocktake.school_id, SCAN_PERM, _("You may not scan in stock-takes."))
    try:
        client_id = uuid.UUID(str(client_id)) if client_id else uuid.uuid4()
    except ValueError:
        raise ScanRefused(_("The scan's id is not valid."), code="BadClientId") from None
    # A resend of a stored scan gets the same answer, even once counting has stopped.
    existing = (
        StockTakeScan.objects.filter(stocktake=stocktake, client_id=client_id)
        .select_related("item")
        .first()
    )
    if existing is not None:
        return ScanOutcome(existing, existing.item, duplicate=True)
    status = StockTake.objects.filter(pk=stocktake.pk).values_list("status", flat=True).first()
    if status != StockTakeStatus.OPEN:
        raise ScanRefused(
            _("Stock-take %(number)s is no longer counting: the scan was not recorded.")
            % {"number": stocktake.number},
            code="NotOpen",
        )
    text = (code or "").strip()
    if not text:
        raise ScanRefused(_("Scan a label or type an asset number."), code="Empty")
    kind, _value = parse_code(text)
    if kind == "room":
        raise ScanRefused(
            _("This is a room's QR code: it chooses the room, it is not an asset."),
            code="RoomCode",
        )
    if room is None:
        raise ScanRefused(_("Choose the room you are counting first."), code="NoRoom")
    if not isinstance(room, Room):
        room = Room.objects.filter(pk=room, school_id=stocktake.school_id).first()
    if room is None or room.school_id != stocktake.school_id:
        raise ScanRefused(_("Choose a room of this school."), code="NoRoom")
    when = _scanned_at(scanned_at)

    asset = resolve(stocktake.school_id, text)
    line = _line_for(stocktake, asset=asset, code=text[:MAX_CODE])
    try:
        with transaction.atomic():
            record = StockTakeScan.objects.create(
                school_id=stocktake.school_id,
                stocktake=stocktake,
                client_id=client_id,
                code=text[:200],
                room=room,
                item=line,
                typed=bool(typed),
                scanned_at=when,
                scanned_by=by,
            )
    except IntegrityError:
        # The same scan, resent while the first was still being stored.
        record = StockTakeScan.objects.select_related("item").get(
            stocktake=stocktake, client_id=client_id
        )
        return ScanOutcome(record, record.item, duplicate=True)

    if line.result == ScanResult.SURPLUS:
        result = ScanResult.SURPLUS
    elif line.expected_room_id == room.pk:
        result = ScanResult.FOUND
    else:
        result = ScanResult.MOVED
    # The line shows its latest scan; an older scan arriving late (offline queue) changes nothing.
    StockTakeItem.objects.filter(pk=line.pk).filter(
        Q(scanned_at__isnull=True) | Q(scanned_at__lte=when)
    ).update(
        result=result,
        found_room=room,
        scanned_at=when,
        scanned_by=by,
        updated_at=timezone.now(),
    )
    line.refresh_from_db()
    return ScanOutcome(record, line, duplicate=False)


# ---------------------------------------------------------------- progress


@dataclass
class RoomProgress:
    room_id: int | None
    label: str = ""
    expected: int = 0
    found: int = 0  # found where expected
    moved_out: int = 0  # expected here, found elsewhere
    missing: int = 0  # not found yet (or missing once closed)
    moved_in: int = 0  # found here, expected elsewhere
    surplus: int = 0  # found here, not in the scope or unknown

    @property
    def counted(self) -> int:
        return self.found + self.moved_out

    @property
    def percent(self) -> int:
        return round(100 * self.counted / self.expected) if self.expected else 100

    def as_dict(self) -> dict:
        return {
            "room": self.room_id,
            "label": self.label,
            "expected": self.expected,
            "found": self.found,
            "moved_out": self.moved_out,
            "missing": self.missing,
            "moved_in": self.moved_in,
            "surplus": self.surplus,
            "counted": self.counted,
            "percent": self.percent,
        }


@dataclass
class Progress:
    rooms: list[RoomProgress] = field(default_factory=list)
    total: RoomProgress = field(default_factory=lambda: RoomProgress(None))
    scans: int = 0


def room_label(room: Room | None) -> str:
    return str(room) if room is not None else str(_("No place"))


def progress(stocktake: StockTake, *, room_ids=None) -> Progress:
    """Per room: expected, found, moved out/in, missing so far, surplus (four queries)."""
    lines = StockTakeItem.objects.filter(stocktake=stocktake)
    expected_lines = lines.exclude(result=ScanResult.SURPLUS)
    found_lines = lines.filter(result__in=(ScanResult.MOVED, ScanResult.SURPLUS))
    if room_ids is not None:
        expected_lines = expected_lines.filter(expected_room_id__in=room_ids)
        found_lines = found_lines.filter(found_room_id__in=room_ids)
    rows: dict[int | None, RoomProgress] = {}

    def row(room_id):
        if room_id not in rows:
            rows[room_id] = RoomProgress(room_id)
        return rows[room_id]

    for entry in (
        expected_lines.order_by()
        .values("expected_room_id")
        .annotate(
            expected=Count("pk"),
            found=Count("pk", filter=Q(result=ScanResult.FOUND)),
            moved_out=Count("pk", filter=Q(result=ScanResult.MOVED)),
            missing=Count("pk", filter=Q(result__in=(ScanResult.PENDING, ScanResult.MISSING))),
        )
    ):
        r = row(entry["expected_room_id"])
        r.expected, r.found = entry["expected"], entry["found"]
        r.moved_out, r.missing = entry["moved_out"], entry["missing"]
    for entry in (
        found_lines.order_by()
        .values("found_room_id")
        .annotate(
            moved_in=Count("pk", filter=Q(result=ScanResult.MOVED)),
            surplus=Count("pk", filter=Q(result=ScanResult.SURPLUS)),
        )
    ):
        r = row(entry["found_room_id"])
        r.moved_in, r.surplus = entry["moved_in"], entry["surplus"]
    if room_ids is not None:
        for room_id in room_ids:
            row(int(room_id))
    rooms = {
        room.pk: room
        for room in Room.objects.filter(pk__in=[k for k in rows if k]).select_related(
            "floor__building"
        )
    }
    for room_id, r in rows.items():
        r.label = room_label(rooms.get(room_id))
    ordered = sorted(rows.values(), key=lambda r: (r.room_id is None, r.label))
    total = RoomProgress(None, str(_("Total")))
    for r in ordered:
        for name in ("expected", "found", "moved_out", "missing", "moved_in", "surplus"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
    scans = StockTakeScan.objects.filter(stocktake=stocktake)
    if room_ids is not None:
        scans = scans.filter(room_id__in=room_ids)
    return Progress(rooms=ordered, total=total, scans=scans.count())


def room_progress(stocktake: StockTake, room) -> RoomProgress:
    room_id = _school_id(room)
    found = progress(stocktake, room_ids=[room_id]).rooms
    return next((r for r in found if r.room_id == room_id), RoomProgress(room_id))


# ---------------------------------------------------------------- closing


def default_corrections(stocktake: StockTake) -> None:
    """Propose the corrections for every line (set-based; run on close)."""
    lines = StockTakeItem.objects.filter(stocktake=stocktake)
    now = timezone.now()
    lines.filter(result=ScanResult.MISSING).update(correction=Correction.MARK_LOST, updated_at=now)
    lines.filter(result=ScanResult.MOVED).update(correction=Correction.MOVE, updated_at=now)
    lines.filter(result=ScanResult.FOUND).update(correction=Correction.NONE, updated_at=now)
    known = lines.filter(result=ScanResult.SURPLUS, asset__isnull=False)
    elsewhere = Q(expected_room__isnull=True) | ~Q(found_room_id=F("expected_room_id"))
    known.filter(elsewhere | Q(asset__status=AssetStatus.LOST)).update(
        correction=Correction.MOVE, updated_at=now
    )
    known.exclude(elsewhere | Q(asset__status=AssetStatus.LOST)).update(
        correction=Correction.NONE, updated_at=now
    )
    # Unknown codes wait for the clerk to say what they are (or to register them by hand).
    lines.filter(result=ScanResult.SURPLUS, asset__isnull=True).update(
        correction=Correction.NONE, updated_at=now
    )


@transaction.atomic
def close(stocktake: StockTake, *, by) -> StockTake:
    """Stop counting: lines not found become MISSING and corrections are proposed."""
    _require(by, stocktake.school_id, MANAGE_PERM, _("You may not close stock-takes."))
    now = timezone.now()
    updated = StockTake.objects.filter(pk=stocktake.pk, status=StockTakeStatus.OPEN).update(
        status=StockTakeStatus.CLOSED,
        closed_by=by,
        closed_at=now,
        version=F("version") + 1,
        updated_at=now,
    )
    if not updated:
        raise IllegalTransition(_("This stock-take is not counting any more."))
    missing = StockTakeItem.objects.filter(stocktake=stocktake, result=ScanResult.PENDING).update(
        result=ScanResult.MISSING, updated_at=now
    )
    default_corrections(stocktake)
    _history(stocktake, by=by, reason=_("Closed"))
    stats = progress(stocktake).total
    timeline.record(
        stocktake,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        text=str(
            _(
                "Closed: %(found)d found in place, %(moved)d found elsewhere, %(missing)d "
                "missing, %(surplus)d surplus."
            )
            % {
                "found": stats.found,
                "moved": stats.moved_out,
                "missing": missing,
                "surplus": stats.surplus,
            }
        ),
        from_state=StockTakeStatus.OPEN,
        to_state=StockTakeStatus.CLOSED,
    )
    return stocktake


# ---------------------------------------------------------------- corrections

# Which corrections each kind of line may take.
ALLOWED = {
    "found": (Correction.NONE,),
    "moved": (Correction.NONE, Correction.MOVE),
    "missing": (Correction.NONE, Correction.MARK_LOST),
    "known_surplus": (Correction.NONE, Correction.MOVE),
    "unknown_surplus": (Correction.NONE, Correction.REGISTER),
}

# A surplus line's proposal for registration is kept in its note as "<category id>|<name>"
# until the line has fields of its own (see proposal()).
PROPOSAL_RE = re.compile(r"^(\d+)\|(.+)$", re.DOTALL)


def line_kind(item: StockTakeItem) -> str:
    if item.result == ScanResult.SURPLUS:
        return "known_surplus" if item.asset_id else "unknown_surplus"
    if item.result in (ScanResult.MISSING, ScanResult.PENDING):
        return "missing"
    return item.result


def result_label(item: StockTakeItem) -> str:
    """The result as people read it: a known asset outside the scope is not "not registered"."""
    if item.result == ScanResult.SURPLUS and item.asset_id:
        return str(_("Outside the scope (on the register)"))
    return str(item.get_result_display())


def allowed_corrections(item: StockTakeItem) -> tuple[str, ...]:
    return ALLOWED[line_kind(item)]


def proposal(item: StockTakeItem) -> tuple[str, int | None]:
    """(name, category id) proposed for registering an unknown surplus line."""
    match = PROPOSAL_RE.match(item.note or "")
    if match:
        return match.group(2), int(match.group(1))
    return (item.note or ""), None


def _encode_proposal(name: str, category_id: int | None) -> str:
    name = (name or "").strip()
    return f"{category_id}|{name}" if category_id and name else name


def corrections_editable(stocktake: StockTake, flow=None) -> bool:
    """Closed, and not waiting for (or past) approval."""
    if stocktake.status != StockTakeStatus.CLOSED:
        return False
    flow = flow if flow is not None else approvals.flow_for(stocktake)
    return flow is None or flow.status in (flow.Status.RETURNED, flow.Status.REJECTED)


def _check_editable(stocktake: StockTake, *, by) -> None:
    _require(by, stocktake.school_id, MANAGE_PERM, _("You may not change stock-takes."))
    fresh = StockTake.objects.get(pk=stocktake.pk)
    if not corrections_editable(fresh):
        raise IllegalTransition(
            _(
                "Corrections can be changed only after the stock-take is closed and while it "
                "is not waiting for approval."
            )
        )


def _bump_version(stocktake: StockTake) -> None:
    StockTake.objects.filter(pk=stocktake.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    stocktake.version = StockTake.objects.values_list("version", flat=True).get(pk=stocktake.pk)


@transaction.atomic
def set_correction(
    item: StockTakeItem, *, by, correction: str, name: str = "", category=None
) -> StockTakeItem:
    """Change one line's proposed correction (and, for an unknown surplus, what it is)."""
    stocktake = item.stocktake
    _check_editable(stocktake, by=by)
    correction = correction or Correction.NONE
    if correction not in allowed_corrections(item):
        raise DomainError(_("This correction does not fit this line."), code="BadCorrection")
    values = {"correction": correction}
    if line_kind(item) == "unknown_surplus":
        name = (name or "").strip()
        category_id = _school_id(category) if category is not None else None
        if (
            category_id is not None
            and not AssetCategory.objects.filter(
                pk=category_id, school_id=stocktake.school_id, is_active=True
            ).exists()
        ):
            raise DomainError(_("Choose a category of this school."), code="BadCategory")
        if correction == Correction.REGISTER and not (name and category_id):
            raise DomainError(
                _("Give the name and the category of the asset to register."),
                code="ProposalIncomplete",
            )
        values["note"] = _encode_proposal(name, category_id)[:200]
    StockTakeItem.objects.filter(pk=item.pk).update(updated_at=timezone.now(), **values)
    for key, value in values.items():
        setattr(item, key, value)
    _bump_version(stocktake)
    return item


@transaction.atomic
def set_corrections_for(stocktake: StockTake, *, by, result: str, correction: str) -> int:
    """One correction for every line of a result at once ("all missing: mark lost")."""
    _check_editable(stocktake, by=by)
    kinds = {
        ScanResult.MOVED: "moved",
        ScanResult.MISSING: "missing",
    }
    if result not in kinds or correction not in ALLOWED[kinds[result]]:
        raise DomainError(_("This correction does not fit these lines."), code="BadCorrection")
    changed = StockTakeItem.objects.filter(stocktake=stocktake, result=result).update(
        correction=correction, updated_at=timezone.now()
    )
    _bump_version(stocktake)
    return changed


@transaction.atomic
def submit(stocktake: StockTake, *, by):
    """Send the proposed corrections for approval (again, after a return or a rejection)."""
    _check_editable(stocktake, by=by)
    registering = StockTakeItem.objects.filter(
        stocktake=stocktake,
        result=ScanResult.SURPLUS,
        asset__isnull=True,
        correction=Correction.REGISTER,
    )
    if any(None in proposal(line) for line in registering.only("note")):
        raise DomainError(
            _("Some surplus lines to register have no name or category yet."),
            code="ProposalIncomplete",
        )
    stocktake.refresh_from_db()
    from . import documents_stocktake  # noqa: F401  (the doc type and its handlers)

    flow = approvals.start(stocktake, by=by)
    return flow


# ---------------------------------------------------------------- approval handlers


def approval_granted(stocktake: StockTake, *, flow, by) -> None:
    """The approval engine approved: apply the corrections now (in its transaction)."""
    apply_corrections(stocktake, by=by)


def approval_refused(stocktake: StockTake, *, flow, by, reason) -> None:
    """Rejected: nothing is applied; the stock-take stays closed for edits and resubmission."""


def approval_returned(stocktake: StockTake, *, flow, by, reason) -> None:
    """Returned: as rejected — the clerk edits the corrections and submits again."""


# ---------------------------------------------------------------- applying


@dataclass
class Applied:
    moved: int = 0
    lost: int = 0
    registered: int = 0
    skipped: int = 0


def _asset_history(ids, *, by, reason, when, new=False) -> None:
    """History rows for these assets as they are now, copied by INSERT ... SELECT."""
    historical = Asset.history.model
    columns = {f.attname: F(f.attname) for f in historical.tracked_fields}
    columns.update(
        history_date=Value(when, output_field=models.DateTimeField()),
        history_change_reason=Value(str(reason)[:100], output_field=models.CharField()),
        history_type=Value("+" if new else "~", output_field=models.CharField()),
        history_user_id=Value(getattr(by, "pk", None), output_field=models.BigIntegerField()),
    )
    for chunk in _chunks(ids):
        insert_select(historical, columns, Asset.objects.filter(pk__in=chunk))


def _asset_timeline(ids, *, by, text, data, when) -> None:
    """One timeline entry per asset, by INSERT ... SELECT."""
    columns = {
        "created_at": Value(when, output_field=models.DateTimeField()),
        "updated_at": Value(when, output_field=models.DateTimeField()),
        "school_id": F("school_id"),
        "content_type_id": Value(
            ContentType.objects.get_for_model(Asset).pk, output_field=models.BigIntegerField()
        ),
        "object_id": F("pk"),
        "kind": Value(TimelineEntry.Kind.EVENT.value, output_field=models.CharField()),
        "actor_id": Value(
            by.pk if getattr(by, "is_authenticated", False) else None,
            output_field=models.BigIntegerField(),
        ),
        "from_state": Value("", output_field=models.CharField()),
        "to_state": Value("", output_field=models.CharField()),
        "text": Value(str(text), output_field=models.TextField()),
        "data": Value(data, output_field=models.JSONField()),
    }
    for chunk in _chunks(ids):
        insert_select(TimelineEntry, columns, Asset.objects.filter(pk__in=chunk))


def _new_asset_numbers(school, count: int) -> list[str]:
    """``count`` fresh asset numbers in the school's pattern, skipping imported ones."""
    school_id = _school_id(school)
    settings = AssetSettings.for_school(school_id)
    year = current_year(school)
    numbers: list[str] = []
    while len(numbers) < count:
        need = count - len(numbers)
        values = next_values(
            school=school_id,
            doc_type=ASSET_NUMBER_DOC_TYPE,
            year=year if settings.number_with_year else 0,
            count=need,
        )
        batch = [settings.format_number(year, value) for value in values]
        taken = set(
            Asset.objects.filter(school_id=school_id, number__in=batch).values_list(
                "number", flat=True
            )
        )
        numbers.extend(n for n in batch if n not in taken)
    return numbers


def _apply_moves(stocktake, lines, *, by, reason, when, done: Applied) -> None:
    """MOVE lines: each asset to the room it was found in (a lost one is back in use).

    Disposed assets left the register and lent ones are where their loan says: skipped."""
    wanted = lines.filter(correction=Correction.MOVE, asset__isnull=False, found_room__isnull=False)
    movable = Q(asset__status__in=[s for s in ACTIVE_STATUSES if s != AssetStatus.LENT]) | Q(
        asset__status=AssetStatus.LOST
    )
    changes = ~Q(asset__room_id=F("found_room_id")) | Q(asset__room__isnull=True)
    changes |= Q(asset__status=AssetStatus.LOST)
    moving = wanted.filter(movable).filter(changes)
    done.skipped += wanted.exclude(movable).count()
    ids = list(moving.values_list("asset_id", flat=True))
    if not ids:
        return
    # The movement rows first: they read where each asset was before the update.
    insert_select(
        AssetMovement,
        {
            "created_at": Value(when, output_field=models.DateTimeField()),
            "updated_at": Value(when, output_field=models.DateTimeField()),
            "school_id": F("school_id"),
            "asset_id": F("asset_id"),
            "kind": Value(MovementKind.STOCKTAKE.value, output_field=models.CharField()),
            "from_room_id": F("asset__room_id"),
            "to_room_id": F("found_room_id"),
            "from_department_id": F("asset__department_id"),
            "to_department_id": F("asset__department_id"),
            "from_custodian_id": F("asset__custodian_id"),
            "to_custodian_id": F("asset__custodian_id"),
            "note": Value(str(reason)[:200], output_field=models.CharField()),
            "batch": Value(uuid.uuid4(), output_field=models.UUIDField()),
            "moved_at": Value(when, output_field=models.DateTimeField()),
            "moved_by_id": Value(getattr(by, "pk", None), output_field=models.BigIntegerField()),
        },
        moving,
    )
    found_in = lines.filter(asset_id=OuterRef("pk")).values("found_room_id")[:1]
    for chunk in _chunks(ids):
        Asset.objects.filter(pk__in=chunk).update(
            room_id=Subquery(found_in),
            status=Case(
                When(status=AssetStatus.LOST, then=Value(AssetStatus.IN_USE.value)),
                default=F("status"),
            ),
            updated_at=when,
        )
    _asset_history(ids, by=by, reason=reason, when=when)
    _asset_timeline(
        ids,
        by=by,
        text=_("Moved to where %(stocktake)s found it.") % {"stocktake": stocktake.number},
        data={"stocktake": stocktake.pk, "correction": Correction.MOVE},
        when=when,
    )
    done.moved = len(ids)


def _apply_losses(stocktake, lines, *, by, reason, when, done: Applied) -> None:
    """MARK_LOST lines: assets still on the active register become LOST."""
    wanted = lines.filter(correction=Correction.MARK_LOST, asset__isnull=False)
    ids = list(wanted.filter(asset__status__in=ACTIVE_STATUSES).values_list("asset_id", flat=True))
    done.skipped += wanted.count() - len(ids)
    for chunk in _chunks(ids):
        Asset.objects.filter(pk__in=chunk).update(status=AssetStatus.LOST, updated_at=when)
    _asset_history(ids, by=by, reason=reason, when=when)
    _asset_timeline(
        ids,
        by=by,
        text=_("Marked as lost: not found in %(stocktake)s.") % {"stocktake": stocktake.number},
        data={"stocktake": stocktake.pk, "correction": Correction.MARK_LOST},
        when=when,
    )
    done.lost = len(ids)


def _apply_registrations(stocktake, lines, *, by, reason, when, done: Applied) -> None:
    """REGISTER lines: unknown codes the clerk described become new assets where found."""
    school_id = stocktake.school_id
    to_register = []
    for line in lines.filter(correction=Correction.REGISTER, asset__isnull=True).order_by("pk"):
        name, category_id = proposal(line)
        if name and category_id:
            to_register.append((line, name, category_id))
    if not to_register:
        return
    settings = AssetSettings.for_school(school_id)
    categories = AssetCategory.objects.in_bulk({c for _l, _n, c in to_register})
    numbers = _new_asset_numbers(stocktake.school, len(to_register))
    new_assets = []
    for (line, name, category_id), number in zip(to_register, numbers, strict=True):
        category = categories[category_id]
        new_assets.append(
            Asset(
                school_id=school_id,
                number=number,
                name=name[:100],
                category=category,
                kind=settings.kind_for(category, 0),
                unit=category.default_unit,
                acquisition_mode=AcquisitionMode.SURPLUS,
                room_id=line.found_room_id,
                status=AssetStatus.IN_USE,
                notes=str(
                    _("Found in stock-take %(number)s (scanned code: %(code)s).")
                    % {"number": stocktake.number, "code": line.code}
                ),
                created_by=by,
            )
        )
    Asset.objects.bulk_create(new_assets, batch_size=BATCH)
    ids = [asset.pk for asset in new_assets]
    _asset_history(ids, by=by, reason=reason, when=when, new=True)
    _asset_timeline(
        ids,
        by=by,
        text=_("Registered from a surplus found in %(stocktake)s.")
        % {"stocktake": stocktake.number},
        data={"stocktake": stocktake.pk, "correction": Correction.REGISTER},
        when=when,
    )
    for (line, _name, _category), asset in zip(to_register, new_assets, strict=True):
        StockTakeItem.objects.filter(pk=line.pk).update(asset=asset, updated_at=when)
    done.registered = len(new_assets)


def apply_corrections(stocktake: StockTake, *, by) -> Applied:
    """Apply the approved corrections, set-based (moves, losses, new assets), once only."""
    now = timezone.now()
    updated = StockTake.objects.filter(pk=stocktake.pk, status=StockTakeStatus.CLOSED).update(
        status=StockTakeStatus.APPLIED, applied_at=now, updated_at=now
    )
    if not updated:
        raise IllegalTransition(_("These corrections cannot be applied (again)."))
    reason = _("Stock-take %(number)s") % {"number": stocktake.number}
    lines = StockTakeItem.objects.filter(stocktake=stocktake, school_id=stocktake.school_id)
    done = Applied()
    options = {"by": by, "reason": reason, "when": now, "done": done}
    _apply_moves(stocktake, lines, **options)
    _apply_losses(stocktake, lines, **options)
    _apply_registrations(stocktake, lines, **options)

    _history(stocktake, by=by, reason=_("Corrections applied"))
    timeline.record(
        stocktake,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        text=str(
            _(
                "Corrections applied: %(moved)d moved, %(lost)d marked lost, %(registered)d "
                "registered, %(skipped)d skipped (changed on the register meanwhile)."
            )
            % {
                "moved": done.moved,
                "lost": done.lost,
                "registered": done.registered,
                "skipped": done.skipped,
            }
        ),
        from_state=StockTakeStatus.CLOSED,
        to_state=StockTakeStatus.APPLIED,
        data={"moved": done.moved, "lost": done.lost, "registered": done.registered},
    )
    return done


# ---------------------------------------------------------------- report


REPORT_LIMIT = 5000
LINE_RELATED = (
    "asset__category",
    "asset__room__floor__building",
    "expected_room__floor__building",
    "found_room__floor__building",
    "scanned_by",
)


def report_lines(stocktake: StockTake, result: str, *, limit: int | None = REPORT_LIMIT):
    lines = (
        StockTakeItem.objects.filter(stocktake=stocktake, result=result)
        .select_related(*LINE_RELATED)
        .order_by("expected_room_id", "found_room_id", "pk")
    )
    return list(lines[:limit]) if limit else lines

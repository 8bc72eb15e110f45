"""Writing a checked ledger: new places and departments, numbers for blank cells, then the
assets and their "created" history rows in bulk. Runs inside the caller's transaction, so a
failure anywhere leaves nothing behind."""

from __future__ import annotations

import os
from base64 import urlsafe_b64encode
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal
from operator import itemgetter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from houqin.core.importing.cells import normalize_key
from houqin.core.numbering import current_year, next_values
from houqin.org.models import Building, Campus, Department, Floor, Room

from ..models import AcquisitionMode, Asset, AssetSettings, AssetStatus
from ..services import NUMBER_DOC_TYPE
from .checking import LedgerCheck, numbers_taken

WRITE_BATCH = 5000
FAST_VENDORS = ("postgresql", "sqlite")  # others write through the ORM
SQLITE_CACHE_KIB = 256 * 1024
ZERO = Decimal("0")
TOKEN_BYTES = 16  # as houqin.org.models.new_qr_token


def _bulk(objs: list, model, by, reason: str):
    if not objs:
        return []
    return bulk_create_with_history(
        objs, model, batch_size=500, default_user=by, default_change_reason=reason
    )


def create_places(check: LedgerCheck, *, school, by, reason: str) -> dict[str, int]:
    """Place text → room id: the matched or chosen rooms, and new ones made from the text (a
    new building goes into the campus the text names, else the school's first campus)."""
    room_ids = {text: p.room_id for text, p in check.places.items() if p.room_id}
    wanted = [p for p in check.places.values() if not p.room_id]
    if not wanted:
        return room_ids
    campuses = {
        normalize_key(c.name): c for c in Campus.objects.filter(school=school).order_by("pk")
    }
    first_campus = next(iter(campuses.values()), None)
    for entry in wanted:
        name = entry.parts.campus
        if name and normalize_key(name) not in campuses:
            campus = Campus(school=school, name=name[:60])
            campuses[normalize_key(name)] = campus
    if first_campus is None and any(not e.parts.campus for e in wanted):
        first_campus = Campus(school=school, name=_("Main campus"))
        campuses[normalize_key(first_campus.name)] = first_campus
    _bulk([c for c in campuses.values() if c.pk is None], Campus, by, reason)

    def campus_of(entry):
        return campuses[normalize_key(entry.parts.campus)] if entry.parts.campus else first_campus

    buildings: dict[tuple, Building] = {}
    by_name: dict[str, Building] = {}
    for building in Building.objects.filter(school=school).order_by("pk"):
        buildings.setdefault((building.campus_id, normalize_key(building.name)), building)
        by_name.setdefault(normalize_key(building.name), building)
    # Each level is made for all places at once (one bulk write each), parents first.
    building_of: dict[str, Building] = {}
    new_buildings = []
    for entry in wanted:
        campus = campus_of(entry)
        key = normalize_key(entry.parts.building)
        found = buildings.get((campus.pk, key)) or (
            None if entry.parts.campus else by_name.get(key)
        )
        if found is None:
            found = Building(school=school, campus=campus, name=entry.parts.building)
            new_buildings.append(found)
            buildings[(campus.pk, key)] = found
        building_of[entry.text] = found
    _bulk(new_buildings, Building, by, reason)

    floors = {(f.building_id, f.number): f for f in Floor.objects.filter(school=school)}
    floor_of: dict[str, Floor] = {}
    new_floors = []
    for entry in wanted:
        building = building_of[entry.text]
        key = (building.pk, entry.parts.floor)
        if key not in floors:
            floors[key] = Floor(school=school, building=building, number=entry.parts.floor)
            new_floors.append(floors[key])
        floor_of[entry.text] = floors[key]
    _bulk(new_floors, Floor, by, reason)

    rooms = {
        (r.floor_id, normalize_key(r.number)): r
        for r in Room.objects.filter(school=school, floor__in=[f.pk for f in floors.values()])
    }
    room_of: dict[str, Room] = {}
    new_rooms = []
    for entry in wanted:
        floor = floor_of[entry.text]
        key = (floor.pk, normalize_key(entry.parts.number))
        if key not in rooms:
            rooms[key] = Room(
                school=school,
                floor=floor,
                number=entry.parts.number,
                name=entry.parts.name,
                room_type=entry.parts.room_type,
            )
            new_rooms.append(rooms[key])
        room_of[entry.text] = rooms[key]
    _bulk(new_rooms, Room, by, reason)
    room_ids.update({text: room.pk for text, room in room_of.items()})
    return room_ids


def create_departments(check: LedgerCheck, *, school, by, reason: str) -> dict[str, int]:
    ids = {name: d.department_id for name, d in check.departments.items() if d.department_id}
    new = {
        normalize_key(name): Department(school=school, name=name)
        for name, d in check.departments.items()
        if not d.department_id
    }
    _bulk(list(new.values()), Department, by, reason)
    for name, d in check.departments.items():
        if not d.department_id:
            ids[name] = new[normalize_key(name)].pk
    return ids


def allocate_numbers(count: int, *, school, settings: AssetSettings, taken: set[str]) -> list[str]:
    """``count`` new asset numbers in one reservation, skipping any the file or the register
    already uses (a ledger may hold numbers of the school's own pattern)."""
    numbers: list[str] = []
    year = current_year(school) if settings.number_with_year else 0
    while len(numbers) < count:
        values = next_values(
            school=school, doc_type=NUMBER_DOC_TYPE, year=year, count=count - len(numbers)
        )
        fresh = [settings.format_number(year, v) for v in values]
        fresh = [n for n in fresh if n not in taken]
        used = numbers_taken(school.pk, fresh)
        numbers += [n for n in fresh if n not in used]
    return numbers


def _asset_values(check: LedgerCheck, *, school, by, settings, generated, now) -> list[dict]:
    """Each checked row as the column values of its asset (attname → value)."""
    custodian_note = _("Custodian: %(name)s")
    kinds: dict[tuple, str] = {}
    tokens = qr_tokens(len(check.rows))
    out = []
    for row, token in zip(check.rows, tokens, strict=True):
        v = row.values
        notes = v.get("notes") or ""
        custodian = v.get("custodian")
        if custodian and row.custodian_id is None:
            line = custodian_note % {"name": custodian}
            notes = f"{notes}\n{line}" if notes else line
        unit_price = v["unit_price"]
        kind_key = (row.category.pk, unit_price)
        kind = kinds.get(kind_key)
        if kind is None:
            kind = kinds[kind_key] = settings.kind_for(row.category, unit_price)
        out.append(
            {
                "created_at": now,
                "updated_at": now,
                "school_id": school.pk,
                "number": v.get("number") or next(generated),
                "name": v["name"],
                "category_id": row.category.pk,
                "kind": kind,
                "model": v.get("model") or "",
                "brand": v.get("brand") or "",
                "serial_number": v.get("serial_number") or "",
                "quantity": v["quantity"],
                "unit": v.get("unit") or row.category.default_unit or "",
                "unit_price": unit_price,
                "total_value": v["total_value"],
                "funding_source": v.get("funding_source") or "",
                "acquisition_mode": v.get("acquisition_mode") or AcquisitionMode.PURCHASE,
                "use_direction": v.get("use_direction") or "",
                "acquired_on": v.get("acquired_on"),
                "supplier": v.get("supplier") or "",
                "invoice_number": v.get("invoice_number") or "",
                "warranty_until": v.get("warranty_until"),
                "room_id": row.place_room_id,
                "department_id": row.department_id,
                "custodian_id": row.custodian_id,
                "status": v.get("status") or AssetStatus.IN_USE,
                "useful_life_years": v.get("useful_life_years"),
                "notes": notes,
                "qr_token": token,
                "accumulated_depreciation": ZERO,
                "depreciated_through": None,
                "disposed_on": None,
                "created_by_id": by.pk,
            }
        )
    return out


def qr_tokens(count: int) -> list[str]:
    """``count`` QR tokens like ``new_qr_token`` (128 random bits, URL-safe base64), from one
    read of the system's random source instead of one per asset."""
    raw = os.urandom(TOKEN_BYTES * count)
    return [
        urlsafe_b64encode(raw[i : i + TOKEN_BYTES]).rstrip(b"=").decode("ascii")
        for i in range(0, len(raw), TOKEN_BYTES)
    ]


def _reserve_ids(cursor, vendor: str, table: str, count: int) -> list[int]:
    """Ids for ``count`` new rows, taken before inserting so the history rows can name them."""
    if vendor == "postgresql":
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608 - our table
            "FROM generate_series(1, %s)",
            [count],
        )
        return [r[0] for r in cursor.fetchall()]
    # SQLite: the IMMEDIATE transaction holds the write lock, so nobody takes these meanwhile;
    # past the AUTOINCREMENT high-water mark, so a deleted asset's id is never reused.
    cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608
    top = cursor.fetchone()[0] or 0
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
    found = cursor.fetchone()
    start = max(top, found[0] if found else 0) + 1
    return list(range(start, start + count))


def _insert(cursor, vendor: str, table: str, columns: list[str], rows: list[tuple]) -> None:
    if vendor == "postgresql":
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)  # noqa: S608


def _write_fast(values: list[dict], *, by, reason: str, now, progress) -> list[int]:
    """Assets straight into their table (COPY on PostgreSQL, one prepared INSERT on SQLite),
    then their "created" history rows copied from them inside the database: the ORM's
    bulk_create spends most of a 50,000-row import building SQL, and the history rows are the
    assets' own columns plus who, when and why."""
    connection = transaction.get_connection()
    vendor = connection.vendor
    history = Asset.history.model
    asset_table, history_table = Asset._meta.db_table, history._meta.db_table
    asset_fields = Asset._meta.concrete_fields
    asset_row = itemgetter(*[f.attname for f in asset_fields])
    columns = {f.attname: f.column for f in asset_fields}
    copied = [
        columns[f.attname]
        for f in history._meta.concrete_fields
        if f.attname in columns and f.attname != "history_id"
    ]
    db_now = connection.ops.adapt_datetimefield_value(now)
    quote = connection.ops.quote_name
    which = "= ANY(%s)" if vendor == "postgresql" else "BETWEEN %s AND %s"
    copy_history = (
        f"INSERT INTO {quote(history_table)} ({', '.join(map(quote, copied))}, history_date, "  # noqa: S608
        f"history_change_reason, history_type, history_user_id) "
        f"SELECT {', '.join(map(quote, copied))}, %s, %s, %s, %s FROM {quote(asset_table)} "
        f"WHERE id {which}"
    )
    ids: list[int] = []
    with connection.cursor() as cursor, _sqlite_cache(cursor, vendor):
        for start in range(0, len(values), WRITE_BATCH):
            chunk = values[start : start + WRITE_BATCH]
            chunk_ids = _reserve_ids(cursor, vendor, asset_table, len(chunk))
            rows = []
            for pk, row in zip(chunk_ids, chunk, strict=True):
                row["id"] = pk
                row["created_at"] = row["updated_at"] = db_now
                rows.append(asset_row(row))
            _insert(cursor, vendor, asset_table, [f.column for f in asset_fields], rows)
            span = [chunk_ids] if vendor == "postgresql" else [chunk_ids[0], chunk_ids[-1]]
            cursor.execute(copy_history, [db_now, reason, "+", by.pk, *span])
            ids += chunk_ids
            if progress:
                progress(start + len(chunk))
    return ids


@contextmanager
def _sqlite_cache(cursor, vendor: str):
    """On SQLite, a larger page cache while inserting: each asset row touches a dozen index
    B-trees (the random QR tokens all over theirs), which the default 2 MB cache cannot hold."""
    if vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    before = cursor.fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _write_orm(values: list[dict], *, by, reason: str, now, progress) -> list[int]:
    """The portable path (other databases): bulk_create with simple_history's helper."""
    ids: list[int] = []
    for start in range(0, len(values), WRITE_BATCH):
        chunk = [Asset(**row) for row in values[start : start + WRITE_BATCH]]
        created = bulk_create_with_history(
            chunk, Asset, batch_size=500, default_user=by, default_change_reason=reason,
            default_date=now,
        )  # fmt: skip
        ids += [a.pk for a in created]
        if progress:
            progress(start + len(chunk))
    return ids


def write_assets(
    check: LedgerCheck,
    *,
    school,
    by,
    reason: str,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Create every checked row as an asset with its "created" history row; returns the new
    ids. Must run inside ``transaction.atomic()``."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("write_assets must run inside transaction.atomic()")
    settings = AssetSettings.for_school(school)
    room_ids = create_places(check, school=school, by=by, reason=reason)
    department_ids = create_departments(check, school=school, by=by, reason=reason)
    for row in check.rows:
        row.place_room_id = room_ids.get(row.place) if row.place else None
        row.department_id = department_ids.get(row.department) if row.department else None
    given = {r.values["number"] for r in check.rows if r.values.get("number")}
    generated = iter(
        allocate_numbers(check.blank_numbers, school=school, settings=settings, taken=given)
        if check.blank_numbers
        else ()
    )
    now = timezone.now()
    values = _asset_values(
        check, school=school, by=by, settings=settings, generated=generated, now=now
    )
    writer = _write_fast if connection.vendor in FAST_VENDORS else _write_orm
    return writer(values, by=by, reason=reason, now=now, progress=progress)

"""Checking every row of a ledger before anything is written.

One pass over the rows parses each mapped cell (each column remembers the values it has seen,
so 50,000 rows of repeated categories, dates and places parse quickly), then the references
are resolved from lookups loaded once: categories, places, departments, members and the
numbers the register already has (in chunks). Nothing here writes to the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext_lazy as _

from houqin.core.importing import RowError
from houqin.core.importing.cells import CellError, as_text, normalize_key
from houqin.core.importing.reading import check_data_rows
from houqin.org.importers.common import departments_by_name
from houqin.org.models import Membership

from ..models import Asset, AssetCategory
from .fields import FIELD_KEYS, FIELDS_BY_KEY, TOTAL_WORDS, UNIQUE_KEYS
from .places import PlaceIndex, PlaceParts
from .reading import LedgerSheet

CENT = Decimal("0.01")
ONE = Decimal("1")
NUMBER_CHUNK = 500
PG_NUMBER_CHUNK = 10_000
PROGRESS_EVERY = 5000
_TEXT_DEFAULTS = {
    "model": "",
    "brand": "",
    "serial_number": "",
    "unit": "",
    "funding_source": "",
    "supplier": "",
    "invoice_number": "",
    "notes": "",
    "use_direction": "",
}


@dataclass
class PlaceEntry:
    """A place named in the file: the room it is (matched or chosen), or the parts of a new one."""

    text: str
    parts: PlaceParts
    rows: int = 0
    room_id: int | None = None
    matched: bool = False  # found by itself (not chosen by the clerk)


@dataclass
class DepartmentEntry:
    name: str
    rows: int = 0
    department_id: int | None = None
    matched: bool = False


@dataclass
class CheckedRow:
    number: int
    values: dict
    category: AssetCategory
    place: str | None = None
    department: str | None = None
    custodian_id: int | None = None
    # Set by the writer once places and departments exist.
    place_room_id: int | None = None
    department_id: int | None = None


@dataclass
class LedgerCheck:
    sheet: LedgerSheet
    mapping: dict[int, str]
    rows: list[CheckedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    places: dict[str, PlaceEntry] = field(default_factory=dict)
    departments: dict[str, DepartmentEntry] = field(default_factory=dict)
    # Custodian names that are no member of the school (or several): kept in the notes.
    custodians: dict[str, int] = field(default_factory=dict)
    blank_numbers: int = 0
    skipped_rows: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new_places(self) -> list[PlaceEntry]:
        return [p for p in self.places.values() if not p.matched]

    @property
    def new_departments(self) -> list[DepartmentEntry]:
        return [d for d in self.departments.values() if not d.matched]

    def names_json(self) -> dict:
        """What the preview lists and the clerk decides (stored in ``AssetImport.new_names``)."""
        return {
            "rooms": {
                p.text: {**p.parts.as_json(), "rows": p.rows, "room": p.room_id}
                for p in self.new_places
            },
            "departments": {
                d.name: {"rows": d.rows, "department": d.department_id}
                for d in self.new_departments
            },
            "custodians": dict(sorted(self.custodians.items())),
            "summary": {
                "rows": len(self.rows),
                "blank_numbers": self.blank_numbers,
                "skipped_rows": self.skipped_rows[:20],
                "matched_places": sum(1 for p in self.places.values() if p.matched),
                "matched_departments": sum(1 for d in self.departments.values() if d.matched),
            },
        }


_MISS = object()


def _parse(parse: Callable, raw):
    try:
        return parse(raw)
    except CellError as exc:
        return exc


def numbers_taken(school_id: int, numbers: list[str]) -> set[str]:
    """Which of ``numbers`` the school's register already has. PostgreSQL takes one array
    per 10,000 numbers (planning 500-value IN lists cost it more than the lookups); SQLite
    takes chunks of 500 host parameters."""
    taken: set[str] = set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for start in range(0, len(numbers), PG_NUMBER_CHUNK):
                cursor.execute(
                    f"SELECT number FROM {Asset._meta.db_table} "  # noqa: S608 - our table
                    "WHERE school_id = %s AND number = ANY(%s)",
                    [school_id, numbers[start : start + PG_NUMBER_CHUNK]],
                )
                taken.update(r[0] for r in cursor.fetchall())
        return taken
    for start in range(0, len(numbers), NUMBER_CHUNK):
        chunk = numbers[start : start + NUMBER_CHUNK]
        taken.update(
            Asset.objects.filter(school_id=school_id, number__in=chunk).values_list(
                "number", flat=True
            )
        )
    return taken


class CategoryIndex:
    """The school's categories by code, education code, "code name" and name."""

    def __init__(self, school_id: int):
        self.by_code: dict[str, AssetCategory] = {}
        self.by_name: dict[str, list[AssetCategory]] = {}
        for category in AssetCategory.objects.filter(school_id=school_id).order_by(
            "-is_active", "pk"
        ):
            self.by_code.setdefault(normalize_key(category.code), category)
            self.by_code.setdefault(normalize_key(f"{category.code}{category.name}"), category)
            if category.edu_code:
                self.by_code.setdefault(normalize_key(category.edu_code), category)
            self.by_name.setdefault(normalize_key(category.name), []).append(category)

    def find(self, text: str) -> AssetCategory | None | list:
        """The category a cell names; a list when several share the name."""
        key = normalize_key(text)
        if key in self.by_code:
            return self.by_code[key]
        named = self.by_name.get(key, [])
        if len(named) == 1:
            return named[0]
        return named or None


class PeopleIndex:
    """The school's members by full name, username and employee number."""

    def __init__(self, school_id: int):
        self.ids: dict[str, set[int]] = {}
        self.found: dict[str, int | None] = {}
        members = Membership.objects.filter(school_id=school_id, is_active=True).values_list(
            "user_id", "user__full_name", "user__username", "employee_no"
        )
        for user_id, full_name, username, employee_no in members:
            for name in {full_name, username, employee_no}:
                if name:
                    self.ids.setdefault(normalize_key(name), set()).add(user_id)

    def find(self, name: str) -> int | None:
        try:
            return self.found[name]
        except KeyError:
            ids = self.ids.get(normalize_key(name), ())
            found = self.found[name] = next(iter(ids)) if len(ids) == 1 else None
            return found


class LedgerChecker:
    """Checks a ledger sheet under a column mapping for one school (see the module docstring).

    ``resolutions`` is the clerk's choice for names the school lacks:
    ``{"rooms": {text: {"room": id}}, "departments": {name: {"department": id}}}``.
    """

    def __init__(self, school, mapping: dict, resolutions: dict | None = None, progress=None):
        self.school = school
        self.mapping = {int(i): key for i, key in mapping.items() if key in FIELDS_BY_KEY}
        self.resolutions = resolutions or {}
        self.progress = progress

    # ------------------------------------------------------------ entry point

    def check(self, sheet: LedgerSheet) -> LedgerCheck:
        school_id = self.school.pk
        result = LedgerCheck(sheet=sheet, mapping=self.mapping)
        self.categories = CategoryIndex(school_id)
        self.place_index = PlaceIndex(school_id) if "place" in self.mapping.values() else None
        self.department_names = (
            departments_by_name(self.school) if "department" in self.mapping.values() else {}
        )
        self.people = PeopleIndex(school_id) if "custodian" in self.mapping.values() else None
        self.headers = {
            key: (sheet.headers[i] if i < len(sheet.headers) else "")
            for i, key in self.mapping.items()
        }
        order = {key: n for n, key in enumerate(FIELD_KEYS)}
        parsers = []
        for index, key in sorted(self.mapping.items(), key=lambda item: order[item[1]]):
            parse = FIELDS_BY_KEY[key].parse_value
            max_text = getattr(FIELDS_BY_KEY[key].parse, "max_length", 0)
            parsers.append((index, key, parse, None if key in UNIQUE_KEYS else {}, max_text))
        self.index_of = {key: index for index, key in self.mapping.items()}
        self.category_memo: dict = {}
        numbers_seen: dict[str, int] = {}
        for done, (number, cells) in enumerate(sheet.rows, start=1):
            self._check_row(result, number, cells, parsers, numbers_seen)
            if self.progress and done % PROGRESS_EVERY == 0:
                self.progress(done)
        # Rows of data: those that passed and those with errors (totals and notes left out).
        check_data_rows(len(result.rows) + len({e.row for e in result.errors}))
        self._check_register_numbers(result, numbers_seen)
        self._resolve_names(result)
        result.errors.sort(key=lambda e: (e.row, order.get(e.key, len(order))))
        return result

    # ------------------------------------------------------------ one row

    def _error(self, result, number, key, raw, message):
        result.errors.append(
            RowError(
                row=number,
                column=self.headers.get(key, ""),
                value="" if raw is None else as_text(raw),
                message=message,
                key=key,
            )
        )

    def _raw(self, cells, key):
        index = self.index_of.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def _check_row(self, result, number, cells, parsers, numbers_seen):
        # The hot loop of a 50,000-row file: plain text passes through, other cells parse once
        # per distinct value (``memo``), and nothing is looked up twice.
        width = len(cells)
        values: dict = {}
        bad = False
        for index, key, parse, memo, max_text in parsers:
            if index >= width:
                continue
            raw = cells[index]
            if raw is None:
                continue
            if max_text and raw.__class__ is str and len(raw) <= max_text:
                values[key] = raw
                continue
            if memo is None:
                parsed = _parse(parse, raw)
            else:
                parsed = memo.get(raw, _MISS)
                if parsed is _MISS:
                    parsed = memo[raw] = _parse(parse, raw)
            if parsed.__class__ is CellError:
                self._error(result, number, key, raw, parsed.message)
                bad = True
            else:
                values[key] = parsed
        if not values and not bad:
            return  # only columns that are not imported
        if "name" not in values and self._raw(cells, "name") is None:
            if self._is_total_row(cells):
                result.skipped_rows.append(number)
                return
            self._error(result, number, "name", None, _("Required."))
            bad = True
        category = self._category(result, number, values, cells)
        if category is None or not self._values(result, number, values, cells):
            bad = True
        asset_number = values.get("number")
        if asset_number:
            first = numbers_seen.setdefault(asset_number, number)
            if first != number:
                self._error(
                    result, number, "number", asset_number,
                    _("Same asset number as row %(row)d: each number may appear once.")
                    % {"row": first},
                )  # fmt: skip
                bad = True
        place = self._place(result, number, values.get("place")) if "place" in values else None
        if place is False:
            bad = True
        department = values.get("department")
        if department:
            entry = result.departments.get(department)
            if entry is None:
                entry = result.departments[department] = DepartmentEntry(department)
            entry.rows += 1
        custodian_id = None
        if custodian := values.get("custodian"):
            custodian_id = self.people.find(custodian)
            if custodian_id is None:
                result.custodians[custodian] = result.custodians.get(custodian, 0) + 1
        if bad:
            return
        if not asset_number:
            result.blank_numbers += 1
        result.rows.append(
            CheckedRow(number, values, category, place, department or None, custodian_id)
        )

    def _is_total_row(self, cells) -> bool:
        return any(
            isinstance(cells[i], str) and normalize_key(cells[i]) in TOTAL_WORDS
            for i in self.index_of.values()
            if i < len(cells)
        )

    def _category(self, result, number, values, cells):
        code, name = values.get("category_code"), values.get("category")
        found = self.category_memo.get((code, name))
        if found is not None:
            return found
        found = self._find_category(result, number, code, name, cells)
        if found is not None:
            self.category_memo[(code, name)] = found
        return found

    def _find_category(self, result, number, code, name, cells):
        if code:
            found = self.categories.find(code)
            if isinstance(found, AssetCategory):
                return found
        if name:
            found = self.categories.find(name)
            if isinstance(found, AssetCategory):
                return found
            if found:
                self._error(
                    result, number, "category", name,
                    _("Several categories have this name: write the category's code instead."),
                )  # fmt: skip
                return None
        if not code and not name:
            if self._raw(cells, "category") is None and self._raw(cells, "category_code") is None:
                key = "category" if "category" in self.headers else "category_code"
                self._error(result, number, key, None, _("Required."))
            return None
        key = "category" if name else "category_code"
        self._error(
            result, number, key, name or code,
            _("Unknown category: use the name or code of one of the school's categories "
              "(add sub-categories under Categories first)."),
        )  # fmt: skip
        return None

    def _values(self, result, number, values, cells) -> bool:
        """Quantity, unit and total value, dates: fill in what follows from the others."""
        ok = True
        quantity = values.get("quantity") or ONE
        values["quantity"] = quantity
        unit_price, total = values.get("unit_price"), values.get("total_value")
        if unit_price is None and total is None:
            if self._raw(cells, "unit_price") is None and self._raw(cells, "total_value") is None:
                key = "unit_price" if "unit_price" in self.headers else "total_value"
                self._error(result, number, key, None, _("Give the unit value or the total value."))
            return False
        if unit_price is None:
            unit_price = (total / quantity).quantize(CENT)
        elif total is None:
            total = (unit_price * quantity).quantize(CENT)
            if len(total.as_tuple().digits) > 16:
                self._error(
                    result, number, "quantity", quantity, _("The total value is too large.")
                )
                ok = False
        values["unit_price"], values["total_value"] = unit_price, total
        acquired, warranty = values.get("acquired_on"), values.get("warranty_until")
        if acquired and warranty and warranty < acquired:
            self._error(
                result, number, "warranty_until", self._raw(cells, "warranty_until"),
                _("The warranty cannot end before the asset was acquired."),
            )  # fmt: skip
            ok = False
        return ok

    def _place(self, result, number, text):
        """The place's key in ``result.places``; None without a place; False when unreadable."""
        if not text:
            return None
        entry = result.places.get(text)
        if entry is None:
            try:
                parts = self.place_index.parse(text)
            except CellError as exc:
                self._error(result, number, "place", text, exc.message)
                return False
            entry = result.places[text] = PlaceEntry(text, parts)
        entry.rows += 1
        return text

    # ------------------------------------------------------------ whole file

    def _check_register_numbers(self, result, numbers_seen: dict[str, int]) -> None:
        taken = numbers_taken(self.school.pk, list(numbers_seen))
        if not taken:
            return
        bad_rows = set()
        for asset_number in taken:
            row = numbers_seen[asset_number]
            bad_rows.add(row)
            self._error(
                result, row, "number", asset_number,
                _("The register already has an asset with this number."),
            )  # fmt: skip
        result.rows = [r for r in result.rows if r.number not in bad_rows]

    def _resolve_names(self, result) -> None:
        """Match places and departments to the school's, then apply the clerk's choices."""
        chosen_rooms = self.resolutions.get("rooms", {})
        for entry in result.places.values():
            room = self.place_index.match(entry.text, entry.parts)
            if room is not None:
                entry.room_id, entry.matched = room.pk, True
                continue
            choice = chosen_rooms.get(entry.text) or {}
            if choice.get("room") in self.place_index.by_id:
                entry.room_id = choice["room"]
        chosen_departments = self.resolutions.get("departments", {})
        ids = {d.pk for d in self.department_names.values()}
        for entry in result.departments.values():
            found = self.department_names.get(normalize_key(entry.name))
            if found is not None:
                entry.department_id, entry.matched = found.pk, True
                continue
            choice = chosen_departments.get(entry.name) or {}
            if choice.get("department") in ids:
                entry.department_id = choice["department"]

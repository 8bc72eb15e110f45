"""The importer base class: declare columns, check every row, then write all rows or none.

A concrete importer (see ``houqin.org.importers``) declares its columns and natural key and
fills in three hooks:

- ``prepare(rows)``: load what rows refer to, once, in a fixed number of queries;
- ``clean_row(row)``: references and database checks, reporting with ``row.error(key, msg)``;
- ``save_row(row) -> Outcome``: create or update one record by its natural key.

Columns that are not in the file are left untouched on update; a blank cell in a column that
is there clears the value (or keeps it, where the field cannot be blank).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _

from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.scoping import access_for

from .cells import CellError, as_text, normalize_key, text
from .reading import ImportFileError, RawSheet, check_data_rows, read_workbook

HEADER_SEARCH_ROWS = 10


def normalize_header(value) -> str:
    """Headers compare without case, spaces, a required-mark ``*`` or a unit in brackets."""
    key = normalize_key(value)
    key = re.sub(r"[(\[][^)\]]*[)\]]$", "", key)  # NFKC turned （） into ()
    return key.strip("*:")


@dataclass
class Column:
    """One column of an import file. ``headers[0]`` is the header written in templates and
    exports; the others are accepted aliases (Chinese or English)."""

    key: str
    headers: Sequence[str]
    required: bool = False
    parse: Callable[[Any], Any] | None = None
    example: Any = ""
    help: Any = ""

    @property
    def header(self) -> str:
        return self.headers[0]

    def parse_value(self, value):
        return (self.parse or _TEXT)(value)


_TEXT = text()


@dataclass
class RowError:
    """One problem: the row number and header as the clerk sees them, the bad value, why."""

    row: int
    column: str
    value: str
    message: Any
    key: str = ""

    def __str__(self):
        where = f"{self.row}" + (f" {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class Outcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class Row:
    """One data row: the raw cells of the columns in the file and their parsed values."""

    number: int
    cells: dict[str, Any]
    headers: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    # What clean_row resolved (the room, the department…), for save_row to use.
    resolved: dict[str, Any] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        """Is the column in the file and its value good (blank counts as good)?"""
        return key in self.values

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def error(self, key: str, message, value=None) -> None:
        shown = self.cells.get(key) if value is None else value
        self.errors.append(
            RowError(
                row=self.number,
                column=self.headers.get(key, ""),
                value="" if shown is None else as_text(shown),
                message=message,
                key=key,
            )
        )
        self.values.pop(key, None)


@dataclass
class Sheet:
    """The part of an uploaded file an importer reads: header row, mapped columns, data rows."""

    name: str
    header_row: int
    header_cells: list
    column_index: dict[str, int]
    rows: list[Row]
    raw_rows: list[tuple[int, list]]
    ignored_headers: list[str] = field(default_factory=list)
    missing: list[Column] = field(default_factory=list)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    sheet: Sheet | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


class Importer:
    """Base of every register import. One instance serves one run."""

    key: str = ""
    title: Any = ""
    columns: Sequence[Column] = ()
    # Fields that identify a record; the last one names the column a duplicate is reported on.
    natural_key: Sequence[str] = ()
    # Other column groups that must be unique within the file.
    unique_in_file: Sequence[Sequence[str]] = ()
    permission: str | None = None

    def __init__(self):
        self.school = None
        self.by = None

    # ---------------------------------------------------------------- hooks

    def prepare(self, rows: list[Row]) -> None:
        """Load what the rows refer to, once (a fixed number of queries)."""

    def clean_row(self, row: Row) -> None:
        """Check references and database rules; report with ``row.error(key, message)``."""

    def save_row(self, row: Row) -> Outcome:
        raise NotImplementedError

    def natural_key_of(self, row: Row, keys: Sequence[str]) -> tuple | None:
        parts = []
        for key in keys:
            if key in row.cells and not row.has(key):
                return None  # the cell is bad and already reported
            value = row.get(key)
            parts.append(normalize_key(value) if isinstance(value, str) else value)
        if all(p is None for p in parts):
            return None
        return tuple(parts)

    # ---------------------------------------------------------------- reading

    @classproperty
    def headers(cls) -> list[str]:  # noqa: N805 - works on the class and on instances
        return [c.header for c in cls.columns]

    def _aliases(self) -> dict[str, Column]:
        aliases = {}
        for column in self.columns:
            for header in column.headers:
                aliases.setdefault(normalize_header(header), column)
        return aliases

    def _score(self, cells: list) -> int:
        aliases = self._aliases()
        return len(
            {
                aliases[h].key
                for h in (normalize_header(c) for c in cells if c is not None)
                if h in aliases
            }
        )

    def read(self, file) -> Sheet:
        """Find the sheet and header row that match this importer's columns best."""
        best: tuple[int, RawSheet, int] | None = None
        for raw in read_workbook(file):
            for index, (_number, cells) in enumerate(raw.rows[:HEADER_SEARCH_ROWS]):
                score = self._score(cells)
                if score and (best is None or score > best[0]):
                    best = (score, raw, index)
        if best is None:
            raise ImportFileError(
                _("No header row found. The first rows must hold the headers, e.g. %(headers)s.")
                % {"headers": "、".join(self.headers[:4])}
            )
        _score, raw, index = best
        header_number, header_cells = raw.rows[index]
        aliases = self._aliases()
        column_index: dict[str, int] = {}
        headers: dict[str, str] = {}
        ignored = []
        for i, cell in enumerate(header_cells):
            if cell is None:
                continue
            column = aliases.get(normalize_header(cell))
            if column is None or column.key in column_index:
                ignored.append(as_text(cell))
                continue
            column_index[column.key] = i
            headers[column.key] = as_text(cell)
        rows = []
        for number, cells in raw.rows[index + 1 :]:
            picked = {
                key: (cells[i] if i < len(cells) else None) for key, i in column_index.items()
            }
            if all(v is None for v in picked.values()):
                continue  # a row with notes only in ignored columns
            rows.append(Row(number=number, cells=picked, headers=headers))
        check_data_rows(len(rows))
        missing = [c for c in self.columns if c.required and c.key not in column_index]
        return Sheet(
            name=raw.name,
            header_row=header_number,
            header_cells=header_cells,
            column_index=column_index,
            rows=rows,
            raw_rows=raw.rows,
            ignored_headers=ignored,
            missing=missing,
        )

    # ---------------------------------------------------------------- checking

    def parse_row(self, row: Row) -> None:
        for column in self.columns:
            if column.key not in row.cells:
                continue
            value = row.cells[column.key]
            if value is None:
                if column.required:
                    row.error(column.key, _("Required."))
                else:
                    row.values[column.key] = None
                continue
            try:
                row.values[column.key] = column.parse_value(value)
            except CellError as exc:
                row.error(column.key, exc.message)

    def check_duplicates(self, rows: list[Row]) -> None:
        groups = [tuple(self.natural_key)] if self.natural_key else []
        groups += [tuple(g) for g in self.unique_in_file]
        for keys in groups:
            seen: dict[tuple, int] = {}
            for row in rows:
                key = self.natural_key_of(row, keys)
                if key is None:
                    continue
                if key in seen:
                    row.error(
                        keys[-1],
                        _("Same as row %(row)d: each may appear once.") % {"row": seen[key]},
                    )
                else:
                    seen[key] = row.number

    def validate(self, rows: list[Row]) -> list[RowError]:
        """Check every row (types, required, duplicates, references, database rules) and
        return every error found, in row order."""
        for row in rows:
            self.parse_row(row)
        self.check_duplicates(rows)
        self.prepare(rows)
        for row in rows:
            self.clean_row(row)
        order = {c.key: i for i, c in enumerate(self.columns)}
        errors = (e for row in rows for e in row.errors)
        return sorted(errors, key=lambda e: (e.row, order.get(e.key, len(order))))

    # ---------------------------------------------------------------- running

    def check_permission(self, school, by) -> None:
        if self.permission and not access_for(by, school).has_perm(self.permission):
            raise PermissionDenied()

    def run(self, file, *, school, by, dry_run: bool = False) -> ImportResult:
        """Import ``file`` into ``school``: write every row in one transaction when no row has
        an error, else write nothing. ``dry_run`` checks and counts without writing."""
        self.check_permission(school, by)
        self.school, self.by = school, by
        sheet = self.read(file)
        result = ImportResult(sheet=sheet, dry_run=dry_run)
        if sheet.missing:
            result.errors = [
                RowError(
                    sheet.header_row, c.header, "", _("This required column is missing."), c.key
                )
                for c in sheet.missing
            ]
            return result
        if not sheet.rows:
            raise ImportFileError(_("The file has no rows below the header row."))
        result.errors = self.validate(sheet.rows)
        if result.errors:
            return result
        self._write(sheet.rows, result)
        return result

    def _write(self, rows: Iterable[Row], result: ImportResult) -> None:
        current = None
        counts = dict.fromkeys(Outcome, 0)
        try:
            with transaction.atomic():
                for current in rows:
                    counts[self.save_row(current)] += 1
                if result.dry_run:
                    transaction.set_rollback(True)
        except (ValidationError, IntegrityError, DomainError) as exc:
            # A rule the checks missed, or someone changed the data meanwhile: nothing is kept.
            if isinstance(exc, ValidationError):
                message = "; ".join(exc.messages)
            elif isinstance(exc, DomainError):
                message = exc.message
            else:
                message = _(
                    "This row conflicts with a record saved meanwhile. Import the file again."
                )
            result.errors = [RowError(current.number if current else 0, "", "", message)]
            return
        result.created = counts[Outcome.CREATED]
        result.updated = counts[Outcome.UPDATED]
        result.unchanged = counts[Outcome.UNCHANGED]


def set_fields(obj, values: dict[str, Any]) -> bool:
    """Set attributes that differ; True when anything changed (so unchanged rows skip a write)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed

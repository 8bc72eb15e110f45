"""Reading an uploaded ledger: core's reader (xlsx through calamine; CSV in UTF-8, UTF-8 with
BOM or GBK/GB18030), then the sheet and header row that look most like a ledger."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from houqin.core.importing import ImportFileError, read_workbook
from houqin.core.importing.base import HEADER_SEARCH_ROWS
from houqin.core.importing.cells import as_text
from houqin.core.importing.reading import RawSheet

from .fields import suggest_field


@dataclass
class LedgerSheet:
    """The part of a file the import reads: the header row and the rows below it."""

    name: str
    header_row: int  # the row number Excel shows
    headers: list[str]  # header cells as text ("" where blank)
    rows: list[tuple[int, list]]  # (row number, cells) below the header row
    raw_rows: list[tuple[int, list]]  # every non-blank row of the sheet (for the error report)
    sheet_names: list[str] = field(default_factory=list)


def _score(cells: list, remembered: dict | None) -> tuple[int, int]:
    """(headers that name a register field, non-blank text cells): how header-like a row is."""
    known = sum(1 for c in cells if isinstance(c, str) and suggest_field(c, remembered))
    texts = sum(1 for c in cells if isinstance(c, str))
    return known, texts


def read_ledger(
    file=None,
    *,
    sheets: list[RawSheet] | None = None,
    sheet_name: str = "",
    header_row: int | None = None,
    remembered=None,
) -> LedgerSheet:
    """The ledger in ``file`` (or in ``sheets`` already read): the named sheet and header row,
    or the ones found to fit best (the row among a sheet's first ten whose cells name the most
    register fields)."""
    if sheets is None:
        sheets = read_workbook(file)
    sheets = [s for s in sheets if s.rows]
    if not sheets:
        raise ImportFileError(_("The file has no rows."))
    names = [s.name for s in sheets]
    if sheet_name:
        sheets = [s for s in sheets if s.name == sheet_name]
        if not sheets:
            raise ImportFileError(_("The file has no sheet named %(name)s.") % {"name": sheet_name})
    best = None
    for sheet in sheets:
        for index, (number, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            if header_row is not None and number != header_row:
                continue
            score = _score(cells, remembered)
            if best is None or score > best[0]:
                best = (score, sheet, index)
    if best is None:
        raise ImportFileError(
            _("Row %(row)d is not among the first rows of the sheet.") % {"row": header_row}
        )
    _score_value, sheet, index = best
    number, cells = sheet.rows[index]
    headers = ["" if c is None else as_text(c) for c in cells]
    return LedgerSheet(
        name=sheet.name,
        header_row=number,
        headers=headers,
        rows=sheet.rows[index + 1 :],
        raw_rows=sheet.rows,
        sheet_names=names,
    )


def examples(sheet: LedgerSheet, count: int = 3, scan: int = 500) -> dict[str, list[str]]:
    """The first few values of each column (by index, as text), for the mapping page."""
    out: dict[str, list[str]] = {str(i): [] for i in range(len(sheet.headers))}
    for _number, cells in sheet.rows[:scan]:
        for i, value in enumerate(cells[: len(sheet.headers)]):
            found = out[str(i)]
            if value is not None and len(found) < count:
                found.append(as_text(value)[:40])
    return out


# ---------------------------------------------------------------- the rows, kept as read

# A 50,000-row workbook takes calamine and core's cell cleaning about 1.4 s of CPU to read;
# the same rows as JSON load in 0.4 s. The upload keeps them next to the file, so the preview
# and the import do not read the workbook again. Only JSON: nothing in it can run.
log = logging.getLogger(__name__)
_TAGS = {"$d": date.fromisoformat, "$dt": datetime.fromisoformat, "$t": time.fromisoformat}


def _encode(value):
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, time):
        return {"$t": value.isoformat()}
    return as_text(value)


def _decode(obj: dict):
    if len(obj) == 1:
        for tag, parse in _TAGS.items():
            if tag in obj:
                return parse(obj[tag])
    return obj


def rows_name(file_name: str) -> str:
    return f"{file_name}.rows.json"


def keep_rows(storage, file_name: str, sheets: list[RawSheet]) -> None:
    data = json.dumps(
        [[s.name, s.rows] for s in sheets],
        default=_encode,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    storage.save(rows_name(file_name), ContentFile(data.encode("utf-8")))


def kept_rows(storage, file_name: str) -> list[RawSheet] | None:
    """The rows kept at upload, or None (then the file is read again)."""
    name = rows_name(file_name)
    try:
        with storage.open(name, "rb") as fh:
            data = json.loads(fh.read().decode("utf-8"), object_hook=_decode)
    except (OSError, ValueError):
        return None
    return [RawSheet(sheet_name, [(n, cells) for n, cells in rows]) for sheet_name, rows in data]


def drop_rows(storage, file_name: str) -> None:
    try:
        storage.delete(rows_name(file_name))
    except OSError:
        log.warning("could not delete the kept rows of %s", file_name)

"""Reading uploaded spreadsheets: xlsx/xls (python-calamine, openpyxl as fallback) and CSV.

A file becomes a list of ``RawSheet``: each sheet's non-blank rows with the row number Excel
shows, cells trimmed (blank cells are ``None``). Which row is the header is decided later by
the importer, which knows its headers.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from houqin.core.errors import DomainError

from .cells import clean_cell

EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls")
CSV_EXTENSIONS = (".csv", ".txt")
ACCEPTED_EXTENSIONS = EXCEL_EXTENSIONS + CSV_EXTENSIONS
# Rows of data one import takes. A sheet may hold a few more rows besides: titles above the
# header, the header itself, a total and notes or signatures below the data. The reader lets
# EXTRA_ROWS of those through; the importer, which knows where the data starts, counts the rest.
MAX_ROWS = 50_000
EXTRA_ROWS = 100


def max_import_bytes() -> int:
    return int(getattr(settings, "HOUQIN_MAX_IMPORT_BYTES", 20 * 1024 * 1024))


class ImportFileError(DomainError):
    """The upload cannot be read at all (wrong type, too large, damaged, no header)."""

    default_message = _("This file cannot be read.")


def too_large_message(size: int):
    return _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(max_import_bytes()),
    }


WRONG_TYPE_MESSAGE = _("Upload an Excel workbook (.xlsx or .xls) or a CSV file.")


@dataclass
class RawSheet:
    name: str
    # (row number as Excel shows it, trimmed cells); blank rows are left out.
    rows: list[tuple[int, list]] = field(default_factory=list)


def _read_bytes(file) -> tuple[bytes, str]:
    """The file's bytes and name, refusing anything over the size limit before reading it."""
    if isinstance(file, (bytes, bytearray)):
        data, name = bytes(file), ""
    elif isinstance(file, (str, PurePath)):
        with open(file, "rb") as fh:
            data, name = fh.read(max_import_bytes() + 1), str(file)
    else:
        size = getattr(file, "size", None)
        if size is not None and size > max_import_bytes():
            raise ImportFileError(too_large_message(size))
        if hasattr(file, "seek"):
            file.seek(0)
        data, name = file.read(max_import_bytes() + 1), getattr(file, "name", "") or ""
    if len(data) > max_import_bytes():
        raise ImportFileError(too_large_message(len(data)))
    return data, name


def read_workbook(file) -> list[RawSheet]:
    """Every sheet of an uploaded xlsx/xls workbook or CSV file, as trimmed non-blank rows."""
    data, name = _read_bytes(file)
    suffix = PurePath(name).suffix.lower()
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        if suffix in CSV_EXTENSIONS:
            raise ImportFileError(WRONG_TYPE_MESSAGE)
        return _read_excel(data)
    if suffix in CSV_EXTENSIONS or (not suffix and _looks_like_text(data)):
        return [_read_csv(data)]
    if suffix in EXCEL_EXTENSIONS:
        raise ImportFileError(
            _("This file is not a real Excel workbook. Open it in Excel and save it as .xlsx.")
        )
    raise ImportFileError(WRONG_TYPE_MESSAGE)


def _looks_like_text(data: bytes) -> bool:
    return b"\x00" not in data[:4096] or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def too_many_rows_error(count: int | None = None) -> ImportFileError:
    if count is None:
        message = _("The file has more than %(max)d rows. Split it into smaller files.") % {
            "max": MAX_ROWS
        }
    else:
        message = _(
            "The file has %(count)d rows of data; one import takes up to %(max)d. "
            "Split it into smaller files."
        ) % {"count": count, "max": MAX_ROWS}
    return ImportFileError(message)


def check_data_rows(count: int) -> None:
    """Refuse a file with more rows of data (below the header, totals left out) than one
    import takes."""
    if count > MAX_ROWS:
        raise too_many_rows_error(count)


def _keep(rows, start: int = 1) -> list[tuple[int, list]]:
    out = []
    for number, row in enumerate(rows, start=start):
        cells = [clean_cell(v) for v in row]
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            out.append((number, cells))
            if len(out) > MAX_ROWS + EXTRA_ROWS:
                raise too_many_rows_error()
    return out


def _read_excel(data: bytes) -> list[RawSheet]:
    try:
        return _read_calamine(data)
    except ImportFileError:
        raise
    except Exception:
        # calamine refuses a few unusual files that openpyxl still opens (and vice versa).
        pass
    try:
        return _read_openpyxl(data)
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(
            _("This workbook could not be read. Open it in Excel and save it again as .xlsx.")
        ) from None


def _read_calamine(data: bytes) -> list[RawSheet]:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum, load_workbook

    workbook = load_workbook(io.BytesIO(data))
    sheets = []
    for meta in workbook.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
            continue
        sheet = workbook.get_sheet_by_name(meta.name)
        # skip_empty_area=False keeps row 1 at index 0, so row numbers match what Excel shows.
        sheets.append(RawSheet(meta.name, _keep(sheet.to_python(skip_empty_area=False))))
    return sheets


def _read_openpyxl(data: bytes) -> list[RawSheet]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [
            RawSheet(ws.title, _keep(ws.iter_rows(min_row=1, values_only=True)))
            for ws in workbook.worksheets
            if ws.sheet_state == "visible"
        ]
    finally:
        workbook.close()


def decode_text(data: bytes) -> str:
    """CSV text: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of
    GBK, which Excel in China uses for "CSV")."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The text encoding of this CSV file is unknown. Save it from Excel as .xlsx instead.")
        ) from None


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _unquote(value: str) -> str:
    # Exports write '=… so Excel keeps it as text (see core.excel); read it back as written.
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@"):
        return value[1:]
    return value


def _read_csv(data: bytes) -> RawSheet:
    text = decode_text(data)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        rows = []
        # Row numbers follow lines as Excel would show them, also when a quoted cell spans lines.
        start = 1
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error:
        raise ImportFileError(_("This CSV file is damaged (unbalanced quotes?).")) from None
    kept = []
    for number, row in rows:
        cells = _keep([[_unquote(v) for v in row]])
        if cells:
            kept.append((number, cells[0][1]))
    if len(kept) > MAX_ROWS + EXTRA_ROWS:
        raise too_many_rows_error()
    return RawSheet("CSV", kept)

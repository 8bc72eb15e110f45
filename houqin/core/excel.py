"""Excel in and out. Exports: xlsx (default) or CSV with a UTF-8 BOM so Excel shows Chinese.

``export_response(filename, headers, rows, fmt="xlsx")`` is the one way every list exports
what its filters show; ``rows`` is any iterable of lists (iterate a queryset with
``.iterator()`` for large lists).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal, date)):
        return value
    return str(value)


def _xlsx_cell(ws, value):
    value = _cell(value)
    if isinstance(value, str) and value.startswith("="):
        # Text typed by a user must not become a formula when the export is opened.
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "Sheet1"
) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=str(h))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([_xlsx_cell(ws, v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value):
    value = _cell(value)
    # CSV injection: Excel runs a cell starting with = + - @ as a formula; a leading ' keeps it
    # text (the importer drops that quote again). Numbers such as -1 are left alone.
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence], fmt: str = "xlsx"
) -> HttpResponse:
    """An HTTP download of ``rows``; ``filename`` without extension (Chinese is fine)."""
    if fmt == "csv":
        body, ctype, ext = write_csv(headers, rows), "text/csv; charset=utf-8", "csv"
    else:
        body, ctype, ext = write_xlsx(headers, rows), XLSX_CONTENT_TYPE, "xlsx"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{filename}.{ext}')}"
    return response

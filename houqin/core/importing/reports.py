"""Workbooks made for the clerk: the error report of a failed import and blank templates.

The error report is the uploaded sheet itself, every row at the row number it had, with the
bad cells marked and an added errors column at the end: the clerk fixes the cells in place
and uploads the same file again (the added column is ignored on import). A second sheet lists
the errors one per line.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .base import Importer, ImportResult
from .cells import as_text

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
BOLD = Font(bold=True)


def _put(ws, row: int, column: int, value):
    """Write a cell; text starting with = stays text (a report must never run a formula)."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _save(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def error_report_xlsx(result: ImportResult) -> bytes:
    """The uploaded rows with the bad cells marked and an errors column, plus an error list."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = _("Rows")[:31]
    sheet = result.sheet
    by_row: dict[int, list] = {}
    for error in result.errors:
        by_row.setdefault(error.row, []).append(error)
    if sheet is not None:
        width = max((len(cells) for _n, cells in sheet.raw_rows), default=0)
        error_col = max(width, len(sheet.header_cells)) + 1
        for number, cells in sheet.raw_rows:
            for i, value in enumerate(cells, start=1):
                if value is not None:
                    _put(ws, number, i, value)
        header = ws.cell(row=sheet.header_row, column=error_col, value=_("Errors"))
        for i in range(1, error_col + 1):
            ws.cell(row=sheet.header_row, column=i).font = BOLD
        header.fill = BAD_FILL
        for number, errors in by_row.items():
            messages = "；".join(
                f"{e.column}：{e.message}" if e.column else str(e.message) for e in errors
            )
            cell = _put(ws, number, error_col, messages)
            cell.font = ERROR_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            for error in errors:
                index = sheet.column_index.get(error.key)
                if index is not None:
                    bad = ws.cell(row=number, column=index + 1)
                    bad.fill = BAD_FILL
                    bad.comment = Comment(str(error.message), "Houqin")
        ws.column_dimensions[get_column_letter(error_col)].width = 60
        ws.freeze_panes = ws.cell(row=sheet.header_row + 1, column=1)

    listing = workbook.create_sheet(_("Error list")[:31])
    listing.append([_("Row"), _("Column"), _("Value"), _("Problem")])
    for cell in listing[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for i, error in enumerate(result.errors, start=2):
        for column, value in enumerate(
            [error.row, error.column, error.value, str(error.message)], 1
        ):
            _put(listing, i, column, value)
    for letter, width in zip("ABCD", (8, 16, 24, 70), strict=True):
        listing.column_dimensions[letter].width = width
    return _save(workbook)


def template_xlsx(importer: Importer | type[Importer]) -> bytes:
    """A blank import file: the Chinese headers, one example row, and a sheet of instructions."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = str(importer.title or _("Import"))[:31]
    ws.append(importer.headers)
    for i, column in enumerate(importer.columns, start=1):
        if column.example not in ("", None):
            _put(ws, 2, i, column.example)
    for i, column in enumerate(importer.columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = BOLD
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        if column.help:
            cell.comment = Comment(str(column.help), "Houqin")
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(as_text(column.example)) + 4)
    ws.freeze_panes = "A2"

    notes = workbook.create_sheet(_("Instructions")[:31])
    notes.append([_("Column"), _("Required"), _("Also accepted as header"), _("What to write")])
    for cell in notes[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for column in importer.columns:
        notes.append(
            [
                column.header,
                _("yes") if column.required else _("no"),
                "、".join(column.headers[1:]),
                str(column.help or ""),
            ]
        )
    notes.append([])
    notes.append(
        [_("Delete the example row before importing. Rows with the same key update the record.")]
    )
    for letter, width in zip("ABCD", (14, 8, 30, 70), strict=True):
        notes.column_dimensions[letter].width = width
    return _save(workbook)

"""Import files made in the tests (xlsx with openpyxl, CSV in any encoding); no binary fixtures."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook


def xlsx(rows, *, above=(), name="import.xlsx", sheet="Sheet1") -> SimpleUploadedFile:
    """An xlsx upload whose first sheet holds ``above`` (title rows) then ``rows``."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in [*above, *rows]:
        ws.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def csv_file(rows, *, encoding="utf-8", bom=False, name="import.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows([["" if v is None else v for v in row] for row in rows])
    data = out.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data)


def read_xlsx(data: bytes, sheet: int = 0) -> list[list]:
    """The rows of a downloaded workbook's sheet, as values (``None`` for blank cells)."""
    workbook = load_workbook(io.BytesIO(data))
    return [list(row) for row in workbook.worksheets[sheet].iter_rows(values_only=True)]

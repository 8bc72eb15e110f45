"""The one import framework: read xlsx/xls/CSV, check every row, write all rows or none.

    from houqin.core.importing import Column, Importer, Outcome, cells

See ``base`` for the importer hooks, ``cells`` for value parsers, ``reports`` for the error
report and templates, ``views`` for the generic upload page.
"""

from . import cells
from .base import Column, Importer, ImportResult, Outcome, Row, RowError, Sheet, set_fields
from .cells import CellError
from .reading import ImportFileError, read_workbook
from .reports import error_report_xlsx, template_xlsx

__all__ = [
    "CellError",
    "Column",
    "ImportFileError",
    "ImportResult",
    "Importer",
    "Outcome",
    "Row",
    "RowError",
    "Sheet",
    "cells",
    "error_report_xlsx",
    "read_workbook",
    "set_fields",
    "template_xlsx",
]

"""Excel imports and exports of places, staff and classes, with the Chinese headers schools use.

Each importer writes only into the school it runs for; every lookup is filtered by that
school. The ``*_export_rows`` functions write the same column layout, so a register can be
exported, edited in Excel and imported back.
"""

from houqin.core.importing import Importer

from .classes import ClassesImporter, classes_export_rows
from .common import (
    GRADE_LABELS,
    ROLE_LABELS,
    ROOM_TYPE_LABELS,
    parse_class_number,
    parse_floor,
    parse_roles,
)
from .places import PlacesImporter, places_export_rows
from .staff import StaffImporter, staff_export_rows

IMPORTERS: dict[str, type[Importer]] = {
    PlacesImporter.key: PlacesImporter,
    StaffImporter.key: StaffImporter,
    ClassesImporter.key: ClassesImporter,
}

__all__ = [
    "GRADE_LABELS",
    "IMPORTERS",
    "ROLE_LABELS",
    "ROOM_TYPE_LABELS",
    "ClassesImporter",
    "PlacesImporter",
    "StaffImporter",
    "classes_export_rows",
    "parse_class_number",
    "parse_floor",
    "parse_roles",
    "places_export_rows",
    "staff_export_rows",
]

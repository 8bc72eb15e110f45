"""Safety: demo records. Each area builds its own (``demo_<area>.build(schools)``,
idempotent)."""

from . import demo_documents, demo_hazards, demo_inspections


def build(schools) -> None:
    # Hazards first: their demo fills a school only while it has none, and the rounds and
    # drills of the other areas raise hazards of their own.
    for area in (demo_hazards, demo_inspections, demo_documents):
        area.build(schools)

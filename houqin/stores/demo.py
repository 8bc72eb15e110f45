"""The stores' demo records: items and their ledger, stock counts, requisitions, print jobs.
Each area builds its own (``demo_<area>.build(schools)``, idempotent)."""

from . import demo_catalogue, demo_counts, demo_printing, demo_requisitions


def build(schools) -> None:
    for area in (demo_catalogue, demo_counts, demo_requisitions, demo_printing):
        area.build(schools)

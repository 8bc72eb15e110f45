"""Hygiene and greening: demo records. Each area builds its own (``demo_<area>.build(schools)``,
idempotent)."""

from . import demo_greening, demo_scores


def build(schools) -> None:
    for area in (
        demo_scores,
        demo_greening,
    ):
        area.build(schools)

"""Canteen and water: demo records. Each area builds its own (``demo_<area>.build(schools)``,
idempotent)."""

from . import demo_food, demo_water


def build(schools) -> None:
    for area in (demo_food, demo_water):
        area.build(schools)

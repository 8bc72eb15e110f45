"""Purchasing's demo records: a year of budgets, requests through every path, orders and
receipts. Each area builds its own (``demo_<area>.build(schools)``, idempotent); the stores'
demo (items) runs first."""

from . import demo_orders, demo_requests


def build(schools) -> None:
    for area in (demo_requests, demo_orders):
        area.build(schools)

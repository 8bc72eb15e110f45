"""Test helpers of the counts and requisitions areas: a stocked store, people, a term."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from houqin import factories as f
from houqin.stores import ledger
from houqin.stores.models import Item, ItemCategory, Store

_codes = itertools.count(1)


def D(value) -> Decimal:  # noqa: N802 - reads like the literal it stands for
    return Decimal(str(value))


def store_of(school, name="总务仓库", **fields) -> Store:
    store, _ = Store.objects.get_or_create(
        school=school, name=name, defaults={"is_default": name == "总务仓库", **fields}
    )
    return store


def category_of(school, name="办公用品") -> ItemCategory:
    category, _ = ItemCategory.objects.get_or_create(school=school, name=name)
    return category


def item_of(school, name="签字笔", *, unit="支", category=None, **fields) -> Item:
    return Item.objects.create(
        school=school,
        code=fields.pop("code", None) or f"H2{next(_codes):05d}",
        name=name,
        unit=unit,
        category=category if category is not None else category_of(school),
        **fields,
    )


def stocked(school, keeper, name="签字笔", quantity=10, unit_cost="2.00", *, store=None, **fields):
    """An item with ``quantity`` on hand in the (default) store at ``unit_cost``."""
    item = item_of(school, name, **fields)
    store = store or store_of(school)
    if quantity:
        ledger.receive(item=item, store=store, quantity=quantity, unit_cost=unit_cost, by=keeper)
    return item


def term_of(school, start=date(2026, 9, 1), end=date(2027, 1, 31)):
    from houqin.org.models import AcademicYear, Term

    year, _ = AcademicYear.objects.get_or_create(
        school=school,
        name=f"{start.year}-{start.year + 1}",
        defaults={"start_date": date(start.year, 8, 1), "end_date": date(start.year + 1, 7, 31)},
    )
    term, _ = Term.objects.get_or_create(
        school=school,
        year=year,
        number=1 if start.month >= 8 else 2,
        defaults={"name": f"{start.year} term", "start_date": start, "end_date": end},
    )
    return term


def department_with_head(school, name="教务处", head_username="head"):
    """A department whose head is a member of it (role dept_head)."""
    department = f.DepartmentFactory(school=school, name=name)
    head = f.member(school, "dept_head", department=department, username=head_username)
    department.head = head
    department.save(update_fields=["head"])
    return department, head

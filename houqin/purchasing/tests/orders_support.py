"""Shared setup of the orders, receiving and spending tests: the people of a school, a store,
and approved purchase requests built directly with the models (the approval itself is the
requests area's; here a request simply arrives approved)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from houqin import factories as f
from houqin.purchasing.models import (
    BudgetCategory,
    LineKind,
    PurchaseRequest,
    PurchaseRequestLine,
    Quote,
    RequestStatus,
)


@dataclass
class People:
    school: object
    buyer: object  # logistics clerk: orders
    director: object  # checks deliveries (not the buyer)
    keeper: object  # records deliveries, checks stock ones
    teacher: object  # asks to buy
    department: object
    vendor: object
    store: object


def make_people(school) -> People:
    from houqin.stores.models import Store

    department = f.DepartmentFactory(school=school, name="教务处")
    return People(
        school=school,
        buyer=f.member(school, "clerk", username=f"buyer-{school.code}"),
        director=f.member(school, "director", username=f"director-{school.code}"),
        keeper=f.member(school, "keeper", username=f"keeper-{school.code}"),
        teacher=f.member(school, "staff", department=department, username=f"teacher-{school.code}"),
        department=department,
        vendor=f.CompanyFactory(school=school, name=f"得力文具 {school.code}"),
        store=Store.objects.create(school=school, name="总务仓库", is_default=True),
    )


def make_item(people: People, *, code="A4-70", name="复印纸", unit="包", vendor=None, **extra):
    from houqin.stores.models import Item

    return Item.objects.create(
        school=people.school,
        code=code,
        name=name,
        unit=unit,
        preferred_vendor=vendor if vendor is not None else people.vendor,
        **extra,
    )


def asset_category(people: People, *, code="A02010104", name="台式计算机", rule="standard"):
    from houqin.assets.models import AssetCategory

    return AssetCategory.objects.create(
        school=people.school,
        code=code,
        name=name,
        useful_life_years=6,
        value_rule=rule,
        default_unit="台",
    )


@transaction.atomic
def approved_request(people: People, *lines, department=None, title="采购", quotes=None):
    """An approved request with ``lines`` (dicts of PurchaseRequestLine fields).

    ``quotes``: a list of (vendor, amount); the first is chosen. Requests at or above the
    school's quote threshold get three quotes (the first vendor ours) unless given."""
    request = PurchaseRequest(
        school=people.school,
        department=department or people.department,
        requested_by=people.teacher,
        title=title,
        reason="教学需要",
        status=RequestStatus.APPROVED,
        approved_at=timezone.now(),
        budget_year=timezone.localdate().year,
        budget_category=BudgetCategory.objects.get_or_create(school=people.school, name="办公用品")[
            0
        ],
    )
    request.assign_number()
    request.save()
    total = Decimal("0")
    for values in lines:
        values = {"unit": "包", "kind": LineKind.STOCK, **values}
        for name in ("quantity", "estimated_price"):
            values[name] = Decimal(str(values[name]))
        line = PurchaseRequestLine.objects.create(school=people.school, request=request, **values)
        total += line.estimated_amount
    request.estimated_total = total
    request.save(update_fields=["estimated_total"])
    if quotes is None and total >= Decimal("5000"):
        quotes = [(people.vendor, total)] + [
            (f.CompanyFactory(school=people.school), total + 100 * n) for n in (1, 2)
        ]
    if quotes:
        rows = [
            Quote.objects.create(
                school=people.school,
                request=request,
                vendor=vendor,
                amount=amount,
                quoted_on=date.today(),
                recorded_by=people.buyer,
            )
            for vendor, amount in quotes
        ]
        request.chosen_quote = rows[0]
        request.choice_reason = "价格最低"
        request.save(update_fields=["chosen_quote", "choice_reason"])
    return request


def paper_request(people: People, item=None, quantity="100", price="25"):
    item = item or make_item(people)
    return approved_request(
        people,
        {
            "item": item,
            "description": item.name,
            "quantity": Decimal(quantity),
            "unit": item.unit,
            "estimated_price": Decimal(price),
        },
    )

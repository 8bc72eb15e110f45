"""Shared people and helpers of the purchase request, budget and quote tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from houqin.core import approvals
from houqin.factories import CompanyFactory, DepartmentFactory, member
from houqin.purchasing import services_requests as requests
from houqin.purchasing.models import (
    Budget,
    BudgetCategory,
    LineKind,
    PurchaseRequest,
    PurchaseRequestLine,
)

YEAR = 2026
NEEDED_BY = date(YEAR, 9, 1)


@dataclass
class People:
    school: object
    department: object  # 教务处
    head: object  # heads ``department``
    teacher: object  # in ``department``
    other_department: object  # 政教处
    other_head: object  # heads ``other_department``
    director: object
    principal: object
    clerk: object
    finance: object
    category: object  # 办公用品


def make_people(school, prefix="") -> People:
    department = DepartmentFactory(school=school, name=f"{prefix}教务处")
    other = DepartmentFactory(school=school, name=f"{prefix}政教处")
    head = member(school, "dept_head", "staff", department=department, username=f"{prefix}head")
    other_head = member(
        school, "dept_head", "staff", department=other, username=f"{prefix}otherhead"
    )
    department.head = head
    department.save()
    other.head = other_head
    other.save()
    return People(
        school=school,
        department=department,
        head=head,
        teacher=member(school, "staff", department=department, username=f"{prefix}teacher"),
        other_department=other,
        other_head=other_head,
        director=member(school, "director", username=f"{prefix}director"),
        principal=member(school, "principal", username=f"{prefix}principal"),
        clerk=member(school, "clerk", username=f"{prefix}clerk"),
        finance=member(school, "finance", username=f"{prefix}finance"),
        category=BudgetCategory.objects.create(school=school, name="办公用品", sort_order=1),
    )


def service_line(amount, quantity=1, description="课桌椅维修") -> dict:
    """A free-text line worth ``amount`` × ``quantity``."""
    return {
        "description": description,
        "kind": LineKind.SERVICE,
        "quantity": quantity,
        "unit": "项",
        "estimated_price": Decimal(str(amount)),
    }


def draft(people: People, *lines, by=None, **kw) -> PurchaseRequest:
    kw.setdefault("budget_category", people.category)
    kw.setdefault("needed_by", NEEDED_BY)
    return requests.create_request(
        by=by or people.teacher,
        school=people.school,
        title=kw.pop("title", "教室设备采购"),
        reason=kw.pop("reason", "新学期教学需要"),
        lines=list(lines) or [service_line("1000")],
        **kw,
    )


def submitted(people: People, *lines, by=None, **kw):
    request = draft(people, *lines, by=by, **kw)
    flow = requests.submit(request, by=request.requested_by)
    request.refresh_from_db()
    return request, flow


def approve_all(request: PurchaseRequest, *people_in_order, meeting_note="") -> None:
    for who in people_in_order:
        approvals.approve(request, by=who, meeting_note=meeting_note)
    request.refresh_from_db()


def budget(people: People, amount, department=None, category=None, year=YEAR) -> Budget:
    return Budget.objects.create(
        school=people.school,
        year=year,
        department=department or people.department,
        category=category or people.category,
        amount=Decimal(str(amount)),
    )


def vendors(school, count=3) -> list:
    return [CompanyFactory(school=school, name=f"供应商{n}") for n in range(1, count + 1)]


def steps_of(flow) -> list[str]:
    """The plan as "kind:role" strings (department heads as "head")."""
    return ["head" if entry["kind"] == "department_head" else entry["role"] for entry in flow.plan]


def first_line(request) -> PurchaseRequestLine:
    return request.lines.order_by("pk").first()

"""Test helpers for core's document machinery: a school's people and a purchase-style policy."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from houqin import factories as f
from houqin.core.approvals import set_policy
from houqin.core.documents import StepSpec

from . import services
from .models import SampleRequest

DOC_TYPE = "testdocs.samplerequest"

# SPEC §3: < ¥5,000 department head; ¥5,000–50,000 + logistics director;
# ≥ ¥50,000 + principal, a collective decision (三重一大).
PURCHASE_STEPS = (
    StepSpec(kind="department_head"),
    StepSpec(kind="role", role="director", min_amount=Decimal("5000")),
    StepSpec(kind="role", role="principal", min_amount=Decimal("50000"), collective_decision=True),
)


@dataclass
class People:
    school: object
    department: object
    head: object  # head of ``department``
    teacher: object  # member of ``department``
    director: object
    principal: object
    other_head: object  # head of another department


def make_people(school, prefix="") -> People:
    department = f.DepartmentFactory(school=school, name=f"{prefix}教务处")
    other_department = f.DepartmentFactory(school=school, name=f"{prefix}政教处")
    head = f.member(school, "dept_head", "staff", department=department, username=f"{prefix}head")
    other_head = f.member(
        school, "dept_head", "staff", department=other_department, username=f"{prefix}otherhead"
    )
    department.head = head
    department.save()
    other_department.head = other_head
    other_department.save()
    return People(
        school=school,
        department=department,
        head=head,
        teacher=f.member(school, "staff", department=department, username=f"{prefix}teacher"),
        director=f.member(school, "director", username=f"{prefix}director"),
        principal=f.member(school, "principal", username=f"{prefix}principal"),
        other_head=other_head,
    )


def purchase_policy(school, steps=PURCHASE_STEPS):
    return set_policy(school=school, doc_type=DOC_TYPE, name="采购审批", steps=steps)


def new_request(
    people: People, amount, *, by=None, department=None, title="采购打印纸"
) -> SampleRequest:
    with transaction.atomic():
        return services.create_request(
            by=by or people.teacher,
            school=people.school,
            title=title,
            amount=Decimal(amount),
            department=department or people.department,
        )


def submitted(people: People, amount, **kwargs):
    """A request sent for approval: (request, flow)."""
    request = new_request(people, amount, **kwargs)
    flow = services.submit(request, by=request.requester)
    request.refresh_from_db()
    return request, flow

"""Shared set-up of the print shop tests: a school with a subject group, its head, teachers,
the print room (keeper), the director, a term (and the one before), and A4 paper in stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from houqin import factories as f
from houqin.org.models import AcademicYear, Department, Term
from houqin.stores import ledger
from houqin.stores import services_printing as printing
from houqin.stores.models import Item, Store


@dataclass
class PrintRoom:
    school: object
    maths: Department
    english: Department
    head: object
    teacher: object
    colleague: object
    keeper: object
    director: object
    store: Store
    paper: Item
    term: Term
    last_term: Term


def print_room(school, *, reams="10", tag="") -> PrintRoom:
    maths = f.DepartmentFactory(school=school, name=f"数学组{tag}")
    english = f.DepartmentFactory(school=school, name=f"英语组{tag}")
    # The head heads the group (Department.head); the dept_head role is left out here because
    # org.roles shares one permission set between the keeper and dept_head roles (reported),
    # which would give every head the print room's rights.
    head = f.member(school, "staff", department=maths, full_name=f"组长{tag}")
    maths.head = head
    maths.save(update_fields=["head"])
    teacher = f.member(school, "staff", department=maths, full_name=f"王老师{tag}")
    colleague = f.member(school, "staff", department=maths, full_name=f"李老师{tag}")
    keeper = f.member(school, "keeper", full_name=f"文印员{tag}")
    logistics = f.DepartmentFactory(school=school, name=f"总务处{tag}")
    director = f.member(school, "director", department=logistics, full_name=f"主任{tag}")
    store = Store.objects.create(school=school, name=f"文印室{tag}")
    Store.objects.create(school=school, name=f"总务仓库{tag}", is_default=True)
    paper = Item.objects.create(
        school=school, code=f"P-A4{tag}", name="A4复印纸", unit="包", sheets_per_unit=500,
        paper_size="A4",
    )  # fmt: skip
    if reams:
        ledger.receive(item=paper, store=store, quantity=reams, unit_cost="20", by=keeper)
    today = timezone.localdate()
    year = AcademicYear.objects.create(
        school=school, name=f"学年{tag}", start_date=today - timedelta(days=300),
        end_date=today + timedelta(days=65),
    )  # fmt: skip
    last_term = Term.objects.create(
        school=school, year=year, number=1, name=f"上学期{tag}",
        start_date=today - timedelta(days=300), end_date=today - timedelta(days=31),
    )  # fmt: skip
    term = Term.objects.create(
        school=school, year=year, number=2, name=f"本学期{tag}",
        start_date=today - timedelta(days=30), end_date=today + timedelta(days=60),
    )  # fmt: skip
    return PrintRoom(
        school, maths, english, head, teacher, colleague, keeper, director, store, paper, term,
        last_term,
    )  # fmt: skip


def tomorrow():
    return timezone.now() + timedelta(days=1)


def job(room: PrintRoom, by=None, **fields):
    """A job submitted by the teacher (or ``by``): 10 pages × 30 copies, double-sided."""
    values = {
        "title": "期中复习卷",
        "pages": 10,
        "copies": 30,
        "needed_by": tomorrow(),
    }
    values.update(fields)
    return printing.submit_job(by=by or room.teacher, school=room.school, **values)

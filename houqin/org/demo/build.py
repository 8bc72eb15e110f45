"""Writing the demo plans to the database, idempotently, and printing the demo logins."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from houqin.org.models import (
    AcademicYear,
    Building,
    Campus,
    Company,
    Department,
    District,
    Floor,
    Holiday,
    Membership,
    RoleAssignment,
    Room,
    School,
    SchoolClass,
    Term,
    User,
)
from houqin.org.roles import Role

from .logins import DEMO_LOGINS, DEMO_PASSWORD, DISTRICT_NAME
from .plan import _HOLIDAYS, _YEARS, _Plan, _plan_donghu, _plan_nanhu, _Room


@cache
def _password_hash() -> str:
    # One hash for every demo account: hashing ~180 passwords one by one would take minutes.
    return make_password(DEMO_PASSWORD)


def _missing(objs, existing_keys, key):
    return [o for o in objs if key(o) not in existing_keys]


def _build_places(school: School, plan: _Plan, departments: dict) -> dict:
    floors_by_building: dict[str, list[tuple[Floor, list[_Room]]]] = {}
    for name, code, address, buildings in plan.campuses:
        campus, _ = Campus.objects.get_or_create(
            school=school, name=name, defaults={"code": code, "address": address}
        )
        for bname, bcode, built, floors in buildings:
            building, _ = Building.objects.get_or_create(
                school=school,
                campus=campus,
                name=bname,
                defaults={"code": bcode, "built_year": built},
            )
            for number, rooms in sorted(floors.items()):
                floor, _ = Floor.objects.get_or_create(
                    school=school, building=building, number=number
                )
                floors_by_building.setdefault(bname, []).append((floor, rooms))
    existing = set(Room.objects.filter(school=school).values_list("floor_id", "number"))
    new = [
        Room(
            school=school,
            floor=floor,
            number=r.number,
            name=r.name,
            room_type=r.kind,
            area=Decimal(r.area) if r.area else None,
            capacity=r.capacity,
            department=departments.get(r.department),
        )
        for pairs in floors_by_building.values()
        for floor, rooms in pairs
        for r in rooms
    ]
    bulk_create_with_history(_missing(new, existing, lambda r: (r.floor_id, r.number)), Room)
    rooms = Room.objects.filter(school=school).select_related("floor__building")
    return {(r.floor.building.name, r.number): r for r in rooms}


def _build_calendar(school: School):
    for name, start, end, terms in _YEARS:
        year, _ = AcademicYear.objects.get_or_create(
            school=school, name=name, defaults={"start_date": start, "end_date": end}
        )
        for number, tstart, tend in terms:
            label = f"{name}学年第{'一二'[number - 1]}学期"
            Term.objects.get_or_create(
                school=school,
                year=year,
                number=number,
                defaults={"name": label, "start_date": tstart, "end_date": tend},
            )
    for name, start, end in _HOLIDAYS:
        Holiday.objects.get_or_create(
            school=school, name=name, start_date=start, defaults={"end_date": end}
        )


def _build_people(school: School, plan: _Plan, departments: dict, companies: dict) -> dict:
    usernames = [p.username for p in plan.people]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    new_users = [
        User(
            username=p.username,
            full_name=p.full_name,
            phone=p.phone,
            password=_password_hash(),
            current_school=school,
            is_staff=p.superuser,
            is_superuser=p.superuser,
        )
        for p in plan.people
        if p.username not in existing
    ]
    bulk_create_with_history(new_users, User)
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}

    have = set(Membership.objects.filter(school=school).values_list("user_id", flat=True))
    new_members = [
        Membership(
            school=school,
            user=users[p.username],
            employee_no=p.employee_no,
            title=p.title,
            department=departments.get(p.department),
            company=companies.get(p.company),
        )
        for p in plan.people
        if users[p.username].pk not in have
    ]
    bulk_create_with_history(new_members, Membership)
    members = {m.user_id: m for m in Membership.objects.filter(school=school)}

    held = set(
        RoleAssignment.objects.filter(membership__school=school).values_list(
            "membership_id", "role"
        )
    )
    new_roles = [
        RoleAssignment(membership=members[users[p.username].pk], role=role)
        for p in plan.people
        for role in p.roles
        if (members[users[p.username].pk].pk, role) not in held
    ]
    bulk_create_with_history(new_roles, RoleAssignment)
    return users


def _build_school(plan: _Plan, district: District) -> School:
    school, _ = School.objects.get_or_create(
        code=plan.code,
        defaults={
            "name": plan.name,
            "short_name": plan.short_name,
            "district": district,
            "address": plan.address,
            "phone": plan.phone,
        },
    )
    _build_calendar(school)
    departments = {}
    for code, name, kind in plan.departments:
        departments[code], _ = Department.objects.get_or_create(
            school=school, name=name, defaults={"code": code, "kind": kind}
        )
    rooms = _build_places(school, plan, departments)
    contacts = {p.company: p for p in reversed(plan.people) if p.company}
    companies = {}
    for key, name in plan.companies:
        contact = contacts.get(key)
        companies[key], _ = Company.objects.get_or_create(
            school=school,
            name=name,
            defaults={
                "contact_name": contact.full_name if contact else "",
                "contact_phone": contact.phone if contact else "",
            },
        )
    users = _build_people(school, plan, departments, companies)

    for code, username in plan.heads.items():
        department = departments[code]
        if department.head_id is None:
            department.head = users[username]
            department.save(update_fields=["head", "updated_at"])

    have = set(SchoolClass.objects.filter(school=school).values_list("grade", "number"))
    new_classes = [
        SchoolClass(
            school=school,
            grade=grade,
            number=number,
            entry_year=entry,
            class_teacher=users[teacher],
            student_count=students,
            room=rooms.get(room),
        )
        for grade, number, entry, teacher, students, room in plan.classes
    ]
    bulk_create_with_history(
        _missing(new_classes, have, lambda c: (c.grade, c.number)), SchoolClass
    )
    return school


def build_demo(stdout=None) -> dict[str, School]:
    """Create whatever part of the two demo schools is missing; return them by code."""
    with transaction.atomic():
        district, _ = District.objects.get_or_create(name=DISTRICT_NAME)
        schools = {
            plan.code: _build_school(plan, district) for plan in (_plan_donghu(), _plan_nanhu())
        }
        for login in DEMO_LOGINS:
            User.objects.filter(username=login.username, current_school__isnull=True).update(
                current_school=schools[login.school]
            )
    if stdout is not None:
        write_logins(stdout, schools)
    return schools


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


def write_logins(stdout, schools: dict[str, School]) -> None:
    """Print the demo logins as a table (in the site's default language)."""
    with translation.override(settings.LANGUAGE_CODE):
        rows = [
            [
                str(_("Username")),
                str(_("Password")),
                str(_("Role")),
                str(_("Name")),
                str(_("School")),
            ]
        ]
        for login in DEMO_LOGINS:
            role = Role(login.role).label if login.role else _("Superuser")
            # The current school first, then any other school the login can switch to.
            codes = [login.school, *(c for c in login.schools if c != login.school)]
            where = "、".join(str(schools[c]) for c in codes)
            rows.append([login.username, login.password, str(role), login.full_name, where])
        rooms = Room.objects.filter(school__in=schools.values()).count()
        stdout.write(
            str(
                _("Demo schools ready: %(schools)s, %(rooms)s rooms. Demo logins:")
                % {"schools": ", ".join(str(s) for s in schools.values()), "rooms": rooms}
            )
        )
        for line in _table(rows):
            stdout.write(line)

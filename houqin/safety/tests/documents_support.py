"""Set-up for the regulations and drills tests: a school with a term around today, its
director, a clerk, teachers, a guard, an auditor, and a building with rooms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from houqin import factories as f
from houqin.org.models import AcademicYear, Term


@dataclass
class Safety:
    school: object
    director: object
    clerk: object
    teacher: object
    colleague: object
    guard: object
    auditor: object
    term: object
    building: object
    room: object


def make_term(school, start: date, end: date, name="本学期"):
    year = AcademicYear.objects.create(
        school=school, name=f"学年{start:%Y%m}", start_date=start, end_date=end
    )
    return Term.objects.create(
        school=school, year=year, number=1, name=name, start_date=start, end_date=end
    )


def safety_school(school, *, tag="") -> Safety:
    today = timezone.localdate()
    term = make_term(
        school, today - timedelta(days=100), today + timedelta(days=40), f"本学期{tag}"
    )
    campus = f.CampusFactory(school=school)
    building = f.BuildingFactory(campus=campus)
    room = f.RoomFactory(floor=f.FloorFactory(building=building))
    return Safety(
        school=school,
        director=f.member(school, "director", full_name=f"主任{tag}"),
        clerk=f.member(school, "clerk", full_name=f"干事{tag}"),
        teacher=f.member(school, "staff", full_name=f"王老师{tag}"),
        colleague=f.member(school, "staff", full_name=f"李老师{tag}"),
        guard=f.member(school, "guard", full_name=f"门卫{tag}"),
        auditor=f.member(school, "auditor", full_name=f"审计{tag}"),
        term=term,
        building=building,
        room=room,
    )

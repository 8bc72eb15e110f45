"""Classes: grade and number, class teacher, student count, classroom."""

from __future__ import annotations

import re
from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from houqin.core.importing import Column, Importer, Outcome, Row, cells, set_fields

from ..models import (
    Membership,
    Room,
    SchoolClass,
    User,
)
from .common import (
    grade_label,
    grade_options,
    match_key,
    parse_class_number,
    save_checked,
)


class ClassesImporter(Importer):
    """Classes (grade + number) with class teacher, student count and classroom."""

    key = "classes"
    title = _("Classes")
    permission = "org.import_org"
    columns = [
        Column(
            "grade",
            ["年级", "grade"],
            required=True,
            parse=cells.choice(grade_options),
            example="初一",
            help=_("初一, 高二, 七年级, or 1 to 12."),
        ),
        Column(
            "number",
            ["班级", "班", "班号", "班级号", "class number", "class"],
            required=True,
            parse=parse_class_number,
            example="3",
            help=_("3, 3班 or (3)班."),
        ),
        Column(
            "class_teacher",
            ["班主任", "班主任工号", "班主任姓名", "class teacher"],
            parse=cells.text(80),
            example="1001",
            help=_("Employee number or name of a member of the school."),
        ),
        Column(
            "student_count",
            ["学生人数", "人数", "学生数", "班级人数", "students"],
            parse=cells.integer(0, 500, units="人"),
            example="45",
        ),
        Column(
            "room",
            ["教室", "教室号", "所在教室", "classroom", "room"],
            parse=cells.text(80),
            example="301",
            help=_("Room number; write the building too if the number repeats."),
        ),
        Column(
            "entry_year",
            ["入学年份", "入学年", "届别", "entry year"],
            parse=cells.integer(1950, 2100, units="年 级 届"),
            example="2026",
        ),
    ]
    natural_key = ("grade", "number")

    def prepare(self, rows):
        school = self.school
        self.classes = {(c.grade, c.number): c for c in SchoolClass.objects.filter(school=school)}
        members = Membership.objects.filter(school=school, is_active=True).select_related("user")
        self.by_employee: dict[str, User] = {}
        self.by_name: dict[str, list[User]] = defaultdict(list)
        for m in members:
            if m.employee_no:
                self.by_employee[match_key(m.employee_no)] = m.user
            self.by_name[match_key(m.user.full_name)].append(m.user)
        self.rooms_by_number: dict[str, list[Room]] = defaultdict(list)
        self.rooms_by_place: dict[str, Room] = {}
        for room in Room.objects.filter(school=school).select_related("floor__building"):
            self.rooms_by_number[match_key(room.number)].append(room)
            self.rooms_by_place[_place_key(room.floor.building.name, room.number)] = room

    def clean_row(self, row: Row):
        if row.get("class_teacher"):
            row.resolved["class_teacher"] = self._teacher(row)
        if row.get("room"):
            row.resolved["room"] = self._room(row)

    def _teacher(self, row: Row):
        value = row.get("class_teacher")
        if match := re.fullmatch(r".*?[(（]\s*([^()（）]+?)\s*[)）]", value):
            # 姓名（工号), as exports write it: the employee number decides.
            user = self.by_employee.get(match_key(match[1]))
            if user is None:
                row.error(
                    "class_teacher",
                    _("No member of this school has employee number %(no)s.") % {"no": match[1]},
                )
            return user
        if user := self.by_employee.get(match_key(value)):
            return user
        named = self.by_name.get(match_key(value), [])
        if len(named) == 1:
            return named[0]
        if named:
            row.error(
                "class_teacher", _("Several members have this name: write the employee number.")
            )
        else:
            row.error(
                "class_teacher", _("No member of this school has this employee number or name.")
            )
        return None

    def _room(self, row: Row):
        value = row.get("room")
        found = self.rooms_by_number.get(match_key(value), [])
        if len(found) == 1:
            return found[0]
        if room := self.rooms_by_place.get(_place_key("", value)):
            return room
        if found:
            row.error(
                "room",
                _("Several rooms have this number: write the building too, e.g. 博文楼 301."),
            )
        else:
            row.error("room", _("No room with this number in this school."))
        return None

    def save_row(self, row: Row) -> Outcome:
        fields = {}
        for key in ("class_teacher", "room"):
            if row.has(key):
                fields[key] = row.resolved.get(key)
        if row.has("student_count"):
            fields["student_count"] = row.get("student_count") or 0
        if row.has("entry_year"):
            fields["entry_year"] = row.get("entry_year")
        school_class = self.classes.get((row.get("grade"), row.get("number")))
        if school_class is None:
            school_class = SchoolClass(
                school=self.school, grade=row.get("grade"), number=row.get("number"), **fields
            )
            save_checked(school_class, self.by)
            self.classes[(school_class.grade, school_class.number)] = school_class
            return Outcome.CREATED
        if set_fields(school_class, fields):
            save_checked(school_class, self.by)
            return Outcome.UPDATED
        return Outcome.UNCHANGED


def _place_key(building: str, number: str) -> str:
    return re.sub(r"[-_/·#号]", "", match_key(f"{building}{number}"))


def classes_export_rows(qs):
    """Rows of classes in the ClassesImporter layout (pass a restricted SchoolClass queryset)."""
    classes = list(
        qs.select_related("class_teacher", "room__floor__building").order_by("grade", "number")
    )
    school_ids = {c.school_id for c in classes}
    numbers = dict(
        Membership.objects.filter(
            school_id__in=school_ids,
            user__in=[c.class_teacher_id for c in classes if c.class_teacher_id],
        )
        .exclude(employee_no="")
        .values_list("user_id", "employee_no")
    )
    repeated = set(
        Room.objects.filter(school_id__in=school_ids)
        .values("number")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("number", flat=True)
    )
    for c in classes:
        teacher = ""
        if c.class_teacher:
            no = numbers.get(c.class_teacher_id)
            teacher = f"{c.class_teacher.full_name}({no})" if no else c.class_teacher.full_name
        room = ""
        if c.room:
            room = (
                f"{c.room.floor.building.name} {c.room.number}"
                if c.room.number in repeated
                else c.room.number
            )
        yield [grade_label(c.grade), c.number, teacher, c.student_count, room, c.entry_year]

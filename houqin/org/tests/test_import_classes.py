import pytest

from houqin.factories import RoomFactory
from houqin.org.importers import ClassesImporter
from houqin.org.models import SchoolClass
from houqin.org.tests.files.build import xlsx

HEADER = ["年级", "班级", "班主任", "学生人数", "教室", "入学年份"]


@pytest.fixture
def teachers(school, make_member):
    wang = make_member(school, "class_teacher", username="wang", full_name="王老师")
    li = make_member(school, "class_teacher", username="li", full_name="李老师")
    return wang, li


def number_of(user):
    return user.memberships.get().employee_no


def run(file, school, by):
    return ClassesImporter().run(file, school=school, by=by)


def test_class_teachers_are_found_by_employee_number_and_by_unique_name(school, director, teachers):
    wang, li = teachers
    rows = [
        HEADER,
        ["初一", "(1)班", number_of(wang), "45人", None, "2026级"],
        ["七年级", 2, "李老师", 44, None, 2026],
        ["高二", "3班", f"王老师（{number_of(wang)}）", 50, None, None],
    ]
    result = run(xlsx(rows), school, director)

    assert result.ok, result.errors
    by_key = {(c.grade, c.number): c for c in SchoolClass.objects.filter(school=school)}
    assert by_key[(7, 1)].class_teacher == wang and by_key[(7, 1)].student_count == 45
    assert by_key[(7, 1)].entry_year == 2026
    assert by_key[(7, 2)].class_teacher == li
    assert by_key[(11, 3)].class_teacher == wang


def test_ambiguous_teacher_name_asks_for_the_employee_number(
    school, director, teachers, make_member
):
    make_member(school, "staff", username="wang2", full_name="王老师")
    result = run(xlsx([HEADER, ["初一", 1, "王老师", 45, None, None]]), school, director)
    assert [(e.row, e.column) for e in result.errors] == [(2, "班主任")]
    assert "employee number" in str(result.errors[0].message)
    assert not SchoolClass.objects.exists()


def test_teacher_of_another_school_is_not_accepted(school, other_school, director, make_member):
    make_member(other_school, "class_teacher", username="elsewhere", full_name="外校老师")
    result = run(xlsx([HEADER, ["初一", 1, "外校老师", 45, None, None]]), school, director)
    assert [e.column for e in result.errors] == ["班主任"]


def test_classroom_is_found_by_number_or_by_building_and_number(school, director):
    RoomFactory(
        floor__building__campus__school=school, floor__building__name="博文楼", number="301"
    )
    RoomFactory(
        floor__building__campus__school=school, floor__building__name="博文楼", number="302"
    )
    RoomFactory(
        floor__building__campus__school=school, floor__building__name="行知楼", number="302"
    )
    rows = [HEADER, ["初一", 1, None, 40, "301", None], ["初一", 2, None, 40, "行知楼 302", None]]
    result = run(xlsx(rows), school, director)
    assert result.ok, result.errors
    assert SchoolClass.objects.get(number=2).room.floor.building.name == "行知楼"

    ambiguous = run(xlsx([HEADER, ["初一", 3, None, 40, "302", None]]), school, director)
    assert [e.column for e in ambiguous.errors] == ["教室"]


def test_bad_grade_and_class_numbers_are_reported(school, director):
    rows = [HEADER, ["大一", 1, None, 40, None, None], ["初二", "甲班", None, 40, None, None]]
    result = run(xlsx(rows), school, director)
    assert {(e.row, e.column) for e in result.errors} == {(2, "年级"), (3, "班级")}


def test_reimporting_the_classes_file_does_not_duplicate(school, director, teachers):
    rows = [HEADER, ["初一", 1, "王老师", 45, None, 2026], ["初一", 2, "李老师", 44, None, 2026]]
    run(xlsx(rows), school, director)
    again = run(xlsx(rows), school, director)
    assert (again.created, again.unchanged) == (0, 2)
    assert SchoolClass.objects.count() == 2

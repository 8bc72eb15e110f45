from decimal import Decimal

import pytest

from houqin.core.importing import error_report_xlsx
from houqin.factories import CampusFactory, DepartmentFactory, RoomFactory
from houqin.org.importers import PlacesImporter
from houqin.org.models import Building, Campus, Floor, Room, RoomType
from houqin.org.tests.files.build import csv_file, read_xlsx, xlsx

HEADER = ["校区", "楼宇", "楼层", "房间号", "房间名称", "类型", "面积", "容纳人数", "所属部门"]
GOOD = [
    ["本部", "博文楼", 1, "101", "初一(1)班", "教室", 72.5, 50, "教务处"],
    ["本部", "博文楼", "3F", "301", "物理实验室", "实验室", "90", "48人", ""],
    ["本部", "博文楼", "-1", "B101", "配电房", "其他", None, None, "总务处"],
    ["本部", "行政楼", "2楼", "201", "校长室", "办公室", "30.25", 2, "总务处"],
    ["", "", None, "", "", "", "", "", ""],  # a blank row is ignored
    ["本部", "运动场", 1, "OUT-1", "田径场", "室外区域", 8000, 2000, ""],
]


@pytest.fixture
def departments(school):
    return [DepartmentFactory(school=school, name=n) for n in ("教务处", "总务处")]


def run(file, school, by, **kw):
    return PlacesImporter().run(file, school=school, by=by, **kw)


def counts():
    return (
        Room.objects.count(),
        Building.objects.count(),
        Floor.objects.count(),
        Campus.objects.count(),
    )


def test_places_file_imports_every_row_and_creates_buildings_and_floors(
    school, director, departments
):
    result = run(xlsx([HEADER, *GOOD]), school, director)

    assert result.ok, result.errors
    assert (result.created, result.updated) == (5, 0)
    lab = Room.objects.get(number="301")
    assert (lab.floor.number, lab.floor.building.name, lab.room_type) == (3, "博文楼", RoomType.LAB)
    assert lab.capacity == 48 and lab.area == Decimal("90.00")
    assert Room.objects.get(number="B101").floor.number == -1
    assert Room.objects.get(number="201").department.name == "总务处"
    assert Room.objects.get(number="101").area == Decimal("72.50")
    assert set(Building.objects.values_list("name", flat=True)) == {"博文楼", "行政楼", "运动场"}


def test_places_file_with_errors_writes_nothing_and_names_each_bad_row_and_column(
    school, director, departments
):
    RoomFactory(floor__building__campus__school=school)
    bad = [
        HEADER,
        ["本部", "博文楼", 1, "101", "初一(1)班", "教室", 72.5, 50, "教务处"],  # row 2: fine
        ["本部", "博文楼", 1, "102", "", "仓库间", "", "", ""],  # row 3: unknown type
        ["本部", "博文楼", 1, "", "无号", "教室", "", "", ""],  # row 4: no room number
        ["本部", "博文楼", "1F", "101", "重复", "教室", "", "", ""],  # row 5: duplicate of row 2
        ["本部", "博文楼", "三楼半", "305", "", "教室", "", "", ""],  # row 6: bad floor
        ["本部", "博文楼", 2, "201", "", "教室", "", "", "信息中心"],  # row 7: unknown department
    ]
    before = counts()

    result = run(xlsx(bad), school, director)

    assert counts() == before
    found = {(e.row, e.column) for e in result.errors}
    assert found == {(3, "类型"), (4, "房间号"), (5, "房间号"), (6, "楼层"), (7, "所属部门")}
    assert "Same as row 2" in str(next(e.message for e in result.errors if e.row == 5))
    report = read_xlsx(error_report_xlsx(result))
    assert report[0][-1] == "Errors"
    assert report[1][-1] is None  # row 2 was fine
    assert "类型" in report[2][-1] and "楼层" in report[5][-1]
    listing = read_xlsx(error_report_xlsx(result), sheet=1)
    assert [(r[0], r[1]) for r in listing[1:]] == sorted(found)


def test_corrected_places_file_imports_every_row(school, director, departments):
    fixed = [
        HEADER,
        ["本部", "博文楼", 1, "101", "初一(1)班", "教室", 72.5, 50, "教务处"],
        ["本部", "博文楼", 1, "102", "", "功能室", "", "", ""],
        ["本部", "博文楼", 1, "103", "无号", "教室", "", "", ""],
        ["本部", "博文楼", 3, "305", "", "教室", "", "", ""],
        ["本部", "博文楼", 2, "201", "", "教室", "", "", "教务处"],
    ]
    result = run(xlsx(fixed), school, director)
    assert result.ok and result.created == 5
    assert Room.objects.filter(school=school).count() == 5


def test_reimporting_the_same_places_file_updates_instead_of_duplicating(
    school, director, departments
):
    run(xlsx([HEADER, *GOOD]), school, director)
    before = counts()

    again = run(xlsx([HEADER, *GOOD]), school, director)

    assert counts() == before
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_reimport_with_a_changed_cell_updates_that_room(school, director, departments):
    run(xlsx([HEADER, *GOOD]), school, director)
    changed = [row[:] for row in GOOD]
    changed[0][7] = 55
    result = run(xlsx([HEADER, *changed]), school, director)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    assert Room.objects.get(number="101").capacity == 55


def test_title_rows_above_the_header_are_skipped(school, director, departments):
    above = [["宁波市甲中学场所登记表"], [], ["填表日期：2026年9月1日"]]
    result = run(xlsx([HEADER, *GOOD], above=above), school, director)
    assert result.ok and result.created == 5
    assert result.sheet.header_row == 4


def test_errors_are_numbered_as_excel_shows_the_rows_under_a_title(school, director, departments):
    above = [["场所登记表"], []]
    result = run(
        xlsx([HEADER, ["本部", "博文楼", "abc", "101", "", "", "", "", ""]], above=above),
        school,
        director,
    )
    assert [(e.row, e.column, e.value) for e in result.errors] == [(4, "楼层", "abc")]


@pytest.mark.parametrize("encoding,bom", [("gbk", False), ("utf-8", True), ("utf-8", False)])
def test_csv_in_gbk_or_utf8_imports_the_same_as_xlsx(school, director, departments, encoding, bom):
    rows = [[str(v) if v is not None else "" for v in row] for row in [HEADER, *GOOD]]
    result = run(csv_file(rows, encoding=encoding, bom=bom), school, director)
    assert result.ok, result.errors
    from_csv = sorted(
        Room.objects.values_list("number", "name", "room_type", "area", "capacity", "floor__number")
    )
    Room.objects.all().delete()
    Floor.objects.all().delete()
    Building.objects.all().delete()
    run(xlsx([HEADER, *GOOD]), school, director)
    from_xlsx = sorted(
        Room.objects.values_list("number", "name", "room_type", "area", "capacity", "floor__number")
    )
    assert from_csv == from_xlsx


def test_english_and_alias_headers_are_understood(school, director):
    header = ["Building", " FLOOR ", "房号", "type", "面积（㎡）"]
    result = run(xlsx([header, ["A", "2", "201", "Office", "12.5"]]), school, director)
    assert result.ok, result.errors
    room = Room.objects.get()
    assert (room.number, room.room_type, room.area) == ("201", RoomType.OFFICE, Decimal("12.50"))


def test_missing_required_column_is_reported_and_nothing_written(school, director):
    result = run(xlsx([["楼宇", "房间号"], ["A", "101"]]), school, director)
    assert [(e.row, e.column) for e in result.errors] == [(1, "楼层")]
    assert not Room.objects.exists()


def test_blank_campus_uses_the_only_campus(school, director):
    campus = CampusFactory(school=school, name="东校区")
    result = run(xlsx([["楼宇", "楼层", "房间号"], ["A", 1, "101"]]), school, director)
    assert result.ok
    assert Room.objects.get().floor.building.campus == campus


def test_blank_campus_is_an_error_when_the_school_has_several(school, director):
    CampusFactory(school=school, name="东校区")
    CampusFactory(school=school, name="西校区")
    result = run(
        xlsx([["校区", "楼宇", "楼层", "房间号"], [None, "A", 1, "101"]]), school, director
    )
    assert [e.column for e in result.errors] == ["校区"]


def test_import_never_touches_another_schools_rooms(school, other_school, director, departments):
    theirs = RoomFactory(
        floor__building__campus__school=other_school,
        floor__building__campus__name="本部",
        floor__building__name="博文楼",
        floor__number=1,
        number="101",
        name="乙校教室",
        capacity=30,
    )
    DepartmentFactory(school=other_school, name="信息中心")

    result = run(xlsx([HEADER, *GOOD]), school, director)
    assert result.ok
    theirs.refresh_from_db()
    assert (theirs.name, theirs.capacity, theirs.school) == ("乙校教室", 30, other_school)
    assert Room.objects.filter(school=school, number="101").exists()
    # A department of another school is unknown here.
    bad = run(
        xlsx([HEADER, ["本部", "博文楼", 1, "101", "", "", "", "", "信息中心"]]), school, director
    )
    assert [e.column for e in bad.errors] == ["所属部门"]


def test_dry_run_counts_but_saves_nothing(school, director, departments):
    result = run(xlsx([HEADER, *GOOD]), school, director, dry_run=True)
    assert result.ok and result.created == 5
    assert counts() == (0, 0, 0, 0)


def test_teacher_may_not_run_the_places_import(school, teacher):
    from houqin.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(xlsx([HEADER, *GOOD]), school, teacher)
    assert not Room.objects.exists()


def test_change_history_names_who_imported(school, director, departments):
    run(xlsx([HEADER, *GOOD]), school, director)
    room = Room.objects.get(number="101")
    assert room.history.get().history_user == director

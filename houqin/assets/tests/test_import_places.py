"""Places, departments and custodians named in a ledger: matched to the school's, or created in
the same import (a school's first import usually builds its place tree from 存放地点)."""

import pytest

from houqin.assets.ledger_import.places import parse_place
from houqin.assets.models import Asset
from houqin.factories import CampusFactory, DepartmentFactory, RoomFactory
from houqin.org.models import Building, Campus, Department, Floor, Room, RoomType

from .test_import_support import (  # noqa: F401 - the fixtures are used by name
    categories_fixture,
    check,
    clerk_fixture,
    csv_file,
    import_all,
    media_root_fixture,
    row,
    upload,
    upload_and_import,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text, building, floor, number, name",
    [
        ("教学楼/301", "教学楼", 3, "301", ""),
        ("实验楼 2楼 化学实验室", "实验楼", 2, "化学实验室", ""),
        ("行政楼301", "行政楼", 3, "301", ""),
        ("图书馆四楼报告厅", "图书馆", 4, "报告厅", ""),
        ("综合楼3F302", "综合楼", 3, "302", ""),
        ("1号楼-205", "1号楼", 2, "205", ""),
        ("逸夫楼/301 音乐教室一", "逸夫楼", 3, "301", "音乐教室一"),
        ("行政楼 B1 配电房", "行政楼", -1, "配电房", ""),
        ("行政楼负一层配电房", "行政楼", -1, "配电房", ""),
        ("学生公寓A栋305", "学生公寓A栋", 3, "305", ""),
        ("教学楼1203", "教学楼", 12, "1203", ""),
        ("操场", "操场", 1, "操场", ""),
    ],
)
def test_place_text_is_read_as_building_floor_and_room(text, building, floor, number, name):
    parts = parse_place(text)
    assert (parts.building, parts.floor, parts.number, parts.name) == (
        building,
        floor,
        number,
        name,
    )


def test_first_import_builds_the_place_tree_in_the_first_campus(school, clerk):
    first = CampusFactory(school=school, name="本部")
    CampusFactory(school=school, name="北校区")
    rows = [
        row(存放地点="教学楼/301"),
        row(存放地点="教学楼 3楼 301"),  # the same room, written another way
        row(存放地点="实验楼 2楼 化学实验室"),
        row(存放地点="操场"),
    ]
    imp = upload(school, clerk, csv_file(rows))
    result = check(imp, clerk)
    assert len(result.new_places) == 4  # as written; two name one room
    import_all(imp, clerk)
    assert sorted(Building.objects.filter(school=school).values_list("name", "campus")) == [
        ("实验楼", first.pk),
        ("操场", first.pk),
        ("教学楼", first.pk),
    ]
    lab = Room.objects.get(school=school, number="化学实验室")
    assert (lab.floor.number, lab.floor.building.name, lab.room_type) == (2, "实验楼", RoomType.LAB)
    assert Room.objects.filter(school=school, number="301").count() == 1
    rooms = list(
        Asset.objects.filter(school=school).order_by("pk").values_list("room__number", flat=True)
    )
    assert rooms == ["301", "301", "化学实验室", "操场"]


def test_a_school_without_campus_gets_one(school, clerk):
    upload_and_import(school, clerk, csv_file([row(存放地点="教学楼/101")]))
    assert Campus.objects.filter(school=school).count() == 1
    assert Floor.objects.get(school=school).number == 1


def test_places_the_school_has_are_matched_not_created(school, clerk):
    lab = RoomFactory(floor__building__campus__school=school, floor__building__name="博学楼",
                      floor__number=2, number="201", name="化学实验室一")  # fmt: skip
    office = RoomFactory(
        floor__building=lab.floor.building, floor__number=1, number="105", name="总务处"
    )
    rows = [
        row(存放地点="博学楼/201"),
        row(存放地点="博学楼 2楼 化学实验室一"),
        row(存放地点="博学楼105"),
        row(存放地点="总务处"),  # a room's name, unique in the school
    ]
    imp = upload(school, clerk, csv_file(rows))
    result = check(imp, clerk)
    assert result.new_places == []
    import_all(imp, clerk)
    assert list(Asset.objects.order_by("pk").values_list("room", flat=True)) == [
        lab.pk,
        lab.pk,
        office.pk,
        office.pk,
    ]
    assert Room.objects.filter(school=school).count() == 2


def test_a_new_place_can_be_mapped_to_an_existing_one(school, clerk):
    from houqin.assets.ledger_import import services

    room = RoomFactory(floor__building__campus__school=school, number="301")
    imp = upload(school, clerk, csv_file([row(存放地点="三楼大教室")]))
    check(imp, clerk)
    services.resolve_names(imp, by=clerk, rooms={"三楼大教室": room.pk})
    import_all(imp, clerk)
    assert Asset.objects.get(school=school).room == room
    assert Room.objects.filter(school=school).count() == 1


def test_mapping_to_another_schools_room_is_refused(school, other_school, clerk):
    from houqin.assets.ledger_import import services
    from houqin.core.errors import DomainError

    foreign = RoomFactory(floor__building__campus__school=other_school)
    imp = upload(school, clerk, csv_file([row(存放地点="三楼大教室")]))
    check(imp, clerk)
    with pytest.raises(DomainError):
        services.resolve_names(imp, by=clerk, rooms={"三楼大教室": foreign.pk})


def test_a_campus_named_in_the_place_is_used(school, clerk):
    east = CampusFactory(school=school, name="东校区")
    CampusFactory(school=school, name="本部")
    upload_and_import(school, clerk, csv_file([row(存放地点="东校区 综合楼 2F 201")]))
    room = Asset.objects.get(school=school).room
    assert (room.floor.building.name, room.floor.building.campus, room.number) == (
        "综合楼",
        east,
        "201",
    )


def test_departments_are_matched_by_name_or_code_or_created(school, clerk):
    academic = DepartmentFactory(school=school, name="教务处", code="ACA")
    rows = [
        row(使用部门="教务处"),
        row(使用部门="ACA"),
        row(使用部门="信息中心"),
        row(使用部门="信息中心"),
    ]
    imp = upload(school, clerk, csv_file(rows))
    result = check(imp, clerk)
    assert [d.name for d in result.new_departments] == ["信息中心"]
    import_all(imp, clerk)
    created = Department.objects.get(school=school, name="信息中心")
    assert list(Asset.objects.order_by("pk").values_list("department", flat=True)) == [
        academic.pk,
        academic.pk,
        created.pk,
        created.pk,
    ]


def test_a_new_department_can_be_mapped_to_an_existing_one(school, clerk):
    from houqin.assets.ledger_import import services

    general = DepartmentFactory(school=school, name="总务处")
    imp = upload(school, clerk, csv_file([row(使用部门="后勤处")]))
    check(imp, clerk)
    services.resolve_names(imp, by=clerk, departments={"后勤处": general.pk})
    import_all(imp, clerk)
    assert Asset.objects.get(school=school).department == general
    assert not Department.objects.filter(school=school, name="后勤处").exists()


def test_custodians_are_members_by_name_else_kept_in_the_notes(
    school, clerk, make_member, other_school
):
    wang = make_member(school, "staff", username="wang", full_name="王建国")
    make_member(other_school, "staff", username="li", full_name="李秀英")  # not of this school
    make_member(school, "staff", username="zhang1", full_name="张伟")
    make_member(school, "staff", username="zhang2", full_name="张伟")  # two of this name
    rows = [row(使用人="王建国"), row(使用人="李秀英", 备注="教师用"), row(使用人="张伟")]
    imp = upload(school, clerk, csv_file(rows))
    result = check(imp, clerk)
    assert result.custodians == {"李秀英": 1, "张伟": 1}
    import_all(imp, clerk)
    assets = list(Asset.objects.order_by("pk"))
    assert assets[0].custodian == wang and assets[0].notes == ""
    assert assets[1].custodian is None and assets[1].notes == "教师用\nCustodian: 李秀英"
    assert assets[2].custodian is None and "张伟" in assets[2].notes

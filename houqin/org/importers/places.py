"""Places: rooms with their campus, building and floor."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from houqin.core.importing import Column, Importer, Outcome, Row, cells, set_fields

from ..models import (
    Building,
    Campus,
    Floor,
    Room,
)
from .common import (
    departments_by_name,
    match_key,
    parse_floor,
    room_type_label,
    room_type_options,
    save_checked,
)


class PlacesImporter(Importer):
    """Rooms with their campus, building and floor; missing campuses, buildings and floors
    are created. A room is known by campus, building, floor and room number."""

    key = "places"
    title = _("Places")
    permission = "org.import_org"
    columns = [
        Column(
            "campus",
            ["校区", "校区名称", "campus"],
            example="本部",
            help=_("Optional when the school has one campus."),
        ),
        Column(
            "building",
            ["楼宇", "楼栋", "楼名", "建筑", "建筑物", "building"],
            required=True,
            parse=cells.text(60),
            example="博文楼",
        ),
        Column(
            "floor",
            ["楼层", "层", "所在楼层", "floor"],
            required=True,
            parse=parse_floor,
            example="3",
            help=_("3, 3F or 3楼; basements -1 or B1."),
        ),
        Column(
            "number",
            ["房间号", "房号", "编号", "房间编号", "门牌号", "room number", "room no", "number"],
            required=True,
            parse=cells.text(20),
            example="301",
        ),
        Column(
            "name",
            ["房间名称", "名称", "房间名", "room name", "name"],
            parse=cells.text(60),
            example="初一(1)班",
        ),
        Column(
            "room_type",
            ["类型", "房间类型", "用途", "room type", "type"],
            parse=cells.choice(room_type_options),
            example="教室",
            help=_("教室, 办公室, 实验室, 功能室, 场馆, 宿舍, 食堂, 室外区域 or 其他."),
        ),
        Column(
            "area",
            ["面积", "使用面积", "建筑面积", "area"],
            parse=cells.decimal(8, 2, min_value=0, units="㎡ m² m2 平方米 平米"),
            example="72.5",
            help=_("Square metres."),
        ),
        Column(
            "capacity",
            ["容纳人数", "容量", "座位数", "capacity"],
            parse=cells.integer(0, 100000, units="人 座 个"),
            example="50",
        ),
        Column(
            "department",
            ["所属部门", "部门", "管理部门", "使用部门", "department"],
            parse=cells.text(60),
            example="教务处",
            help=_("The name of an existing department."),
        ),
    ]
    natural_key = ("campus", "building", "floor", "number")

    def prepare(self, rows):
        school = self.school
        self.campuses = {match_key(c.name): c for c in Campus.objects.filter(school=school)}
        self.buildings = {
            (b.campus_id, match_key(b.name)): b for b in Building.objects.filter(school=school)
        }
        self.floors = {(f.building_id, f.number): f for f in Floor.objects.filter(school=school)}
        self.rooms = {
            (r.floor_id, match_key(r.number)): r for r in Room.objects.filter(school=school)
        }
        self.departments = departments_by_name(school)
        named = {match_key(r.get("campus")): r.get("campus") for r in rows if r.get("campus")}
        names = {k: c.name for k, c in self.campuses.items()} | named
        # A blank campus means the school's only campus (or a first one, made now).
        self.default_campus = next(iter(names.values())) if len(names) == 1 else None
        if not names:
            self.default_campus = str(_("Main campus"))

    def clean_row(self, row: Row):
        if not row.get("campus"):
            if self.default_campus is None:
                row.error("campus", _("The school has several campuses: write which one."))
            else:
                row.resolved["campus"] = self.default_campus
        else:
            row.resolved["campus"] = row.get("campus")
        if row.get("department"):
            department = self.departments.get(match_key(row.get("department")))
            if department is None:
                row.error("department", _("No department of this name in this school."))
            row.resolved["department"] = department

    def _campus(self, name: str) -> Campus:
        campus = self.campuses.get(match_key(name))
        if campus is None:
            campus = Campus(school=self.school, name=name)
            save_checked(campus, self.by)
            self.campuses[match_key(name)] = campus
        return campus

    def _building(self, campus: Campus, name: str) -> Building:
        building = self.buildings.get((campus.pk, match_key(name)))
        if building is None:
            building = Building(school=self.school, campus=campus, name=name)
            save_checked(building, self.by)
            self.buildings[(campus.pk, match_key(name))] = building
        return building

    def _floor(self, building: Building, number: int) -> Floor:
        floor = self.floors.get((building.pk, number))
        if floor is None:
            floor = Floor(school=self.school, building=building, number=number)
            save_checked(floor, self.by)
            self.floors[(building.pk, number)] = floor
        return floor

    def save_row(self, row: Row) -> Outcome:
        campus = self._campus(row.resolved["campus"])
        building = self._building(campus, row.get("building"))
        floor = self._floor(building, row.get("floor"))
        fields = {}
        if row.has("name"):
            fields["name"] = row.get("name") or ""
        if row.get("room_type"):
            fields["room_type"] = row.get("room_type")
        for key in ("area", "capacity"):
            if row.has(key):
                fields[key] = row.get(key)
        if row.has("department"):
            fields["department"] = row.resolved.get("department")
        room = self.rooms.get((floor.pk, match_key(row.get("number"))))
        if room is None:
            room = Room(school=self.school, floor=floor, number=row.get("number"), **fields)
            save_checked(room, self.by)
            self.rooms[(floor.pk, match_key(room.number))] = room
            return Outcome.CREATED
        if set_fields(room, fields):
            save_checked(room, self.by)
            return Outcome.UPDATED
        return Outcome.UNCHANGED


def places_export_rows(qs):
    """Rows of rooms in the PlacesImporter layout (pass ``Room.objects.restrict(user, "view")``)."""
    qs = qs.select_related("floor__building__campus", "department").order_by(
        "floor__building__campus__name", "floor__building__name", "floor__number", "number"
    )
    for room in qs.iterator(chunk_size=1000):
        building = room.floor.building
        yield [
            building.campus.name,
            building.name,
            room.floor.number,
            room.number,
            room.name,
            room_type_label(room.room_type),
            room.area,
            room.capacity,
            room.department.name if room.department else "",
        ]

"""Places named in a ledger's 存放地点 column: read as building, floor and room, matched to the
school's rooms, or created in the import (a school's first import usually builds its place
tree from this column).

    "教学楼/301"            → 教学楼, floor 3, room 301
    "实验楼 2楼 化学实验室"  → 实验楼, floor 2, room 化学实验室
    "行政楼301"             → 行政楼, floor 3, room 301
    "图书馆四楼报告厅"       → 图书馆, floor 4, room 报告厅
    "操场"                  → 操场, floor 1, room 操场 (an area without rooms is its own room)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from houqin.core.importing.cells import CellError, chinese_number, normalize_key
from houqin.org.models import Building, Campus, Room, RoomType

_SEPARATORS = re.compile(r"[/\\|>＞→\-—–_,，、;；:：\s]+")
_BUILDING = re.compile(r"^(.+?(?:号楼|楼|馆|堂|中心|公寓|大厦|栋|幢))(.*)$")
_FLOOR = re.compile(
    r"^(负|地下|B|-)?(\d{1,3}|[一二两三四五六七八九十]{1,3})(?:楼|层|F|L)(?![A-Z])(.*)$",
    re.IGNORECASE,
)
_BASEMENT = re.compile(r"^B(\d)$", re.IGNORECASE)  # "B1" on its own: the first basement
# "A栋", "3号楼", "二幢" right after a building word belong to the building ("学生公寓A栋").
_BUILDING_UNIT = re.compile(
    r"^([A-Z0-9一二三四五六七八九十]{1,3}(?:栋|幢|座|号楼))(.*)$", re.IGNORECASE
)
_ROOM_NUMBER = re.compile(r"^([A-Z]?\d+[A-Z]?)(?:室|房|号)?(.*)$", re.IGNORECASE)
_CAMPUS_WORD = "校区"

MAX_BUILDING = 60
MAX_ROOM_NUMBER = 20
MAX_ROOM_NAME = 60

# Words in a new room's name that tell its type (the first that fits wins).
_ROOM_TYPE_WORDS = (
    ("实验", RoomType.LAB),
    ("准备室", RoomType.LAB),
    ("仪器室", RoomType.LAB),
    ("办公", RoomType.OFFICE),
    ("处", RoomType.OFFICE),
    ("宿舍", RoomType.DORMITORY),
    ("寝室", RoomType.DORMITORY),
    ("食堂", RoomType.CANTEEN),
    ("餐厅", RoomType.CANTEEN),
    ("操场", RoomType.OUTDOOR),
    ("球场", RoomType.OUTDOOR),
    ("运动场", RoomType.OUTDOOR),
    ("体育馆", RoomType.VENUE),
    ("报告厅", RoomType.VENUE),
    ("礼堂", RoomType.VENUE),
    ("会议", RoomType.FUNCTION),
    ("机房", RoomType.FUNCTION),
    ("音乐", RoomType.FUNCTION),
    ("美术", RoomType.FUNCTION),
    ("阅览", RoomType.FUNCTION),
    ("图书", RoomType.FUNCTION),
    ("教室", RoomType.CLASSROOM),
)


@dataclass(frozen=True)
class PlaceParts:
    """A place as the ledger names it, read into the parts of the place tree."""

    building: str
    floor: int
    number: str
    name: str = ""
    campus: str = ""
    floor_given: bool = False

    @property
    def key(self) -> tuple:
        """Two texts naming the same room ("教学楼/301", "教学楼 3楼 301") share a key."""
        return (normalize_key(self.campus), normalize_key(self.building), self.floor,
                normalize_key(self.number))  # fmt: skip

    @property
    def room_type(self) -> str:
        words = f"{self.number}{self.name}{self.building if self.number == self.building else ''}"
        for word, room_type in _ROOM_TYPE_WORDS:
            if word in words:
                return room_type
        return RoomType.CLASSROOM if self.number[:1].isdigit() else RoomType.OTHER

    def label(self) -> str:
        room = f"{self.number} {self.name}".strip() if self.name else self.number
        return f"{self.building} · {self.floor}F · {room}"

    def as_json(self) -> dict:
        return {
            "campus": self.campus,
            "building": self.building,
            "floor": self.floor,
            "number": self.number,
            "name": self.name,
        }


def _floor_number(sign: str | None, digits: str) -> int | None:
    number = int(digits) if digits.isdigit() else chinese_number(digits)
    if number is None:
        return None
    return -number if sign else number


def _floor_from_room(number: str) -> int:
    """301 → 3, 1203 → 12, B101 → -1; 1 when the number does not say."""
    match = re.fullmatch(r"(B?)(\d{3,4})[A-Z]?", number, re.IGNORECASE)
    if not match:
        return 1
    digits = match[2]
    floor = int(digits[:-2]) or 1
    return -floor if match[1] else floor


def parse_place(text: str, campus_names: frozenset[str] = frozenset()) -> PlaceParts:
    """Building, floor and room of a place as a ledger writes it (see the module docstring)."""
    raw = re.sub(r"\s+", " ", text).strip()
    tokens = [t for t in _SEPARATORS.split(raw) if t]
    if not tokens:
        raise CellError(_("Not a place."))
    campus = ""
    if len(tokens) > 1 and (
        normalize_key(tokens[0]) in campus_names or tokens[0].endswith(_CAMPUS_WORD)
    ):
        campus = tokens.pop(0)
    first = tokens.pop(0)
    building, rest = first, ""
    if match := _BUILDING.match(first):
        building, rest = match[1], match[2]
        if unit := _BUILDING_UNIT.match(rest):
            building, rest = building + unit[1], unit[2]
    if rest:
        tokens.insert(0, rest)
    floor, floor_given, floor_text = None, False, ""
    if tokens and (match := _BASEMENT.match(tokens[0])):
        floor, floor_given, floor_text = -int(match[1]), True, tokens.pop(0)
    elif tokens and (match := _FLOOR.match(tokens[0])):
        floor = _floor_number(match[1], match[2])
        if floor is not None:
            floor_given = True
            floor_text = tokens.pop(0)[: len(match[0]) - len(match[3])]
            if match[3]:
                tokens.insert(0, match[3])
    number, name = "", ""
    if tokens:
        if (match := _ROOM_NUMBER.match(tokens[0])) and len(match[1]) <= MAX_ROOM_NUMBER:
            number = match[1].upper()
            name = " ".join([match[2], *tokens[1:]]).strip()
        else:
            name = " ".join(tokens)
    if not number:
        # A room known by its name only ("化学实验室"), a floor ("实验楼二楼"), or a place
        # without rooms ("操场").
        number, name = (name or floor_text or building), ""
        if len(number) > MAX_ROOM_NUMBER:
            number, name = number[:MAX_ROOM_NUMBER], number[:MAX_ROOM_NAME]
    if floor is None:
        floor = _floor_from_room(number)
    if len(building) > MAX_BUILDING or len(name) > MAX_ROOM_NAME:
        raise CellError(_("Too long for a place: write building, floor and room, e.g. 教学楼/301."))
    if floor == 0 or not -9 <= floor <= 150:
        raise CellError(_("Not a floor: write 3, 3F, 3楼, or -1 / B1 for a basement."))
    return PlaceParts(building, floor, number, name, campus, floor_given)


def _unique(rooms):
    return rooms[0] if len(rooms) == 1 else None


class PlaceIndex:
    """The school's rooms, looked up by what a ledger writes (loaded in two queries)."""

    def __init__(self, school_id: int):
        self.campuses = {
            normalize_key(c.name): c
            for c in Campus.objects.filter(school_id=school_id).order_by("pk")
        }
        self.campus_names = frozenset(self.campuses)
        self.buildings: dict[str, Building] = {}
        for building in Building.objects.filter(school_id=school_id).order_by("pk"):
            self.buildings.setdefault(normalize_key(building.name), building)
        self.by_number: dict[tuple, list[Room]] = {}
        self.by_name_in_building: dict[tuple, list[Room]] = {}
        self.by_name: dict[str, list[Room]] = {}
        self.by_id: dict[int, Room] = {}
        self.rooms_of_building: dict[int, list[Room]] = {}
        rooms = (
            Room.objects.filter(school_id=school_id)
            .select_related("floor__building")
            .order_by("pk")
        )
        for room in rooms:
            building = room.floor.building
            self.by_id[room.pk] = room
            self.rooms_of_building.setdefault(building.pk, []).append(room)
            number = normalize_key(room.number)
            self.by_number.setdefault((building.pk, number), []).append(room)
            self.by_name_in_building.setdefault((building.pk, number), [])
            if room.name:
                name = normalize_key(room.name)
                self.by_name_in_building.setdefault((building.pk, name), []).append(room)
                self.by_name.setdefault(name, []).append(room)
                self.by_name.setdefault(normalize_key(f"{building.name}{room.name}"), []).append(
                    room
                )
            self.by_name.setdefault(normalize_key(f"{building.name}{room.number}"), []).append(room)

    def parse(self, text: str) -> PlaceParts:
        return parse_place(text, self.campus_names)

    def match(self, text: str, parts: PlaceParts) -> Room | None:
        """The existing room a ledger's place names, when exactly one fits."""
        building = self.buildings.get(normalize_key(parts.building))
        if building is not None:
            number = normalize_key(parts.number)
            candidates = self.by_number.get((building.pk, number), [])
            if parts.floor_given:
                candidates = [r for r in candidates if r.floor.number == parts.floor]
            room = _unique(candidates) or _unique(
                self.by_name_in_building.get((building.pk, number), [])
            )
            if room is None and parts.name:
                room = _unique(
                    self.by_name_in_building.get((building.pk, normalize_key(parts.name)), [])
                )
            if room is None and parts.number == parts.building:
                room = _unique(self.rooms_of_building.get(building.pk, []))
            if room is not None:
                return room
        return _unique(self.by_name.get(normalize_key(text), []))

    @staticmethod
    def label(room: Room) -> str:
        """How the preview names an existing room (also what its datalist offers)."""
        return f"{room.floor.building.name} · {room.floor.number}F · {room.label}"

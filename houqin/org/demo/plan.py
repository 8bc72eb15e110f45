"""What the demo schools contain: places, calendar, departments, classes and people (plans
only; ``build`` writes them)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from houqin.org.models import (
    DepartmentKind,
    RoomType,
)
from houqin.org.roles import Role

from .logins import _LOGIN, DEMO_LOGINS, SCHOOL_A, SCHOOL_B

# ---------------------------------------------------------------- plan types

R = RoomType


@dataclass(frozen=True)
class _Room:
    number: str
    name: str
    kind: str
    area: int | None = None
    capacity: int | None = None
    department: str | None = None  # department code


@dataclass
class _Person:
    username: str
    full_name: str
    phone: str
    title: str
    roles: list[str]
    department: str | None = None
    company: str | None = None
    employee_no: str = ""
    superuser: bool = False


@dataclass
class _Plan:
    code: str
    name: str
    short_name: str
    address: str
    phone: str
    campuses: list  # [(name, code, address, [(building, code, built_year, {floor: [_Room]})])]
    departments: list  # [(code, name, kind)]
    heads: dict  # department code -> username
    companies: list  # [(key, name)]
    people: list[_Person] = field(default_factory=list)
    classes: list = field(
        default_factory=list
    )  # [(grade, number, entry_year, teacher, students, (building, room))]


def _rooms(*rows, department=None):
    return [_Room(*row, department=department) if len(row) < 6 else _Room(*row) for row in rows]


def _toilets(floor: int, first: int):
    return [
        _Room(f"{floor}{first:02d}", "男卫生间", R.OTHER, 24),
        _Room(f"{floor}{first + 1:02d}", "女卫生间", R.OTHER, 24),
    ]


def _teaching_building(function_rooms: list[str]) -> dict[int, list[_Room]]:
    """Four floors of three classrooms each, plus offices, toilets and a top floor of halls."""
    floors = {}
    for f in range(1, 5):
        floors[f] = [_Room(f"{f}0{i}", "", R.CLASSROOM, 72, 48) for i in range(1, 4)] + [
            _Room(f"{f}04", "教师办公室", R.OFFICE, 40, 10),
            _Room(f"{f}05", function_rooms[f - 1], R.FUNCTION, 72, 48),
            *_toilets(f, 6),
            _Room(f"{f}08", "开水间", R.OTHER, 8),
        ]
    floors[5] = [
        _Room("501", "阶梯教室", R.FUNCTION, 180, 160),
        _Room("502", "录播教室", R.FUNCTION, 90, 50),
        _Room("503", "年级组办公室", R.OFFICE, 60, 16),
        *_toilets(5, 4),
        _Room("506", "储藏室", R.OTHER, 20),
    ]
    return floors


def _outdoor(*rows):
    # Outdoor areas hang off a pseudo-building so they sit in the same campus → building →
    # floor → room tree as everything else (repairs and inspections point at rooms).
    return {1: [_Room(name, name, R.OUTDOOR, area, capacity) for name, area, capacity in rows]}


def _donghu_campuses():
    lab = {
        1: _rooms(
            ("101", "物理实验室一", R.LAB, 96, 50),
            ("102", "物理实验室二", R.LAB, 96, 50),
            ("103", "物理准备室", R.LAB, 40, 6),
            ("104", "物理仪器室", R.LAB, 40, 4),
            department="SCI",
        )
        + _toilets(1, 5),
        2: _rooms(
            ("201", "化学实验室一", R.LAB, 96, 50),
            ("202", "化学实验室二", R.LAB, 96, 50),
            ("203", "化学准备室", R.LAB, 40, 6),
            ("204", "化学药品室", R.LAB, 20, 2),
            department="SCI",
        )
        + _toilets(2, 5),
        3: _rooms(
            ("301", "生物实验室一", R.LAB, 96, 50),
            ("302", "生物实验室二", R.LAB, 96, 50),
            ("303", "生物准备室", R.LAB, 40, 6),
            ("304", "标本室", R.LAB, 60, 20),
            department="SCI",
        )
        + _toilets(3, 5),
        4: _rooms(
            ("401", "计算机房一", R.FUNCTION, 96, 50),
            ("402", "计算机房二", R.FUNCTION, 96, 50),
            ("403", "创客教室", R.FUNCTION, 80, 40),
            ("404", "通用技术室", R.FUNCTION, 80, 40),
            ("405", "科学组办公室", R.OFFICE, 50, 14),
            ("406", "网络机房", R.OTHER, 30),
            department="SCI",
        ),
    }
    admin = {
        -1: _rooms(
            ("B101", "配电房", R.OTHER, 60), ("B102", "水泵房", R.OTHER, 40), department="LOG"
        ),
        1: _rooms(
            ("101", "接待室", R.OFFICE, 30, 8, "ADM"),
            ("102", "校医室", R.FUNCTION, 40, 6, "LOG"),
            ("103", "文印室", R.FUNCTION, 40, 4, "LOG"),
            ("104", "后勤仓库", R.OTHER, 120, None, "LOG"),
            ("105", "总务处", R.OFFICE, 50, 10, "LOG"),
            ("106", "维修间", R.OTHER, 40, 4, "LOG"),
        )
        + _toilets(1, 7),
        2: _rooms(
            ("201", "财务室", R.OFFICE, 40, 4, "FIN"),
            ("202", "教务处", R.OFFICE, 50, 8, "ACA"),
            ("203", "政教处", R.OFFICE, 50, 8, "MOR"),
            ("204", "监控室", R.FUNCTION, 30, 3, "LOG"),
            ("205", "档案室", R.OTHER, 40, None, "ADM"),
        )
        + _toilets(2, 6),
        3: _rooms(
            ("301", "校长室", R.OFFICE, 40, 4, "PRI"),
            ("302", "副校长室", R.OFFICE, 30, 2, "PRI"),
            ("303", "副校长室", R.OFFICE, 30, 2, "PRI"),
            ("304", "党政办公室", R.OFFICE, 50, 8, "ADM"),
            ("305", "第一会议室", R.FUNCTION, 80, 40, "ADM"),
        )
        + _toilets(3, 6),
        4: _rooms(
            ("401", "第二会议室", R.FUNCTION, 60, 24, "ADM"),
            ("402", "团委办公室", R.OFFICE, 30, 4, "MOR"),
            ("403", "工会活动室", R.FUNCTION, 60, 30, "ADM"),
            ("404", "心理咨询中心", R.FUNCTION, 60, 10, "MOR"),
            ("405", "党员活动室", R.FUNCTION, 60, 30, "ADM"),
        )
        + _toilets(4, 6),
    }
    library = {
        1: [
            _Room("101", "图书借阅室", R.FUNCTION, 200, 80),
            _Room("102", "书库", R.OTHER, 150),
            _Room("103", "电子阅览室", R.FUNCTION, 96, 50),
            *_toilets(1, 4),
        ],
        2: [
            _Room("201", "学生阅览室", R.FUNCTION, 200, 120),
            _Room("202", "教师阅览室", R.FUNCTION, 60, 20),
            _Room("203", "期刊室", R.FUNCTION, 60, 20),
            *_toilets(2, 4),
        ],
        3: _rooms(
            ("301", "音乐教室一", R.FUNCTION, 96, 50),
            ("302", "音乐教室二", R.FUNCTION, 96, 50),
            ("303", "器乐室", R.FUNCTION, 60, 30),
            ("304", "美术教室一", R.FUNCTION, 96, 50),
            ("305", "美术教室二", R.FUNCTION, 96, 50),
            ("306", "书法教室", R.FUNCTION, 80, 48),
            ("307", "体艺组办公室", R.OFFICE, 50, 14),
            department="ART",
        ),
        4: [
            _Room("401", "报告厅", R.VENUE, 400, 300),
            _Room("402", "舞蹈房", R.FUNCTION, 150, 40, "ART"),
            _Room("403", "合唱排练厅", R.FUNCTION, 120, 60, "ART"),
            _Room("404", "道具室", R.OTHER, 30),
        ],
    }
    gym = {
        1: _rooms(
            ("101", "篮球馆", R.VENUE, 1200, 600),
            ("102", "器材室", R.OTHER, 60),
            ("103", "男更衣室", R.OTHER, 40, 30),
            ("104", "女更衣室", R.OTHER, 40, 30),
            ("105", "体育组办公室", R.OFFICE, 40, 10),
            department="ART",
        ),
        2: _rooms(
            ("201", "羽毛球馆", R.VENUE, 600, 80),
            ("202", "乒乓球室", R.VENUE, 300, 40),
            ("203", "健身房", R.VENUE, 150, 30),
            ("204", "体质测试室", R.FUNCTION, 80, 30),
            department="ART",
        ),
        3: _rooms(
            ("301", "形体房", R.VENUE, 200, 40), ("302", "器材仓库", R.OTHER, 60), department="ART"
        ),
    }
    # fmt: off
    kitchen = ["粗加工间", "切配间", "烹饪间", "面点间", "备餐间", "洗消间", "留样间", "主食库",
               "副食库", "更衣室"]
    # fmt: on
    canteen = {
        1: [
            _Room(f"1{i:02d}", name, R.CANTEEN, 10 if name == "留样间" else 45, None, "LOG")
            for i, name in enumerate(kitchen, start=1)
        ]
        + [_Room("111", "食堂办公室", R.OFFICE, 25, 4, "LOG")],
        2: _rooms(
            ("201", "学生餐厅一", R.CANTEEN, 800, 600),
            ("202", "教工餐厅", R.CANTEEN, 200, 120),
            department="LOG",
        ),
        3: _rooms(
            ("301", "学生餐厅二", R.CANTEEN, 800, 600),
            ("302", "多功能厅", R.CANTEEN, 150, 60),
            department="LOG",
        ),
    }
    dorm = {
        f: [_Room(f"{f}{i:02d}", "", R.DORMITORY, 30, 8) for i in range(1, 13)] for f in range(1, 6)
    }
    dorm[1] += [
        _Room("113", "宿管值班室", R.OFFICE, 20, 2, "MOR"),
        _Room("114", "洗衣房", R.OTHER, 30),
    ]
    yard = _outdoor(
        ("田径场", 10800, 2000),
        ("1号篮球场", 608, 30),
        ("2号篮球场", 608, 30),
        ("3号篮球场", 608, 30),
        ("排球场", 360, 20),
        ("升旗广场", 1500, 1500),
        ("教工停车场", 1200, 60),
        ("非机动车棚", 300, 200),
        ("南门门卫室", 20, 3),
        ("北门门卫室", 15, 2),
        ("中心花园", 2000, None),
        ("垃圾分类房", 30, None),
    )
    east = {
        1: [
            _Room("101", "东校区办公室", R.OFFICE, 50, 8, "ACA"),
            _Room("102", "校医室", R.FUNCTION, 30, 4, "LOG"),
            _Room("103", "文印室", R.FUNCTION, 30, 2, "LOG"),
            *_toilets(1, 4),
        ],
        2: _rooms(
            ("201", "东校区餐厅", R.CANTEEN, 500, 400),
            ("202", "后厨", R.CANTEEN, 120),
            ("203", "留样间", R.CANTEEN, 8),
            department="LOG",
        ),
        3: [
            _Room("301", "多功能厅", R.VENUE, 300, 200),
            _Room("302", "心理辅导室", R.FUNCTION, 40, 6, "MOR"),
        ],
    }
    east_yard = _outdoor(
        ("操场", 6000, 1000), ("篮球场", 608, 30), ("东门门卫室", 15, 2), ("停车场", 600, 30)
    )
    return [
        (
            "本部",
            "main",
            "宁波市鄞州区东湖路88号",
            [
                (
                    "明德楼",
                    "MD",
                    2008,
                    _teaching_building(["多媒体教室", "心理辅导室", "史地教室", "阅读室"]),
                ),
                (
                    "致远楼",
                    "ZY",
                    2008,
                    _teaching_building(["多媒体教室", "社团活动室", "史地教室", "阅读室"]),
                ),
                ("博学楼", "BX", 2011, lab),
                ("行政楼", "XZ", 2006, admin),
                ("逸夫楼", "YF", 2013, library),
                ("体育馆", "TY", 2015, gym),
                ("食堂", "ST", 2010, canteen),
                ("学生宿舍", "SS", 2012, dorm),
                ("室外场地", "SW", None, yard),
            ],
        ),
        (
            "东校区",
            "east",
            "宁波市鄞州区学府路16号",
            [
                (
                    "求是楼",
                    "QS",
                    2019,
                    _teaching_building(["多媒体教室", "科学探究室", "史地教室", "阅读室"]),
                ),
                ("综合楼", "ZH", 2019, east),
                ("室外场地", "SW", None, east_yard),
            ],
        ),
    ]


def _nanhu_campuses():
    teaching = {
        f: [_Room(f"{f}0{i}", "", R.CLASSROOM, 65, 45) for i in range(1, 4)]
        + [_Room(f"{f}04", "教师办公室", R.OFFICE, 36, 8), *_toilets(f, 5)]
        for f in range(1, 5)
    }
    general = {
        1: [
            _Room("101", "校长室", R.OFFICE, 30, 3, "PRI"),
            _Room("102", "总务处", R.OFFICE, 36, 6, "LOG"),
            _Room("103", "教导处", R.OFFICE, 36, 6, "ACA"),
            _Room("104", "仓库", R.OTHER, 60, None, "LOG"),
        ],
        2: [
            _Room("201", "音乐教室", R.FUNCTION, 80, 45),
            _Room("202", "美术教室", R.FUNCTION, 80, 45),
            _Room("203", "计算机房", R.FUNCTION, 80, 45),
            _Room("204", "科学实验室", R.LAB, 80, 45),
        ],
        3: [
            _Room("301", "多功能厅", R.VENUE, 240, 180),
            _Room("302", "图书室", R.FUNCTION, 120, 60),
        ],
    }
    canteen = {
        1: _rooms(
            ("101", "学生餐厅", R.CANTEEN, 400, 320),
            ("102", "厨房", R.CANTEEN, 120),
            department="LOG",
        )
    }
    yard = _outdoor(("操场", 5000, 800), ("门卫室", 15, 2), ("停车场", 500, 25))
    return [
        (
            "本部",
            "main",
            "宁波市鄞州区南湖路20号",
            [
                ("教学楼", "JX", 2005, teaching),
                ("综合楼", "ZH", 2009, general),
                ("食堂", "ST", 2009, canteen),
                ("室外场地", "SW", None, yard),
            ],
        ),
    ]


# ---------------------------------------------------------------- calendar (shared by the district)

_YEARS = [
    (
        "2025-2026",
        date(2025, 9, 1),
        date(2026, 8, 31),
        [
            (1, date(2025, 9, 1), date(2026, 1, 30)),
            (2, date(2026, 3, 2), date(2026, 7, 3)),
        ],
    ),
    (
        "2026-2027",
        date(2026, 9, 1),
        date(2027, 8, 31),
        [
            (1, date(2026, 9, 1), date(2027, 1, 24)),
            (2, date(2027, 2, 17), date(2027, 7, 5)),
        ],
    ),
]
# 2027 dates follow the usual pattern; the State Council publishes the exact days each December.
_HOLIDAYS = [
    ("国庆节", date(2025, 10, 1), date(2025, 10, 8)),
    ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
    ("寒假", date(2026, 1, 31), date(2026, 3, 1)),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
    ("暑假", date(2026, 7, 4), date(2026, 8, 31)),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
    ("元旦", date(2027, 1, 1), date(2027, 1, 3)),
    ("寒假", date(2027, 1, 25), date(2027, 2, 16)),
    ("清明节", date(2027, 4, 3), date(2027, 4, 5)),
    ("劳动节", date(2027, 5, 1), date(2027, 5, 5)),
    ("端午节", date(2027, 6, 9), date(2027, 6, 11)),
    ("暑假", date(2027, 7, 6), date(2027, 8, 31)),
]

# ---------------------------------------------------------------- people

_SURNAMES = (
    "王王王李李李张张张刘刘陈陈陈杨杨黄赵吴吴周周徐徐孙马朱胡胡郭何林林罗高郑郑梁谢宋唐许韩冯邓曹彭"
    "曾萧田董袁潘蒋蔡余余杜叶叶程魏苏吕丁任沈沈姚卢姜崔钟谭陆汪范金金石廖贾夏韦付方方邹孟熊秦邱江"
    "俞应励邬竺鲍虞忻史胡舒施钱毛柴戴"
)
# Given names are drawn from male or female character pools, so names read naturally.
_GIVEN = (
    (
        "建国志明伟海立俊浩宇峰磊超亮勇刚杰斌波涛文军平华德永",
        "平华军强明辉峰涛伟杰宁然轩睿博阳帆凯鹏飞航健彬成东林",
    ),
    (
        "晓春秋雪红丽静慧婷颖敏芳燕霞佳欣怡思雨梦晨嘉亚琳洁萍玲娟",
        "芳娟英玲丽红霞燕萍琴云莉倩婷颖琳洁静怡欣悦宁然涵萱",
    ),
)
# fmt: off
_PHONE_PREFIXES = (
    "130", "131", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157",
    "158", "159", "166", "177", "180", "181", "182", "183", "186", "187", "188", "189", "198",
)
# fmt: on


class _Names:
    """Deterministic, unique Chinese names and mobile numbers from a seeded generator."""

    def __init__(self, seed: int, reserved=()):
        self.rng = random.Random(seed)
        self.names = set(reserved)
        self.phones: set[str] = set()

    def name(self) -> str:
        while True:
            first, second = self.rng.choice(_GIVEN)
            given = self.rng.choice(first)
            if self.rng.random() < 0.75:
                given += self.rng.choice(second)
            full = self.rng.choice(_SURNAMES) + given
            if full not in self.names and given[:1] != given[1:]:
                self.names.add(full)
                return full

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone


def _demo_person(key: str, names: _Names, title, roles, department=None, company=None) -> _Person:
    login = _LOGIN[key]
    # Demo phones come from the username, so the same person has the same phone in both schools.
    phone = "1385740" + f"{sum(map(ord, login.username)) % 10000:04d}"
    return _Person(
        login.username,
        login.full_name,
        phone,
        title,
        list(roles),
        department,
        company,
        superuser=key == "admin",
    )


def _add_staff(plan: _Plan, names: _Names, prefix: str, count: int, title: str, roles, **where):
    start = len(plan.people)
    for i in range(count):
        n = start + i + 1
        plan.people.append(
            _Person(f"{prefix}{n:03d}", names.name(), names.phone(), title, list(roles), **where)
        )
    return plan.people[start:]


def _assign_class_teachers(
    plan: _Plan,
    names: _Names,
    candidates: list[_Person],
    grades,
    per_grade,
    entry,
    rooms,
    first_teacher=None,
    students=(40, 48),
):
    pool = list(candidates)
    names.rng.shuffle(pool)
    if first_teacher is not None:
        pool.insert(0, first_teacher)
    slots = [(g, n) for g in grades for n in range(1, per_grade + 1)]
    for (grade, number), teacher, room in zip(slots, pool, rooms, strict=False):
        if Role.CLASS_TEACHER not in teacher.roles:
            teacher.roles.insert(0, Role.CLASS_TEACHER)
        plan.classes.append(
            (grade, number, entry(grade), teacher.username, names.rng.randint(*students), room)
        )


def _number_employees(plan: _Plan, prefix: str):
    n = 0
    for person in plan.people:
        if person.roles != [Role.DISTRICT_OFFICER]:
            n += 1
            person.employee_no = f"{prefix}{n:04d}"


def _classrooms(campuses, building: str) -> list[tuple[str, str]]:
    for _campus, _code, _address, buildings in campuses:
        for name, _bcode, _year, floors in buildings:
            if name == building:
                return [
                    (building, r.number)
                    for f in sorted(floors)
                    for r in floors[f]
                    if r.kind == R.CLASSROOM
                ]
    return []


def _plan_donghu() -> _Plan:
    campuses = _donghu_campuses()
    plan = _Plan(
        SCHOOL_A,
        "宁波市鄞州区东湖中学",
        "东湖中学",
        "宁波市鄞州区东湖路88号",
        "0574-88123456",
        campuses,
        departments=[
            ("PRI", "校长室", DepartmentKind.OFFICE),
            ("ADM", "党政办公室", DepartmentKind.OFFICE),
            ("ACA", "教务处", DepartmentKind.OFFICE),
            ("MOR", "政教处", DepartmentKind.OFFICE),
            ("LOG", "总务处", DepartmentKind.OFFICE),
            ("FIN", "财务室", DepartmentKind.OFFICE),
            ("CHI", "语文组", DepartmentKind.SUBJECT),
            ("MAT", "数学组", DepartmentKind.SUBJECT),
            ("ENG", "英语组", DepartmentKind.SUBJECT),
            ("SCI", "科学组", DepartmentKind.SUBJECT),
            ("SOC", "社会组", DepartmentKind.SUBJECT),
            ("ART", "体艺组", DepartmentKind.SUBJECT),
        ],
        heads={"PRI": "principal", "ACA": "dept_head", "LOG": "director"},
        companies=[("PROP", "宁波安居物业服务有限公司"), ("CATER", "福乐娃餐饮管理有限公司")],
    )
    names = _Names(2026, reserved=[d.full_name for d in DEMO_LOGINS])
    people, s = plan.people, Role.STAFF

    def add(count, title, roles, **where):
        return _add_staff(plan, names, "dh", count, title, roles, **where)

    def head(code, title, roles):
        plan.heads[code] = add(1, title, roles, department=code)[0].username

    people += [
        _demo_person("principal", names, "校长", [Role.PRINCIPAL, s], "PRI"),
        _demo_person("director", names, "后勤主任", [Role.DIRECTOR, s], "LOG"),
        _demo_person("clerk", names, "后勤干事", [Role.CLERK, s], "LOG"),
        _demo_person("worker", names, "水电维修工", [Role.WORKER, s], "LOG"),
        _demo_person("keeper", names, "仓库管理员", [Role.KEEPER, s], "LOG"),
        _demo_person("canteen", names, "食堂管理员", [Role.CANTEEN_MANAGER, s], "LOG"),
        _demo_person("finance", names, "会计", [Role.FINANCE, s], "FIN"),
        _demo_person("dept_head", names, "教务处主任", [Role.DEPT_HEAD, s], "ACA"),
        _demo_person("inspector", names, "政教干事", [Role.INSPECTOR, s], "MOR"),
        _demo_person("auditor", names, "纪检监察员", [Role.AUDITOR, s], "ADM"),
        _demo_person("admin", names, "信息技术教师", [s], "SCI"),
    ]
    add(2, "副校长", [s], department="PRI")
    head("ADM", "党政办主任", [Role.DEPT_HEAD, s])
    add(2, "办公室干事", [s], department="ADM")
    add(1, "文印员", [s], department="ADM")
    add(1, "教务处副主任", [s], department="ACA")
    add(2, "教务干事", [s], department="ACA")
    head("MOR", "政教处主任", [Role.DEPT_HEAD, Role.INSPECTOR, s])
    add(1, "团委书记", [Role.INSPECTOR, s], department="MOR")
    add(1, "总务处副主任", [Role.CLERK, s], department="LOG")
    add(2, "维修工", [Role.WORKER, s], department="LOG")
    add(1, "校医", [s], department="LOG")
    head("FIN", "财务室主任", [Role.FINANCE, Role.DEPT_HEAD, s])
    add(1, "出纳", [Role.FINANCE, s], department="FIN")

    subjects = [
        ("CHI", "语文", 18),
        ("MAT", "数学", 18),
        ("ENG", "英语", 16),
        ("SCI", "科学", 19),
        ("SOC", "社会", 14),
        ("ART", "体育", 8),
        ("ART", "音乐", 3),
        ("ART", "美术", 2),
    ]
    demo_in = {"CHI": "teacher", "MAT": "class_teacher"}
    candidates = []
    for code, subject, count in subjects:
        if code not in plan.heads:
            head(code, f"{subject}教研组长", [Role.DEPT_HEAD, s])
            count -= 1
        if code in demo_in:
            people.append(_demo_person(demo_in[code], names, f"{subject}教师", [s], code))
            count -= 1
        teachers = add(count, f"{subject}教师", [s], department=code)
        if code != "ART":  # PE, music and art teachers rarely lead a class
            candidates += teachers
    people.append(_demo_person("both", names, "美术教师", [s], "ART"))

    manager = _demo_person("contractor", names, "物业项目经理", [Role.CONTRACTOR], company="PROP")
    people += [manager, _demo_person("guard", names, "保安队长", [Role.GUARD], company="PROP")]
    add(5, "保安", [Role.GUARD], company="PROP")
    add(8, "保洁员", [Role.CONTRACTOR], company="PROP")
    add(2, "绿化工", [Role.CONTRACTOR], company="PROP")
    add(2, "物业维修工", [Role.WORKER, Role.CONTRACTOR], company="PROP")
    add(1, "餐饮项目经理", [Role.CONTRACTOR], company="CATER")
    add(1, "厨师长", [Role.CONTRACTOR], company="CATER")
    add(4, "厨师", [Role.CONTRACTOR], company="CATER")
    add(4, "帮厨", [Role.CONTRACTOR], company="CATER")
    people.append(
        _demo_person("district", names, "鄞州区教育局后勤管理科", [Role.DISTRICT_OFFICER])
    )
    _number_employees(plan, "DH")

    rooms = [
        *_classrooms(campuses, "求是楼"),
        *_classrooms(campuses, "明德楼"),
        *_classrooms(campuses, "致远楼"),
    ]
    class_teacher = next(p for p in people if p.username == "class_teacher")
    # 初一 (grade 7) entered in 2026, the start of the current academic year.
    _assign_class_teachers(
        plan,
        names,
        candidates,
        (7, 8, 9),
        12,
        lambda g: 2026 - (g - 7),
        rooms,
        first_teacher=class_teacher,
    )
    return plan


def _plan_nanhu() -> _Plan:
    campuses = _nanhu_campuses()
    plan = _Plan(
        SCHOOL_B,
        "宁波市鄞州区南湖小学",
        "南湖小学",
        "宁波市鄞州区南湖路20号",
        "0574-88765432",
        campuses,
        departments=[
            ("PRI", "校长室", DepartmentKind.OFFICE),
            ("ACA", "教导处", DepartmentKind.OFFICE),
            ("LOG", "总务处", DepartmentKind.OFFICE),
            ("CHI", "语文组", DepartmentKind.SUBJECT),
            ("MAT", "数学组", DepartmentKind.SUBJECT),
            ("GEN", "综合组", DepartmentKind.SUBJECT),
        ],
        heads={},
        companies=[("PROP", "宁波安居物业服务有限公司")],
    )
    names = _Names(2027, reserved=[d.full_name for d in DEMO_LOGINS])
    s = Role.STAFF

    def add(count, title, roles, **where):
        return _add_staff(plan, names, "nh", count, title, roles, **where)

    def head(code, title, roles):
        plan.heads[code] = add(1, title, roles, department=code)[0].username

    head("PRI", "校长", [Role.PRINCIPAL, s])
    head("LOG", "总务主任", [Role.DIRECTOR, s])
    add(1, "总务干事", [Role.CLERK, s], department="LOG")
    add(1, "会计", [Role.FINANCE, s], department="LOG")
    head("ACA", "教导主任", [Role.DEPT_HEAD, s])
    candidates = []
    for code, subject, count in [("CHI", "语文", 6), ("MAT", "数学", 5), ("GEN", "综合", 5)]:
        head(code, f"{subject}教研组长", [Role.DEPT_HEAD, s])
        candidates += add(count, f"{subject}教师", [s], department=code)
    add(2, "保安", [Role.GUARD], company="PROP")
    add(2, "保洁员", [Role.CONTRACTOR], company="PROP")
    plan.people += [
        _demo_person("both", names, "美术教师（交流）", [s], "GEN"),
        _demo_person("district", names, "鄞州区教育局后勤管理科", [Role.DISTRICT_OFFICER]),
        _demo_person("admin", names, "系统管理员", []),
    ]
    _number_employees(plan, "NH")
    _assign_class_teachers(
        plan,
        names,
        candidates,
        range(1, 7),
        2,
        lambda g: 2026 - (g - 1),
        _classrooms(campuses, "教学楼"),
        students=(38, 45),
    )
    return plan


# ---------------------------------------------------------------- builder

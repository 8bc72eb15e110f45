"""Demo assets for the demo school: a register of about 20,000 cards built room by room the way
a real middle school's ledger looks (computers and air-conditioners one card each, desks and
chairs of a classroom as one batch card, the library's books as batch cards by subject), with
their history rows. Idempotent: skipped when the school already has assets.

The register is made in bulk (the services make one card at a time, which is right for people
and too slow for 20,000 cards); numbers come from the numbering service as one block per
acquisition year, kinds from the school's thresholds, and every card gets its "created"
history row.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from houqin.core.numbering import next_values
from houqin.org.models import Membership, Room, RoomType

from .categories import ensure_standard_categories
from .models import AcquisitionMode, Asset, AssetSettings, AssetStatus, UseDirection

SEED = 20260301
NUMBER_DOC_TYPE = "assets.asset"


@dataclass(frozen=True)
class Kind:
    """One kind of asset a room holds: ``per`` cards per room ("capacity" = one per seat)."""

    name: str
    category: str
    price: tuple[int, int]
    per: int | str = 1
    unit: str = "台"
    brand: tuple[str, ...] = ("",)
    model: tuple[str, ...] = ("",)
    batch: int | str = 0  # a batch card of this many ("capacity" = one per seat)
    years: tuple[int, int] = (2012, 2026)
    use: str = UseDirection.TEACHING
    supplier: str = ""


PC = Kind(
    "台式计算机",
    "A02010100",
    (3900, 5600),
    brand=("联想", "戴尔", "华为"),
    model=("启天M428", "OptiPlex 3000", "擎云B730"),
    supplier="宁波市华信电脑有限公司",
)
AC_WALL = Kind(
    "壁挂式空调",
    "A02061804",
    (2800, 3600),
    brand=("格力", "美的"),
    model=("KFR-35GW", "KFR-26GW"),
    supplier="宁波格力电器销售有限公司",
)
AC_CABINET = Kind(
    "柜式空调",
    "A02061804",
    (5200, 7600),
    brand=("格力", "美的"),
    model=("KFR-72LW", "KFR-120LW"),
    supplier="宁波格力电器销售有限公司",
)
SMART_BOARD = Kind(
    "教学一体机",
    "A02010000",
    (11800, 16800),
    brand=("希沃", "鸿合"),
    model=("F86EA", "HD-I8677E"),
    supplier="浙江教育装备有限公司",
)
DESK = Kind("学生课桌", "A05010203", (160, 260), unit="张", per="capacity", supplier="浙江校具厂")
CHAIR = Kind("学生课椅", "A05010304", (90, 150), unit="把", per="capacity", supplier="浙江校具厂")
LECTERN = Kind("讲台", "A05010000", (900, 1500), unit="张")
CABINET = Kind("储物柜", "A05010000", (900, 1600), unit="组")
OFFICE_DESK = Kind(
    "办公桌", "A05010000", (680, 1200), per="capacity", unit="张", use=UseDirection.ADMINISTRATION
)
OFFICE_CHAIR = Kind(
    "办公椅", "A05010000", (260, 480), per="capacity", unit="把", use=UseDirection.ADMINISTRATION
)
FILE_CABINET = Kind(
    "文件柜", "A05010000", (800, 1400), per=2, unit="组", use=UseDirection.ADMINISTRATION
)
PRINTER = Kind(
    "激光打印机",
    "A02021000",
    (1600, 3200),
    brand=("惠普", "兄弟"),
    model=("LaserJet Pro M405d", "HL-5595DN"),
    use=UseDirection.ADMINISTRATION,
)
OFFICE_PC = Kind(
    PC.name,
    PC.category,
    PC.price,
    per="capacity",
    brand=PC.brand,
    model=PC.model,
    use=UseDirection.ADMINISTRATION,
    supplier=PC.supplier,
)
WATER = Kind("饮水机", "A02000000", (600, 980), use=UseDirection.STUDENT_LIFE)
LAB_BENCH = Kind("学生实验台", "A05010203", (1800, 2600), unit="张", per=12)
LAB_STOOLS = Kind("实验凳", "A05010304", (60, 90), unit="把", batch="capacity")
MICROSCOPE = Kind(
    "生物显微镜",
    "A02100000",
    (1500, 2400),
    per=12,
    brand=("麦克奥迪", "舜宇"),
    model=("BA210", "EX20"),
)
BALANCE = Kind("电子天平", "A02100000", (900, 1900), per=4, brand=("梅特勒",), model=("ME204E",))
FUME_HOOD = Kind("通风柜", "A02100000", (8600, 12800), per=2)
PROJECTOR = Kind(
    "投影仪", "A02090000", (4200, 7800), brand=("爱普生", "明基"), model=("CB-2247U", "E580")
)
SPEAKERS = Kind("专业音响", "A02090000", (6800, 12000), per=2, brand=("JBL", "雅马哈"))
HALL_CHAIRS = Kind("礼堂座椅", "A05010304", (380, 520), unit="把", batch="capacity")
ROOM_PC = Kind(
    PC.name,
    PC.category,
    PC.price,
    per="capacity",
    brand=PC.brand,
    model=PC.model,
    supplier=PC.supplier,
)
BED = Kind(
    "学生床", "A05010000", (650, 980), unit="张", per="capacity", use=UseDirection.STUDENT_LIFE
)
WARDROBE = Kind(
    "学生衣柜", "A05010000", (700, 1100), unit="组", per=2, use=UseDirection.STUDENT_LIFE
)
FREEZER = Kind(
    "冷藏冷冻柜",
    "A02000000",
    (3800, 6200),
    per=3,
    brand=("海尔", "星星"),
    use=UseDirection.LOGISTICS,
)
STERILIZER = Kind(
    "消毒柜", "A02000000", (4800, 8800), per=2, brand=("康宝",), use=UseDirection.LOGISTICS
)
SAMPLE_FRIDGE = Kind(
    "留样冰箱", "A02000000", (2600, 3800), brand=("海尔",), use=UseDirection.LOGISTICS
)
DINING = Kind("餐桌椅", "A05010000", (600, 900), unit="套", per=30, use=UseDirection.STUDENT_LIFE)
HOOP = Kind("篮球架", "A02460000", (9800, 16800), per=2, unit="副")
TABLE_TENNIS = Kind(
    "乒乓球台", "A02460000", (1800, 3200), per=6, unit="张", brand=("红双喜",), model=("T2023",)
)
BOOKS = Kind("图书", "A04010000", (25, 45), unit="册", batch=0)
CAMERA = Kind(
    "网络摄像机",
    "A02010000",
    (900, 1800),
    per=24,
    brand=("海康威视",),
    model=("DS-2CD3T47",),
    use=UseDirection.LOGISTICS,
)
BUS = Kind(
    "校车",
    "A02030000",
    (420000, 560000),
    unit="辆",
    brand=("宇通",),
    model=("ZK6809DX",),
    years=(2016, 2022),
    use=UseDirection.STUDENT_LIFE,
)

BY_TYPE = {
    RoomType.CLASSROOM: (SMART_BOARD, AC_WALL, AC_WALL, DESK, CHAIR, LECTERN, CABINET, WATER),
    RoomType.OFFICE: (OFFICE_PC, OFFICE_DESK, OFFICE_CHAIR, FILE_CABINET, PRINTER, AC_CABINET),
    RoomType.LAB: (LAB_BENCH, LAB_STOOLS, MICROSCOPE, BALANCE, FUME_HOOD, AC_WALL, AC_WALL),
    RoomType.FUNCTION: (PROJECTOR, SPEAKERS, HALL_CHAIRS, AC_CABINET, AC_CABINET),
    RoomType.DORMITORY: (BED, WARDROBE, AC_WALL),
    RoomType.CANTEEN: (FREEZER, STERILIZER, SAMPLE_FRIDGE, DINING),
    RoomType.VENUE: (HOOP, TABLE_TENNIS, SPEAKERS),
}
# Library subjects (中图法 classes) whose books are carded in batches, per library room.
BOOK_SUBJECTS = (
    "A 马列主义",
    "B 哲学",
    "C 社会科学总论",
    "D 政治法律",
    "G 文化教育",
    "H 语言文字",
    "I 文学",
    "J 艺术",
    "K 历史地理",
    "N 自然科学总论",
    "O 数理化",
    "P 天文地球",
    "Q 生物科学",
    "R 医药卫生",
    "S 农业科学",
    "T 工业技术",
    "U 交通运输",
    "X 环境科学",
    "Z 综合性图书",
)
FUNDING = ("财政拨款", "财政拨款", "财政拨款", "上级补助", "事业收入", "其他资金")


def _count(value, room: Room) -> int:
    if value == "capacity":
        return max(1, min(room.capacity or 1, 60))
    return int(value)


def _places(school) -> list[Room]:
    return list(
        Room.objects.filter(school=school, is_active=True)
        .select_related("floor__building", "department")
        .order_by("floor__building__name", "floor__number", "number", "pk")
    )


def _people_by_department(school) -> dict[int | None, list[int]]:
    people: dict[int | None, list[int]] = {}
    for user_id, department_id in Membership.objects.filter(
        school=school, is_active=True, company__isnull=True
    ).values_list("user_id", "department_id"):
        people.setdefault(department_id, []).append(user_id)
    return people


def _acquired(rng: random.Random, kind: Kind, building_year: int | None, today: date) -> date:
    first = max(kind.years[0], building_year or kind.years[0])
    last = min(kind.years[1], today.year)
    year = rng.randint(min(first, last), last)
    day = date(year, rng.choice((3, 4, 8, 9, 11, 12)), rng.randint(1, 28))
    return min(day, today - timedelta(days=rng.randint(20, 60)))


def _status(rng: random.Random, acquired: date, today: date) -> str:
    age = (today - acquired).days / 365
    roll = rng.random()
    if roll < 0.01 + 0.003 * age:
        return AssetStatus.IN_REPAIR
    if roll < 0.05 + 0.006 * age:
        return AssetStatus.IDLE
    return AssetStatus.IN_USE


def plan_register(school, *, today: date | None = None) -> list[dict]:
    """The demo school's cards as field dicts (no numbers yet), in a fixed, seeded order."""
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    people = _people_by_department(school)
    cards: list[dict] = []

    def card(kind: Kind, room: Room | None, *, quantity=1, name=None, note=""):
        acquired = _acquired(rng, kind, room.floor.building.built_year if room else None, today)
        unit_price = Decimal(rng.randint(*kind.price)).quantize(Decimal("1"))
        department_id = room.department_id if room else None
        staff = people.get(department_id) or []
        custodian = rng.choice(staff) if staff and kind.use == UseDirection.ADMINISTRATION else None
        i = rng.randrange(len(kind.brand))
        cards.append(
            {
                "name": name or kind.name,
                "category": kind.category,
                "model": kind.model[i % len(kind.model)],
                "brand": kind.brand[i],
                "quantity": Decimal(quantity),
                "unit": kind.unit,
                "unit_price": unit_price,
                "total_value": unit_price * quantity,
                "funding_source": rng.choice(FUNDING),
                "acquisition_mode": AcquisitionMode.DONATION
                if rng.random() < 0.02
                else AcquisitionMode.PURCHASE,
                "use_direction": kind.use,
                "acquired_on": acquired,
                "supplier": kind.supplier,
                "invoice_number": f"{acquired.year}{rng.randint(10000000, 99999999)}",
                "warranty_until": acquired + timedelta(days=365 * 3)
                if kind.price[0] >= 1500
                else None,
                "room": room,
                "department_id": department_id,
                "custodian_id": custodian,
                "status": _status(rng, acquired, today),
                "notes": note,
            }
        )

    for room in _places(school):
        if "计算机" in room.name or "电子阅览" in room.name:
            kinds = (ROOM_PC, PROJECTOR, AC_CABINET, AC_CABINET)
        elif "图书" in room.name or "阅览" in room.name:
            # A library cards its books by title: call number and copies.
            titles = 500 if "借阅" in room.name else 60
            for subject in BOOK_SUBJECTS:
                letter = subject.split()[0]
                for n in range(1, titles + 1):
                    card(
                        BOOKS,
                        room,
                        quantity=rng.randint(2, 30),
                        name=f"图书·{subject}",
                        note=f"{letter}{rng.randint(100, 999)}/{n:04d}",
                    )
            continue
        elif "监控" in room.name:
            kinds = (CAMERA, PC)
        else:
            kinds = BY_TYPE.get(room.room_type, ())
        for kind in kinds:
            if kind.batch:
                card(kind, room, quantity=_count(kind.batch, room))
            else:
                for _i in range(_count(kind.per, room)):
                    card(kind, room)
    for _i in range(3):
        card(BUS, None)
    return cards


def build_register(school, *, today: date | None = None) -> int:
    """Write the demo register (numbers, kinds, history); returns how many cards."""
    categories = {c.code: c for c in ensure_standard_categories(school)}
    settings = AssetSettings.for_school(school)
    cards = plan_register(school, today=today)
    by_year: dict[int, list[dict]] = {}
    for fields in cards:
        by_year.setdefault(fields["acquired_on"].year, []).append(fields)
    assets = []
    with transaction.atomic():
        for year in sorted(by_year):
            rows = by_year[year]
            year_part = year if settings.number_with_year else 0
            values = next_values(
                school=school, doc_type=NUMBER_DOC_TYPE, year=year_part, count=len(rows)
            )
            for value, fields in zip(values, rows, strict=True):
                category = categories[fields.pop("category")]
                asset = Asset(
                    school=school,
                    number=settings.format_number(year, value),
                    category=category,
                    kind=settings.kind_for(category, fields["unit_price"]),
                    **fields,
                )
                assets.append(asset)
        bulk_create_with_history(assets, Asset, batch_size=2000)
    return len(assets)


def _user(username):
    from houqin.org.models import User

    return User.objects.filter(username=username).first()


def build_activity(school, *, today: date | None = None) -> None:
    """What a term of asset work leaves behind, made through the services: loans (one
    overdue), a closed stock-take of the admin building with its corrections approved, a
    historic write-off of the oldest computers, a disposal waiting for approval, damage records
    and last month's depreciation."""
    from houqin.core import approvals

    from . import (
        services_damage,
        services_disposal,
        services_ledger,
        services_movements,
        services_stocktake,
        services_writeoff,
    )
    from .models import DamageCause, DisposalKind, StockTake

    today = today or timezone.localdate()
    rng = random.Random(SEED + 1)
    director, clerk = _user("director"), _user("clerk")
    teacher, class_teacher, principal = _user("teacher"), _user("class_teacher"), _user("principal")
    if not all((director, clerk, teacher, class_teacher)):
        return
    active = Asset.objects.filter(school=school, status=AssetStatus.IN_USE)

    # Loans: projectors and speakers out to teachers; the first one is three days late.
    from .models import AssetLoan

    lent = active.filter(name__in=("投影仪", "专业音响")).order_by("number")[:4]
    for i, asset in enumerate(lent):
        loan = services_movements.lend(
            asset,
            by=clerk,
            borrower=teacher if i % 2 else class_teacher,
            due_on=today + timedelta(days=14),
            note="公开课使用",
        )
        if i == 0:
            AssetLoan.objects.filter(pk=loan.pk).update(
                lent_on=today - timedelta(days=17), due_on=today - timedelta(days=3)
            )

    # A stock-take of the admin building: most found, a few elsewhere, some missing.
    from houqin.org.models import Building

    building = Building.objects.filter(school=school, name__contains="行政").first()
    if building is not None and not StockTake.objects.filter(school=school).exists():
        take = services_stocktake.start(
            school=school, by=clerk, name=f"{today.year}年行政楼资产盘点", buildings=[building]
        )
        items = list(take.items.select_related("asset", "expected_room").order_by("pk"))
        rooms = [i.expected_room for i in items if i.expected_room_id]
        for item in items:
            roll = rng.random()
            if roll < 0.03:
                continue  # not found: missing when the stock-take closes
            room = rng.choice(rooms) if roll < 0.05 else item.expected_room
            services_stocktake.scan(take, by=clerk, code=item.asset.number, room=room, typed=True)
        services_stocktake.scan(take, by=clerk, code="ZC-OLD-0099", room=rooms[0], typed=True)
        services_stocktake.close(take, by=clerk)
        services_stocktake.submit(take, by=clerk)
        approvals.approve(take, by=director, comment="盘点结果属实，同意调整")

    # Historic write-off: the oldest computers, approved by the bureau years ago.
    oldest = list(
        active.filter(name="台式计算机", acquired_on__year__lte=2013).order_by("number")[:12]
    )
    if oldest:
        services_writeoff.write_off(
            by=director,
            school=school,
            approval_reference="鄞教资〔2024〕17号",
            disposed_on=date(today.year - 1, 12, 20),
            reason="超过使用年限，无法修复",
            assets=oldest,
        )
    # A disposal waiting for the director: broken projectors.
    broken = list(active.filter(name="投影仪").order_by("-number")[:2])
    if broken:
        disposal = services_disposal.create_disposal(
            by=clerk,
            school=school,
            lines=[(a, a.quantity) for a in broken],
            reason="灯泡老化、主板故障，维修费用超过残值",
            kind=DisposalKind.SCRAP,
            appraisal="经信息中心鉴定无维修价值",
        )
        services_disposal.submit(disposal, by=clerk)

    # Damage records: a broken window by a named student, a desk nobody owns up to, wear.
    from houqin.org.models import SchoolClass

    klass = SchoolClass.objects.filter(school=school, class_teacher=class_teacher).first()
    desk = active.filter(name="学生课桌").first()
    if klass is not None and desk is not None:
        services_damage.create_damage(
            by=class_teacher,
            school=school,
            asset=desk,
            school_class=klass,
            description="课间打闹，桌面被踩裂",
            cause=DamageCause.UNKNOWN,
        )
        services_damage.create_damage(
            by=clerk,
            school=school,
            room=desk.room,
            school_class=klass,
            responsible_name="王同学",
            description="踢球打碎教室窗户玻璃一块",
            cause=DamageCause.NEGLIGENCE,
            assessed_amount=Decimal("180"),
        )
    chair = active.filter(name="办公椅").first()
    if chair is not None:
        services_damage.create_damage(
            by=clerk,
            school=school,
            asset=chair,
            description="气压棒老化下沉",
            cause=DamageCause.WEAR,
        )

    # Depreciation through last month.
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    services_ledger.run_depreciation(school=school, month=last_month, by=director)
    del principal


def build(schools) -> None:
    school = schools.get("donghu")
    if school is None or Asset.objects.filter(school=school).exists():
        return
    build_register(school)
    build_activity(school)
    other = schools.get("nanhu")
    if other is not None:
        ensure_standard_categories(other)

#!/usr/bin/env python
"""Asset register benchmark: millions of assets on PostgreSQL, server time of the register list
(filters, searches, sorts, deep pages), the API list and an asset's page.

    .venv/bin/python bench/assets.py --assets 2000000 \
        --database postgres://postgres@127.0.0.1:5432/houqin_bench_assets

Creates the database (dropping one of that name first), migrates, builds the two demo schools
(``houqin.org.demo``) with the national asset categories, loads N assets into the big school
and N/20 into the small one with ``COPY`` (secondary indexes dropped during the load and built
after it, as a bulk load does), VACUUM ANALYZEs, then requests each page through Django's test
client as the big school's logistics director: a few warm-up requests, then ``--requests``
timed ones. Prints a table and writes ``bench/results/assets-<date>.json``. The database is
dropped at the end unless ``--keep``; ``--reuse`` skips the load when it already has assets.
See bench/README.md and docs/performance-assets.md.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import random
import secrets
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import repairs as common  # noqa: E402  (the repairs benchmark's database and timing helpers)

ROOT = common.ROOT
RESULTS = common.RESULTS
LIST_TARGET_MS = 150
DETAIL_TARGET_MS = 300

# (category code, share of cards, names, models, unit price range, quantity range)
KINDS = [
    (
        "A02010100",
        22,
        ["台式计算机", "教师用计算机", "学生用计算机", "笔记本电脑", "一体机"],
        [
            "联想 启天M428",
            "联想 开天M630Z",
            "华为 擎云B730",
            "Dell OptiPlex 7010",
            "HP ProDesk 400 G9",
            "同方 超越E500",
        ],
        (3200, 8800),
        (1, 1),
    ),
    (
        "A02021000",
        5,
        ["激光打印机", "彩色打印机", "多功能一体机"],
        ["HP LaserJet M1136", "Canon iR2206", "Brother DCP-7195DW", "奔图 M6202"],
        (900, 6000),
        (1, 1),
    ),
    (
        "A02020000",
        4,
        ["复印机", "速印机", "碎纸机", "电子白板", "投影仪"],
        ["Ricoh MP 2014", "Epson CB-X06", "理光 DD5450", "希沃 BG86"],
        (600, 15000),
        (1, 1),
    ),
    (
        "A02090000",
        8,
        ["投影仪", "交互式平板", "音箱", "功放", "摄像机", "录播系统"],
        ["Epson CB-FH52", "希沃 MC86", "鸿合 HD-I8677", "Sony HXR-NX100"],
        (800, 26000),
        (1, 1),
    ),
    (
        "A02061804",
        5,
        ["空调", "柜式空调", "挂式空调"],
        ["格力 KFR-72LW", "美的 KFR-35GW", "海尔 KFR-50LW"],
        (2600, 9800),
        (1, 1),
    ),
    (
        "A02100000",
        8,
        ["显微镜", "天平", "示波器", "学生电源", "物理实验箱", "化学实验柜"],
        ["Motic BA210", "梅特勒 ME204", "Rigol DS1102", "J1202"],
        (300, 12000),
        (1, 1),
    ),
    (
        "A02460000",
        3,
        ["篮球架", "乒乓球台", "跑步机", "体操垫"],
        ["双鱼 201", "红双喜 T2023", "舒华 SH-T5"],
        (400, 16000),
        (1, 4),
    ),
    (
        "A02450000",
        1,
        ["钢琴", "电子琴", "架子鼓"],
        ["珠江 UP118", "雅马哈 PSR-E473"],
        (1500, 38000),
        (1, 1),
    ),
    (
        "A02030000",
        0.1,
        ["校车", "小型客车"],
        ["宇通 ZK6609DX", "金龙 XMQ6552"],
        (180000, 420000),
        (1, 1),
    ),
    (
        "A05010203",
        14,
        ["学生课桌", "课桌椅", "实验桌"],
        ["", "升降式", "KZY-01"],
        (180, 420),
        (10, 60),
    ),
    ("A05010304", 6, ["学生椅", "实验凳"], ["", "KY-02"], (60, 160), (10, 60)),
    (
        "A05010000",
        12,
        ["办公桌", "办公椅", "文件柜", "书柜", "会议桌", "床"],
        ["", "钢制", "实木"],
        (300, 3800),
        (1, 10),
    ),
    ("A04010000", 8, ["图书", "教学参考书", "期刊合订本"], [""], (20, 90), (50, 800)),
    ("A01010000", 0.05, ["教学楼", "实验楼", "宿舍楼"], [""], (3_000_000, 40_000_000), (1, 1)),
]
# One card in ten thousand is a grand piano: a rare word for the search.
RARE_NAME = "三角钢琴"
FUNDING = ["财政拨款", "财政拨款", "财政拨款", "教育费附加", "自筹资金", "社会捐赠", "专项资金"]
SUPPLIERS = ["宁波市教育装备有限公司", "浙江华通电子", "联想(北京)有限公司", "宁波家具厂", ""]
STATUSES = [
    ("in_use", 80),
    ("idle", 8),
    ("in_repair", 2),
    ("lent", 1),
    ("pending_disposal", 1),
    ("disposed", 7),
    ("lost", 1),
]


# ---------------------------------------------------------------- the data


class SchoolData:
    """What assets of one school point at: categories, rooms, departments, people."""

    def __init__(self, school):
        from houqin.assets.categories import ensure_standard_categories
        from houqin.assets.models import AssetSettings
        from houqin.org.models import Department, Membership, Room

        self.school = school
        self.settings = AssetSettings.for_school(school)
        self.categories = {c.code: c for c in ensure_standard_categories(school)}
        self.rooms = list(Room.objects.filter(school=school).values_list("pk", flat=True))
        self.departments = list(
            Department.objects.filter(school=school).values_list("pk", flat=True)
        )
        self.staff = list(
            Membership.objects.filter(school=school, is_active=True)
            .values_list("user_id", flat=True)
            .distinct()
        )


def asset_rows(rng, data: SchoolData, count: int, *, first_id: int, counters: dict, today):
    """``count`` assets of one school, oldest first (ids and numbers grow with time)."""
    weights = [k[1] for k in KINDS]
    days = 20 * 365
    dates = sorted(today - timedelta(days=int(rng.random() ** 0.7 * days)) for _ in range(count))
    next_id = first_id
    for acquired in dates:
        code, _w, names, models, (low, high), (qlow, qhigh) = rng.choices(KINDS, weights)[0]
        category = data.categories[code]
        name = rng.choice(names)
        if rng.random() < 0.0001:
            name = RARE_NAME
        quantity = Decimal(rng.randint(qlow, qhigh))
        unit_price = Decimal(rng.randint(low * 100, high * 100)) / 100
        year = acquired.year
        counters[year] = counters.get(year, 0) + 1
        status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
        room = rng.choice(data.rooms) if rng.random() < 0.97 else None
        equipment = code.startswith("A02")
        yield {
            "id": next_id,
            "created_at": datetime(year, acquired.month, acquired.day, 8, 0),
            "updated_at": datetime(year, acquired.month, acquired.day, 8, 0),
            "school_id": data.school.pk,
            "number": data.settings.format_number(year, counters[year]),
            "name": name,
            "category_id": category.pk,
            "kind": data.settings.kind_for(category, unit_price),
            "model": rng.choice(models),
            "brand": "",
            "serial_number": f"SN{secrets.token_hex(5).upper()}" if equipment else "",
            "quantity": quantity,
            "unit": category.default_unit,
            "unit_price": unit_price,
            "total_value": (quantity * unit_price).quantize(Decimal("0.01")),
            "funding_source": rng.choice(FUNDING),
            "acquisition_mode": "purchase" if rng.random() < 0.92 else "donation",
            "use_direction": "teaching",
            "acquired_on": acquired,
            "supplier": rng.choice(SUPPLIERS),
            "invoice_number": "",
            "warranty_until": acquired + timedelta(days=3 * 365) if equipment else None,
            "room_id": room,
            "department_id": rng.choice(data.departments) if data.departments else None,
            "custodian_id": rng.choice(data.staff) if rng.random() < 0.6 else None,
            "status": status,
            "useful_life_years": None,
            "notes": "",
            "qr_token": secrets.token_urlsafe(16)[:22],
            "accumulated_depreciation": Decimal("0"),
            "depreciated_through": None,
            "disposed_on": acquired + timedelta(days=2000) if status == "disposed" else None,
            "created_by_id": None,
        }
        next_id += 1


def secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's indexes that back no constraint."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [table],
    )
    return cursor.fetchall()


def generate(big: int, small: int, *, seed: int, echo) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from houqin.assets.models import Asset
    from houqin.assets.services import NUMBER_DOC_TYPE
    from houqin.core.models import NumberCounter
    from houqin.org.demo import SCHOOL_A, SCHOOL_B, build_demo

    started = time.perf_counter()
    schools = build_demo()
    data = [SchoolData(schools[SCHOOL_A]), SchoolData(schools[SCHOOL_B])]
    echo(
        f"demo schools built ({time.perf_counter() - started:.0f} s): "
        f"{len(data[0].rooms)} + {len(data[1].rooms)} rooms"
    )
    rng = random.Random(seed)
    today = timezone.localdate()
    table = Asset._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        indexes = secondary_indexes(cursor, table)
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        raw = cursor.cursor
        next_id = 1
        for school, count in zip(data, (big, small), strict=True):
            counters: dict[int, int] = {}
            chunk = []
            for row in asset_rows(
                rng, school, count, first_id=next_id, counters=counters, today=today
            ):
                chunk.append(row)
                if len(chunk) == 100_000:
                    common._copy(raw, Asset, chunk)
                    next_id += len(chunk)
                    chunk = []
                    echo(f"  copied {next_id - 1} assets ({time.perf_counter() - started:.0f} s)")
            if chunk:
                common._copy(raw, Asset, chunk)
                next_id += len(chunk)
            for year, value in counters.items():
                NumberCounter.objects.update_or_create(
                    school_id=school.school.pk,
                    doc_type=NUMBER_DOC_TYPE,
                    year=year,
                    defaults={"value": value},
                )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    loaded = time.perf_counter()
    echo(f"copied {next_id - 1} assets ({loaded - started:.0f} s); building {len(indexes)} indexes")
    # After the commit: the foreign-key checks of the load have run (deferred to it).
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, sql in indexes:
            t0 = time.perf_counter()
            cursor.execute(sql)
            echo(f"  {name} ({time.perf_counter() - t0:.0f} s)")
    return {
        "big_school_assets": big,
        "other_school_assets": small,
        "copy_seconds": round(loaded - started, 1),
        "index_seconds": round(time.perf_counter() - loaded, 1),
        "load_seconds": round(time.perf_counter() - started, 1),
    }


# ---------------------------------------------------------------- what is measured


def scenarios(big_school) -> list[tuple[str, str, str]]:
    from django.urls import reverse

    from houqin.assets.models import Asset, AssetCategory
    from houqin.org.models import Department, User

    lst = reverse("assets:asset_list")
    api = reverse("api:assets:asset-list")
    by_code = dict(AssetCategory.objects.filter(school=big_school).values_list("code", "pk"))
    assets = Asset.objects.filter(school=big_school)
    total = assets.count()
    middle = assets.order_by("pk").values("pk", "number", "room_id", "custodian_id", "model")[
        total // 2
    ]
    department = (
        Department.objects.filter(school=big_school).order_by("pk").values_list("pk", flat=True)[1]
    )
    director = User.objects.get(username="director").pk
    year = date.today().year - 3

    def q(**params):
        return "?" + urlencode(params)

    return [
        ("list: page 1 (active, newest numbers first)", lst, "list"),
        (
            "list: status + category (computers)",
            lst + q(status="in_use", category=by_code["A02010100"]),
            "list",
        ),
        (
            "list: status + category (equipment, with sub-classes)",
            lst + q(status="idle", category=by_code["A02000000"]),
            "list",
        ),
        ("list: category, rare (vehicles)", lst + q(category=by_code["A02030000"]), "list"),
        ("list: room", lst + q(room=middle["room_id"]), "list"),
        ("list: department", lst + q(department=department), "list"),
        ("list: custodian", lst + q(custodian=middle["custodian_id"] or director), "list"),
        ("list: value range 5,000-20,000", lst + q(value_min=5000, value_max=20000), "list"),
        (
            "list: value from 100,000, by value",
            lst + q(value_min=100000, sort="-total_value"),
            "list",
        ),
        (
            f"list: acquired in {year}",
            lst + q(acquired_after=f"{year}-01-01", acquired_before=f"{year}-12-31"),
            "list",
        ),
        ("list: funding source", lst + q(funding_source="捐赠"), "list"),
        (
            "list: status + category + room",
            lst + q(status="in_use", category=by_code["A02010100"], room=middle["room_id"]),
            "list",
        ),
        ("list: search name, common (计算机)", lst + q(q="计算机"), "list"),
        ("list: search name, rare (三角钢琴)", lst + q(q=RARE_NAME), "list"),
        ("list: search name, two characters (投影)", lst + q(q="投影"), "list"),
        ("list: search name, one character (琴)", lst + q(q="琴"), "list"),
        ("list: search number, exact", lst + q(q=middle["number"]), "list"),
        ("list: search number, prefix (year)", lst + q(q=middle["number"][:6]), "list"),
        ("list: search number, prefix (first 9)", lst + q(q=middle["number"][:9]), "list"),
        ("list: search model", lst + q(q="OptiPlex"), "list"),
        ("list: search + category", lst + q(q="投影仪", category=by_code["A02090000"]), "list"),
        ("list: sort by number, ascending", lst + q(sort="number"), "list"),
        ("list: sort by name", lst + q(sort="name"), "list"),
        ("list: sort by status", lst + q(sort="status"), "list"),
        ("list: sort by category", lst + q(sort="category"), "list"),
        ("list: sort by place", lst + q(sort="room"), "list"),
        ("list: sort by department", lst + q(sort="-department"), "list"),
        ("list: sort by custodian", lst + q(sort="custodian"), "list"),
        ("list: sort by value, highest first", lst + q(sort="-total_value"), "list"),
        ("list: sort by acquired, oldest first", lst + q(sort="acquired_on"), "list"),
        ("list: all statuses (active=)", lst + q(active=""), "list"),
        ("list: page 20", lst + q(page=20), "list"),
        ("list: deepest page (40)", lst + q(page=40), "list"),
        ("list: deepest page (40), sort by name", lst + q(page=40, sort="name"), "list"),
        ("list: htmx table fragment, page 2", lst + q(page=2), "list-htmx"),
        ("api: list, page 1", api, "list"),
        (
            "api: list, status + category",
            api + q(status="in_use", category=by_code["A02010100"]),
            "list",
        ),
        ("api: list, search name", api + q(q="计算机"), "list"),
        ("api: list, search number", api + q(q=middle["number"]), "list"),
        ("api: list, deepest page (40)", api + q(page=40), "list"),
        ("detail: an asset", reverse("assets:asset_detail", args=[middle["pk"]]), "detail"),
    ]


def target_for(kind: str) -> int | None:
    return {"list": LIST_TARGET_MS, "list-htmx": LIST_TARGET_MS, "detail": DETAIL_TARGET_MS}.get(
        kind
    )


def results_path(day: date) -> Path:
    out = RESULTS / f"assets-{day.isoformat()}.json"
    n = 1
    while out.exists():
        n += 1
        out = RESULTS / f"assets-{day.isoformat()}-{n}.json"
    return out


def database_has_assets(url: str) -> bool:
    import psycopg

    conn, name = common._admin(url)
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not exists:
        return False
    with psycopg.connect(url) as db:
        table = db.execute("SELECT to_regclass('assets_asset')").fetchone()[0]
        return (
            bool(table) and db.execute("SELECT EXISTS (SELECT 1 FROM assets_asset)").fetchone()[0]
        )


def run(args) -> int:
    echo = print
    load_before = [round(x, 2) for x in os.getloadavg()]
    reuse = args.reuse and database_has_assets(args.database)
    if not reuse:
        common.create_database(args.database)
    common.setup_django(args.database)
    common.target_for = target_for  # the table marks our targets
    from django.core.management import call_command
    from django.test import Client

    from houqin.org.demo import SCHOOL_A
    from houqin.org.models import School, User

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        echo(f"migrated ({time.perf_counter() - started:.0f} s)")
        if reuse:
            from houqin.assets.models import Asset

            big = School.objects.get(code=SCHOOL_A)
            data = {
                "reused": True,
                "big_school_assets": Asset.objects.filter(school=big).count(),
                "other_school_assets": Asset.objects.exclude(school=big).count(),
            }
        else:
            data = generate(args.assets, args.other_assets, seed=args.seed, echo=echo)
        common.vacuum_analyze(echo)
        big = School.objects.get(code=SCHOOL_A)
        client = Client()
        client.force_login(User.objects.get(username="director"))
        # Start the app as a WSGI worker does (houqin/wsgi.py), start-up objects frozen
        # out of the garbage collector's full passes.
        gc.collect()
        importlib.import_module("houqin.wsgi")
        results = []
        for name, url, kind in scenarios(big):
            if args.only and not any(word in name for word in args.only):
                continue
            headers = {}
            if kind == "list-htmx":
                headers = {"headers": {"HX-Request": "true", "HX-Target": "object-table"}}
            result = common.time_url(
                client,
                name,
                url,
                requests=args.requests,
                warmup=args.warmup,
                kind=kind,
                explain=args.explain,
                **headers,
            )
            results.append(result)
            if result.get("status") == 200:
                echo(
                    f"  {name}: median {result['median_ms']} ms, p95 {result['p95_ms']} ms, "
                    f"{result['queries']} queries, slowest {result['slowest_query_ms']} ms"
                )
            else:
                echo(f"  {name}: HTTP {result.get('status')}")
            if args.explain and result.get("slowest_plan"):
                echo(result["slowest_query"])
                echo(result["slowest_plan"])
        report = {
            "benchmark": "assets",
            "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": {**common.machine_facts(), "load_average_before": load_before},
            "data": data,
            "method": {
                "requests": args.requests,
                "warmup": args.warmup,
                "client": "django.test.Client, in process, logged in as the big school's "
                "logistics director; time from request to response, server side",
                "targets_p95_ms": {"lists": LIST_TARGET_MS, "detail": DETAIL_TARGET_MS},
            },
            "results": results,
        }
        echo("")
        machine = report["machine"]
        echo(
            f"{machine['cpu_count']} CPUs ({machine['cpu_model']}), PostgreSQL "
            f"{machine['postgresql']}, {data.get('big_school_assets')} + "
            f"{data.get('other_school_assets')} assets; load average "
            f"{machine['load_average_before'][0]} before, {machine['load_average_1_5_15'][0]} "
            "after (other processes share these CPUs)"
        )
        echo(
            "median/p95: server time per request (ms); sql: time in PostgreSQL; cpu: CPU time "
            "of this process; q: queries"
        )
        common.print_table(results, echo)
        if not args.only:
            RESULTS.mkdir(exist_ok=True)
            out = results_path(date.today())
            out.write_text(
                json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n",
                encoding="utf-8",
            )
            echo(f"\nwritten to {out.relative_to(ROOT)}")
        failed = [
            r
            for r in results
            if r.get("status") == 200
            and target_for(r["kind"])
            and r["p95_ms"] >= target_for(r["kind"])
        ]
        return 1 if failed and args.strict else 0
    finally:
        if not args.keep:
            common.drop_database(args.database)
            echo(f"dropped the database {args.database.rsplit('/', 1)[-1]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--assets", type=int, default=2_000_000, help="assets in the big school (default 2000000)"
    )
    parser.add_argument(
        "--other-assets",
        type=int,
        default=None,
        help="assets in the second school (default: a twentieth of --assets)",
    )
    parser.add_argument(
        "--database",
        default="postgres://postgres@127.0.0.1:5432/houqin_bench_assets",
        help="PostgreSQL URL; the database is dropped and created",
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="use the database as it is when it already has assets"
    )
    parser.add_argument(
        "--only",
        nargs="*",
        help="measure only requests whose name has one of these words (no results file)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN ANALYZE of each request's slowest query",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.other_assets is None:
        args.other_assets = args.assets // 20
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

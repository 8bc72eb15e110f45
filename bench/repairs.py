#!/usr/bin/env python
"""Repairs benchmark: N work orders on PostgreSQL, server time of the list, detail and dashboard.

    .venv/bin/python bench/repairs.py --orders 500000 \
        --database postgres://postgres@127.0.0.1:5432/houqin_bench

Creates the database (dropping one of that name first), migrates, builds the two demo schools
(``houqin.org.demo``), loads N orders into the big school and N/10 into the small one with
``COPY``, VACUUM ANALYZEs, then requests each page through Django's test client as the big
school's logistics director: a few warm-up requests, then ``--requests`` timed ones. Prints a
table and writes ``bench/results/repairs-<date>.json``. The database is dropped at the end
unless ``--keep``; ``--reuse`` skips the load when the database already has orders.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
# Targets of the issue (p95, ms).
LIST_TARGET_MS = 150
DASHBOARD_TARGET_MS = 500


# ---------------------------------------------------------------- the database


def _admin_conninfo(url: str) -> tuple[dict, str]:
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(url)
    name = info.get("dbname")
    if not name or name in ("postgres", "template0", "template1"):
        sys.exit("--database must name a database of its own (it is dropped and re-created)")
    return {**info, "dbname": "postgres"}, name


def _admin(url: str):
    import psycopg

    info, name = _admin_conninfo(url)
    return psycopg.connect(**info, autocommit=True), name


def database_has_orders(url: str) -> bool:
    import psycopg

    conn, name = _admin(url)
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not exists:
        return False
    with psycopg.connect(url) as db:
        table = db.execute("SELECT to_regclass('maintenance_workorder')").fetchone()[0]
        return (
            bool(table)
            and db.execute("SELECT EXISTS (SELECT 1 FROM maintenance_workorder)").fetchone()[0]
        )


def create_database(url: str) -> None:
    from psycopg import sql

    conn, name = _admin(url)
    with conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    conn, name = _admin(url)
    with conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "houqin.settings")
    # Plain HTTP through the test client; mail and tasks stay in the process.
    os.environ["HOUQIN_HTTPS"] = "0"
    os.environ["HOUQIN_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["HOUQIN_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # No collectstatic manifest here; the plain storage builds the same URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


# ---------------------------------------------------------------- the data


DETAILS = [
    "已经好几天了",
    "影响上课",
    "请尽快来修",
    "在门口左边",
    "靠窗第三排",
    "下午放学后可以来",
    "学生反映",
    "上周修过又坏了",
    "晚自习要用",
    "明天有公开课",
    "",
    "",
    "",
]
# One order in a thousand mentions a fire hydrant: a rare word for the free-text search.
RARE_WORD = "消防栓"
QR_NAMES = ["王老师", "李老师", "张同学", "陈阿姨", "刘老师", "赵老师", "保安"]
NOTES = ["靠窗第二排", "讲台旁边", "后门", "走廊尽头", "卫生间内", ""]
CATEGORY_WEIGHTS = {
    "water_power": 30,
    "air_conditioning": 15,
    "doors_windows": 18,
    "desks_chairs": 15,
    "multimedia": 12,
    "building": 6,
    "other": 4,
}
# Calendar hours (the SLA module counts working hours; for the bench the dues only need to be
# plausible and mostly in the past).
DUE_HOURS = {"urgent": (2, 24), "normal": (24, 30), "low": (48, 50)}


def _old_status(rng) -> str:
    """Orders older than two weeks: nearly all finished."""
    r = rng.random()
    for status, share in (
        ("closed", 0.862),
        ("cancelled", 0.05),
        ("rejected", 0.04),
        ("confirmed", 0.02),
        ("done", 0.008),
        ("on_hold", 0.008),
        ("in_progress", 0.005),
        ("assigned", 0.005),
    ):
        if r < share:
            return status
        r -= share
    return "submitted"


def _recent_status(rng) -> str:
    return rng.choices(
        [
            "submitted",
            "assigned",
            "in_progress",
            "on_hold",
            "done",
            "confirmed",
            "closed",
            "rejected",
            "cancelled",
        ],
        weights=[15, 20, 15, 5, 20, 5, 15, 3, 2],
    )[0]


def _created_times(rng, count: int, now: datetime, days: int) -> list[datetime]:
    """Report times over ``days``, on school days and working hours mostly."""
    out = []
    while len(out) < count:
        day = now - timedelta(days=rng.random() * days)
        if day.weekday() >= 5 and rng.random() < 0.85:
            continue
        moment = day.replace(hour=rng.randint(0, 9), minute=rng.randint(0, 59))  # UTC 8–17 local
        if moment < now:
            out.append(
                moment.replace(second=rng.randint(0, 59), microsecond=rng.randint(0, 999999))
            )
    return out


class SchoolData:
    """What orders of one school may point at: rooms, categories, people, contractor."""

    def __init__(self, school):
        from houqin.maintenance import services
        from houqin.maintenance.models import MaintenanceSettings
        from houqin.org.models import Company, Membership, Room
        from houqin.org.roles import Role

        self.school = school
        MaintenanceSettings.for_school(school)
        categories = services.ensure_categories(school)
        self.categories = [(c.pk, c.code) for c in categories]
        self.category_weights = [CATEGORY_WEIGHTS.get(code, 5) for _pk, code in self.categories]
        rooms = list(Room.objects.filter(school=school).values_list("pk", "room_type"))
        self.rooms = [pk for pk, _t in rooms]
        self.room_weights = [4 if t in ("classroom", "office") else 1 for _pk, t in rooms]
        members = Membership.objects.filter(school=school, is_active=True)
        self.workers = list(
            members.filter(roles__role=Role.WORKER).values_list("user_id", flat=True).distinct()
        )
        self.staff = list(members.values_list("user_id", flat=True).distinct())
        self.company = (
            Company.objects.filter(school=school)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        self.contractors = (
            list(members.filter(company_id=self.company).values_list("user_id", flat=True))
            if self.company
            else []
        )
        self.dispatcher = (
            members.filter(roles__role=Role.DIRECTOR).values_list("user_id", flat=True).first()
        )


def order_row(rng, data: SchoolData, created: datetime, now: datetime, problems, parts):
    """One order of this school reported at ``created``: (row, its part rows)."""
    recent = now - timedelta(days=14)
    code_index = rng.choices(range(len(data.categories)), weights=data.category_weights)[0]
    category_id, code = data.categories[code_index]
    title = rng.choice(problems.get(code) or problems["other"])
    detail = rng.choice(DETAILS)
    if rng.random() < 0.001:
        detail = f"{detail}，旁边的{RARE_WORD}也漏水"
    urgency = rng.choices(["urgent", "normal", "low"], weights=[12, 78, 10])[0]
    status = _recent_status(rng) if created > recent else _old_status(rng)
    requester = rng.choice(data.staff) if rng.random() < 0.7 else None
    respond_h, fix_h = DUE_HOURS[urgency]
    row = {
        "created_at": created,
        "school_id": data.school.pk,
        "title": title,
        "description": f"{title}，{detail}" if detail else title,
        "category_id": category_id,
        "urgency": urgency,
        "room_id": rng.choices(data.rooms, weights=data.room_weights)[0],
        "location_note": rng.choice(NOTES) if rng.random() < 0.2 else "",
        "source": ("web" if rng.random() < 0.6 else "api") if requester else "qr",
        "status": status,
        "requester_id": requester,
        "reporter_name": "" if requester else rng.choice(QR_NAMES),
        "reporter_phone": "" if requester else f"139{rng.randint(0, 99999999):08d}",
        "response_due": created + timedelta(hours=respond_h),
        "fix_due": created + timedelta(hours=fix_h),
    }
    moment = created
    # Rejected and cancelled orders were sometimes assigned first.
    if status != "submitted" and (status not in ("rejected", "cancelled") or rng.random() < 0.3):
        moment += timedelta(minutes=rng.expovariate(1 / 90))
        if data.company and rng.random() < 0.2:
            row["company_id"] = data.company
            if data.contractors and rng.random() < 0.5:
                row["assignee_id"] = rng.choice(data.contractors)
        else:
            row["assignee_id"] = rng.choice(data.workers or data.staff)
        row["assigned_at"] = row["responded_at"] = moment
    if status in ("in_progress", "on_hold", "done", "confirmed", "closed"):
        moment += timedelta(minutes=rng.expovariate(1 / 120))
        row["started_at"] = moment
    if status == "on_hold":
        row["hold_reason"] = "等待配件到货"
        row["hold_started_at"] = moment + timedelta(minutes=30)
    order_parts = []
    if status in ("done", "confirmed", "closed"):
        moment += timedelta(minutes=rng.expovariate(1 / 240))
        row["done_at"] = moment
        row["labour_minutes"] = rng.choice([15, 20, 30, 45, 60, 90, 120, 240])
        if row.get("company_id") and rng.random() < 0.5:
            row["outside_cost"] = Decimal(rng.randint(50, 2000))
        if parts.get(code) and rng.random() < 0.3:
            name, unit, cost = rng.choice(parts[code])
            order_parts.append(
                {
                    "name": name,
                    "quantity": Decimal(rng.randint(1, 3)),
                    "unit": unit,
                    "unit_cost": Decimal(cost),
                    "recorded_by_id": row.get("assignee_id") or data.dispatcher,
                }
            )
    if status in ("confirmed", "closed") and (status == "confirmed" or rng.random() < 0.6):
        moment += timedelta(hours=rng.expovariate(1 / 20))
        row["confirmed_at"] = moment
        if rng.random() < 0.8:
            row["rating"] = rng.choices([5, 4, 3, 2, 1], weights=[55, 28, 10, 4, 3])[0]
    if status == "closed":
        moment += timedelta(hours=rng.expovariate(1 / 48))
        row["closed_at"] = moment
    if status in ("rejected", "cancelled"):
        moment += timedelta(hours=rng.expovariate(1 / 4))
    if status in ("submitted", "assigned", "in_progress") and row["fix_due"] < now:
        row["escalated_at"] = row["fix_due"] + timedelta(minutes=10)
    row["updated_at"] = min(moment, now)
    return row, order_parts


def _copy(cursor, model, rows: list[dict]) -> None:
    """COPY ``rows`` into the model's table; a field a row leaves out gets its default."""
    # The id comes from its sequence unless the rows bring their own.
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and rows and f.attname not in rows[0])
    ]
    defaults = {}
    for f in fields:
        default = f.get_default()
        defaults[f.attname] = json.dumps(default) if isinstance(default, list | dict) else default
    columns = ", ".join(f'"{f.column}"' for f in fields)
    names = [f.attname for f in fields]
    with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[n] if n in row else defaults[n] for n in names])


def generate(big_orders: int, small_orders: int, *, seed: int, years: float, echo) -> dict:
    """Demo schools, then the orders of both schools by COPY, in report-time order."""
    from django.db import connection, transaction
    from django.utils import timezone

    from houqin.core.models import NumberCounter
    from houqin.core.numbering import format_number
    from houqin.maintenance.demo import PARTS, PROBLEMS
    from houqin.maintenance.models import PartUsage, WorkOrder
    from houqin.org.demo import SCHOOL_A, SCHOOL_B, build_demo

    started = time.perf_counter()
    schools = build_demo()
    big, small = SchoolData(schools[SCHOOL_A]), SchoolData(schools[SCHOOL_B])
    echo(
        f"demo schools built ({time.perf_counter() - started:.0f} s): "
        f"{len(big.rooms)} + {len(small.rooms)} rooms, {len(big.staff)} + {len(small.staff)} people"
    )

    rng = random.Random(seed)
    now = timezone.now()
    days = int(365 * years)
    plan = [(t, big) for t in _created_times(rng, big_orders, now, days)]
    plan += [(t, small) for t in _created_times(rng, small_orders, now, days)]
    plan.sort(key=lambda item: item[0])
    doc_type = WorkOrder.get_number_doc_type()
    counters: dict[tuple[int, int], int] = {}
    orders, parts = [], []
    next_id = (WorkOrder.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for created, data in plan:
        row, order_parts = order_row(rng, data, created, now, PROBLEMS, PARTS)
        year = timezone.localtime(created).year
        key = (data.school.pk, year)
        counters[key] = counters.get(key, 0) + 1
        row["id"] = next_id
        row["number"] = format_number(WorkOrder.number_prefix, year, counters[key])
        orders.append(row)
        for part in order_parts:
            parts.append(
                {
                    **part,
                    "order_id": next_id,
                    "school_id": data.school.pk,
                    "created_at": row["done_at"],
                    "updated_at": row["done_at"],
                }
            )
        next_id += 1
    echo(
        f"planned {len(orders)} orders, {len(parts)} parts ({time.perf_counter() - started:.0f} s)"
    )

    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        for start in range(0, len(orders), 100_000):
            _copy(raw, WorkOrder, orders[start : start + 100_000])
            echo(
                f"  copied {min(start + 100_000, len(orders))} orders "
                f"({time.perf_counter() - started:.0f} s)"
            )
        _copy(raw, PartUsage, parts)
        for table in (WorkOrder._meta.db_table, PartUsage._meta.db_table):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        for (school_id, year), value in counters.items():
            NumberCounter.objects.update_or_create(
                school_id=school_id, doc_type=doc_type, year=year, defaults={"value": value}
            )
    echo(f"copied ({time.perf_counter() - started:.0f} s)")
    return {
        "big_school_orders": big_orders,
        "other_school_orders": small_orders,
        "parts": len(parts),
        "years": years,
        "open_orders_big_school": sum(
            1
            for o in orders
            if o["school_id"] == big.school.pk
            and o["status"] in ("submitted", "assigned", "in_progress", "on_hold")
        ),
        "load_seconds": round(time.perf_counter() - started, 1),
    }


def vacuum_analyze(echo) -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Like autovacuum would have by now: statistics, and a visibility map for index-only scans.
        cursor.execute("VACUUM ANALYZE")
    echo(f"VACUUM ANALYZE ({time.perf_counter() - started:.0f} s)")


def live_orders(big_school, echo) -> dict:
    """Two orders made through the services (timeline, notifications): for the detail page."""
    from houqin.maintenance import services
    from houqin.org.models import Room, User

    director = User.objects.get(username="director")
    worker = User.objects.get(username="worker")
    teacher = User.objects.get(username="teacher")
    room = Room.objects.filter(school=big_school).order_by("pk").first()
    category = services.ensure_categories(big_school)[0]
    order = services.report(
        school=big_school,
        by=teacher,
        room=room,
        category=category,
        description="日光灯不亮，基准测试",
        urgency="urgent",
    )
    services.assign(order, by=director, worker=worker)
    return {"open": order.pk}


# ---------------------------------------------------------------- timing


class QueryMeter:
    """Counts queries and their time (execute_wrapper), per request."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.slowest: tuple[float, str] = (0.0, "")

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - t0
            self.count += 1
            self.seconds += spent
            if spent > self.slowest[0]:
                self.slowest = (spent, _inline(sql, params))

    def reset(self):
        self.count, self.seconds, self.slowest = 0, 0.0, (0.0, "")


def _inline(sql: str, params) -> str:
    """The statement with its parameters written in (for EXPLAIN and the report)."""
    if not params:
        return sql
    if isinstance(params, dict):
        return sql % {name: _quote(value) for name, value in params.items()}
    return sql % tuple(_quote(p) for p in params)


def _quote(value):
    if isinstance(value, int | float | Decimal):
        return str(value)
    if value is None:
        return "NULL"
    if isinstance(value, list | tuple):
        return "ARRAY[" + ", ".join(_quote(v) for v in value) + "]"
    return "'" + str(value).replace("'", "''") + "'"


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


@contextmanager
def metered():
    from django.db import connection

    meter = QueryMeter()
    with connection.execute_wrapper(meter):
        yield meter


def time_url(client, name, url, *, requests, warmup, kind, explain=False, headers=None):
    headers = headers or {}
    with metered() as meter:
        first = client.get(url, **headers)
        if first.status_code != 200:
            return {"name": name, "url": url, "kind": kind, "status": first.status_code}
        for _ in range(max(0, warmup - 1)):
            client.get(url, **headers)
        samples, sql, counts, cpu = [], [], [], []
        slowest = (0.0, "")
        for _ in range(requests):
            meter.reset()
            c0, t0 = time.process_time(), time.perf_counter()
            response = client.get(url, **headers)
            samples.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            sql.append(meter.seconds * 1000)
            counts.append(meter.count)
            slowest = max(slowest, meter.slowest)
            assert response.status_code == 200, (url, response.status_code)
    result = {
        "name": name,
        "url": url,
        "kind": kind,
        "status": 200,
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 95), 1),
        "min_ms": round(min(samples), 1),
        "max_ms": round(max(samples), 1),
        "sql_median_ms": round(statistics.median(sql), 1),
        # CPU time of this (Python) process: what the request costs the app server, without
        # the waits for PostgreSQL or for a CPU other processes hold.
        "python_cpu_median_ms": round(statistics.median(cpu), 1),
        "queries": max(counts),
        "slowest_query_ms": round(slowest[0] * 1000, 1),
        "bytes": len(response.content),
    }
    if explain and slowest[1]:
        result["slowest_query"] = slowest[1]
        result["slowest_plan"] = explain_sql(slowest[1])
    return result


def explain_sql(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def scenarios(big_school, live: dict) -> list[tuple[str, str, str]]:
    """(name, url, kind) for each measured request; kind picks the target."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from houqin.maintenance.models import RepairCategory, WorkOrder
    from houqin.org.models import User

    lst = reverse("maintenance:workorder_list")
    api = reverse("api:maintenance:workorder-list")
    water = RepairCategory.objects.get(school=big_school, code="water_power").pk
    aircon = RepairCategory.objects.get(school=big_school, code="air_conditioning").pk
    orders = WorkOrder.objects.filter(school=big_school)
    total = orders.count()
    last_page = max(1, math.ceil(total / 50))
    worker = User.objects.get(username="worker").pk
    middle = orders.order_by("pk").values_list("number", "room_id")[total // 2]
    room = middle[1]
    closed_with_parts = (
        orders.filter(status="closed", parts__isnull=False)
        .order_by("-pk")
        .values_list("pk", flat=True)[500]
    )
    today = timezone.localdate()
    quarter_ago = today - timedelta(days=90)
    year_ago = date(today.year - 1, 3, 1)

    def q(**params):
        pairs = []
        for key, value in params.items():
            values = value if isinstance(value, list) else [value]
            pairs += [(key, v) for v in values]
        return "?" + urlencode(pairs)

    out = [
        ("list: page 1, default sort (newest first)", lst, "list"),
        (
            "list: open + category + text",
            lst + q(open_only="true", category=water, q="漏水"),
            "list",
        ),
        (
            "list: status + category + sort by place",
            lst + q(status="closed", category=aircon, sort="room"),
            "list",
        ),
        ("list: text, common word", lst + q(q="空调"), "list"),
        ("list: text, rare word", lst + q(q=RARE_WORD), "list"),
        ("list: text, order number", lst + q(q=middle[0]), "list"),
        ("list: text, two characters, rare", lst + q(q="阿姨"), "list"),
        ("list: text, three characters, common", lst + q(q="关不上"), "list"),
        ("list: text, one character", lst + q(q="灯"), "list"),
        ("list: sort by number", lst + q(sort="number"), "list"),
        ("list: sort by status", lst + q(sort="status"), "list"),
        ("list: sort by urgency", lst + q(sort="urgency"), "list"),
        ("list: sort by category", lst + q(sort="category"), "list"),
        ("list: sort by place", lst + q(sort="room"), "list"),
        ("list: sort by assignee", lst + q(sort="assignee"), "list"),
        ("list: sort by reported, oldest first", lst + q(sort="created_at"), "list"),
        ("list: page 100", lst + q(page=100), "list"),
        ("list: deepest page (200)", lst + q(page=200), "list"),
        (f"list: page {last_page} (past the deepest)", lst + q(page=last_page), "list"),
        ("list: overdue", lst + q(overdue="true"), "list"),
        ("list: urgent + open", lst + q(urgency="urgent", open_only="true"), "list"),
        ("list: assignee (worker)", lst + q(assignee=worker), "list"),
        ("list: place", lst + q(room=room), "list"),
        (
            "list: reported in the last 90 days",
            lst + q(created_after=quarter_ago.isoformat(), created_before=today.isoformat()),
            "list",
        ),
        (
            "list: reported in one month a year ago",
            lst
            + q(
                created_after=year_ago.isoformat(),
                created_before=(year_ago + timedelta(days=30)).isoformat(),
            ),
            "list",
        ),
        ("list: htmx table fragment, page 2", lst + q(page=2), "list-htmx"),
        ("api: list, page 1", api, "list"),
        ("api: list, status submitted", api + q(status="submitted"), "list"),
        (
            "api: list, open + category + text",
            api + q(open_only="true", category=water, q="漏水"),
            "list",
        ),
        ("api: list, deepest page (200)", api + q(page=200), "list"),
        (
            "detail: closed order with parts",
            reverse("maintenance:workorder_detail", args=[closed_with_parts]),
            "detail",
        ),
        (
            "detail: open order (actions, timeline)",
            reverse("maintenance:workorder_detail", args=[live["open"]]),
            "detail",
        ),
    ]
    try:
        out.append(("dashboard", reverse("maintenance:dashboard"), "dashboard"))
    except NoReverseMatch:
        out.append(("dashboard", "", "dashboard"))
    return out


def machine_facts() -> dict:
    import django
    from django.db import connection

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = round(pages / 2**30, 1)
    except (ValueError, OSError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', "
            "'work_mem', 'effective_cache_size', 'max_parallel_workers_per_gather', "
            "'random_page_cost', 'jit')"
        )
        pg_settings = {
            name: f"{setting}{' × ' + unit if unit else ''}"
            for name, setting, unit in cursor.fetchall()
        }
    return {
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": memory,
        "postgresql": pg_version,
        "postgresql_settings": pg_settings,
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(),
    }


def results_path(day: date) -> Path:
    """``repairs-<date>.json``, or ``repairs-<date>-2.json``… when a run of that day is kept."""
    out = RESULTS / f"repairs-{day.isoformat()}.json"
    n = 1
    while out.exists():
        n += 1
        out = RESULTS / f"repairs-{day.isoformat()}-{n}.json"
    return out


def target_for(kind: str) -> int | None:
    return {
        "list": LIST_TARGET_MS,
        "list-htmx": LIST_TARGET_MS,
        "dashboard": DASHBOARD_TARGET_MS,
    }.get(kind)


def print_table(results: list[dict], echo) -> None:
    header = (
        f"{'request':<48} {'median':>8} {'p95':>8} {'target':>7} {'sql':>7} {'cpu':>7} {'q':>3}  ok"
    )
    echo(header)
    echo("-" * len(header))
    for r in results:
        if r.get("status") != 200:
            echo(f"{r['name']:<48} {'not available (HTTP ' + str(r.get('status')) + ')':>30}")
            continue
        target = target_for(r["kind"])
        ok = "" if target is None else ("yes" if r["p95_ms"] < target else "NO")
        echo(
            f"{r['name'][:48]:<48} {r['median_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{target or '':>7} {r['sql_median_ms']:>7.1f} {r['python_cpu_median_ms']:>7.1f} "
            f"{r['queries']:>3}  {ok}"
        )


def run(args) -> int:
    echo = print
    load_before = [round(x, 2) for x in os.getloadavg()]
    reuse = args.reuse and database_has_orders(args.database)
    if not reuse:
        create_database(args.database)
    setup_django(args.database)
    from django.core.management import call_command
    from django.test import Client

    from houqin.org.demo import SCHOOL_A
    from houqin.org.models import School, User

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        echo(f"migrated ({time.perf_counter() - started:.0f} s)")
        if reuse:
            from houqin.maintenance.models import WorkOrder

            big = School.objects.get(code=SCHOOL_A)
            data = {
                "reused": True,
                "big_school_orders": WorkOrder.objects.filter(school=big).count(),
                "other_school_orders": WorkOrder.objects.exclude(school=big).count(),
            }
        else:
            data = generate(
                args.orders, args.other_orders, seed=args.seed, years=args.years, echo=echo
            )
        vacuum_analyze(echo)
        big = School.objects.get(code=SCHOOL_A)
        live = live_orders(big, echo)
        client = Client()
        client.force_login(User.objects.get(username="director"))
        # Start the app as a WSGI worker does (houqin/wsgi.py), start-up objects frozen
        # out of the garbage collector's full passes.
        gc.collect()
        importlib.import_module("houqin.wsgi")
        results = []
        for name, url, kind in scenarios(big, live):
            if args.only and not any(word in name for word in args.only):
                continue
            if not url:
                results.append({"name": name, "url": url, "kind": kind, "status": "no URL"})
                continue
            headers = {}
            if kind == "list-htmx":
                headers = {"headers": {"HX-Request": "true", "HX-Target": "object-table"}}
            result = time_url(
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
            "benchmark": "repairs",
            "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": {**machine_facts(), "load_average_before": load_before},
            "data": data,
            "method": {
                "requests": args.requests,
                "warmup": args.warmup,
                "client": "django.test.Client, in process, logged in as the big school's "
                "logistics director; time from request to response, server side",
                "targets_p95_ms": {"lists": LIST_TARGET_MS, "dashboard": DASHBOARD_TARGET_MS},
            },
            "results": results,
        }
        echo("")
        machine = report["machine"]
        echo(
            f"{machine['cpu_count']} CPUs ({machine['cpu_model']}), PostgreSQL "
            f"{machine['postgresql']}, {data.get('big_school_orders')} + "
            f"{data.get('other_school_orders')} orders; load average "
            f"{machine['load_average_before'][0]} before, {machine['load_average_1_5_15'][0]} "
            "after (other processes share these CPUs)"
        )
        echo(
            "median/p95: server time per request (ms); sql: time in PostgreSQL; cpu: CPU time "
            "of this process; q: queries"
        )
        print_table(results, echo)
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
            drop_database(args.database)
            echo(f"dropped the database {args.database.rsplit('/', 1)[-1]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--orders", type=int, default=500_000, help="orders in the big school (default 500000)"
    )
    parser.add_argument(
        "--other-orders",
        type=int,
        default=None,
        help="orders in the second school (default: a tenth of --orders)",
    )
    parser.add_argument(
        "--database",
        default="postgres://postgres@127.0.0.1:5432/houqin_bench",
        help="PostgreSQL URL; the database is dropped and created",
    )
    parser.add_argument("--years", type=float, default=3.0, help="years the orders span")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the database as it is when it already has orders (implies nothing about --keep)",
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
    if args.other_orders is None:
        args.other_orders = args.orders // 10
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

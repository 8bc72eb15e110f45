#!/usr/bin/env python
"""Depreciation benchmark: the monthly run and the ledger report with N assets on PostgreSQL.

    .venv/bin/python bench/assets_depreciation.py --assets 2000000 \
        --database postgres://postgres@127.0.0.1:5432/houqin_bench_depreciation

Creates the database (dropping one of that name first), migrates, makes a school with a
category tree (lives of 5 to 50 years, plus relics, books and land that are not depreciated),
40 departments and four funding sources, and loads N assets into it (and N/10 into a second
school, so scoping matters) with ``INSERT … SELECT generate_series`` — acquired over 25 years,
one in nineteen disposed of, one in twenty a low-value item, one in fifty with its own life.
After ``VACUUM ANALYZE`` it times, in the big school:

1. the first run of a month (every asset's figure is written);
2. the same month again (idempotent: nothing should be written);
3. the next month (the usual monthly run);
4. the ledger report: a year by category, by top class, by department, a month by funding
   source, and the ledger page through Django's test client as the finance officer.

Prints a table and writes ``bench/results/assets-depreciation-<date>.json``. The point: the
run is set-based and must not collapse at two million assets (other registers post one
journal line per asset). The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(BENCH))

import repairs  # noqa: E402  (reuses its database and machine helpers)

LIVES = {  # code: (name, years or None when not depreciated, parent code)
    "A01": ("房屋和构筑物", 50, None),
    "A0101": ("教学用房", 50, "A01"),
    "A0102": ("简易房", 8, "A01"),
    "A02": ("设备", 10, None),
    "A0201": ("计算机设备", 6, "A02"),
    "A0202": ("办公设备", 6, "A02"),
    "A0203": ("车辆", 8, "A02"),
    "A0204": ("教学仪器", 5, "A02"),
    "A03": ("文物和陈列品", None, None),
    "A04": ("图书和档案", None, None),
    "A05": ("家具和用具", 15, None),
    "A0501": ("学生课桌椅", 5, "A05"),
    "A0502": ("办公家具", 15, "A05"),
    "A06": ("土地", None, None),
}
FUNDING = ["财政拨款", "自筹", "专项资金", "捐赠"]
NAMES = ["台式计算机", "投影仪", "办公桌", "空调", "打印机", "课桌椅", "实验台", "钢琴"]


def make_school(code: str, name: str) -> dict:
    from houqin.assets.models import AssetCategory
    from houqin.org.models import Department, School

    school = School.objects.create(code=code, name=name)
    categories = {}
    for cat_code, (cat_name, years, parent) in LIVES.items():
        categories[cat_code] = AssetCategory.objects.create(
            school=school,
            code=cat_code,
            name=cat_name,
            useful_life_years=years,
            depreciates=years is not None,
            parent=categories.get(parent),
        )
    departments = [
        Department.objects.create(school=school, name=f"处室{i:02d}").pk for i in range(40)
    ]
    # Leaves get most assets; top classes a few (as schools file them).
    leaves = [c.pk for code, c in categories.items() if len(code) > 3]
    tops = [c.pk for code, c in categories.items() if len(code) == 3]
    return {"school": school, "categories": leaves * 4 + tops, "departments": departments}


def load_assets(data: dict, count: int, prefix: str, echo, chunk=250_000) -> None:
    """``count`` assets by ``INSERT … SELECT generate_series`` (in the database, no Python
    loop), in chunks so progress shows."""
    from django.db import connection

    from houqin.assets.models import Asset

    school = data["school"]
    exprs = {
        "school_id": str(school.pk),
        "number": f"'{prefix}' || lpad(i::text, 9, '0')",
        "name": f"(ARRAY{NAMES!r})[1 + i % {len(NAMES)}]",
        "category_id": f"(ARRAY{data['categories']!r})[1 + (i * 7) % {len(data['categories'])}]",
        "kind": "CASE WHEN i % 20 = 0 THEN 'low_value' ELSE 'fixed' END",
        "model": "''",
        "brand": "''",
        "serial_number": "''",
        "quantity": "1",
        "unit": "'台'",
        "unit_price": "v",
        "total_value": "v",
        "funding_source": f"(ARRAY{FUNDING!r})[1 + i % {len(FUNDING)}]",
        "acquisition_mode": "'purchase'",
        "use_direction": "'teaching'",
        "acquired_on": "acquired",
        "supplier": "''",
        "invoice_number": "''",
        "warranty_until": "NULL",
        "room_id": "NULL",
        "department_id": f"(ARRAY{data['departments']!r})[1 + (i * 13) % {len(data['departments'])}]",
        "custodian_id": "NULL",
        "status": "CASE WHEN disposed IS NULL THEN 'in_use' ELSE 'disposed' END",
        "useful_life_years": "CASE WHEN i % 50 = 0 THEN 12 ELSE NULL END",
        "notes": "''",
        "qr_token": f"md5('{prefix}' || i::text)",
        "accumulated_depreciation": "0",
        "depreciated_through": "NULL",
        "disposed_on": "disposed",
        "created_by_id": "NULL",
        "created_at": "now()",
        "updated_at": "now()",
    }
    columns = [f.column for f in Asset._meta.concrete_fields if f.column != "id"]
    missing = set(columns) - set(exprs)
    if missing:
        sys.exit(f"the bench does not know how to fill {sorted(missing)}")
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(exprs[c] for c in columns)
    # Values from ¥300 to ¥50,299.99, acquisition dates over 25 years (to October 2026), one in
    # nineteen disposed of up to eight years later (not after October 2026).
    source = """
        SELECT i, v, acquired,
               CASE WHEN i % 19 = 0
                    THEN LEAST(acquired + (i % 2900), DATE '2026-10-31') END AS disposed
        FROM (
            SELECT i,
                   ROUND((300 + ((i::bigint * 2654435761) % 5000000) / 100.0)::numeric, 2) AS v,
                   DATE '2001-11-01' + ((i::bigint * 48271) % 9130)::int AS acquired
            FROM generate_series(%s, %s) AS i
        ) AS s
    """
    sql = f'INSERT INTO "{Asset._meta.db_table}" ({names}) SELECT {values} FROM ({source}) AS t'
    sql = sql.replace("%", "%%").replace("%%s", "%s")  # the modulo operator, not placeholders
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for first in range(1, count + 1, chunk):
            last = min(first + chunk - 1, count)
            cursor.execute(sql, [first, last])
            echo(f"  {prefix}: {last:,} assets ({time.perf_counter() - started:.0f} s)")


def vacuum_analyze(echo) -> dict:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE assets_asset")
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('assets_asset'))")
        size = cursor.fetchone()[0]
    echo(f"VACUUM ANALYZE ({time.perf_counter() - started:.0f} s), table {size}")
    return {"table_size": size}


class SqlTimer:
    """Counts queries and the time spent in the database (a connection execute wrapper)."""

    def __init__(self):
        self.queries, self.seconds, self.slowest = 0, 0.0, (0.0, "")

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.queries += 1
            self.seconds += spent
            if spent > self.slowest[0]:
                self.slowest = (spent, sql[:300])


def timed(name, func, echo):
    from django.db import connection

    timer = SqlTimer()
    cpu = time.process_time()
    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        outcome = func()
    wall = time.perf_counter() - started
    result = {
        "name": name,
        "seconds": round(wall, 2),
        "sql_seconds": round(timer.seconds, 2),
        "python_cpu_seconds": round(time.process_time() - cpu, 2),
        "queries": timer.queries,
        "slowest_query_seconds": round(timer.slowest[0], 2),
        "slowest_query": timer.slowest[1],
    }
    if isinstance(outcome, dict):
        result.update(outcome)
    echo(
        f"  {name}: {wall:.1f} s ({timer.seconds:.1f} s SQL, {timer.queries} queries)"
        + "".join(f", {k} {v}" for k, v in (outcome or {}).items())
    )
    return result


def scenarios(school, finance, echo) -> list[dict]:
    from django.test import Client
    from django.urls import reverse

    from houqin.assets import depreciation as rules
    from houqin.assets import reports_ledger, services_ledger

    today = services_ledger.school_today(school)
    first, second, third = (rules.add_months(today, n) for n in (-3, -2, -1))
    results = []

    def run(month):
        def go():
            lives = services_ledger._category_lives(school)
            through = max(
                month,
                services_ledger.DepreciationRun.objects.filter(school=school)
                .order_by("-period")
                .values_list("period", flat=True)
                .first()
                or month,
            )
            # What the run's UPDATE will write (counted apart, in its own query).
            run = services_ledger.run_depreciation(school=school, month=month)
            return {
                "assets_depreciated": run.asset_count,
                "amount": str(run.total_amount),
                "entries": run.entries.count(),
                "through": f"{through:%Y-%m}",
                "categories_by_life": {str(k): len(v) for k, v in sorted(lives.items())},
            }

        return go

    def updated_rows():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables "
                "WHERE relname = 'assets_asset'"
            )
            return cursor.fetchone()

    def step(name, func):
        before = updated_rows()
        result = timed(name, func, echo)
        after = updated_rows()
        # The statistics collector may lag a moment; good enough for a rough share.
        result["rows_updated"] = after[0] - before[0]
        result["hot_updates"] = after[1] - before[1]
        results.append(result)

    step(f"run: {first:%Y-%m}, first run (every figure written)", run(first))

    def rerun():
        lives = services_ledger._category_lives(school)
        written = services_ledger._store_accumulated(school, first, lives)
        again = services_ledger.run_depreciation(school=school, month=first)
        return {"rows_needing_a_write": written, "amount": str(again.total_amount)}

    step(f"run: {first:%Y-%m} again (idempotent)", rerun)
    step(f"run: {second:%Y-%m} (a monthly run)", run(second))
    results.append(
        timed(
            "VACUUM ANALYZE (as autovacuum would in a month)",
            lambda: vacuum_analyze(lambda *_: None),
            echo,
        )
    )
    step(f"run: {third:%Y-%m} (a monthly run, after a vacuum)", run(third))

    def report(by, period):
        def go():
            out = reports_ledger.ledger(school, period, by=by)
            return {
                "rows": len(out.rows),
                "closing_value": str(out.total.closing_value),
                "net_book_value": str(out.total.net_book_value),
            }

        return go

    last_year = today.year - 1
    year = reports_ledger.make_period(
        "year", date(last_year, 1, 1), date(last_year, 12, 31), str(last_year), today=today
    )
    month = reports_ledger.make_period("month", third, third, f"{third:%Y-%m}", today=today)
    results.append(timed(f"ledger: {last_year} by category", report("category", year), echo))
    results.append(timed(f"ledger: {last_year} by top class", report("class", year), echo))
    results.append(timed(f"ledger: {last_year} by department", report("department", year), echo))
    results.append(
        timed(f"ledger: {third:%Y-%m} by funding source", report("funding", month), echo)
    )

    client = Client()
    client.force_login(finance)

    def page():
        response = client.get(reverse("assets:ledger") + f"?period=year&year={last_year}")
        return {"status": response.status_code, "bytes": len(response.content)}

    results.append(timed(f"ledger page: {last_year} by category (finance)", page, echo))
    return results


def run(args) -> int:
    echo = print
    load_before = [round(x, 2) for x in os.getloadavg()]
    repairs.create_database(args.database)
    repairs.setup_django(args.database)
    from django.core.management import call_command

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        echo(f"migrated ({time.perf_counter() - started:.0f} s)")
        from houqin.factories import member

        big = make_school("bench-a", "宁波市基准第一中学")
        other = make_school("bench-b", "宁波市基准第二中学")
        finance = member(big["school"], "finance", username="finance")
        started = time.perf_counter()
        load_assets(big, args.assets, "A", echo)
        load_assets(other, args.other_assets, "B", echo)
        loaded = round(time.perf_counter() - started, 1)
        if args.fillfactor:
            from django.db import connection

            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE assets_asset SET (fillfactor = {args.fillfactor})")
                cursor.execute("VACUUM FULL assets_asset")
            echo(
                f"fillfactor {args.fillfactor}, table rewritten ({time.perf_counter() - started:.0f} s)"
            )
        vacuum_analyze(echo)
        data = {
            "big_school_assets": args.assets,
            "other_school_assets": args.other_assets,
            "categories": len(LIVES),
            "departments": 40,
            "funding_sources": len(FUNDING),
            "load_seconds": loaded,
            "fillfactor": args.fillfactor or "default (100)",
            "shape": "acquired 2001-11 to 2026-10; 1 in 19 disposed of; 1 in 20 low-value; "
            "1 in 50 with its own life (12 years); values ¥300–¥50,300",
        }
        results = scenarios(big["school"], finance, echo)
        report = {
            "benchmark": "assets-depreciation",
            "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": {**repairs.machine_facts(), "load_average_before": load_before},
            "data": data,
            "method": "each step once, in order, in process (services and reports called "
            "directly; the page through django.test.Client); seconds of wall time, of it in "
            "PostgreSQL, and CPU of this process",
            "results": results,
        }
        echo("")
        echo(f"{'step':<45} {'seconds':>8} {'sql':>8} {'cpu':>8} {'q':>4}")
        for r in results:
            echo(
                f"{r['name'][:45]:<45} {r['seconds']:>8.1f} {r['sql_seconds']:>8.1f} "
                f"{r['python_cpu_seconds']:>8.1f} {r['queries']:>4}"
            )
        RESULTS.mkdir(exist_ok=True)
        suffix = f"-ff{args.fillfactor}" if args.fillfactor else ""
        out = RESULTS / f"assets-depreciation-{date.today().isoformat()}{suffix}.json"
        out.write_text(
            json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
        )
        echo(f"\nwritten to {out.relative_to(ROOT)}")
        return 0
    finally:
        if not args.keep:
            repairs.drop_database(args.database)
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
        help="assets in the second school (default: a tenth of --assets)",
    )
    parser.add_argument(
        "--database",
        default="postgres://postgres@127.0.0.1:5432/houqin_bench_depreciation",
        help="PostgreSQL URL; the database is dropped and created",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--fillfactor",
        type=int,
        default=None,
        help="set the asset table's fillfactor after the load (e.g. 70: room on each page "
        "for the monthly update to be HOT, without touching the indexes)",
    )
    args = parser.parse_args(argv)
    if args.other_assets is None:
        args.other_assets = args.assets // 10
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Ledger import benchmark: a 50,000-row asset ledger, as xlsx and as GBK CSV, imported through
the same services as the import pages, history included.

    .venv/bin/python bench/assets_import.py                      # SQLite (a fresh file)
    .venv/bin/python bench/assets_import.py \
        --database postgres://postgres@127.0.0.1:5432/houqin_bench_import

Creates the database (a new SQLite file, or the PostgreSQL database named in ``--database``,
dropping one of that name first), migrates, builds the demo schools (``houqin.org.demo``),
writes the two files with ``scripts/make_sample_ledger.py``'s rows, then for each file times
the steps a clerk takes: upload (read the file, find the header row, suggest the mapping),
check (every row: the preview), import (``start_import``: the background task, run in process,
checks the file again and writes every asset with its "created" history row in one
transaction). Prints a table and writes ``bench/results/assets-import-<date>-<database>.json``. The
database and the temporary directory (files, media, SQLite file) are removed at the end
unless ``--keep``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_SECONDS = 15.0


def _sample_module():
    spec = importlib.util.spec_from_file_location(
        "make_sample_ledger", ROOT / "scripts" / "make_sample_ledger.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the database


def _pg_admin(url: str):
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(url)
    name = info.get("dbname")
    if not name or name in ("postgres", "template0", "template1"):
        sys.exit("--database must name a database of its own (it is dropped and re-created)")
    return psycopg.connect(**{**info, "dbname": "postgres"}, autocommit=True), name


def create_database(url: str) -> None:
    from psycopg import sql

    conn, name = _pg_admin(url)
    with conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    conn, name = _pg_admin(url)
    with conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def setup_django(url: str, var_dir: Path) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["HOUQIN_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "houqin.settings")
    os.environ["HOUQIN_HTTPS"] = "0"
    os.environ["HOUQIN_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    # The import task runs in this process, as db_worker would run it.
    os.environ["HOUQIN_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


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
    with contextlib.suppress(ValueError, OSError):
        memory = round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL)"
    return {
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": memory,
        "database": database,
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(),
    }


# ---------------------------------------------------------------- timing


def database_cpu() -> float:
    """CPU seconds the PostgreSQL backend serving this process has used (0 on SQLite, whose
    work is in this process's own CPU time). Read from /proc: the server is on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Phases:
    """Wall time of the import's inner steps (checking, writing), taken by wrapping them."""

    def __init__(self):
        self.times: dict[str, float] = {}

    def wrap(self, module, name: str, label: str):
        original = getattr(module, name)

        def timed(*args, **kwargs):
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.times[label] = self.times.get(label, 0.0) + time.perf_counter() - started
                self.times[f"{label}_cpu"] = (
                    self.times.get(f"{label}_cpu", 0.0) + time.process_time() - cpu
                )

        setattr(module, name, timed)


def import_file(school, by, data: bytes, name: str, phases: Phases) -> dict:
    from django.core.files.base import ContentFile

    from houqin.assets.ledger_import import services
    from houqin.assets.models import Asset

    before = Asset.objects.filter(school=school).count()
    phases.times.clear()
    cpu = [time.process_time()]
    db_cpu = [database_cpu()]
    started = time.perf_counter()
    imp = services.upload_ledger(school=school, by=by, file=ContentFile(data, name=name))
    uploaded = time.perf_counter()
    cpu.append(time.process_time())
    db_cpu.append(database_cpu())
    check = services.choose_columns(imp, by=by, mapping=imp.mapping)
    checked = time.perf_counter()
    cpu.append(time.process_time())
    db_cpu.append(database_cpu())
    if not check.ok:
        raise SystemExit(f"{name}: {len(check.errors)} errors, e.g. {check.errors[:3]}")
    imp.refresh_from_db()
    phases.times.clear()  # from here on, the inner steps of the import itself
    imp = services.start_import(imp, by=by)
    imported = time.perf_counter()
    cpu.append(time.process_time())
    db_cpu.append(database_cpu())
    imp.refresh_from_db()
    if imp.status != "done":
        raise SystemExit(f"{name}: import ended {imp.status}: {imp.message}")
    assets = Asset.objects.filter(school=school).count() - before
    history = Asset.history.filter(school=school, history_type="+").count()
    return {
        "file": name,
        "bytes": len(data),
        "rows": imp.total_rows,
        "assets_created": assets,
        "history_rows_total": history,
        "numbers_generated": imp.new_names.get("summary", {}).get("blank_numbers"),
        "places_created": len(imp.new_names.get("rooms", {})),
        "departments_created": len(imp.new_names.get("departments", {})),
        "seconds": {
            "upload": round(uploaded - started, 2),
            "check_preview": round(checked - uploaded, 2),
            "import": round(imported - checked, 2),
            "import_checking": round(phases.times.get("checking", 0), 2),
            "import_writing": round(phases.times.get("writing", 0), 2),
            "total": round(imported - started, 2),
        },
        # CPU time of this process (the database's own work on PostgreSQL is not in it): on a
        # busy machine wall time is mostly waiting for a core, and these show the work itself.
        "cpu_seconds": {
            "upload": round(cpu[1] - cpu[0], 2),
            "check_preview": round(cpu[2] - cpu[1], 2),
            "import": round(cpu[3] - cpu[2], 2),
            "import_checking": round(phases.times.get("checking_cpu", 0), 2),
            "import_writing": round(phases.times.get("writing_cpu", 0), 2),
            "total": round(cpu[3] - cpu[0], 2),
        },
        # CPU of the PostgreSQL backend (the server's share of the work; 0 on SQLite).
        "database_cpu_seconds": {
            "upload": round(db_cpu[1] - db_cpu[0], 2),
            "check_preview": round(db_cpu[2] - db_cpu[1], 2),
            "import": round(db_cpu[3] - db_cpu[2], 2),
            "total": round(db_cpu[3] - db_cpu[0], 2),
        },
    }


def run(args) -> int:
    sample = _sample_module()
    workdir = Path(tempfile.mkdtemp(prefix="houqin-import-bench-"))
    url = args.database or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if url.startswith("postgres"):
        create_database(url)
    setup_django(url, workdir)
    from django.core.management import call_command

    echo = print
    call_command("migrate", verbosity=0)
    from houqin.assets.ledger_import import services, writing
    from houqin.org.demo import SCHOOL_A, build_demo
    from houqin.org.models import Membership
    from houqin.org.roles import Role

    started = time.perf_counter()
    school = build_demo()[SCHOOL_A]
    director = (
        Membership.objects.filter(school=school, roles__role=Role.DIRECTOR)
        .select_related("user")
        .first()
        .user
    )
    echo(f"demo schools built ({time.perf_counter() - started:.0f} s); importing as {director}")

    files = []
    rows = sample.ledger_rows(args.rows, seed=args.seed, number_prefix="XL")
    path = workdir / "ledger.xlsx"
    sample.write_xlsx(path, rows)
    files.append((path.read_bytes(), f"台账-{args.rows}.xlsx"))
    rows = sample.ledger_rows(args.rows, seed=args.seed + 1, number_prefix="CS")
    path = workdir / "ledger-gbk.csv"
    sample.write_csv(path, rows, encoding="gbk")
    files.append((path.read_bytes(), f"台账-{args.rows}-gbk.csv"))
    echo(f"files written: {', '.join(f'{n} ({len(d) / 2**20:.1f} MiB)' for d, n in files)}")

    phases = Phases()
    phases.wrap(services, "_check", "checking")
    phases.wrap(services, "write_assets", "writing")
    facts = machine_facts()
    results = []
    for data, name in files:
        result = import_file(school, director, data, name, phases)
        results.append(result)
        for label, s in (("wall", result["seconds"]), ("cpu", result["cpu_seconds"])):
            echo(
                f"{name:>22} {label:>4}: {result['rows']:,} rows → {result['assets_created']:,} "
                f"assets · upload {s['upload']:.1f} s · check {s['check_preview']:.1f} s · import "
                f"{s['import']:.1f} s (checking {s['import_checking']:.1f}, writing "
                f"{s['import_writing']:.1f}) · total {s['total']:.1f} s"
            )
        d = result["database_cpu_seconds"]
        if d["total"]:
            echo(
                f"{name:>22} {'pg':>4}: server CPU · upload {d['upload']:.1f} s · check "
                f"{d['check_preview']:.1f} s · import {d['import']:.1f} s · total {d['total']:.1f} s"
            )
    facts["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    report = {
        "benchmark": "assets-import",
        "date": date.today().isoformat(),
        "target_seconds": TARGET_SECONDS,
        "rows_per_file": args.rows,
        "inline_rows": services.INLINE_ROWS,
        "write_batch": writing.WRITE_BATCH,
        "machine": facts,
        "results": results,
    }
    missed = [r["file"] for r in results if r["seconds"]["import"] > TARGET_SECONDS]
    if not args.no_results:
        RESULTS.mkdir(exist_ok=True)
        vendor = "postgresql" if url.startswith("postgres") else "sqlite"
        out = RESULTS / f"assets-import-{date.today().isoformat()}-{vendor}.json"
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        echo(f"written: {out.relative_to(ROOT)}")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        if url.startswith("postgres"):
            drop_database(url)
        shutil.rmtree(workdir, ignore_errors=True)  # the files, the media and the SQLite file
    if missed:
        echo(f"over {TARGET_SECONDS:.0f} s: {', '.join(missed)}")
        return 1 if args.strict else 0
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000, help="rows per file (default 50000)")
    parser.add_argument(
        "--database",
        default="",
        help="PostgreSQL URL (dropped and created); "
        "default: a new SQLite file in a temporary directory",
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database and the temporary directory"
    )
    parser.add_argument("--no-results", action="store_true", help="print only, write no file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

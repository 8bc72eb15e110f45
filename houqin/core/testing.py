"""Test helpers shared by every app.

Query baselines (NetBox-style): each app keeps ``tests/query_baseline.json`` mapping a list
page or API list (by URL name) to the most queries it may run. ``assert_query_baseline``
loads the page with the rows the test made, checks the count against the file, and the test
then doubles the rows and checks again, so a list that grows queries with its rows fails.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext


def load_baseline(app_tests_dir: str | Path) -> dict[str, int]:
    path = Path(app_tests_dir) / "query_baseline.json"
    return json.loads(path.read_text(encoding="utf-8"))


def count_queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return len(ctx.captured_queries), response


def assert_query_baseline(client, url: str, name: str, baseline: dict[str, int]) -> int:
    """GET ``url`` and fail if it runs more queries than ``baseline[name]`` allows."""
    assert name in baseline, f"{name} has no entry in query_baseline.json"
    n, response = count_queries(client, url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    assert n <= baseline[name], f"{name} ran {n} queries; the baseline allows {baseline[name]}"
    return n


def race(*calls, timeout: float = 30) -> list:
    """Run each call in its own thread with its own database connection, all released at the
    same moment (real concurrency on PostgreSQL). Returns each call's outcome in order: what it
    returned, or the exception it raised."""
    import threading

    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=timeout)
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - handed to the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes

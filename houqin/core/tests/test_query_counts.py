"""Core's own pages run a bounded number of queries, whatever the number of rows (baseline in
query_baseline.json; the count may not grow when the rows triple)."""

from pathlib import Path

import pytest
from django.urls import reverse

from houqin.core import notify
from houqin.core.testing import assert_query_baseline, count_queries, load_baseline
from houqin.testdocs.testing import make_people, purchase_policy, submitted

BASELINE = load_baseline(Path(__file__).parent)


@pytest.fixture
def people(school):
    purchase_policy(school)
    return make_people(school)


def _add_rows(people, n):
    for i in range(n):
        submitted(people, "100", title=f"采购{i}")
        notify.notify(recipients=[people.head], title=f"通知{i}", school=people.school)


@pytest.mark.parametrize("name", sorted(BASELINE))
def test_core_pages_stay_within_their_query_baseline(client, people, name):
    _add_rows(people, 2)
    client.force_login(people.head)
    url = reverse(name)
    first = assert_query_baseline(client, url, name, BASELINE)
    _add_rows(people, 4)
    again, response = count_queries(client, url)
    assert response.status_code == 200
    assert again == first, f"{name}: {first} queries with 2 rows, {again} with 6"

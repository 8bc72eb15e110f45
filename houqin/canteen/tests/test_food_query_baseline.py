"""The canteen's pages stay within their query baseline, and the count does not grow when the
records of a week become the records of a month."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.core.testing import assert_query_baseline, count_queries, load_baseline

from .food_support import canteen, check_all, complete, meal

BASELINE = load_baseline(Path(__file__).parent)
pytestmark = pytest.mark.django_db


def _days(c, first, last):
    for n in range(first, last):
        m = complete(c, meal(c, day=timezone.localdate() - timedelta(days=n)))
        check_all(c, day=m.date)


@pytest.mark.parametrize("name", sorted(BASELINE))
def test_canteen_pages_stay_within_their_query_baseline(client, school, name):
    c = canteen(school)
    _days(c, 0, 2)
    client.force_login(c.manager)
    first = assert_query_baseline(client, reverse(name), name, BASELINE)
    _days(c, 2, 8)
    again, response = count_queries(client, reverse(name))
    assert response.status_code == 200 and again == first

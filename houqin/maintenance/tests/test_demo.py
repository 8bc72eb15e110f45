from collections import Counter

import pytest

from houqin.core import todo
from houqin.core.scoping import access_for
from houqin.maintenance import demo
from houqin.maintenance.models import WorkOrder
from houqin.org.demo import build_demo
from houqin.org.models import User


@pytest.fixture
def schools(db):
    schools = build_demo()
    demo.build(schools)
    return schools


def test_demo_repairs_cover_every_stage_once(schools):
    statuses = Counter(
        WorkOrder.objects.filter(school=schools["donghu"]).values_list("status", flat=True)
    )
    assert sum(statuses.values()) == 40
    assert {"submitted", "assigned", "in_progress", "done", "confirmed", "closed"} <= set(statuses)
    demo.build(schools)
    assert WorkOrder.objects.count() == 40


def test_demo_director_and_worker_have_repairs_waiting(schools):
    for username in ("director", "worker"):
        access = access_for(User.objects.get(username=username))
        assert todo.count(access) > 0, username

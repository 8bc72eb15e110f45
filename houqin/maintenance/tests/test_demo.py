from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from houqin.core import todo
from houqin.core.models import NumberCounter, TimelineEntry
from houqin.core.scoping import access_for
from houqin.maintenance import demo, reports, services
from houqin.maintenance.models import PartUsage, Status, WorkOrder
from houqin.maintenance.sla import overdue_q
from houqin.org.demo import build_demo
from houqin.org.models import Room, User

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def schools(db):
    schools = build_demo()
    demo.build(schools)
    return schools


def test_demo_repairs_cover_every_stage_once(schools):
    school = schools["donghu"]
    statuses = Counter(WorkOrder.objects.filter(school=school).values_list("status", flat=True))
    total = sum(statuses.values())
    # The 40 live orders and the bulk past of the current and the previous term.
    assert total > 40 + demo.CURRENT_TERM_ORDERS
    assert {"submitted", "assigned", "in_progress", "done", "confirmed", "closed"} <= set(statuses)
    demo.build(schools)
    assert WorkOrder.objects.count() == total


def test_demo_numbers_have_no_gaps_and_the_next_report_continues(schools):
    school = schools["donghu"]
    numbers = list(WorkOrder.objects.filter(school=school).values_list("number", flat=True))
    counters = dict(
        NumberCounter.objects.filter(school=school, doc_type="maintenance.workorder")
        .values_list("year", "value")
    )
    expected = {f"WX-{year}-{n:05d}" for year, last in counters.items() for n in range(1, last + 1)}
    assert len(numbers) == len(set(numbers)) and set(numbers) == expected

    new = services.report(
        school=school, by=User.objects.get(username="teacher"),
        room=Room.objects.filter(school=school).first(),
        category=services.ensure_categories(school)[0], description="灯不亮",
    )
    assert new.number not in expected
    assert new.number.endswith(f"{counters[max(counters)] + 1:05d}")


def test_demo_director_and_worker_have_repairs_waiting(schools):
    for username in ("director", "worker"):
        access = access_for(User.objects.get(username=username))
        assert todo.count(access) > 0, username


def test_demo_dashboard_and_a_past_order_render(client, schools, django_assert_max_num_queries):
    client.force_login(User.objects.get(username="director"))
    with django_assert_max_num_queries(25):
        response = client.get(reverse("maintenance:dashboard"))
    assert response.status_code == 200
    assert response.context["data"]["figures"]["current"]["orders"] > 2000

    past = (
        WorkOrder.objects.filter(school=schools["donghu"], status=Status.CLOSED, parts__isnull=False)
        .order_by("created_at")
        .first()
    )
    response = client.get(reverse("maintenance:workorder_detail", args=[past.pk]))
    assert response.status_code == 200
    assert past.number in response.content.decode()


@pytest.fixture
def past(db):
    """The demo school's past as it was on a Monday afternoon (fixed, so figures are exact)."""
    schools = build_demo()
    school = schools["donghu"]
    categories = {c.code: c for c in services.ensure_categories(school)}
    now = datetime(2026, 11, 23, 15, 0, tzinfo=TZ)
    made = demo.build_history(school, categories, now=now)
    return school, now, made


def test_demo_past_is_a_realistic_term_and_the_one_before(past):
    school, now, made = past
    orders = WorkOrder.objects.filter(school=school)
    terms = reports.school_terms(school)
    current = reports.current_term(terms, now.date())
    previous = reports.previous_term(terms, current)
    windows = {"current": reports.term_window(current, TZ),
               "previous": reports.term_window(previous, TZ)}

    def in_term(key):
        start, end = windows[key]
        return orders.filter(created_at__gte=start, created_at__lt=end)

    assert made == demo.CURRENT_TERM_ORDERS + demo.PREVIOUS_TERM_ORDERS == orders.count()
    assert in_term("current").count() == demo.CURRENT_TERM_ORDERS
    assert in_term("previous").count() == demo.PREVIOUS_TERM_ORDERS
    assert not orders.filter(created_at__gt=now).exists()

    created = [c.astimezone(TZ) for c in orders.values_list("created_at", flat=True)]
    school_hours = [c for c in created if c.weekday() < 5 and 7 <= c.hour < 18]
    assert len(school_hours) > 0.8 * len(created)

    by_category = Counter(orders.values_list("category__code", flat=True))
    assert {code for code, _n in by_category.most_common(2)} == {"water_power", "multimedia"}

    def share(code, month):
        codes = list(orders.filter(created_at__month=month).values_list("category__code",
                                                                         flat=True))
        return codes.count(code) / len(codes)

    assert share("air_conditioning", 9) > 2 * share("air_conditioning", 11)
    assert share("desks_chairs", 9) > 1.5 * share("desks_chairs", 11)

    statuses = Counter(orders.values_list("status", flat=True))
    assert statuses[Status.CLOSED] + statuses[Status.CONFIRMED] > 0.8 * made
    ratings = Counter(orders.exclude(rating=None).values_list("rating", flat=True))
    assert ratings[4] + ratings[5] > 0.8 * sum(ratings.values())
    assert 0 < orders.filter(overdue_q(now)).count() < 0.02 * made
    assert orders.filter(company__isnull=False, outside_cost__gt=0).exists()
    assert PartUsage.objects.filter(school=school).count() > 0.2 * made

    # A handful of places keep breaking: they top the recurring faults.
    keys = list(windows)
    pairs = reports.place_counts(school, windows)
    faults = reports.breakdown(pairs, reports.parts_cost(school, windows), keys)["recurring"]
    spots = {(b, n) for b, n, _c, _s in demo.TROUBLE_SPOTS}
    top = Room.objects.select_related("floor__building").get(pk=faults[0]["room_id"])
    assert (top.floor.building.name, top.number) in spots and faults[0]["count"] >= 8


def test_demo_past_orders_have_timelines_at_their_own_times(past):
    school, _now, _made = past
    order = (
        WorkOrder.objects.filter(school=school, status=Status.CLOSED, rating__isnull=False)
        .order_by("pk")
        .first()
    )
    entries = list(
        TimelineEntry.objects.filter(object_id=order.pk, content_type__model="workorder")
        .order_by("created_at")
        .values_list("to_state", "created_at")
    )
    assert [state for state, _at in entries] == [
        Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.DONE, Status.CONFIRMED,
        Status.CLOSED,
    ]
    assert entries[0][1] == order.created_at and entries[-1][1] == order.closed_at
    assert order.responded_at <= order.done_at <= order.confirmed_at <= order.closed_at
    assert order.response_due > order.created_at and order.fix_due > order.created_at


def test_demo_shows_the_ac_plans_term_compliance(client, schools):
    from houqin.maintenance import plans
    from houqin.maintenance.models import MaintenancePlan

    plan = MaintenancePlan.objects.get(school=schools["donghu"], recurrence="term")
    result = plans.compliance(plan)
    assert result.expected > 30 and 0 < result.done < result.expected
    client.force_login(User.objects.get(username="director"))
    page = client.get(reverse("maintenance:plan_list")).content.decode()
    assert f"{result.done} of {result.expected} done" in page

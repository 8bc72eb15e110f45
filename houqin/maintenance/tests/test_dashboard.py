"""The repairs dashboard: figures per term against hand-computed values, the school's own data
only, term choice, rights and a bounded number of queries."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.factories import RoomFactory
from houqin.maintenance import reports
from houqin.maintenance.models import PartUsage, RepairCategory, Status, WorkOrder
from houqin.org.models import AcademicYear, Term

pytestmark = pytest.mark.django_db
URL = reverse("maintenance:dashboard")
TZ = ZoneInfo("Asia/Shanghai")


def today():
    return timezone.localdate(timezone=TZ)


def make_terms(school):
    """Previous term: 200 to 60 days ago; current term: 30 days ago to 60 days ahead."""
    t = today()
    year = AcademicYear.objects.create(
        school=school, name=f"Y{school.pk}", start_date=t - timedelta(days=300),
        end_date=t + timedelta(days=300),
    )
    previous = Term.objects.create(
        school=school, year=year, number=1, name="Previous term",
        start_date=t - timedelta(days=200), end_date=t - timedelta(days=60),
    )
    current = Term.objects.create(
        school=school, year=year, number=2, name="Current term",
        start_date=t - timedelta(days=30), end_date=t + timedelta(days=60),
    )
    return previous, current


def at(day: date, hour=10, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def hours(n):
    return timedelta(hours=n)


_numbers = iter(range(1, 10_000))


def order(school, room, category, created, *, respond=None, fix=None, response_due=None,
          fix_due=None, rating=None, outside="0", parts=(), by=None, status=None,
          location_note=""):
    """A work order as it ended up: times are hours after ``created``."""
    values = {
        "responded_at": created + hours(respond) if respond is not None else None,
        "done_at": created + hours(fix) if fix is not None else None,
        "response_due": created + hours(response_due) if response_due is not None else None,
        "fix_due": created + hours(fix_due) if fix_due is not None else None,
    }
    if status is None:
        status = (
            Status.CONFIRMED if rating else Status.DONE if fix is not None
            else Status.IN_PROGRESS if respond is not None else Status.SUBMITTED
        )
    wo = WorkOrder.objects.create(
        school=school, number=f"T-{next(_numbers)}", title="t", category=category, room=room,
        location_note=location_note, status=status, rating=rating,
        outside_cost=Decimal(outside), **values,
    )
    WorkOrder.objects.filter(pk=wo.pk).update(created_at=created)
    for quantity, unit_cost in parts:
        PartUsage.objects.create(
            school=school, order=wo, name="part", quantity=Decimal(quantity),
            unit_cost=Decimal(unit_cost), recorded_by=by,
        )
    return wo


@pytest.fixture
def dataset(school, other_school, director):
    previous, current = make_terms(school)
    a1 = RoomFactory(floor__building__campus__school=school, floor__building__name="Block A",
                     number="101")
    a2 = RoomFactory(floor=a1.floor, number="102")
    b1 = RoomFactory(floor__building__campus__school=school, floor__building__name="Block B",
                     number="201")
    water = RepairCategory.objects.create(school=school, code="water", name="Water", order=1)
    media = RepairCategory.objects.create(school=school, code="media", name="Media", order=2)
    day = current.start_date + timedelta(days=2)
    # Current term: 7 orders.
    o1 = order(school, a1, water, at(day), respond=1, fix=4, response_due=2, fix_due=8,
               rating=5, parts=[("2", "10.00")], by=director)
    order(school, a1, water, at(day, 11), respond=2, fix=10, response_due=4, fix_due=8,
          rating=3)  # fixed late
    order(school, a2, media, at(day, 12), respond=3, fix=6, response_due=2, fix_due=24,
          rating=4, outside="300.00")  # answered late
    order(school, b1, media, at(day + timedelta(days=1)), respond=4, fix=20, response_due=8,
          fix_due=30, parts=[("1", "45.50")], by=director)
    order(school, b1, water, at(day + timedelta(days=8)), respond=5)  # being fixed
    order(school, a1, water, at(day + timedelta(days=9)))  # waiting
    # Terms run from midnight to midnight in the school's time zone: the first minutes of
    # the term count, the last minutes before it do not.
    order(school, b1, media, at(current.start_date, 0, 5), status=Status.REJECTED)
    order(school, a2, water, at(current.start_date - timedelta(days=1), 23, 55),
          respond=1, fix=2, outside="999.00")
    # Previous term: 2 orders.
    pday = previous.start_date + timedelta(days=1)
    order(school, a1, water, at(pday), respond=2, fix=8, response_due=4, fix_due=10, rating=5,
          outside="100.00")
    order(school, b1, media, at(pday, 15), respond=6, fix=12, response_due=4, fix_due=20,
          rating=4, parts=[("3", "10.00")], by=director)
    # Another school, same days: never counted.
    x_room = RoomFactory(floor__building__campus__school=other_school,
                         floor__building__name="Block A")
    x_cat = RepairCategory.objects.create(school=other_school, code="water", name="Water")
    for i in range(3):
        order(other_school, x_room, x_cat, at(day, 9 + i), respond=50, fix=90, rating=1,
              outside="5000.00")
    return SimpleNamespace(previous=previous, current=current, a1=a1, b1=b1, water=water,
                           media=media, o1=o1)


def figures(school, dataset):
    terms = reports.school_terms(school)
    return reports.dashboard(
        school, dataset.current, reports.previous_term(terms, dataset.current), today=today()
    )


def test_headline_figures_match_the_hand_computed_values(school, dataset):
    data = figures(school, dataset)
    now, before = data["figures"]["current"], data["figures"]["previous"]

    assert now["orders"] == 7
    # Responses 1, 2, 3, 4, 5 h; fixes 4, 6, 10, 20 h (percentile_cont interpolation).
    assert now["response_median"] == pytest.approx(3)
    assert now["response_p90"] == pytest.approx(4.6)
    assert now["fix_median"] == pytest.approx(8)
    assert now["fix_p90"] == pytest.approx(17)
    # Of 4 fixed orders with dues, one was fixed late and one answered late.
    assert (now["sla_met"], now["sla_base"], now["sla_met_pct"]) == (2, 4, 50)
    assert now["rating_avg"] == pytest.approx(4.0) and now["rating_count"] == 3
    assert now["parts_cost"] == Decimal("65.50")
    assert now["outside_cost"] == Decimal("300.00")
    assert now["cost"] == Decimal("365.50")

    assert before["orders"] == 2
    assert before["response_median"] == pytest.approx(4)
    assert before["response_p90"] == pytest.approx(5.6)
    assert before["fix_median"] == pytest.approx(10)
    assert before["fix_p90"] == pytest.approx(11.6)
    assert before["sla_met_pct"] == 50
    assert before["rating_avg"] == pytest.approx(4.5)
    assert before["cost"] == Decimal("130.00")


def test_every_card_shows_the_change_against_last_term(school, dataset):
    cards = {c["key"]: c for c in figures(school, dataset)["cards"]}

    assert cards["orders"]["change"]["delta"] == 5
    assert cards["orders"]["change"]["pct"] == pytest.approx(250)
    assert cards["response_median"]["change"]["delta"] == pytest.approx(-1)
    assert cards["response_median"]["change"]["pct"] == pytest.approx(-25)
    assert cards["response_median"]["change"]["better"] is True  # faster is better
    assert cards["fix_median"]["change"]["better"] is True
    assert cards["sla_met_pct"]["change"]["delta"] == 0
    assert cards["rating_avg"]["change"]["delta"] == pytest.approx(-0.5)
    assert cards["rating_avg"]["change"]["better"] is False
    assert cards["cost"]["change"]["delta"] == Decimal("235.50")
    assert cards["cost"]["change"]["pct"] == pytest.approx(181.15, abs=0.01)


def test_volume_and_cost_by_category_and_building(school, dataset):
    data = figures(school, dataset)
    categories = {c["name"]: (c["current"], c["previous"]) for c in data["categories"]}
    buildings = {b["label"]: b for b in data["buildings"]}

    assert categories == {"Water": (4, 1), "Media": (3, 1)}
    assert (buildings["Block A"]["current"], buildings["Block A"]["previous"]) == (4, 1)
    assert (buildings["Block B"]["current"], buildings["Block B"]["previous"]) == (3, 1)
    # Parts (quantity × unit cost) plus outside cost, by the order's building.
    assert buildings["Block A"]["parts"] == Decimal("20.00")
    assert buildings["Block A"]["outside"] == Decimal("300.00")
    assert buildings["Block A"]["cost"] == Decimal("320.00")
    assert buildings["Block A"]["previous_cost"] == Decimal("100.00")
    assert buildings["Block B"]["cost"] == Decimal("45.50")
    assert buildings["Block B"]["previous_cost"] == Decimal("30.00")
    assert sum(data["weekly"]["current"]) == 7
    assert sum(data["weekly"]["previous"]) == 2


def test_recurring_faults_are_place_and_category_pairs_seen_twice(school, dataset):
    faults = figures(school, dataset)["recurring"]

    assert [(f["room_id"], f["category"], f["count"]) for f in faults] == [
        (dataset.a1.pk, "Water", 3),
        (dataset.b1.pk, "Media", 2),
    ]
    assert f"room={dataset.a1.pk}" in faults[0]["url"]
    assert f"category={dataset.water.pk}" in faults[0]["url"]
    assert f"created_after={dataset.current.start_date.isoformat()}" in faults[0]["url"]


@pytest.mark.postgres
def test_postgres_percentiles_agree_with_the_python_fallback(school, dataset, monkeypatch):
    in_database = figures(school, dataset)["figures"]
    monkeypatch.setattr(reports, "_is_postgres", lambda: False)
    in_python = figures(school, dataset)["figures"]
    for key in ("current", "previous"):
        for name in ("response_median", "response_p90", "fix_median", "fix_p90"):
            assert in_database[key][name] == pytest.approx(in_python[key][name]), (key, name)


def test_the_page_shows_the_current_term_with_changes(client, school, director, dataset):
    client.force_login(director)
    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["term"] == dataset.current
    html = response.content.decode()
    assert "Current term" in html and "Changes are against Previous term" in html
    assert "+5 (+250.0%)" in html  # repairs reported
    assert "50.0%" in html and "4.00 / 5" in html and "¥365.50" in html
    assert 'id="dashboard-data"' in html and "maintenance-dashboard.js" in html
    assert "5000" not in html  # the other school's cost


def test_another_term_of_the_school_can_be_chosen(client, school, director, dataset):
    client.force_login(director)
    response = client.get(URL, {"term": dataset.previous.pk})

    assert response.status_code == 200
    data = response.context["data"]
    assert data["term"] == dataset.previous and data["previous_term"] is None
    assert data["figures"]["current"]["orders"] == 2
    assert "There is no earlier term to compare with." in response.content.decode()


def test_another_schools_term_is_not_found(client, school, other_school, director, dataset):
    _prev, theirs = make_terms(other_school)
    client.force_login(director)

    assert client.get(URL, {"term": theirs.pk}).status_code == 404
    assert client.get(URL, {"term": "nonsense"}).status_code == 404


def test_only_people_who_see_every_repair_get_the_dashboard(client, school, teacher,
                                                            make_member, dataset):
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(teacher)
    assert client.get(URL).status_code == 403
    worker = make_member(school, "worker", username="fixer")
    client.force_login(worker)
    assert client.get(URL).status_code == 403
    principal = make_member(school, "principal", username="head")
    client.force_login(principal)
    assert client.get(URL).status_code == 200


def test_a_school_without_terms_gets_an_explanation(client, school, director):
    client.force_login(director)
    response = client.get(URL)
    assert response.status_code == 200
    assert "No terms yet" in response.content.decode()


def test_the_page_runs_the_same_few_queries_however_many_orders(
    client, school, director, dataset, django_assert_max_num_queries
):
    client.force_login(director)
    client.get(URL)  # warm the per-process caches (content types, settings)
    with django_assert_max_num_queries(25) as captured:
        assert client.get(URL).status_code == 200
    first = len(captured.captured_queries)
    day = dataset.current.start_date + timedelta(days=3)
    for i in range(30):
        room = RoomFactory(floor__building__campus__school=school)
        order(school, room, dataset.media, at(day, 8 + i % 9), respond=1, fix=3, rating=4,
              parts=[("1", "5.00")], by=director)
    with django_assert_max_num_queries(first):
        assert client.get(URL).status_code == 200


def test_the_current_term_is_today_s_else_the_latest_started():
    def term(pk, start, end):
        return SimpleNamespace(pk=pk, start_date=start, end_date=end)

    autumn = term(1, date(2026, 9, 1), date(2027, 1, 24))
    spring = term(2, date(2026, 3, 2), date(2026, 7, 3))
    next_spring = term(3, date(2027, 2, 17), date(2027, 7, 5))
    terms = [next_spring, autumn, spring]

    assert reports.current_term(terms, date(2026, 11, 23)) is autumn
    assert reports.current_term(terms, date(2026, 8, 1)) is spring  # summer: the last one
    assert reports.current_term(terms, date(2025, 1, 1)) is spring  # before all: the first
    assert reports.current_term([], date(2026, 11, 23)) is None
    assert reports.previous_term(terms, autumn) is spring
    assert reports.previous_term(terms, spring) is None


def test_percentile_interpolates_like_postgres():
    assert reports.percentile([], 0.5) is None
    assert reports.percentile([7], 0.9) == 7
    assert reports.percentile([4, 10, 6, 20], 0.5) == 8
    assert reports.percentile([1, 2, 3, 4, 5], 0.9) == pytest.approx(4.6)


@pytest.mark.postgres
def test_the_single_postgres_pass_gives_every_figure_of_the_separate_queries(
    school, dataset, director, monkeypatch
):
    # Orders in the last hour of a week and the first of the next, and in a later week.
    monday = reports._monday(dataset.current.start_date) + timedelta(weeks=1)
    order(school, dataset.a1, dataset.water, at(monday - timedelta(days=1), 23, 59), respond=2)
    order(school, dataset.b1, dataset.water, at(monday, 0, 0), respond=1, fix=3, rating=2,
          parts=[("4", "2.50")], by=director)
    one_pass = figures(school, dataset)
    monkeypatch.setattr(reports, "_overlap", lambda windows: True)  # the per-figure queries
    separate = figures(school, dataset)

    assert sum(one_pass["weekly"]["current"]) == 9
    assert one_pass == separate

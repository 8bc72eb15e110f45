"""Preventive maintenance plans: due dates by term, month, year, RRULE and last completion;
exactly-once generation; compliance; what generated orders inherit."""

from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.core.scheduler import get_job, run_due_jobs
from houqin.core.testing import race
from houqin.factories import BuildingFactory, FloorFactory, RoomFactory, SchoolFactory, member
from houqin.maintenance import plans, services
from houqin.maintenance.models import MaintenancePlan, Recurrence, Source, Status, WorkOrder
from houqin.org.models import AcademicYear, Holiday, RoomType, Term

from .factories import RepairCategoryFactory, photo


def at(day: date, hour=9):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def make_terms(school):
    year = AcademicYear.objects.create(
        school=school, name="2025-2026", start_date=date(2025, 8, 25), end_date=date(2026, 7, 31)
    )
    autumn = Term.objects.create(
        school=school, year=year, number=1, name="2025 autumn",
        start_date=date(2025, 9, 1), end_date=date(2026, 1, 23),
    )
    spring = Term.objects.create(
        school=school, year=year, number=2, name="2026 spring",
        start_date=date(2026, 2, 23), end_date=date(2026, 7, 3),
    )
    return autumn, spring


@pytest.fixture
def building(school):
    return BuildingFactory(campus__school=school, name="行政楼")


@pytest.fixture
def offices(building):
    floor = FloorFactory(building=building, number=2)
    return [
        RoomFactory(floor=floor, number=f"20{i}", room_type=RoomType.OFFICE) for i in range(1, 6)
    ]


@pytest.fixture
def category(school):
    return RepairCategoryFactory(school=school, code="air_conditioning", name="空调")


@pytest.fixture
def worker(school):
    return member(school, "worker", username="worker", full_name="王师傅")


def make_plan(school, category, *, room_types=(RoomType.OFFICE,), rooms=(), buildings=(), **kw):
    values = {
        "name": "空调清洗",
        "recurrence": Recurrence.TERM,
        "offset_days": 14,
        "lead_days": 7,
        "starts_on": date(2025, 8, 1),
        "room_types": list(room_types),
        "checklist": ["清洗滤网", "检查冷凝水管"],
    }
    values.update(kw)
    plan = MaintenancePlan.objects.create(school=school, category=category, **values)
    plan.rooms.set(rooms)
    plan.buildings.set(buildings)
    return plan


# ---------------------------------------------------------------- due dates


def test_term_plan_is_due_n_days_after_each_term_starts(school, category):
    autumn, spring = make_terms(school)
    plan = make_plan(school, category, offset_days=14)
    found = plans.occurrences(plan, date(2025, 8, 1), date(2026, 8, 1))
    # 1 Sep 2025 + 14 = Mon 15 Sep; 23 Feb 2026 + 14 = Mon 9 Mar.
    assert [(o.due, o.label) for o in found] == [
        (date(2025, 9, 15), "2025 autumn"),
        (date(2026, 3, 9), "2026 spring"),
    ]
    assert found[0].period_end == autumn.end_date


def test_term_due_date_skips_weekends_and_holidays(school, category):
    make_terms(school)
    Holiday.objects.create(
        school=school, name="国庆节", start_date=date(2025, 10, 1), end_date=date(2025, 10, 8)
    )
    # 1 Sep + 30 = Wed 1 Oct, a holiday to 8 Oct: due on Thu 9 Oct.
    plan = make_plan(school, category, offset_days=30)
    assert plans.occurrences(plan, date(2025, 9, 1), date(2025, 12, 31))[0].due == date(2025, 10, 9)
    # 1 Sep + 5 = Sat 6 Sep: due on Mon 8 Sep.
    plan.offset_days = 5
    assert plans.occurrences(plan, date(2025, 9, 1), date(2025, 12, 31))[0].due == date(2025, 9, 8)


def test_monthly_plan_on_the_31st_falls_on_the_last_day_of_short_months(school, category):
    plan = make_plan(school, category, recurrence=Recurrence.MONTHLY, day_of_month=31)
    dues = [o.due for o in plans.occurrences(plan, date(2026, 1, 1), date(2026, 4, 30))]
    assert dues == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_yearly_plan_and_the_plans_own_dates(school, category):
    plan = make_plan(
        school, category, recurrence=Recurrence.YEARLY, month=5, day_of_month=15,
        starts_on=date(2026, 1, 1), ends_on=date(2028, 1, 1),
    )
    dues = [o.due for o in plans.occurrences(plan, date(2020, 1, 1), date(2030, 12, 31))]
    assert dues == [date(2026, 5, 15), date(2027, 5, 15)]


def test_rrule_plan(school, category):
    plan = make_plan(
        school, category, recurrence=Recurrence.RRULE, rrule="FREQ=WEEKLY;BYDAY=MO",
        starts_on=date(2026, 3, 1),
    )
    found = plans.occurrences(plan, date(2026, 3, 1), date(2026, 3, 20))
    assert [o.due for o in found] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert found[0].period_end == date(2026, 3, 8)


def test_a_bad_rrule_is_refused_with_a_message(school, category):
    plan = make_plan(school, category, recurrence=Recurrence.RRULE, rrule="FREQ=SOMETIMES")
    with pytest.raises(plans.InvalidPlan) as error:
        plans.validate(plan)
    assert "RRULE" in str(error.value.message)


def test_a_plan_without_places_is_refused(school, category):
    plan = make_plan(school, category, room_types=())
    with pytest.raises(plans.InvalidPlan):
        plans.validate(plan)


# ---------------------------------------------------------------- targets and generation


def test_targets_are_rooms_of_the_types_in_the_buildings_plus_named_rooms(
    school, category, building, offices
):
    other_building = BuildingFactory(campus=building.campus, name="教学楼")
    other_office = RoomFactory(floor__building=other_building, room_type=RoomType.OFFICE)
    classroom = RoomFactory(floor=offices[0].floor, room_type=RoomType.CLASSROOM)
    named = RoomFactory(floor__building=other_building, room_type=RoomType.LAB)
    RoomFactory(floor=offices[0].floor, room_type=RoomType.OFFICE, is_active=False)
    RoomFactory(floor__building__campus__school=SchoolFactory(), room_type=RoomType.OFFICE)

    plan = make_plan(school, category, buildings=[building], rooms=[named])
    rooms = {t.room for t in plans.targets(plan)}
    assert rooms == {*offices, named}
    assert classroom not in rooms
    assert other_office not in rooms


def test_generation_makes_one_order_per_place_with_the_plans_settings(
    school, category, offices, worker
):
    make_terms(school)
    plan = make_plan(
        school, category, default_worker=worker, requires_photo=True, requires_signature=True
    )
    made = plans.generate(plan, today=date(2025, 9, 10), now=at(date(2025, 9, 10)))

    assert len(made) == 5
    order = WorkOrder.objects.get(pk=made[0].pk)
    assert order.source == Source.PLAN
    assert order.plan_due == date(2025, 9, 15)
    assert order.status == Status.ASSIGNED and order.assignee == worker
    assert order.requires_photo and order.requires_signature
    assert [line["item"] for line in order.checklist] == ["清洗滤网", "检查冷凝水管"]
    assert order.number.startswith("WX-")


def test_generation_waits_for_the_lead_time_and_stops_when_the_term_ends(
    school, category, offices
):
    make_terms(school)
    plan = make_plan(school, category, lead_days=7)
    assert plans.generate(plan, today=date(2025, 9, 7)) == []  # due 15 Sep, 8 days ahead
    assert len(plans.generate(plan, today=date(2025, 9, 8))) == 5
    # A spring-term plan created after the autumn term ended makes nothing for autumn.
    late = make_plan(school, category, name="late")
    assert plans.generate(late, today=date(2026, 2, 1)) == []


def test_running_twice_makes_nothing_more(school, category, offices):
    make_terms(school)
    plan = make_plan(school, category)
    assert len(plans.generate(plan, today=date(2025, 9, 10))) == 5
    assert plans.generate(plan, today=date(2025, 9, 10)) == []
    assert plans.generate(plan, today=date(2025, 10, 20)) == []
    assert WorkOrder.objects.filter(plan=plan).count() == 5


def test_a_place_added_later_gets_its_order_on_the_next_run(school, category, offices):
    make_terms(school)
    plan = make_plan(school, category)
    plans.generate(plan, today=date(2025, 9, 10))
    RoomFactory(floor=offices[0].floor, room_type=RoomType.OFFICE)
    assert len(plans.generate(plan, today=date(2025, 9, 11))) == 1


def test_after_completion_plan_counts_from_the_last_fix(school, category, offices, worker):
    room = offices[0]
    plan = make_plan(
        school, category, recurrence=Recurrence.AFTER_COMPLETION, interval_days=30,
        lead_days=0, room_types=(), rooms=[room], starts_on=date(2026, 3, 2),
    )
    first = plans.generate(plan, today=date(2026, 3, 2))
    assert [o.plan_due for o in first] == [date(2026, 3, 2)]
    # While that order is open nothing new is made.
    assert plans.generate(plan, today=date(2026, 5, 1)) == []

    order = first[0]
    director = member(school, "director", username="boss")
    services.assign(order, by=director, worker=worker)
    services.start(order, by=worker)
    with mock.patch("django.utils.timezone.now", return_value=at(date(2026, 3, 10))):
        services.finish(
            order, by=worker, checklist=[{"done": True}, {"done": True}]
        )
    assert plans.generate(plan, today=date(2026, 4, 8)) == []
    second = plans.generate(plan, today=date(2026, 4, 9))
    assert [o.plan_due for o in second] == [date(2026, 4, 9)]


def test_the_scheduler_job_generates_every_active_plan_once_per_slot(school, category, offices):
    make_terms(school)
    make_plan(school, category, starts_on=date(2020, 1, 1))
    paused = make_plan(school, category, name="paused", is_active=False)
    job = get_job("maintenance.generate_plan_orders")
    moment = at(date(2025, 9, 10))
    with mock.patch("django.utils.timezone.localdate", return_value=date(2025, 9, 10)):
        assert "maintenance.generate_plan_orders" in run_due_jobs(
            moment, keys={job.key}
        )
        assert run_due_jobs(moment, keys={job.key}) == []
    assert WorkOrder.objects.filter(source=Source.PLAN).count() == 5
    assert not WorkOrder.objects.filter(plan=paused).exists()


# ---------------------------------------------------------------- compliance


def test_compliance_counts_done_places_against_expected_this_term(
    school, category, offices, worker, director
):
    make_terms(school)
    plan = make_plan(school, category, default_worker=worker)
    made = plans.generate(plan, today=date(2025, 9, 10))
    for order in made[:3]:
        services.start(order, by=worker)
        services.finish(order, by=worker, checklist=[{"done": True}, {"note": "无冷凝水管"}])

    result = plans.compliance(plan, today=date(2025, 10, 1))
    assert (result.done, result.expected, result.overdue) == (3, 5, 2)
    assert result.label == "2025 autumn" and result.percent == 60
    # Before the due date nothing is overdue yet.
    assert plans.compliance(plan, today=date(2025, 9, 12)).overdue == 0
    # The spring term has its own count.
    spring = plans.compliance(plan, today=date(2026, 3, 1))
    assert (spring.done, spring.expected) == (0, 5)


# ---------------------------------------------------------------- finishing planned jobs


@pytest.fixture
def planned(school, category, offices, worker):
    make_terms(school)
    plan = make_plan(
        school, category, default_worker=worker, requires_photo=True, requires_signature=True
    )
    order = plans.generate(plan, today=date(2025, 9, 10))[0]
    services.start(order, by=worker)
    return order


def test_finishing_needs_every_checklist_line_ticked_or_noted(planned, worker):
    with pytest.raises(services.DomainError) as error:
        services.finish(
            planned, by=worker, photos=[photo()], checklist=[{"done": True}],
            signature=photo("sig.png"), signed_by="李老师",
        )
    assert "检查冷凝水管" in str(error.value.message)
    planned.refresh_from_db()
    assert planned.status == Status.IN_PROGRESS


def test_finishing_needs_the_required_photo_and_signature(planned, worker):
    ticks = [{"done": True}, {"done": True}]
    with pytest.raises(services.DomainError, match="photo"):
        services.finish(planned, by=worker, checklist=ticks)
    with pytest.raises(services.DomainError, match="sign"):
        services.finish(planned, by=worker, checklist=ticks, photos=[photo()])
    with pytest.raises(services.DomainError, match="name"):
        services.finish(
            planned, by=worker, checklist=ticks, photos=[photo()], signature=photo("s.png")
        )
    services.finish(
        planned, by=worker, checklist=ticks, photos=[photo()], signature=photo("s.png"),
        signed_by="李老师",
    )
    planned.refresh_from_db()
    assert planned.status == Status.DONE
    assert planned.signed_by == "李老师" and planned.signed_at is not None
    assert all(line["done"] for line in planned.checklist)


# ---------------------------------------------------------------- pages


def test_plan_list_shows_this_terms_compliance(client, school, category, offices, worker, director):
    make_terms(school)
    plan = make_plan(school, category, default_worker=worker, starts_on=date(2020, 1, 1))
    today = date(2025, 10, 1)
    with mock.patch("django.utils.timezone.localdate", return_value=today):
        made = plans.generate(plan, today=date(2025, 9, 10))
        services.start(made[0], by=worker)
        services.finish(made[0], by=worker, checklist=[{"done": True}, {"done": True}])
        client.force_login(director)
        page = client.get(reverse("maintenance:plan_list")).content.decode()
        detail = client.get(reverse("maintenance:plan_detail", args=[plan.pk])).content.decode()
    assert "1 of 5 done" in page and "空调清洗" in page
    assert "1 of 5 done" in detail and made[1].number in detail


def test_plan_pages_and_generation_are_for_logistics_staff(client, school, category, teacher):
    plan = make_plan(school, category)
    client.force_login(teacher)
    assert client.get(reverse("maintenance:plan_list")).status_code == 403
    assert client.get(reverse("maintenance:plan_detail", args=[plan.pk])).status_code in (403, 404)
    response = client.post(reverse("maintenance:plan_generate", args=[plan.pk]))
    assert response.status_code in (403, 404)
    assert not WorkOrder.objects.exists()


def test_another_schools_plan_is_not_found(client, school, other_school, category):
    other = make_plan(other_school, RepairCategoryFactory(school=other_school))
    client.force_login(member(school, "director", username="d1"))
    assert client.get(reverse("maintenance:plan_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("maintenance:plan_generate", args=[other.pk])).status_code == 404


def test_director_adds_a_plan_from_the_form(client, school, category, building, offices):
    director = member(school, "director", username="d2")
    client.force_login(director)
    data = {
        "name": "消防水箱清洗", "category": category.pk, "recurrence": "term",
        "offset_days": 10, "day_of_month": 1, "month": 9, "interval_days": 90, "lead_days": 5,
        "checklist": "排空\n清洗\n\n消毒", "urgency": "low", "starts_on": "2026-01-01",
        "room_types": ["office"], "buildings": [building.pk], "is_active": "on",
    }
    response = client.post(reverse("maintenance:plan_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = MaintenancePlan.objects.get(name="消防水箱清洗")
    assert plan.school == school and plan.checklist == ["排空", "清洗", "消毒"]
    assert list(plan.buildings.all()) == [building]

    data.update(name="bad", recurrence="rrule", rrule="FREQ=NEVER")
    response = client.post(reverse("maintenance:plan_add"), data)
    assert response.status_code == 200 and "RRULE" in response.content.decode()
    data.update(rrule="", recurrence="term", room_types=[], buildings=[])
    response = client.post(reverse("maintenance:plan_add"), data)
    assert response.status_code == 200 and "what the plan covers" in response.content.decode()
    assert not MaintenancePlan.objects.filter(name="bad").exists()


def test_generate_now_button_makes_due_orders_once(client, school, category, offices):
    director = member(school, "director", username="d3")
    today = timezone.localdate()
    plan = make_plan(
        school, category, recurrence=Recurrence.MONTHLY, day_of_month=today.day,
        starts_on=today - timedelta(days=1), room_types=(RoomType.OFFICE,),
    )
    client.force_login(director)
    url = reverse("maintenance:plan_generate", args=[plan.pk])
    client.post(url)
    client.post(url)
    assert WorkOrder.objects.filter(plan=plan).count() == 5


# ---------------------------------------------------------------- concurrency


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_make_each_order_exactly_once():
    school = SchoolFactory()
    category = RepairCategoryFactory(school=school)
    make_terms(school)
    floor = FloorFactory(building__campus__school=school)
    for i in range(12):
        RoomFactory(floor=floor, number=f"3{i:02d}", room_type=RoomType.OFFICE)
    plan = make_plan(school, category)

    def run():
        return plans.generate(MaintenancePlan.objects.get(pk=plan.pk), today=date(2025, 9, 10))

    outcomes = race(run, run, run, run)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert sum(len(made) for made in outcomes) == 12
    orders = WorkOrder.objects.filter(plan=plan)
    assert orders.count() == 12
    assert orders.values("room_id").distinct().count() == 12
    numbers = sorted(int(n.rsplit("-", 1)[1]) for n in orders.values_list("number", flat=True))
    assert numbers == list(range(1, 13))  # unique and without gaps


def test_plan_list_queries_grow_by_at_most_two_per_plan(client, school, category, offices):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_terms(school)
    client.force_login(member(school, "director", username="dq"))
    make_plan(school, category, name="p0")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("maintenance:plan_list"))
    for i in range(1, 6):
        make_plan(school, category, name=f"p{i}")
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("maintenance:plan_list"))
    assert len(six) - len(one) <= 2 * 5, [q["sql"][:80] for q in six.captured_queries]

"""SLA clocks: working time across nights, weekends and holidays; dues per urgency; the fix
clock paused on hold; overdue orders escalated once; the overdue list filter."""

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.core.models import Notification
from houqin.core.scheduler import get_job, run_due_jobs
from houqin.maintenance import services, sla
from houqin.maintenance.models import MaintenanceSettings, Status, WorkOrder
from houqin.org.models import Holiday

from .factories import make_order

pytestmark = pytest.mark.django_db
CST = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """A moment in March 2025, Shanghai time (3 March 2025 is a Monday)."""
    return datetime(2025, month, day, hour, minute, tzinfo=CST)


@contextmanager
def clock(moment: datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def worker(school, make_member):
    return make_member(school, "worker", username="worker")


# ---------------------------------------------------------------- working time


def test_working_time_continues_next_morning_after_closing(school):
    due = sla.add_working_time(at(3, 16, 30), timedelta(hours=2), school=school)
    assert due == at(4, 8, 30)
    assert sla.working_time_between(at(3, 16, 30), at(4, 8, 30), school=school) == timedelta(
        hours=2
    )


def test_time_reported_before_opening_counts_from_opening(school):
    assert sla.add_working_time(at(3, 6, 0), timedelta(hours=1), school=school) == at(3, 8, 30)
    assert sla.working_time_between(at(3, 6), at(3, 8, 30), school=school) == timedelta(hours=1)


def test_weekend_does_not_count(school):
    friday_evening = at(7, 17, 0)
    assert sla.add_working_time(friday_evening, timedelta(hours=1), school=school) == at(10, 8)
    assert sla.working_time_between(friday_evening, at(10, 8), school=school) == timedelta(
        hours=1
    )
    assert sla.working_time_between(at(8, 9), at(9, 17), school=school) == timedelta(0)


def test_holiday_span_of_the_school_is_skipped_but_not_another_schools(school, other_school):
    Holiday.objects.create(
        school=school, name="运动会", start_date=date(2025, 3, 10), end_date=date(2025, 3, 11)
    )
    Holiday.objects.create(
        school=other_school, name="春假", start_date=date(2025, 3, 12), end_date=date(2025, 3, 14)
    )
    friday_evening = at(7, 17, 0)

    due = sla.add_working_time(friday_evening, timedelta(hours=1), school=school)

    assert due == at(12, 8)
    assert sla.add_working_time(friday_evening, timedelta(hours=1), school=other_school) == at(
        10, 8
    )
    assert sla.working_time_between(friday_evening, due, school=school) == timedelta(hours=1)
    # Three working days from Friday 17:00 (half an hour left that day), then Wed and Thu
    # in full (weekend and holiday skipped): 17:00 the next Friday.
    assert sla.add_working_time(friday_evening, timedelta(hours=30), school=school) == at(
        14, 17
    )


def test_result_is_in_the_schools_time_zone_and_naive_times_are_refused(school):
    due = sla.add_working_time(at(3, 9).astimezone(ZoneInfo("UTC")), timedelta(0), school=school)
    assert due == at(3, 9)
    with pytest.raises(ValueError):
        sla.add_working_time(datetime(2025, 3, 3, 9), timedelta(hours=1), school=school)


def test_working_hours_are_the_schools_own(school, other_school):
    MaintenanceSettings.objects.create(
        school=school, workdays="012345", workday_start="08:00", workday_end="12:00"
    )
    assert sla.add_working_time(at(7, 11), timedelta(hours=2), school=school) == at(8, 9)
    # Another school keeps the default Monday-to-Friday 07:30-17:30.
    assert sla.add_working_time(at(7, 11), timedelta(hours=2), school=other_school) == at(7, 13)


# ---------------------------------------------------------------- dues


def test_urgent_order_is_due_sooner_than_a_normal_one(school, teacher):
    with clock(at(3, 9)):
        urgent = make_order(school, teacher, urgency="urgent")
        normal = make_order(school, teacher, urgency="normal")
        low = make_order(school, teacher, urgency="low")

    assert urgent.response_due == at(3, 11)
    assert urgent.fix_due == at(5, 13)  # 24 working hours: 8.5 + 10 + 5.5
    assert normal.response_due == at(5, 13)
    assert normal.fix_due == at(6, 9)  # three working days: same time on Thursday
    assert low.response_due == at(7, 17)  # 48 working hours: 8.5 + 3 × 10 + 9.5
    assert low.fix_due == at(10, 9)  # five working days: same time next Monday


def test_targets_are_the_schools_own(school, teacher):
    MaintenanceSettings.objects.create(
        school=school, urgent_respond_hours="0.5", urgent_fix_hours=4
    )
    with clock(at(3, 9)):
        order = make_order(school, teacher, urgency="urgent")
    assert order.response_due == at(3, 9, 30)
    assert order.fix_due == at(3, 13)


def test_first_assign_answers_the_order_and_reassign_keeps_that_time(
    school, teacher, director, worker, make_member
):
    other = make_member(school, "worker", username="worker2")
    with clock(at(3, 9)):
        order = make_order(school, teacher, urgency="urgent")
    with clock(at(3, 10)):
        services.assign(order, by=director, worker=worker)
    with clock(at(3, 15)):
        services.reassign(order, by=director, worker=other)

    order.refresh_from_db()
    assert order.responded_at == at(3, 10)
    assert not order.response_overdue


# ---------------------------------------------------------------- on hold


def on_hold_order(school, teacher, director, worker):
    with clock(at(3, 9)):
        order = make_order(school, teacher)  # fix due Thursday 09:00
    with clock(at(3, 9, 30)):
        services.assign(order, by=director, worker=worker)
    with clock(at(3, 10)):
        services.start(order, by=worker)
    with clock(at(3, 16)):
        services.hold(order, by=worker, reason="等配件")
    return order


def test_hold_pauses_the_fix_clock_by_the_working_time_on_hold(school, teacher, director, worker):
    order = on_hold_order(school, teacher, director, worker)
    assert order.hold_started_at == at(3, 16)

    with clock(at(4, 9)):
        services.resume(order, by=worker)

    order.refresh_from_db()
    # On hold Mon 16:00–17:30 and Tue 07:30–09:00: three working hours.
    assert order.paused_seconds == 3 * 3600
    assert order.fix_due == at(6, 12)
    assert order.hold_started_at is None


def test_reassigning_an_order_on_hold_also_ends_the_pause(school, teacher, director, worker):
    order = on_hold_order(school, teacher, director, worker)
    with clock(at(3, 17)):
        services.reassign(order, by=director, worker=worker)
    order.refresh_from_db()
    assert order.paused_seconds == 3600
    assert order.fix_due == at(6, 10)


def test_order_on_hold_is_not_overdue_however_late(school, teacher, director, worker):
    order = on_hold_order(school, teacher, director, worker)

    with clock(at(20, 9)):
        order.refresh_from_db()
        assert not order.is_overdue
        assert not WorkOrder.objects.filter(sla.overdue_q()).exists()
        services.resume(order, by=worker)
        order.refresh_from_db()
        assert not order.is_overdue
    # 23 of the 30 working hours were left when it went on hold (7 used on Monday).
    assert order.fix_due == at(24, 12)
    with clock(at(24, 12, 30)):
        assert order.is_overdue


def test_done_order_is_not_overdue(school, teacher, director, worker):
    with clock(at(3, 9)):
        order = make_order(school, teacher, urgency="urgent")
    with clock(at(3, 10)):
        services.assign(order, by=director, worker=worker)
        services.start(order, by=worker)
        services.finish(order, by=worker)
    with clock(at(20, 9)):
        order.refresh_from_db()
        assert not order.is_overdue


# ---------------------------------------------------------------- escalation


def sla_notifications(order):
    return Notification.objects.filter(source_id=order.pk, title__contains="overdue")


def test_overdue_order_escalates_to_dispatchers_once_even_when_the_job_runs_twice(
    school, teacher, director, worker
):
    with clock(at(3, 9)):
        late = make_order(school, teacher, urgency="urgent")  # response due 11:00
        in_time = make_order(school, teacher, urgency="normal")
    job = get_job("maintenance.escalate_overdue")
    assert job.every == timedelta(minutes=10)

    with clock(at(3, 12)):
        assert job.key in run_due_jobs(at(3, 12), keys={job.key})
        assert job.key in run_due_jobs(at(3, 12, 10), keys={job.key})
        assert sla.escalate_overdue(at(3, 12, 20)) == 0

    late.refresh_from_db()
    in_time.refresh_from_db()
    assert late.escalated_at == at(3, 12)
    assert in_time.escalated_at is None
    notes = sla_notifications(late)
    assert [n.recipient for n in notes] == [director]
    assert "not answered in time" in notes[0].title
    assert not sla_notifications(in_time).exists()


def test_escalation_skips_orders_on_hold_and_closed_ones(school, teacher, director, worker):
    held = on_hold_order(school, teacher, director, worker)
    with clock(at(3, 9)):
        cancelled = make_order(school, teacher, urgency="urgent")
        services.cancel(cancelled, by=teacher, reason="不用修了")

    assert sla.escalate_overdue(at(20, 9)) == 0
    assert not sla_notifications(held).exists()
    assert not sla_notifications(cancelled).exists()


def test_late_fix_is_escalated_as_not_fixed_in_time(school, teacher, director, worker):
    with clock(at(3, 9)):
        order = make_order(school, teacher, urgency="urgent")  # fix due Wed 13:00
    with clock(at(3, 10)):
        services.assign(order, by=director, worker=worker)

    assert sla.escalate_overdue(at(5, 12)) == 0
    assert sla.escalate_overdue(at(5, 14)) == 1
    assert "not fixed in time" in sla_notifications(order).get().title


# ---------------------------------------------------------------- list filter


def test_overdue_filter_lists_exactly_the_overdue_orders(
    client, school, teacher, director, django_assert_max_num_queries
):
    now = timezone.now()
    past, future = now - timedelta(hours=1), now + timedelta(hours=1)
    orders = {name: make_order(school, teacher, description=name) for name in (
        "late_answer", "late_fix", "held", "done_late", "on_time"
    )}
    dues = {
        "late_answer": {"response_due": past, "fix_due": future},
        "late_fix": {"responded_at": past, "response_due": past, "fix_due": past,
                     "status": Status.IN_PROGRESS},
        "held": {"responded_at": past, "fix_due": past, "status": Status.ON_HOLD},
        "done_late": {"responded_at": past, "fix_due": past, "status": Status.DONE},
        "on_time": {"response_due": future, "fix_due": future},
    }
    for name, values in dues.items():
        WorkOrder.objects.filter(pk=orders[name].pk).update(**values)
    client.force_login(director)
    url = reverse("maintenance:workorder_list")

    with django_assert_max_num_queries(40):
        overdue = client.get(url, {"overdue": "true"}).content.decode()
    not_overdue = client.get(url, {"overdue": "false"}).content.decode()

    for name, order in orders.items():
        expected = name in ("late_answer", "late_fix")
        assert (order.number in overdue) is expected, name
        assert (order.number in not_overdue) is not expected, name

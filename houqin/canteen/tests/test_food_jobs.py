"""The daily missing-record alerts and the canteen manager's to-do."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from houqin.canteen import jobs_food, services_handlers
from houqin.canteen.models.staff import DutyRecord
from houqin.core import todo
from houqin.core.models import Notification
from houqin.core.scheduler import run_due_jobs
from houqin.core.scoping import access_for

from .food_support import canteen, complete, meal

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(school):
    return canteen(school)


def _at(hour, minute=5):
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, minute)))


def test_missing_record_alert_is_sent_once_per_day_to_manager_and_director(c):
    meal(c)  # lunch without samples, 陪餐 or disinfection
    run_due_jobs(_at(14), keys={"canteen.missing_records_14"})
    run_due_jobs(_at(14, 30), keys={"canteen.missing_records_14"})  # the same slot: not again
    jobs_food.run_missing_records(_at(14, 40), "14:00")  # run by hand: still once
    sent = Notification.objects.filter(category="canteen")
    assert sorted(n.recipient_id for n in sent) == sorted([c.manager.pk, c.director.pk])
    body = sent.first().body
    assert "without a sample" in body and "accompanied" in body and "disinfection" in body


def test_the_evening_reminder_comes_only_while_records_are_missing(c):
    m = meal(c)
    jobs_food.run_missing_records(_at(14), "14:00")
    complete(c, m)
    jobs_food.run_missing_records(_at(20), "20:00")
    assert Notification.objects.filter(category="canteen").count() == 2  # only the 14:00 one


def test_a_handler_on_duty_without_a_check_is_reported(c):
    DutyRecord.objects.create(
        school=c.school, handler=c.handlers[0], date=timezone.localdate(), recorded_by=c.manager
    )
    lines = jobs_food.missing_lines(c.school, timezone.localdate())
    assert any(c.handlers[0].name in line for line in lines)


def test_a_complete_day_sends_nothing(c):
    complete(c, meal(c))
    services_handlers.record_check(c.handlers[0], by=c.manager, temperature="36.5")
    services_handlers.put_on_duty(c.handlers[0], by=c.manager)
    jobs_food.run_missing_records(_at(14), "14:00")
    assert not Notification.objects.filter(category="canteen").exists()


def test_the_canteen_managers_todo_counts_todays_gaps(c):
    meal(c)
    DutyRecord.objects.create(
        school=c.school, handler=c.handlers[0], date=timezone.localdate(), recorded_by=c.manager
    )
    counts = todo.counts(access_for(c.manager))
    assert counts["canteen.meal_gaps"] == 1 and counts["canteen.unchecked"] == 1
    items = todo.collect(access_for(c.manager))
    assert any("without a morning check" in i.title for i in items)
    assert todo.counts(access_for(c.teacher))["canteen.meal_gaps"] == 0


def test_certificates_about_to_expire_are_announced_on_monday(c):
    c.handlers[0].certificate_expires = timezone.localdate() + timedelta(days=5)
    c.handlers[0].save()
    assert jobs_food.alert_certificates(c.school, timezone.localdate()) == 1
    assert jobs_food.alert_certificates(c.school, timezone.localdate()) == 0
    assert c.handlers[0].name in Notification.objects.get(recipient=c.manager).body

"""The canteen's rules catch their violations: light samples, early disposal, meals without
陪餐, excluded or uncertified handlers on duty."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from houqin.canteen import services_food, services_handlers
from houqin.canteen.models.food import FoodSample, MealKind
from houqin.canteen.models.staff import DutyRecord
from houqin.core import compliance
from houqin.core.compliance import RuleStatus
from houqin.core.errors import DomainError

from .food_support import canteen, check_all, complete, meal

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(school):
    return canteen(school)


def test_sample_under_the_minimum_weight_is_refused_naming_the_figure_and_source(c):
    m = meal(c)
    dish = m.dishes.first()
    with pytest.raises(DomainError) as caught:
        services_food.take_sample(dish, by=c.manager, grams="120")
    message = str(caught.value.message)
    assert "125" in message and "学校食品安全与营养健康管理规定" in message
    assert not FoodSample.objects.exists()


def test_a_school_that_tightened_to_200_g_refuses_150_g(c):
    compliance.set_value(c.school, "canteen.sample_grams", "200", by=c.director)
    dish = meal(c).dishes.first()
    with pytest.raises(DomainError, match="200"):
        services_food.take_sample(dish, by=c.manager, grams="150")
    sample = services_food.take_sample(dish, by=c.manager, grams="200")
    assert sample.minimum_grams == Decimal("200")


def test_a_school_cannot_loosen_the_national_minimum(c):
    with pytest.raises(DomainError):
        compliance.set_value(c.school, "canteen.sample_grams", "100", by=c.director)
    assert compliance.value(c.school, "canteen.sample_grams") == 125


def test_one_light_sample_of_a_meal_keeps_none_of_its_samples(c):
    m = meal(c)
    first, second, third = m.dishes.all()
    with pytest.raises(DomainError, match=second.name):
        services_food.take_samples(
            m, by=c.manager, weights={first.pk: "150", second.pk: "90", third.pk: "150"}
        )
    assert not FoodSample.objects.exists()


def test_sample_disposal_before_its_time_is_refused_and_after_it_recorded(c):
    dish = meal(c).dishes.first()
    taken = timezone.now() - timedelta(hours=47)
    sample = services_food.take_sample(dish, by=c.manager, grams="130", taken_at=taken)
    assert sample.dispose_after == taken + timedelta(hours=48)
    with pytest.raises(DomainError, match="must be kept until"):
        services_food.dispose_sample(sample, by=c.manager)
    sample.refresh_from_db()
    assert sample.disposed_at is None
    services_food.dispose_sample(sample, by=c.manager, at=taken + timedelta(hours=48, minutes=1))
    sample.refresh_from_db()
    assert sample.disposed_by == c.manager


def test_a_school_keeping_samples_72_hours_gets_a_later_disposal_time(c):
    compliance.set_value(c.school, "canteen.sample_hours", "72", by=c.director)
    taken = timezone.now()
    sample = services_food.take_sample(
        meal(c).dishes.first(), by=c.manager, grams="130", taken_at=taken
    )
    assert sample.dispose_after == taken + timedelta(hours=72)


def _status(key, c, today=None) -> RuleStatus:
    return compliance.status_of(key)(c.school, c.term, today or timezone.localdate())


def test_a_meal_without_accompanied_meal_is_flagged(c):
    yesterday = timezone.localdate() - timedelta(days=1)
    m = meal(c, day=yesterday)
    services_food.take_samples(m, by=c.manager, weights={d.pk: "150" for d in m.dishes.all()})
    status = _status("canteen.accompanied_meal", c)
    assert (status.due, status.done, status.missed) == (1, 0, 1)
    assert not status.ok and "without an accompanied-meal record" in status.detail
    services_food.record_accompanied_meal(m, by=c.principal, rating=4)
    assert _status("canteen.accompanied_meal", c).ok


def test_todays_meal_is_due_but_not_yet_missed(c):
    meal(c)
    status = _status("canteen.accompanied_meal", c)
    assert (status.due, status.missed) == (1, 0)


def test_a_meal_with_a_dish_without_a_sample_is_flagged(c):
    m = meal(c, day=timezone.localdate() - timedelta(days=2))
    services_food.take_sample(m.dishes.first(), by=c.manager, grams="150")
    status = _status("canteen.sample_every_dish", c)
    assert (status.due, status.done, status.missed) == (1, 0, 1)


def test_light_samples_recorded_before_the_rule_was_tightened_show_on_the_status(c):
    m = complete(c, meal(c, day=timezone.localdate() - timedelta(days=1)), grams="150")
    assert _status("canteen.sample_grams", c).ok
    compliance.set_value(c.school, "canteen.sample_grams", "200", by=c.director)
    status = _status("canteen.sample_grams", c)
    assert status.missed == m.dishes.count()


def test_disinfection_missing_after_a_meal_is_flagged(c):
    m = meal(c, day=timezone.localdate() - timedelta(days=1))
    assert _status("canteen.disinfection_every_meal", c).missed == 1
    services_food.record_disinfection(
        m, by=c.manager, method="chemical", items="餐盘", minutes=10, concentration="250"
    )
    assert _status("canteen.disinfection_every_meal", c).ok


def test_heat_disinfection_without_a_temperature_is_refused(c):
    with pytest.raises(DomainError, match="temperature"):
        services_food.record_disinfection(
            meal(c), by=c.manager, method="heat", items="碗", minutes=10
        )


def test_only_a_school_leader_can_accompany_a_meal(c):
    m = meal(c)
    with pytest.raises(DomainError):
        services_food.record_accompanied_meal(m, by=c.teacher, rating=4)
    with pytest.raises(DomainError, match="what was done"):
        services_food.record_accompanied_meal(m, by=c.principal, rating=2, problems="菜偏咸")


def test_an_excluded_handler_put_on_duty_is_refused(c):
    cook = c.handlers[0]
    check = services_handlers.record_check(cook, by=c.manager, temperature="37.8")
    assert not check.fit and "fever" in check.exclusion_reason
    with pytest.raises(DomainError, match="excluded at the morning check"):
        services_handlers.put_on_duty(cook, by=c.manager)
    assert not DutyRecord.objects.exists()


def test_a_handler_without_a_check_that_day_cannot_be_on_duty(c):
    with pytest.raises(DomainError, match="no morning check"):
        services_handlers.put_on_duty(c.handlers[0], by=c.manager)


def test_an_expired_certificate_holder_put_on_duty_is_refused(c):
    cook = c.handlers[0]
    cook.certificate_expires = timezone.localdate() - timedelta(days=1)
    cook.save()
    services_handlers.record_check(cook, by=c.manager, temperature="36.4")
    with pytest.raises(DomainError, match="health certificate expired"):
        services_handlers.put_on_duty(cook, by=c.manager)


def test_a_fit_checked_handler_goes_on_duty_and_a_later_exclusion_takes_them_off(c):
    cook = c.handlers[0]
    services_handlers.record_check(cook, by=c.manager, temperature="36.4")
    services_handlers.put_on_duty(cook, by=c.manager, meal_kind=MealKind.LUNCH)
    assert DutyRecord.objects.filter(handler=cook).count() == 1
    services_handlers.record_check(cook, by=c.manager, skin_wound=True)
    assert not DutyRecord.objects.filter(handler=cook).exists()


def test_putting_several_on_duty_is_all_or_nothing(c):
    check_all(c)
    services_handlers.record_check(c.handlers[2], by=c.manager, diarrhoea=True)
    with pytest.raises(DomainError, match=c.handlers[2].name):
        services_handlers.put_many_on_duty(c.handlers, by=c.manager)
    assert not DutyRecord.objects.exists()


def test_expired_certificates_are_open_on_the_compliance_status(c):
    c.handlers[0].certificate_expires = timezone.localdate() - timedelta(days=3)
    c.handlers[0].save()
    c.handlers[1].certificate_expires = timezone.localdate() + timedelta(days=10)
    c.handlers[1].save()
    status = _status("canteen.health_certificate_warn_days", c)
    assert status.open == 1 and "expire within 30 days" in status.detail


def test_teacher_cannot_record_samples(c):
    with pytest.raises(DomainError):
        services_food.take_sample(meal(c).dishes.first(), by=c.teacher, grams="150")


def test_every_canteen_rule_has_a_status(c):
    complete(c, meal(c, day=timezone.localdate() - timedelta(days=1)))
    for rule in compliance.rules("canteen"):
        status = compliance.status_of(rule.key)(c.school, c.term, timezone.localdate())
        assert isinstance(status, RuleStatus), rule.key

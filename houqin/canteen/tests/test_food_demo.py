"""The demo: a term of canteen and water records, fast, idempotent, with a few violations."""

import time

import pytest
from django.utils import timezone

from houqin.canteen import demo
from houqin.canteen.models.food import Meal
from houqin.canteen.models.staff import FoodHandler, MorningCheck
from houqin.canteen.models.water import Dispenser, WaterTest
from houqin.core import compliance

from .food_support import canteen

pytestmark = pytest.mark.django_db


def test_demo_builds_a_term_with_violations_and_is_idempotent(school):
    c = canteen(school, handlers=0)
    started = time.monotonic()
    demo.build([school])
    assert time.monotonic() - started < 10
    assert Meal.objects.filter(school=school).count() > 20
    assert FoodHandler.objects.filter(school=school).count() == 12
    assert MorningCheck.objects.filter(school=school, fit=False).count() == 1
    assert (
        Dispenser.objects.filter(school=school).exists()
        and WaterTest.objects.filter(passed=False).count() == 1
    )
    today = timezone.localdate()
    for key in (
        "canteen.accompanied_meal",
        "canteen.sample_every_dish",
        "canteen.disinfection_every_meal",
    ):
        assert compliance.status_of(key)(school, c.term, today).missed == 1, key
    status = compliance.status_of("canteen.health_certificate_warn_days")(school, c.term, today)
    assert "expire within" in status.detail
    demo.build([school])
    assert FoodHandler.objects.filter(school=school).count() == 12

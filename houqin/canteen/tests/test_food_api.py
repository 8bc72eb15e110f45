"""The canteen API: the same services, the same refusals, bounded lists, one school only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.canteen import services_handlers
from houqin.canteen.models.food import FoodSample, Meal
from houqin.canteen.models.staff import DutyRecord

from .food_support import canteen, check_all, complete, meal

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(school):
    return canteen(school)


def test_meal_created_and_sampled_through_the_api(client, c):
    client.force_login(c.manager)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("api:canteen:meal-list"),
        {"date": today, "meal_kind": "lunch", "dishes": ["米饭", "青菜"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    meal_id = response.json()["id"]
    weights = {str(d["id"]): "130" for d in response.json()["dishes"]}
    answer = client.post(
        reverse("api:canteen:meal-samples", args=[meal_id]),
        {"weights": weights},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["sample_count"] == 2


def test_api_refuses_a_light_sample_with_the_rules_message(client, c):
    dish = meal(c).dishes.first()
    client.force_login(c.manager)
    response = client.post(
        reverse("api:canteen:sample-list"),
        {"meal_dish": dish.pk, "grams": "100"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "at least 125 g" in response.json()["detail"]
    assert not FoodSample.objects.exists()


def test_api_refuses_an_excluded_handler_on_duty(client, c):
    services_handlers.record_check(c.handlers[0], by=c.manager, diarrhoea=True)
    client.force_login(c.manager)
    response = client.post(
        reverse("api:canteen:duty-list"),
        {"handler": c.handlers[0].pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "excluded" in response.json()["detail"]
    assert not DutyRecord.objects.exists()


def test_api_morning_check_with_fever_excludes(client, c):
    client.force_login(c.manager)
    response = client.post(
        reverse("api:canteen:check-list"),
        {"handler": c.handlers[0].pk, "temperature": "38.2"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["fit"] is False


def test_api_refuses_disposal_before_the_time(client, c):
    from houqin.canteen import services_food

    sample = services_food.take_sample(meal(c).dishes.first(), by=c.manager, grams="150")
    client.force_login(c.manager)
    response = client.post(reverse("api:canteen:sample-dispose", args=[sample.pk]))
    assert response.status_code == 400 and "must be kept until" in response.json()["detail"]


def test_teacher_cannot_add_meals_through_the_api(client, c):
    client.force_login(c.teacher)
    response = client.post(
        reverse("api:canteen:meal-list"),
        {"date": "2026-01-05", "meal_kind": "lunch", "dishes": ["饭"]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Meal.objects.exists()


def test_api_never_shows_or_reaches_another_school(client, c, other_school):
    other = canteen(other_school, tag="乙")
    theirs = complete(other, meal(other, dishes=["乙校专属菜"]))
    client.force_login(c.manager)
    assert "乙校专属菜" not in client.get(reverse("api:canteen:meal-list")).content.decode()
    assert client.get(reverse("api:canteen:meal-detail", args=[theirs.pk])).status_code == 404
    dish = theirs.dishes.first()
    response = client.post(
        reverse("api:canteen:sample-list"),
        {"meal_dish": dish.pk, "grams": "150"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert (
        client.post(
            reverse("api:canteen:duty-list"),
            {"handler": other.handlers[0].pk},
            content_type="application/json",
        ).status_code
        == 400
    )


API_LISTS = [
    "api:canteen:meal-list", "api:canteen:sample-list", "api:canteen:disinfection-list", "api:canteen:accompanied-list",
    "api:canteen:handler-list", "api:canteen:check-list", "api:canteen:duty-list", "api:canteen:goods-list",
]  # fmt: skip


@pytest.mark.parametrize("name", API_LISTS)
def test_api_lists_run_a_bounded_number_of_queries(client, c, name, django_assert_max_num_queries):
    def more(start, n):
        for d in range(start, start + n):
            m = complete(c, meal(c, day=timezone.localdate() - timedelta(days=d)))
            check_all(c, day=m.date)
            for h in c.handlers:
                services_handlers.put_on_duty(h, by=c.manager, date=m.date)

    more(1, 2)
    client.force_login(c.manager)
    with django_assert_max_num_queries(10):
        assert client.get(reverse(name)).status_code == 200
    more(5, 6)
    with django_assert_max_num_queries(10):
        assert client.get(reverse(name)).status_code == 200

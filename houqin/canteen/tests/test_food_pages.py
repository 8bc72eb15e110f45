"""The canteen's pages: the phone 'today' page and its quick forms, the morning-check form, the
lists (bounded queries, exports), the ledgers' A4 print views, and tenancy."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.canteen import services_food
from houqin.canteen.models.food import AccompaniedMeal, Disinfection, FoodSample, Meal, MealKind
from houqin.canteen.models.goods import GoodsCheck
from houqin.canteen.models.staff import DutyRecord, MorningCheck

from .food_support import canteen, check_all, complete, meal

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(school):
    return canteen(school)


def test_today_page_shows_each_meal_and_what_is_missing(client, c):
    meal(c)
    client.force_login(c.manager)
    response = client.get(reverse("canteen:today"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "红烧肉" in body and "3 of 3 dishes without a sample" in body
    assert 'name="w' in body  # the weights form of the dishes


def test_sample_weights_entered_on_the_phone_are_kept(client, c):
    m = meal(c)
    client.force_login(c.manager)
    data = {f"w{d.pk}": "150" for d in m.dishes.all()} | {"container": "留样冰箱1号"}
    response = client.post(reverse("canteen:meal_samples", args=[m.pk]), data, follow=True)
    assert FoodSample.objects.filter(meal=m).count() == 3
    assert "The samples were recorded." in response.content.decode()


def test_a_light_sample_on_the_phone_is_refused_with_the_figure_and_nothing_is_kept(client, c):
    m = meal(c)
    first, second, _third = m.dishes.all()
    client.force_login(c.manager)
    response = client.post(
        reverse("canteen:meal_samples", args=[m.pk]),
        {f"w{first.pk}": "150", f"w{second.pk}": "100"},
        follow=True,
    )
    assert "at least 125 g" in response.content.decode()
    assert not FoodSample.objects.exists()


def test_meal_recorded_and_completed_through_the_page_forms(client, c):
    client.force_login(c.manager)
    today = timezone.localdate().isoformat()
    client.post(
        reverse("canteen:meal_add"), {"date": today, "kind": "lunch", "others": "青菜, 米饭"}
    )
    m = Meal.objects.get()
    assert [d.name for d in m.dishes.all()] == ["青菜", "米饭"]
    client.post(
        reverse("canteen:meal_disinfection", args=[m.pk]),
        {"method": "steam", "items": "餐盘", "minutes": 20, "temperature": "100"},
    )
    assert Disinfection.objects.filter(meal=m).exists()
    client.force_login(c.principal)
    client.post(
        reverse("canteen:meal_accompany", args=[m.pk]), {"rating": 4, "problems": "", "action": ""}
    )
    assert AccompaniedMeal.objects.get(meal=m).leader == c.principal


def test_morning_checks_of_every_handler_in_one_form(client, c):
    client.force_login(c.manager)
    data = {}
    for h in c.handlers:
        data[f"h{h.pk}_checked"] = "1"
        data[f"h{h.pk}_temperature"] = "36.6"
    data[f"h{c.handlers[1].pk}_sore_throat"] = "on"
    client.post(reverse("canteen:checks"), data)
    checks = {ch.handler_id: ch for ch in MorningCheck.objects.all()}
    assert len(checks) == 3 and not checks[c.handlers[1].pk].fit


def test_duty_form_refuses_an_excluded_handler(client, c):
    check_all(c)
    from houqin.canteen import services_handlers

    services_handlers.record_check(c.handlers[0], by=c.manager, fever=True)
    client.force_login(c.manager)
    response = client.post(
        reverse("canteen:duty_add"), {"handlers": [c.handlers[0].pk, c.handlers[1].pk]}, follow=True
    )
    assert "excluded at the morning check" in response.content.decode()
    assert not DutyRecord.objects.exists()


def _records(c, days):
    for n in range(1, days + 1):
        m = meal(c, day=timezone.localdate() - timedelta(days=n))
        complete(c, m)
        check_all(c, day=m.date)
        GoodsCheck.objects.create(
            school=c.school,
            date=m.date,
            company=c.caterer,
            goods=f"大米{n}",
            quantity=50,
            keep_until=m.date,
            checked_by=c.manager,
        )


LISTS = [
    "canteen:meal_list", "canteen:sample_list", "canteen:disinfection_list", "canteen:accompanied_list",
    "canteen:handler_list", "canteen:check_list", "canteen:goods_list", "canteen:certificate_list",
]  # fmt: skip


@pytest.mark.parametrize("name", LISTS)
def test_lists_run_a_bounded_number_of_queries(client, c, name, django_assert_max_num_queries):
    _records(c, 3)
    client.force_login(c.manager)
    with django_assert_max_num_queries(15):
        assert client.get(reverse(name)).status_code == 200
    _records_more = [meal(c, day=timezone.localdate() - timedelta(days=n)) for n in range(10, 16)]
    for m in _records_more:
        complete(c, m)
    with django_assert_max_num_queries(15):
        assert client.get(reverse(name)).status_code == 200


def test_today_page_runs_a_bounded_number_of_queries(client, c, django_assert_max_num_queries):
    for kind in (MealKind.BREAKFAST, MealKind.LUNCH, MealKind.DINNER):
        complete(c, meal(c, kind=kind, dishes=[f"{kind}{i}" for i in range(6)]))
    client.force_login(c.manager)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("canteen:today")).status_code == 200


def test_sample_list_exports_to_excel(client, c):
    complete(c, meal(c))
    client.force_login(c.manager)
    response = client.get(reverse("canteen:sample_list") + "?export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


@pytest.mark.parametrize(
    "kind", ["samples", "checks", "accompanied", "goods", "disinfection", "water"]
)
def test_each_ledger_prints_as_an_a4_sheet_with_signatures(client, c, kind):
    _records(c, 2)
    client.force_login(c.manager)
    month = (timezone.localdate() - timedelta(days=1)).strftime("%Y-%m")
    response = client.get(reverse(f"canteen:ledger_{kind}") + f"?month={month}")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="sheet' in body and "data-ledger-table" in body and "slip-signs" in body
    assert c.school.name in body
    xlsx = client.get(reverse(f"canteen:ledger_{kind}") + f"?month={month}&export=xlsx")
    assert xlsx.status_code == 200


def test_morning_check_sheet_lists_every_handler_of_each_day_with_a_signature_column(client, c):
    yesterday = timezone.localdate() - timedelta(days=1)
    check_all(c, day=yesterday)
    client.force_login(c.manager)
    body = client.get(reverse("canteen:ledger_checks") + f"?term={c.term.pk}").content.decode()
    assert body.count("data-ledger-day") == 1
    assert all(h.name in body for h in c.handlers) and "Signature" in body


def test_ledgers_are_for_the_canteen_not_for_teachers(client, c):
    client.force_login(c.teacher)
    assert client.get(reverse("canteen:ledger_samples")).status_code == 403
    assert client.get(reverse("canteen:today")).status_code == 403


def test_another_schools_meal_cannot_be_reached(client, c, other_school):
    other = canteen(other_school, tag="乙")
    theirs = meal(other)
    client.force_login(c.manager)
    dish = theirs.dishes.first()
    assert (
        client.post(
            reverse("canteen:meal_samples", args=[theirs.pk]), {f"w{dish.pk}": "150"}
        ).status_code
        == 404
    )
    assert client.get(reverse("canteen:meal_detail", args=[theirs.pk])).status_code == 404
    assert not FoodSample.objects.exists()


def test_lists_show_nothing_of_another_school(client, c, other_school):
    other = canteen(other_school, tag="乙")
    complete(other, meal(other, dishes=["乙校专属菜"]))
    client.force_login(c.manager)
    for name in ("canteen:meal_list", "canteen:sample_list", "canteen:handler_list"):
        assert "乙校专属菜" not in client.get(reverse(name)).content.decode()
        assert "厨师乙" not in client.get(reverse(name)).content.decode()


def test_disposing_a_sample_too_early_on_the_page_is_refused(client, c):
    m = meal(c)
    sample = services_food.take_sample(m.dishes.first(), by=c.manager, grams="150")
    client.force_login(c.manager)
    response = client.post(reverse("canteen:sample_dispose", args=[sample.pk]), follow=True)
    assert "must be kept until" in response.content.decode()
    sample.refresh_from_db()
    assert sample.disposed_at is None


def test_tenancy_objects_of_another_school_stay_out_of_every_list(client, c, other_school):
    from .food_support import tenancy_objects

    tenancy_objects(other_school, by=c.principal, tag="乙校专属")
    client.force_login(c.director)
    from houqin.canteen import urls

    for pattern in urls.urlpatterns:
        if "<int:pk>" in str(pattern.pattern) or not pattern.name.endswith("list"):
            continue
        assert "乙校专属" not in client.get(reverse(f"canteen:{pattern.name}")).content.decode(), (
            pattern.name
        )

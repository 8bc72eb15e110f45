"""Every canteen page opens for the canteen manager on a term of demo records, and the principal
(a reader and a leader) opens the ones meant for him."""

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.canteen import demo, urls
from houqin.canteen.models.food import Meal
from houqin.canteen.models.goods import GoodsCheck, SupplierLicence
from houqin.canteen.models.staff import FoodHandler
from houqin.canteen.models.water import Dispenser, EducationCampaign, WaterContract, WaterTest

from .food_support import canteen, meal

pytestmark = pytest.mark.django_db

DETAIL = {
    "handler_detail": FoodHandler, "handler_edit": FoodHandler, "goods_detail": GoodsCheck,
    "licence_detail": SupplierLicence, "licence_edit": SupplierLicence, "contract_detail": WaterContract,
    "contract_edit": WaterContract, "dispenser_detail": Dispenser, "dispenser_edit": Dispenser,
    "watertest_detail": WaterTest, "campaign_detail": EducationCampaign, "campaign_edit": EducationCampaign,
}  # fmt: skip


def test_every_page_opens_for_the_canteen_manager(client, school):
    c = canteen(school, handlers=0)
    demo.build([school])
    client.force_login(c.manager)
    opened = 0
    for pattern in urls.urlpatterns:
        name = pattern.name
        if "<int:pk>" in str(pattern.pattern):
            if name not in DETAIL:
                continue
            url = reverse(
                f"canteen:{name}", args=[DETAIL[name].objects.filter(school=school).first().pk]
            )
        else:
            url = reverse(f"canteen:{name}")
        response = client.get(url)
        assert response.status_code in (200, 405), (name, response.status_code)
        opened += response.status_code == 200
    assert opened > 30
    meal = Meal.objects.filter(school=school).first()
    assert client.get(reverse("canteen:meal_detail", args=[meal.pk])).status_code == 302


def test_the_principal_reads_the_lists_and_may_accompany_todays_meal(client, school):
    c = canteen(school, handlers=0)
    demo.build([school])
    if not Meal.objects.filter(school=school, date=timezone.localdate()).exists():  # a weekend
        meal(c)
    client.force_login(c.principal)
    assert client.get(reverse("canteen:sample_list")).status_code == 200
    body = client.get(reverse("canteen:today")).content.decode()
    assert "Record an accompanied meal" in body
    assert client.get(reverse("canteen:settings")).status_code == 403

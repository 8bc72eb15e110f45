"""Drinking water: filter changes set the next due date, failed tests are followed up, goods
checks keep their records long enough; lists are bounded and one school's."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from houqin.canteen import services_goods, services_water
from houqin.canteen.models.goods import GoodsCheck
from houqin.canteen.models.water import Dispenser, WaterTest
from houqin.core import compliance
from houqin.core.errors import DomainError
from houqin.core.models import Attachment

from .food_support import canteen

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(school):
    return canteen(school, handlers=1)


def _dispenser(c, **kw):
    return services_water.save_dispenser(
        Dispenser(school=c.school, location="教学楼一楼", model="QL-100", filter_days=90, **kw),
        by=c.manager,
    )


def test_a_filter_change_sets_the_next_due_date_from_the_dispensers_interval(c):
    d = _dispenser(c)
    day = timezone.localdate() - timedelta(days=10)
    services_water.change_filter(d, by=c.manager, date=day, done_by_name="水站师傅")
    d.refresh_from_db()
    assert (d.last_changed, d.next_due) == (day, day + timedelta(days=90))


def test_a_filter_change_in_the_future_is_refused(c):
    with pytest.raises(DomainError):
        services_water.change_filter(
            _dispenser(c), by=c.manager, date=timezone.localdate() + timedelta(days=1)
        )


def test_a_failed_water_test_is_followed_up_and_a_passed_one_cannot_be(c):
    failed = services_water.record_water_test(
        WaterTest(
            school=c.school,
            date=timezone.localdate(),
            place="食堂直饮机",
            tested_by="区疾控中心",
            results="菌落总数 150 CFU/mL",
            passed=False,
        ),
        by=c.manager,
    )
    services_water.follow_up_test(failed, by=c.manager, text="更换滤芯并复检")
    assert failed.follow_up == "更换滤芯并复检" and failed.followed_up_at
    passed = services_water.record_water_test(
        WaterTest(
            school=c.school,
            date=timezone.localdate(),
            place="教学楼",
            tested_by="区疾控中心",
            results="合格",
            passed=True,
        ),
        by=c.manager,
    )
    with pytest.raises(DomainError):
        services_water.follow_up_test(passed, by=c.manager, text="x")


def test_goods_records_are_kept_six_months_past_the_shelf_life_or_two_years_without_one(c):
    day = date(2026, 3, 2)
    milk = services_goods.record_goods_check(
        GoodsCheck(school=c.school, date=day, company=c.caterer, goods="牛奶", quantity=20, production_date=date(2026, 3, 1), shelf_life_days=30,
                   licence_seen=True, certificate_seen=True),
        by=c.manager,
    )  # fmt: skip
    assert milk.best_before == date(2026, 3, 31) and milk.keep_until == date(2026, 9, 30)
    salt = services_goods.record_goods_check(
        GoodsCheck(school=c.school, date=day, supplier_name="盐业公司", goods="食盐", quantity=5),
        by=c.manager,
    )
    assert salt.best_before is None and salt.keep_until == date(2028, 3, 2)
    compliance.set_value(c.school, "canteen.goods_record_months", "12", by=c.director)
    oil = services_goods.record_goods_check(
        GoodsCheck(
            school=c.school, date=day, company=c.caterer, goods="油", quantity=5, shelf_life_days=30
        ),
        by=c.manager,
    )
    assert oil.keep_until == date(2027, 4, 1)


def test_refused_goods_need_a_reason_and_expired_goods_cannot_be_accepted(c):
    with pytest.raises(DomainError, match="why"):
        services_goods.record_goods_check(
            GoodsCheck(
                school=c.school,
                date=timezone.localdate(),
                company=c.caterer,
                goods="鸡蛋",
                quantity=1,
                accepted=False,
            ),
            by=c.manager,
        )
    with pytest.raises(DomainError, match="past their shelf life"):
        services_goods.record_goods_check(
            GoodsCheck(school=c.school, date=timezone.localdate(), company=c.caterer, goods="面包", quantity=1,
                       production_date=timezone.localdate() - timedelta(days=10), shelf_life_days=3),
            by=c.manager,
        )  # fmt: skip


def test_supplier_documents_are_attached_to_the_goods_check(client, c):
    client.force_login(c.manager)
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    png = SimpleUploadedFile("licence.png", buffer.getvalue(), content_type="image/png")
    data = {"date": timezone.localdate().isoformat(), "company": c.caterer.pk, "goods": "大米", "quantity": "50", "unit": "kg",
            "licence_seen": "on", "certificate_seen": "on", "accepted": "on", "documents": png}  # fmt: skip
    response = client.post(reverse("canteen:goods_add"), data)
    assert response.status_code == 302, response.context["form"].errors
    check = GoodsCheck.objects.get()
    assert Attachment.objects.filter(school=c.school).count() == 1
    assert client.get(reverse("canteen:goods_detail", args=[check.pk])).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "canteen:dispenser_list",
        "canteen:watertest_list",
        "canteen:filterchange_list",
        "canteen:contract_list",
        "canteen:campaign_list",
    ],
)
def test_water_lists_are_bounded(client, c, name, django_assert_max_num_queries):
    room_less = [_dispenser(c) for _ in range(3)]
    for d in room_less:
        services_water.change_filter(d, by=c.manager, done_by_name="师傅")
    client.force_login(c.manager)
    with django_assert_max_num_queries(15):
        assert client.get(reverse(name)).status_code == 200
    for d in [_dispenser(c) for _ in range(6)]:
        services_water.change_filter(d, by=c.manager, done_by_name="师傅")
    with django_assert_max_num_queries(15):
        assert client.get(reverse(name)).status_code == 200


def test_filter_change_through_the_api_and_due_dispensers_on_the_todo(client, c):
    from houqin.core import todo
    from houqin.core.scoping import access_for

    d = _dispenser(c)
    services_water.change_filter(d, by=c.manager, date=timezone.localdate() - timedelta(days=95))
    assert todo.counts(access_for(c.manager))["canteen.filters"] == 1
    client.force_login(c.manager)
    response = client.post(
        reverse("api:canteen:dispenser-filter", args=[d.pk]),
        {"done_by_name": "水站"},
        content_type="application/json",
    )
    assert response.status_code == 201
    d.refresh_from_db()
    assert d.next_due == timezone.localdate() + timedelta(days=90)

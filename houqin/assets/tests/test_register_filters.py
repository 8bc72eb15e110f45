"""The register's filters: what a clerk sees when narrowing the list."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from houqin.assets.filters import AssetFilterSet
from houqin.assets.models import Asset, AssetStatus
from houqin.assets.tests.factories import AssetCategoryFactory, AssetFactory
from houqin.factories import DepartmentFactory, RoomFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db


def _filter(user, query=""):
    request = RequestFactory().get("/assets/?" + query)
    request.user = user
    return AssetFilterSet(
        QueryDict(query), queryset=Asset.objects.restrict(user, "view"), request=request
    )


def _numbers(filterset):
    return sorted(filterset.qs.values_list("number", flat=True))


def test_disposed_and_lost_assets_are_hidden_unless_asked():
    school = SchoolFactory()
    clerk = member(school, "clerk")
    AssetFactory(school=school, number="A1")
    AssetFactory(school=school, number="A2", status=AssetStatus.DISPOSED)
    AssetFactory(school=school, number="A3", status=AssetStatus.LOST)

    assert _numbers(_filter(clerk)) == ["A1"]
    assert _numbers(_filter(clerk, "active=")) == ["A1", "A2", "A3"]
    assert _numbers(_filter(clerk, "active=false")) == ["A2", "A3"]
    # A chosen status shows exactly that status, even with "active only" left on.
    assert _numbers(_filter(clerk, "status=disposed")) == ["A2"]
    assert _numbers(_filter(clerk, "status=disposed&active=true")) == ["A2"]


def test_a_category_includes_its_sub_categories():
    school = SchoolFactory()
    clerk = member(school, "clerk")
    equipment = AssetCategoryFactory(school=school, code="A02", name="设备")
    computers = AssetCategoryFactory(
        school=school, code="A02010100", name="计算机", parent=equipment
    )
    laptops = AssetCategoryFactory(
        school=school, code="A02010105", name="便携式计算机", parent=computers
    )
    furniture = AssetCategoryFactory(school=school, code="A05", name="家具")
    AssetFactory(school=school, number="E1", category=equipment)
    AssetFactory(school=school, number="C1", category=computers)
    AssetFactory(school=school, number="L1", category=laptops)
    AssetFactory(school=school, number="F1", category=furniture)

    assert _numbers(_filter(clerk, f"category={equipment.pk}")) == ["C1", "E1", "L1"]
    assert _numbers(_filter(clerk, f"category={computers.pk}")) == ["C1", "L1"]
    assert _numbers(_filter(clerk, f"category={laptops.pk}")) == ["L1"]


def test_search_place_department_value_and_dates():
    school = SchoolFactory()
    clerk = member(school, "clerk")
    room = RoomFactory(school=school, floor__building__campus__school=school)
    dept = DepartmentFactory(school=school)
    AssetFactory(
        school=school,
        number="ZC1",
        name="投影仪",
        model="EB-X51",
        serial_number="SN77",
        room=room,
        department=dept,
        unit_price=Decimal("3000"),
        total_value=Decimal("3000"),
        acquired_on="2024-03-01",
        funding_source="财政拨款",
    )
    AssetFactory(
        school=school,
        number="ZC2",
        name="办公桌",
        total_value=Decimal("500"),
        acquired_on="2020-01-01",
    )

    assert _numbers(_filter(clerk, "q=eb-x")) == ["ZC1"]
    assert _numbers(_filter(clerk, "q=sn77")) == ["ZC1"]
    assert _numbers(_filter(clerk, "q=办公")) == ["ZC2"]
    assert _numbers(_filter(clerk, f"room={room.pk}")) == ["ZC1"]
    assert _numbers(_filter(clerk, f"building={room.floor.building_id}")) == ["ZC1"]
    assert _numbers(_filter(clerk, f"department={dept.pk}")) == ["ZC1"]
    assert _numbers(_filter(clerk, "value_min=1000")) == ["ZC1"]
    assert _numbers(_filter(clerk, "value_max=1000")) == ["ZC2"]
    assert _numbers(_filter(clerk, "acquired_after=2023-01-01")) == ["ZC1"]
    assert _numbers(_filter(clerk, "funding_source=财政")) == ["ZC1"]
    assert _numbers(_filter(clerk, "kind=fixed")) == ["ZC1", "ZC2"]


def test_another_schools_rooms_are_neither_offered_nor_accepted():
    school, other = SchoolFactory(), SchoolFactory()
    clerk = member(school, "clerk")
    foreign_room = RoomFactory(school=other, floor__building__campus__school=other)
    AssetFactory(school=school, number="ZC1")

    filterset = _filter(clerk, f"room={foreign_room.pk}")
    assert "room" in filterset.errors
    assert foreign_room.pk not in [
        value for value, _label in filterset.form.fields["room"].choices if value
    ]
    html = str(filterset.form["room"])
    assert f'value="{foreign_room.pk}"' not in html


def test_a_filter_set_without_data_hides_disposed_assets_too():
    """An empty querystring means the same rows on the page, in its export and in a bulk
    action built from it (other areas build the filter set from a saved querystring)."""
    school = SchoolFactory()
    clerk = member(school, "clerk")
    AssetFactory(school=school, number="A1")
    AssetFactory(school=school, number="A2", status=AssetStatus.LOST)

    filterset = AssetFilterSet(None, queryset=Asset.objects.restrict(clerk, "view"))

    assert sorted(filterset.qs.values_list("number", flat=True)) == ["A1"]

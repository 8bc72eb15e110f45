"""Register pages: who sees which assets, an asset's page, registering and editing by form,
categories, settings, exports and the label QR address."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from houqin.assets import categories, services
from houqin.assets.models import Asset, AssetCategory, AssetSettings, AssetStatus
from houqin.assets.tests.factories import AssetCategoryFactory, AssetFactory
from houqin.factories import DepartmentFactory, RoomFactory

pytestmark = pytest.mark.django_db
LIST = reverse("assets:asset_list")


@pytest.fixture
def clerk(school, make_member):
    return make_member(school, "clerk", username="clerk")


def numbers_on(client, url) -> list[str]:
    body = client.get(url).content.decode()
    return sorted(n for n in Asset.objects.values_list("number", flat=True) if f">{n}<" in body)


# ---------------------------------------------------------------- who sees what


def test_staff_see_only_the_assets_they_look_after(client, school, teacher):
    AssetFactory(school=school, number="MINE", custodian=teacher)
    AssetFactory(school=school, number="OTHER")
    client.force_login(teacher)

    assert numbers_on(client, LIST) == ["MINE"]
    other = Asset.objects.get(number="OTHER")
    assert client.get(reverse("assets:asset_detail", args=[other.pk])).status_code == 404


def test_a_department_head_sees_the_department_assets(client, school, make_member):
    # A teacher who heads an office (the dept_head role itself reads the whole register).
    head = make_member(school, "staff", username="head")
    office = DepartmentFactory(school=school, head=head)
    AssetFactory(school=school, number="DEPT", department=office)
    AssetFactory(school=school, number="ELSEWHERE", department=DepartmentFactory(school=school))
    client.force_login(head)

    assert numbers_on(client, LIST) == ["DEPT"]


def test_another_schools_assets_are_unreachable(client, school, other_school, director):
    AssetFactory(school=school, number="OURS")
    theirs = AssetFactory(school=other_school, number="THEIRS")
    client.force_login(director)

    assert numbers_on(client, LIST) == ["OURS"]
    for name in ("assets:asset_detail", "assets:asset_edit"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    response = client.post(reverse("assets:asset_status", args=[theirs.pk]), {"status": "idle"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AssetStatus.IN_USE


def test_the_list_hides_disposed_assets_unless_asked(client, school, director):
    AssetFactory(school=school, number="USED")
    AssetFactory(school=school, number="GONE", status=AssetStatus.DISPOSED)
    client.force_login(director)

    assert numbers_on(client, LIST) == ["USED"]
    assert numbers_on(client, LIST + "?active=") == ["GONE", "USED"]
    assert numbers_on(client, LIST + "?status=disposed") == ["GONE"]


# ---------------------------------------------------------------- an asset's page


def test_the_asset_page_shows_its_repairs_and_their_total_cost(client, school, director, teacher):
    from houqin.maintenance import services as repairs
    from houqin.maintenance.models import PartUsage, WorkOrder

    room = RoomFactory(floor__building__campus__school=school)
    asset = AssetFactory(school=school, room=room, name="投影仪")
    category = repairs.ensure_categories(school)[0]
    for outside, parts in ((Decimal("120.00"), [(2, "15.50")]), (Decimal("0"), [(1, "300")])):
        order = repairs.report(
            school=school, by=teacher, room=room, category=category, description="不亮了"
        )
        WorkOrder.objects.filter(pk=order.pk).update(asset=asset, outside_cost=outside)
        for quantity, cost in parts:
            PartUsage.objects.create(
                school=school,
                order=order,
                name="灯泡",
                quantity=quantity,
                unit_cost=cost,
                recorded_by=director,
            )
    client.force_login(director)

    body = client.get(reverse("assets:asset_detail", args=[asset.pk])).content.decode()

    # 120 + 2 × 15.50 + 300
    assert "451.00" in body
    assert body.count("maintenance/repairs/") >= 0
    assert "<svg" in body  # the QR code
    assert reverse("assets:asset_qr", args=[asset.qr_token]) in body


def test_the_asset_page_offers_edit_only_to_those_who_may(client, school, clerk, teacher):
    asset = AssetFactory(school=school, custodian=teacher)
    edit = reverse("assets:asset_edit", args=[asset.pk])

    client.force_login(teacher)
    assert edit not in client.get(reverse("assets:asset_detail", args=[asset.pk])).content.decode()
    assert client.get(edit).status_code == 403

    client.force_login(clerk)
    assert edit in client.get(reverse("assets:asset_detail", args=[asset.pk])).content.decode()


def test_a_clerk_sets_a_status_from_the_asset_page(client, school, clerk):
    asset = AssetFactory(school=school)
    client.force_login(clerk)

    client.post(reverse("assets:asset_status", args=[asset.pk]), {"status": "in_repair"})

    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_REPAIR


# ---------------------------------------------------------------- registering and editing


def test_a_clerk_registers_an_asset_by_form(client, school, clerk):
    category = AssetCategoryFactory(school=school, code="A02010100", default_unit="台")
    room = RoomFactory(floor__building__campus__school=school)
    client.force_login(clerk)
    assert client.get(reverse("assets:asset_add")).status_code == 200

    response = client.post(
        reverse("assets:asset_add"),
        {
            "name": "台式计算机",
            "category": category.pk,
            "quantity": "1",
            "unit_price": "4800",
            "count": "1",
            "acquisition_mode": "purchase",
            "status": "in_use",
            "room": room.pk,
            "acquired_on": "2026-03-01",
        },
    )

    asset = Asset.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("assets:asset_detail", args=[asset.pk])
    assert (asset.room, asset.unit, asset.total_value) == (room, "台", Decimal("4800.00"))
    assert asset.created_by == clerk


def test_a_received_batch_is_registered_by_form(client, school, clerk):
    category = AssetCategoryFactory(school=school)
    client.force_login(clerk)

    client.post(
        reverse("assets:asset_add"),
        {
            "name": "学生机",
            "category": category.pk,
            "quantity": "1",
            "unit_price": "3900",
            "count": "30",
            "acquisition_mode": "purchase",
            "status": "in_use",
        },
    )

    numbers = list(Asset.objects.order_by("number").values_list("number", flat=True))
    assert len(numbers) == 30
    assert numbers[0].endswith("000001") and numbers[-1].endswith("000030")


def test_a_duplicate_number_is_a_form_error(client, school, clerk):
    category = AssetCategoryFactory(school=school)
    AssetFactory(school=school, number="ZC-9", category=category)
    client.force_login(clerk)

    response = client.post(
        reverse("assets:asset_add"),
        {
            "number": "ZC-9",
            "name": "x",
            "category": category.pk,
            "quantity": "1",
            "unit_price": "10",
            "count": "1",
            "acquisition_mode": "purchase",
            "status": "in_use",
        },
    )

    assert response.status_code == 200
    assert "ZC-9 is already used" in response.content.decode()
    assert Asset.objects.count() == 1


def test_editing_a_card_saves_through_the_service(client, school, clerk):
    asset = AssetFactory(school=school, name="旧名")
    client.force_login(clerk)
    page = client.get(reverse("assets:asset_edit", args=[asset.pk])).content.decode()
    assert 'name="room"' not in page  # place changes by Move

    data = {
        "number": asset.number,
        "name": "新名",
        "category": asset.category_id,
        "quantity": "2",
        "unit": asset.unit,
        "unit_price": "4800.00",
        "total_value": str(asset.total_value),
        "acquisition_mode": asset.acquisition_mode,
        "acquired_on": asset.acquired_on.isoformat(),
        "kind": asset.kind,
    }
    response = client.post(reverse("assets:asset_edit", args=[asset.pk]), data)

    assert response.status_code == 302
    asset.refresh_from_db()
    assert (asset.name, asset.quantity, asset.total_value) == ("新名", 2, Decimal("9600.00"))


# ---------------------------------------------------------------- categories and settings


def test_the_category_tree_lists_the_national_classes(client, school, clerk):
    client.force_login(clerk)

    body = client.get(reverse("assets:category_list")).content.decode()

    assert "A02000000" in body and "家具和用具" in body
    assert AssetCategory.objects.filter(school=school, is_standard=True).count() == len(
        categories.STANDARD_CATEGORIES
    )


def test_a_clerk_adds_a_sub_category_and_changes_a_standard_life(client, school, clerk):
    by_code = {c.code: c for c in categories.ensure_standard_categories(school)}
    computers = by_code["A02010100"]
    client.force_login(clerk)

    client.post(
        reverse("assets:category_add"),
        {
            "parent": computers.pk,
            "code": "A02010108",
            "name": "便携式计算机",
            "depreciates": "unknown",
        },
    )
    laptops = AssetCategory.objects.get(school=school, code="A02010108")
    assert (laptops.parent, laptops.useful_life_years) == (computers, 6)

    client.post(
        reverse("assets:category_edit", args=[computers.pk]),
        {
            "useful_life_years": "8",
            "edu_code": "",
            "default_unit": "台",
            "is_active": "on",
            "code": "HACK",
            "name": "HACK",
        },
    )
    computers.refresh_from_db()
    assert (computers.code, computers.name, computers.useful_life_years) == (
        "A02010100",
        "计算机",
        8,
    )


def test_only_the_director_opens_the_settings(client, school, director, clerk):
    client.force_login(clerk)
    assert client.get(reverse("assets:settings")).status_code == 403

    client.force_login(director)
    response = client.post(
        reverse("assets:settings"),
        {
            "number_prefix": "GZ",
            "number_with_year": "on",
            "number_digits": "5",
            "fixed_threshold": "1000",
            "special_threshold": "1500",
            "label_title": "",
        },
    )
    assert response.status_code == 302
    assert AssetSettings.for_school(school).number_prefix == "GZ"


# ---------------------------------------------------------------- exports


def test_the_export_is_what_the_filters_show(client, school, director):
    computers = AssetCategoryFactory(school=school, code="A02010100", name="计算机")
    AssetFactory(school=school, number="PC-1", category=computers, name="台式计算机")
    AssetFactory(school=school, number="DESK-1", name="办公桌")
    client.force_login(director)

    response = client.get(LIST, {"category": computers.pk, "export": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert "classification code" in [str(h).lower() for h in rows[0]]
    assert [r[0] for r in rows[1:]] == ["PC-1"]
    assert "A02010100" in rows[1]


def test_the_csv_export_starts_with_a_byte_order_mark_for_excel(client, school, director):
    AssetFactory(school=school, number="PC-1", name="台式计算机")
    client.force_login(director)

    response = client.get(LIST, {"export": "csv"})

    assert response.content.startswith("\ufeff".encode())
    assert "台式计算机" in response.content.decode("utf-8-sig")


def test_staff_without_the_export_right_cannot_export(client, school, teacher):
    AssetFactory(school=school, custodian=teacher)
    client.force_login(teacher)

    assert client.get(LIST, {"export": "xlsx"}).status_code == 403


# ---------------------------------------------------------------- the label QR


def test_the_qr_opens_the_asset_page_for_a_member_who_may_view_it(client, school, director):
    asset = AssetFactory(school=school)
    client.force_login(director)

    response = client.get(reverse("assets:asset_qr", args=[asset.qr_token]))

    assert response.status_code == 302
    assert response.url == reverse("assets:asset_detail", args=[asset.pk])


@pytest.fixture
def public_report_route(monkeypatch):
    """The public "report a problem with this asset" page (added by the lead): its address."""
    from houqin.assets import views_register

    real = views_register.optional_url

    def optional_url(name, *args, query=""):
        if name == "maintenance:public_asset_report":
            return f"/r/asset/{args[0]}/"
        return real(name, *args, query=query)

    monkeypatch.setattr(views_register, "optional_url", optional_url)


def test_the_qr_sends_anyone_else_to_the_public_report_page(
    client, school, other_school, teacher, make_member, public_report_route
):
    asset = AssetFactory(school=school)
    url = reverse("assets:asset_qr", args=[asset.qr_token])
    public = f"/r/asset/{asset.qr_token}/"

    assert client.get(url).url == public  # anonymous
    client.force_login(teacher)  # a member who does not look after it
    assert client.get(url).url == public
    client.force_login(make_member(other_school, "director", username="elsewhere"))
    assert client.get(url).url == public
    assert client.get(reverse("assets:asset_qr", args=["no-such-token"])).url == (
        "/r/asset/no-such-token/"
    )


def test_registered_assets_get_their_timeline_entry(client, school, clerk):
    category = AssetCategoryFactory(school=school)
    asset = services.register_asset(school=school, by=clerk, category=category, name="x")
    client.force_login(clerk)

    body = client.get(reverse("assets:asset_detail", args=[asset.pk])).content.decode()

    assert "Registered." in body


def test_asking_to_dispose_from_an_asset_page_lists_that_asset_only(client, school, clerk):
    asset = AssetFactory(school=school, number="ZC-ONE")
    AssetFactory(school=school, number="ZC-OTHER")
    client.force_login(clerk)
    page = client.get(reverse("assets:asset_detail", args=[asset.pk])).content.decode()
    link = re.search(r'href="([^"]*/disposals/add/[^"]*)"', page)
    assert link, "the asset page offers to ask for its disposal"

    form = client.get(link.group(1).replace("&amp;", "&")).content.decode()

    assert "ZC-ONE" in form and "ZC-OTHER" not in form

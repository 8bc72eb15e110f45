"""Registering assets: numbers (single, batches, given ones), fixed vs low-value, totals,
editing a card, statuses, and the national categories."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from houqin.assets import categories, services
from houqin.assets.models import (
    Asset,
    AssetCategory,
    AssetKind,
    AssetSettings,
    AssetStatus,
    ValueRule,
)
from houqin.assets.tests.factories import AssetCategoryFactory, AssetFactory
from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.models import TimelineEntry
from houqin.core.numbering import current_year
from houqin.factories import DepartmentFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(school, make_member):
    return make_member(school, "clerk", username="clerk")


@pytest.fixture
def computers(school):
    return AssetCategoryFactory(school=school, code="A02010100", name="计算机")


def register(school, by, category, **kw):
    kw.setdefault("name", "台式计算机")
    return services.register_asset(school=school, by=by, category=category, **kw)


# ---------------------------------------------------------------- numbers


def test_registered_assets_take_the_next_numbers_of_the_year(school, clerk, computers):
    year = current_year(school)

    first = register(school, clerk, computers)
    second = register(school, clerk, computers)

    assert first.number == f"ZC{year}000001"
    assert second.number == f"ZC{year}000002"


def test_a_received_batch_takes_a_run_of_consecutive_numbers(school, clerk, computers):
    year = current_year(school)
    register(school, clerk, computers)

    batch = services.register_batch(
        school=school, by=clerk, count=30, category=computers, name="学生机", unit_price=4200
    )

    assert [a.number for a in batch] == [f"ZC{year}{n:06d}" for n in range(2, 32)]
    assert all(a.total_value == Decimal("4200.00") for a in batch)
    assert register(school, clerk, computers).number == f"ZC{year}000032"


def test_numbers_without_a_year_follow_the_school_settings(school, clerk, computers):
    AssetSettings.objects.filter(school=school).delete()
    AssetSettings.objects.create(
        school=school, number_prefix="GZ", number_with_year=False, number_digits=4
    )

    batch = services.register_batch(school=school, by=clerk, count=3, category=computers, name="x")

    assert [a.number for a in batch] == ["GZ0001", "GZ0002", "GZ0003"]


def test_a_given_number_is_kept_and_a_duplicate_is_refused(school, clerk, computers):
    register(school, clerk, computers, number=" 2019-0001 ")

    with pytest.raises(DomainError, match="2019-0001 is already used"):
        register(school, clerk, computers, number="2019-0001")

    assert list(Asset.objects.values_list("number", flat=True)) == ["2019-0001"]


def test_a_generated_number_skips_one_an_imported_ledger_already_used(school, clerk, computers):
    year = current_year(school)
    register(school, clerk, computers, number=f"ZC{year}000001")

    generated = register(school, clerk, computers)

    assert generated.number == f"ZC{year}000002"


def test_a_batch_with_given_numbers_refuses_any_taken_or_repeated_one(school, clerk, computers):
    register(school, clerk, computers, number="B-2")

    with pytest.raises(DomainError, match="B-2"):
        services.register_batch(
            school=school,
            by=clerk,
            count=3,
            numbers=["B-1", "B-2", "B-3"],
            category=computers,
            name="x",
        )
    with pytest.raises(DomainError, match="repeated"):
        services.register_batch(
            school=school, by=clerk, count=2, numbers=["B-4", "B-4"], category=computers, name="x"
        )

    assert Asset.objects.count() == 1  # nothing of either batch was written


def test_the_same_number_may_be_used_by_another_school(school, other_school, clerk, computers):
    other_clerk_category = AssetCategoryFactory(school=other_school, code="A02010100")
    register(school, clerk, computers, number="ZC-1")

    other = services.register_asset(
        school=other_school, by=None, category=other_clerk_category, name="x", number="ZC-1"
    )

    assert other.number == "ZC-1"


# ---------------------------------------------------------------- fixed or low-value


@pytest.mark.parametrize(
    "rule,price,kind",
    [
        (ValueRule.STANDARD, "999.99", AssetKind.LOW_VALUE),
        (ValueRule.STANDARD, "1000", AssetKind.FIXED),
        (ValueRule.SPECIAL, "1499", AssetKind.LOW_VALUE),
        (ValueRule.SPECIAL, "1500", AssetKind.FIXED),
        (ValueRule.ALWAYS_FIXED, "80", AssetKind.FIXED),
    ],
)
def test_fixed_or_low_value_follows_the_thresholds_and_the_category_rule(
    school, clerk, rule, price, kind
):
    category = AssetCategoryFactory(school=school, value_rule=rule)

    asset = register(school, clerk, category, unit_price=Decimal(price))

    assert asset.kind == kind


def test_the_school_thresholds_decide_new_assets(school, director, clerk, computers):
    settings = AssetSettings.for_school(school)
    services.update_settings(settings, by=director, fixed_threshold=Decimal("2000"))

    assert (
        register(school, clerk, computers, unit_price=Decimal("1500")).kind == AssetKind.LOW_VALUE
    )


def test_only_the_director_changes_the_settings(school, clerk):
    with pytest.raises(PermissionDenied):
        services.update_settings(AssetSettings.for_school(school), by=clerk, number_prefix="X")


def test_a_batch_card_counts_its_total_from_quantity_and_unit_price(school, clerk):
    desks = AssetCategoryFactory(
        school=school, value_rule=ValueRule.ALWAYS_FIXED, default_unit="套"
    )

    card = register(
        school, clerk, desks, name="课桌椅", quantity=Decimal("120"), unit_price=Decimal("350.50")
    )

    assert card.total_value == Decimal("42060.00")
    assert card.unit == "套"  # the category's unit
    assert card.kind == AssetKind.FIXED


def test_a_given_total_is_kept(school, clerk, computers):
    asset = register(
        school, clerk, computers, quantity=3, unit_price=100, total_value=Decimal("290")
    )

    assert asset.total_value == Decimal("290")


# ---------------------------------------------------------------- who may


def test_a_teacher_cannot_register_assets(school, teacher, computers):
    with pytest.raises(PermissionDenied):
        register(school, teacher, computers)


def test_a_clerk_cannot_register_into_another_school(school, other_school, clerk):
    foreign = AssetCategoryFactory(school=other_school)

    with pytest.raises(PermissionDenied):
        register(other_school, clerk, foreign)


def test_a_category_or_place_of_another_school_is_refused(school, other_school, clerk, computers):
    foreign_category = AssetCategoryFactory(school=other_school)
    foreign_room = RoomFactory(floor__building__campus__school=other_school)

    with pytest.raises(DomainError, match="category"):
        register(school, clerk, foreign_category)
    with pytest.raises(DomainError, match="place"):
        register(school, clerk, computers, room=foreign_room)

    assert not Asset.objects.exists()


def test_a_custodian_must_be_a_member_of_the_school(
    school, other_school, clerk, computers, make_member
):
    stranger = make_member(other_school, "staff", username="stranger")

    with pytest.raises(DomainError, match="custodian"):
        register(school, clerk, computers, custodian=stranger)


# ---------------------------------------------------------------- editing and status


def test_editing_names_the_changed_fields_on_the_timeline(school, clerk, computers):
    asset = register(school, clerk, computers, unit_price=Decimal("800"))

    services.update_asset(asset, by=clerk, name="教师机", unit_price=Decimal("5000"))

    asset.refresh_from_db()
    assert (asset.name, asset.total_value, asset.kind) == (
        "教师机",
        Decimal("5000.00"),
        AssetKind.FIXED,
    )
    entry = TimelineEntry.objects.filter(object_id=asset.pk).order_by("pk").last()
    assert set(entry.data["fields"]) == {"name", "unit_price", "total_value", "kind"}


def test_place_and_custodian_change_only_by_a_movement(school, clerk, computers):
    asset = register(school, clerk, computers)
    room = RoomFactory(floor__building__campus__school=school)

    with pytest.raises(DomainError, match="Move"):
        services.update_asset(asset, by=clerk, room=room)

    asset.refresh_from_db()
    assert asset.room_id is None


def test_a_number_changed_to_one_in_use_is_refused(school, clerk, computers):
    first = register(school, clerk, computers)
    second = register(school, clerk, computers)

    with pytest.raises(DomainError, match="already used"):
        services.update_asset(second, by=clerk, number=first.number)


def test_a_custodian_may_view_but_not_edit_their_asset(school, clerk, computers, teacher):
    asset = register(school, clerk, computers, custodian=teacher)

    with pytest.raises(PermissionDenied):
        services.update_asset(asset, by=teacher, name="mine")


def test_status_changes_are_recorded_and_a_disposed_asset_stays_disposed(school, clerk, computers):
    asset = register(school, clerk, computers)

    services.set_manual_status(asset, by=clerk, status=AssetStatus.IDLE, note="换新了")
    entry = TimelineEntry.objects.filter(object_id=asset.pk, kind="state_change").get()
    assert (entry.from_state, entry.to_state, entry.text) == ("in_use", "idle", "换新了")

    services.set_status(asset, by=clerk, status=AssetStatus.DISPOSED)
    assert asset.disposed_on is not None
    with pytest.raises(DomainError):
        services.set_status(asset, by=clerk, status=AssetStatus.IN_USE)


def test_disposal_and_lending_are_not_set_by_hand(school, clerk, computers):
    asset = register(school, clerk, computers)

    with pytest.raises(DomainError):
        services.set_manual_status(asset, by=clerk, status=AssetStatus.DISPOSED)
    with pytest.raises(DomainError):
        services.set_manual_status(asset, by=clerk, status=AssetStatus.LENT)


# ---------------------------------------------------------------- categories


def test_standard_categories_are_created_once_and_keep_the_school_life(school):
    categories.ensure_standard_categories(school)
    computers = AssetCategory.objects.get(school=school, code="A02010100")
    computers.useful_life_years = 5
    computers.save()

    categories.ensure_standard_categories(school)

    assert AssetCategory.objects.filter(school=school).count() == len(
        categories.STANDARD_CATEGORIES
    )
    computers.refresh_from_db()
    assert computers.useful_life_years == 5
    assert computers.parent.code == "A02010000"
    assert computers.parent.parent.code == "A02000000"


def test_standard_lives_and_rules_follow_the_public_sector_table(school):
    by_code = {c.code: c for c in categories.ensure_standard_categories(school)}

    assert by_code["A02010100"].useful_life_years == 6  # computers
    assert by_code["A02030000"].useful_life_years == 8  # vehicles
    assert by_code["A05010000"].useful_life_years == 15  # furniture
    assert by_code["A05010203"].useful_life_years == 5  # student desks
    assert not by_code["A04000000"].depreciates  # books and archives
    assert not by_code["A03000000"].depreciates  # cultural relics
    assert by_code["A05000000"].value_rule == ValueRule.ALWAYS_FIXED
    assert by_code["A04010000"].value_rule == ValueRule.ALWAYS_FIXED
    assert by_code["A02100000"].value_rule == ValueRule.SPECIAL
    assert all(c.is_standard for c in by_code.values())


def test_a_sub_category_inherits_from_its_class(school, clerk):
    by_code = {c.code: c for c in categories.ensure_standard_categories(school)}

    laptops = categories.add_category(
        school=school, by=clerk, parent=by_code["A02010100"], code="A02010108", name="便携式计算机"
    )
    pianos = categories.add_category(
        school=school,
        by=clerk,
        parent=by_code["A02450000"],
        code="A0245-01",
        name="钢琴",
        useful_life_years=10,
    )

    assert (laptops.useful_life_years, laptops.depreciates, laptops.default_unit) == (6, True, "台")
    assert (pianos.useful_life_years, pianos.value_rule) == (10, ValueRule.SPECIAL)
    assert not laptops.is_standard


def test_a_standard_category_keeps_its_code_and_name(school, clerk):
    computers = {c.code: c for c in categories.ensure_standard_categories(school)}["A02010100"]

    categories.update_category(computers, by=clerk, useful_life_years=8)
    with pytest.raises(DomainError):
        categories.update_category(computers, by=clerk, name="电脑")

    computers.refresh_from_db()
    assert (computers.name, computers.useful_life_years) == ("计算机", 8)


def test_a_sub_category_code_must_be_new(school, clerk):
    computers = {c.code: c for c in categories.ensure_standard_categories(school)}["A02010100"]

    with pytest.raises(ValidationError):
        categories.add_category(
            school=school, by=clerk, parent=computers, code="A02010100", name="again"
        )


def test_a_teacher_cannot_add_categories(school, teacher):
    computers = {c.code: c for c in categories.ensure_standard_categories(school)}["A02010100"]

    with pytest.raises(PermissionDenied):
        categories.add_category(school=school, by=teacher, parent=computers, code="X", name="x")


def test_factory_assets_still_work_with_the_services(school, clerk):
    asset = AssetFactory(school=school)

    services.update_asset(asset, by=clerk, notes="盘点时发现划痕")

    asset.refresh_from_db()
    assert asset.notes == "盘点时发现划痕"


def test_a_department_of_another_school_is_refused(school, other_school, clerk, computers):
    with pytest.raises(DomainError, match="department"):
        register(school, clerk, computers, department=DepartmentFactory(school=other_school))

"""Column mapping: suggested from header words (Chinese and English), chosen by the clerk for
unfamiliar headers, and remembered for the school's next import."""

import pytest
from django.core.exceptions import ValidationError

from houqin.assets.ledger_import import services
from houqin.assets.ledger_import.fields import suggest_field, suggest_mapping
from houqin.assets.models import Asset, ImportMapping

from .test_import_support import (  # noqa: F401 - the fixtures are used by name
    categories_fixture,
    check,
    clerk_fixture,
    csv_file,
    import_all,
    media_root_fixture,
    upload,
)

pytestmark = pytest.mark.django_db

UNFAMILIAR = ["登记码", "物品", "类目", "价钱（元）", "放在哪里", "备忘"]


def unfamiliar_file(number="K-1"):
    return csv_file(
        [[number, "钢琴", "文艺设备", "26000", "艺术楼/301", "捐赠所得"]], headers=UNFAMILIAR
    )


def mapping_by_header(imp, fields: dict[str, str]) -> dict[str, str]:
    return {str(imp.headers.index(header)): field for header, field in fields.items()}


CHOSEN = {
    "登记码": "number",
    "物品": "name",
    "类目": "category",
    "价钱（元）": "total_value",
    "放在哪里": "place",
}


@pytest.mark.parametrize(
    "header, field",
    [
        ("资产编号", "number"),
        ("资产名称*", "name"),
        ("单价（元）", "unit_price"),
        ("原值(元)", "total_value"),
        ("取得日期", "acquired_on"),
        ("存放地点名称", "place"),  # contains a known header word
        ("管理部门", "department"),
        ("保管人", "custodian"),
        ("Asset number", "number"),
        ("Purchase Date", "acquired_on"),
        ("放在哪里", None),
    ],
)
def test_header_words_suggest_a_field(header, field):
    assert suggest_field(header) == field


def test_each_field_is_suggested_for_the_first_column_only():
    assert suggest_mapping(["使用部门", "管理部门", "资产名称"]) == {"0": "department", "2": "name"}


def test_unfamiliar_headers_import_after_the_clerk_maps_them(school, clerk):
    imp = upload(school, clerk, unfamiliar_file())
    assert imp.mapping == {}  # nothing recognised
    with pytest.raises(ValidationError):
        services.choose_columns(imp, by=clerk, mapping={})
    result = services.choose_columns(imp, by=clerk, mapping=mapping_by_header(imp, CHOSEN))
    assert result.ok
    import_all(imp, clerk)
    asset = Asset.objects.get(school=school)
    assert (asset.number, asset.name, asset.total_value) == ("K-1", "钢琴", 26000)
    assert str(asset.room) == "艺术楼 301"
    assert asset.notes == ""  # the ignored 备忘 column is not imported


def test_the_mapping_is_remembered_and_suggested_next_time(school, clerk):
    first = upload(school, clerk, unfamiliar_file("K-1"))
    services.choose_columns(first, by=clerk, mapping=mapping_by_header(first, CHOSEN))
    import_all(first, clerk)
    remembered = ImportMapping.objects.get(school=school).headers
    assert remembered["类目"] == "category" and remembered["备忘"] == ""  # ignored, on purpose

    second = upload(school, clerk, unfamiliar_file("K-2"))
    assert second.mapping == mapping_by_header(second, CHOSEN)
    assert check(second, clerk).ok


def test_a_mapping_is_remembered_only_after_a_successful_import(school, clerk):
    imp = upload(school, clerk, unfamiliar_file())
    services.choose_columns(imp, by=clerk, mapping=mapping_by_header(imp, CHOSEN))
    assert not ImportMapping.objects.filter(school=school).exists()


def test_remembered_mappings_stay_in_their_school(school, other_school, make_member, clerk):
    first = upload(school, clerk, unfamiliar_file())
    services.choose_columns(first, by=clerk, mapping=mapping_by_header(first, CHOSEN))
    import_all(first, clerk)
    other_clerk = make_member(other_school, "clerk", username="clerk-b")
    elsewhere = upload(other_school, other_clerk, unfamiliar_file())
    assert elsewhere.mapping == {}


def test_one_field_for_two_columns_is_refused(school, clerk):
    imp = upload(school, clerk, unfamiliar_file())
    mapping = mapping_by_header(imp, {**CHOSEN, "备忘": "name"})
    with pytest.raises(ValidationError) as refused:
        services.choose_columns(imp, by=clerk, mapping=mapping)
    assert "chosen for two columns" in refused.value.messages[0]


def test_a_title_above_unfamiliar_headers_can_be_skipped_by_row_number(school, clerk):
    headers = ["某某学校资产清单", "制表人", "张三", "制表日期", "2024年12月", "单位：元"]
    file = csv_file([UNFAMILIAR, ["K-1", "钢琴", "文艺设备", "26000", "", ""]], headers=headers)
    imp = upload(school, clerk, file)
    assert imp.header_row == 1  # the title row looks as much like headers as the real ones
    services.choose_sheet(imp, by=clerk, header_row=2)
    imp.refresh_from_db()
    assert imp.headers == UNFAMILIAR and imp.total_rows == 1

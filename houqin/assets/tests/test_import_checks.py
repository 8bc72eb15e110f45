"""Every row is checked before anything is written; each bad cell is reported with the row
number the clerk sees in Excel, the header, the value and why; a file with errors writes
nothing at all."""

import io

import pytest
from openpyxl import load_workbook

from houqin.assets.ledger_import import services
from houqin.assets.models import Asset, AssetCategory, ImportStatus
from houqin.assets.tests.factories import AssetFactory
from houqin.core.errors import DomainError
from houqin.org.models import Building, Department, Room

from .test_import_support import (  # noqa: F401 - the fixtures are used by name
    categories_fixture,
    check,
    clerk_fixture,
    csv_file,
    media_root_fixture,
    row,
    upload,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


def errors_of(result):
    return [(e.row, e.column, e.value, str(e.message)) for e in result.errors]


def test_each_bad_cell_is_reported_and_nothing_is_written(school, clerk):
    rows = [
        row(资产编号="OK-1", 存放地点="新楼/101", 使用部门="新部门"),  # row 2: fine
        row(资产分类="飞行器"),  # row 3: unknown category
        row(购置日期="2019-13-45"),  # row 4: no such date
        row(单价="-100"),  # row 5: negative value
        row(使用状况="坏了"),  # row 6: unknown status word
        row(取得方式="抢来"),  # row 7: unknown acquisition word
        row(资产名称=""),  # row 8: no name
        row(单价="很贵"),  # row 9: not a number
    ]
    imp = upload(school, clerk, csv_file(rows))
    result = check(imp, clerk)
    got = errors_of(result)
    assert [(r, c) for r, c, _v, _m in got] == [
        (3, "资产分类"),
        (4, "购置日期"),
        (5, "单价"),
        (6, "使用状况"),
        (7, "取得方式"),
        (8, "资产名称"),
        (9, "单价"),
    ]
    assert got[0][2] == "飞行器" and "Unknown category" in got[0][3]
    assert got[2] == (5, "单价", "-100", "A value cannot be negative.")
    assert "在用" in got[3][3]  # the message lists the words that work
    imp.refresh_from_db()
    assert imp.status == ImportStatus.INVALID and imp.error_count == 7
    with pytest.raises(DomainError):
        services.start_import(imp, by=clerk)
    assert not Asset.objects.exists()
    assert not Room.objects.filter(school=school).exists()
    assert not Department.objects.filter(school=school, name="新部门").exists()


def test_row_numbers_are_those_excel_shows_below_a_title_row(school, clerk):
    file = xlsx_file([row(), row(单价="-1")], title="固定资产台账")
    result = check(upload(school, clerk, file), clerk)
    assert [(e.row, e.column) for e in result.errors] == [(4, "单价")]


def test_duplicate_numbers_in_the_file_and_in_the_register(school, clerk):
    AssetFactory(
        school=school,
        number="ZC-OLD",
        category=AssetCategory.objects.get(school=school, code="A02010100"),
    )
    rows = [row(资产编号="ZC-1"), row(资产编号="ZC-1"), row(资产编号="ZC-OLD")]
    result = check(upload(school, clerk, csv_file(rows)), clerk)
    assert errors_of(result) == [
        (3, "资产编号", "ZC-1", "Same asset number as row 2: each number may appear once."),
        (4, "资产编号", "ZC-OLD", "The register already has an asset with this number."),
    ]


def test_another_schools_numbers_do_not_count_as_duplicates(school, other_school, clerk):
    AssetFactory(school=other_school, number="ZC-9")
    result = check(upload(school, clerk, csv_file([row(资产编号="ZC-9")])), clerk)
    assert result.ok


def test_categories_by_code_by_sub_category_name_and_ambiguous_names(school, clerk):
    top = AssetCategory.objects.get(school=school, code="A02010100")
    AssetCategory.objects.create(school=school, parent=top, code="A0201010401", name="教师机")
    AssetCategory.objects.create(school=school, parent=top, code="X1", name="其他")
    AssetCategory.objects.create(school=school, parent=top, code="X2", name="其他")
    rows = [
        row(资产分类="A02021000"),  # a code in the category column
        row(资产分类="教师机"),  # the school's own sub-category
        row(资产分类="A02010100 计算机"),  # code and name together
        row(资产分类="其他"),  # two categories have this name
    ]
    result = check(upload(school, clerk, csv_file(rows)), clerk)
    assert [r.category.code for r in result.rows] == ["A02021000", "A0201010401", "A02010100"]
    assert errors_of(result) == [
        (
            5,
            "资产分类",
            "其他",
            "Several categories have this name: write the category's code instead.",
        )
    ]


def test_a_separate_code_column_wins_over_the_name(school, clerk):
    headers = ["资产名称", "分类代码", "分类名称", "金额"]
    file = csv_file([["打印机", "A02021000", "打印设备（旧称）", "1800"]], headers=headers)
    imp = upload(school, clerk, file)
    assert set(imp.mapping.values()) == {"name", "category_code", "category", "total_value"}
    result = check(imp, clerk)
    assert result.ok and result.rows[0].category.code == "A02021000"


def test_warranty_before_purchase_is_an_error(school, clerk):
    headers = ["资产名称", "资产分类", "单价", "购置日期", "保修截止日期"]
    file = csv_file([["空调", "空调机", "3000", "2022-06-01", "2021-06-01"]], headers=headers)
    result = check(upload(school, clerk, file), clerk)
    assert errors_of(result) == [
        (2, "保修截止日期", "2021-06-01", "The warranty cannot end before the asset was acquired.")
    ]


def test_error_report_marks_every_bad_cell_in_the_uploaded_sheet(school, clerk):
    imp = upload(
        school, clerk, csv_file([row(单价="-1"), row(), row(资产分类="飞行器", 购置日期="昨天")])
    )
    check(imp, clerk)
    book = load_workbook(io.BytesIO(services.error_report(imp, by=clerk)))
    rows_sheet, listing = book.worksheets
    listed = [(r[0].value, r[1].value) for r in listing.iter_rows(min_row=2)]
    assert listed == [(2, "单价"), (4, "资产分类"), (4, "购置日期")]
    assert rows_sheet.cell(row=2, column=6).fill.fgColor.rgb.endswith("FFC7CE")  # 单价 marked
    assert rows_sheet.cell(row=2, column=len(HEADERS_IN_FILE) + 1).value  # the errors column


HEADERS_IN_FILE = ["资产编号", "资产名称", "资产分类", "数量", "计量单位", "单价", "金额", "购置日期",
                   "存放地点", "使用部门", "使用人", "使用状况", "取得方式", "备注"]  # fmt: skip


def test_a_file_with_many_errors_keeps_a_page_of_them_and_counts_all(school, clerk, monkeypatch):
    monkeypatch.setattr(services, "MAX_STORED_ERRORS", 5)
    imp = upload(school, clerk, csv_file([row(单价="-1") for _ in range(12)]))
    check(imp, clerk)
    imp.refresh_from_db()
    assert imp.error_count == 12 and len(imp.errors) == 5


def test_nothing_of_a_bad_file_reaches_buildings_either(school, clerk):
    rows = [row(存放地点="科技楼/501"), row(资产分类="飞行器", 存放地点="科技楼/502")]
    imp = upload(school, clerk, csv_file(rows))
    check(imp, clerk)
    assert not Building.objects.filter(school=school).exists()

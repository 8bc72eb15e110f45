"""Ledgers as schools keep them: GBK CSV from Excel, UTF-8 CSV with a BOM, xlsx with a title row
above the headers, real date and number cells, a 合计 row at the end."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from houqin.assets.ledger_import import services
from houqin.assets.models import Asset, AssetStatus
from houqin.core.importing import ImportFileError

from .test_import_support import (  # noqa: F401 - the fixtures are used by name
    HEADERS,
    categories_fixture,
    check,
    clerk_fixture,
    csv_file,
    import_all,
    media_root_fixture,
    row,
    upload,
    upload_and_import,
    xlsx_file,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_gbk_csv_from_excel_imports_with_chinese_intact(school, clerk):
    file = csv_file(
        [row(资产编号="GBK-1", 资产名称="交互式智能平板", 计量单位="台")], encoding="gbk"
    )
    imp = upload_and_import(school, clerk, file)
    assert imp.status == "done"
    asset = Asset.objects.get(school=school)
    assert (asset.number, asset.name, asset.unit) == ("GBK-1", "交互式智能平板", "台")


def test_gb18030_only_characters_are_read(school, clerk):
    file = csv_file([row(资产名称="㐀字库测试仪")], encoding="gb18030")
    upload_and_import(school, clerk, file)
    assert Asset.objects.get(school=school).name == "㐀字库测试仪"


def test_utf8_csv_with_bom_imports(school, clerk):
    file = csv_file([row(资产编号="BOM-1")], encoding="utf-8", bom=True)
    imp = upload(school, clerk, file)
    assert imp.headers[0] == "资产编号"  # the BOM is not part of the first header
    check(imp, clerk)
    services.start_import(imp, by=clerk)
    assert Asset.objects.get(school=school).number == "BOM-1"


def test_xlsx_with_title_row_real_cells_and_total_row(school, clerk):
    rows = [
        row(资产编号="X-1", 单价=4800.5, 数量=2, 购置日期=datetime(2021, 9, 1)),
        row(资产编号="X-2", 单价=1200, 购置日期="2019年3月1日"),
        ["合计", None, None, 3, None, None, 10801.0],
    ]
    imp = upload(school, clerk, xlsx_file(rows, title="宁波市甲中学固定资产台账"))
    assert imp.header_row == 2  # found below the title
    result = check(imp, clerk)
    assert result.ok and result.skipped_rows == [5]  # the 合计 row is left out, not an error
    services.start_import(imp, by=clerk)
    first = Asset.objects.get(number="X-1")
    assert first.unit_price == Decimal("4800.50")
    assert first.total_value == Decimal("9601.00")
    assert first.acquired_on == date(2021, 9, 1)
    assert Asset.objects.get(number="X-2").acquired_on == date(2019, 3, 1)


@pytest.mark.parametrize(
    "written, expected",
    [
        ("2019-3-1", date(2019, 3, 1)),
        ("2019/03/01", date(2019, 3, 1)),
        ("2019年3月1日", date(2019, 3, 1)),
        ("20190301", date(2019, 3, 1)),
        ("43525", date(2019, 3, 1)),  # an Excel serial number that went through CSV
        ("2019.3.1", date(2019, 3, 1)),
    ],
)
def test_purchase_dates_in_the_usual_ways(school, clerk, written, expected):
    upload_and_import(school, clerk, csv_file([row(购置日期=written)]))
    assert Asset.objects.get(school=school).acquired_on == expected


def test_status_and_acquisition_words_of_ledgers(school, clerk):
    rows = [
        row(使用状况="在用", 取得方式="购置"),
        row(使用状况="闲置", 取得方式="调拨"),
        row(使用状况="维修", 取得方式="捐赠"),
        row(使用状况="借出", 取得方式="自建"),
        row(使用状况="待报废", 取得方式="无偿调入"),
        row(使用状况="已报废", 取得方式="购买"),
        row(使用状况="丢失", 取得方式="盘盈"),
    ]
    upload_and_import(school, clerk, csv_file(rows))
    got = list(
        Asset.objects.filter(school=school).order_by("pk").values_list("status", "acquisition_mode")
    )
    assert got == [
        (AssetStatus.IN_USE, "purchase"),
        (AssetStatus.IDLE, "transfer_in"),
        (AssetStatus.IN_REPAIR, "donation"),
        (AssetStatus.LENT, "self_built"),
        (AssetStatus.PENDING_DISPOSAL, "transfer_in"),
        (AssetStatus.DISPOSED, "purchase"),
        (AssetStatus.LOST, "surplus"),
    ]


def test_total_value_alone_gives_the_unit_value(school, clerk):
    upload_and_import(
        school, clerk, csv_file([row(数量="120", 计量单位="套", 单价="", 金额="38400")])
    )
    asset = Asset.objects.get(school=school)
    assert (asset.quantity, asset.unit_price, asset.total_value) == (
        Decimal("120"),
        Decimal("320.00"),
        Decimal("38400.00"),
    )


def test_kind_follows_the_schools_thresholds(school, clerk):
    rows = [
        row(资产编号="cheap", 资产分类="计算机", 单价="800"),
        row(资产编号="dear", 资产分类="计算机", 单价="4800"),
        row(资产编号="desks", 资产分类="教学、实验用桌", 单价="300", 数量="45"),
    ]
    upload_and_import(school, clerk, csv_file(rows))
    kinds = dict(Asset.objects.values_list("number", "kind"))
    assert kinds == {"cheap": "low_value", "dear": "fixed", "desks": "fixed"}


def test_a_file_that_is_not_a_ledger_is_refused_clearly(school, clerk):
    with pytest.raises(ImportFileError):
        upload(school, clerk, SimpleUploadedFile("台账.xlsx", b"not really a workbook"))


def test_the_sample_ledgers_in_docs_import_cleanly(school, clerk):
    for name in ("asset-ledger-sample.xlsx", "asset-ledger-sample-gbk.csv"):
        path = ROOT / "docs" / "samples" / name
        data = path.read_bytes()
        imp = upload(school, clerk, SimpleUploadedFile(name, data))
        result = check(imp, clerk)
        assert result.ok, [str(e) for e in result.errors[:5]]
        assert len(result.rows) == 300
        assert {h for h in HEADERS if h in imp.headers} == set(HEADERS)


def test_the_rows_kept_at_upload_are_used_and_the_file_read_again_without_them(school, clerk):
    from houqin.assets.ledger_import.reading import kept_rows, rows_name

    imp = upload(school, clerk, xlsx_file([row(资产编号="K-1", 购置日期=datetime(2020, 5, 6))]))
    storage = imp.file.storage
    kept = kept_rows(storage, imp.file.name)
    assert kept[0].rows[1] == (2, ["K-1", "台式计算机", "计算机", "1", "台", "4800", None,
                                   date(2020, 5, 6), None, None, None, "在用", "购置"])  # fmt: skip
    storage.delete(rows_name(imp.file.name))
    result = check(imp, clerk)
    assert result.ok and result.rows[0].values["acquired_on"] == date(2020, 5, 6)
    services.start_import(imp, by=clerk)
    assert Asset.objects.get(school=school).number == "K-1"


def test_the_row_limit_counts_rows_of_data_not_titles_headers_or_totals(school, clerk, monkeypatch):
    """A ledger with as many rows of data as one import takes, under a title and a header and
    above a 合计 row, is taken whole; one row of data more is refused with the count."""
    from houqin.core.importing import reading

    monkeypatch.setattr(reading, "MAX_ROWS", 4)
    full = [row(资产编号=f"L-{n}") for n in range(4)] + [["合计", None, None, 4]]
    imp = upload(school, clerk, xlsx_file(full, title="固定资产台账"))
    assert check(imp, clerk).ok
    assert import_all(imp, clerk).status == "done"
    assert Asset.objects.filter(school=school).count() == 4

    over = [row(资产编号=f"M-{n}") for n in range(5)] + [["合计", None, None, 5]]
    imp = upload(school, clerk, xlsx_file(over, title="固定资产台账"))
    with pytest.raises(ImportFileError, match="5"):
        check(imp, clerk)
    assert Asset.objects.filter(school=school).count() == 4

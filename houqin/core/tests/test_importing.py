"""The import framework on its own: reading files, finding the header, parsing cells."""

import codecs
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from houqin.core.importing import CellError, Column, Importer, ImportFileError, cells, read_workbook
from houqin.core.importing.reports import error_report_xlsx, template_xlsx


class ThingsImporter(Importer):
    """A register with no database behind it: enough to exercise reading and checking."""

    key = "things"
    title = "Things"
    columns = [
        Column("code", ["编号", "代码", "code"], required=True, parse=cells.text(10), example="A1"),
        Column("name", ["名称", "name"], required=True, example="扫帚"),
        Column("qty", ["数量", "quantity"], parse=cells.integer(0, units="个 件"), example=3),
        Column("price", ["单价", "price"], parse=cells.decimal(10, 2, min_value=0), example="9.90"),
        Column("bought", ["购置日期", "date"], parse=cells.parse_date, example="2026-09-01"),
    ]
    natural_key = ("code",)


def workbook_bytes(*sheets):
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Upload(io.BytesIO):
    def __init__(self, data, name):
        super().__init__(data)
        self.name = name
        self.size = len(data)


def read(data, name="things.xlsx"):
    importer = ThingsImporter()
    sheet = importer.read(Upload(data, name))
    importer.validate(sheet.rows)
    return sheet


def test_numbers_excel_turned_into_floats_come_back_as_text():
    sheet = read(workbook_bytes(("S", [["编号", "名称"], [1001.0, 13800000000.0]])))
    assert sheet.rows[0].values == {"code": "1001", "name": "13800000000"}


def test_header_is_found_below_title_rows_and_row_numbers_match_excel():
    rows = [
        ["2026年物品登记表"],
        [],
        ["制表：后勤处", None, "日期"],
        ["编号", "名称", "数量"],
        ["A1", "扫帚", 3],
    ]
    sheet = read(workbook_bytes(("S", rows)))
    assert sheet.header_row == 4
    assert [r.number for r in sheet.rows] == [5]


def test_the_sheet_that_matches_the_headers_is_used():
    data = workbook_bytes(
        ("说明", [["请按模板填写"], ["编号 = 物品编号"]]),
        ("数据", [["编号", "名称"], ["A1", "扫帚"]]),
    )
    sheet = read(data)
    assert sheet.name == "数据" and sheet.rows[0].values["name"] == "扫帚"


def test_headers_match_without_case_spaces_marks_or_units():
    sheet = read(
        workbook_bytes(("S", [[" 编 号* ", "NAME", "单价（元）", "Quantity"], ["A1", "x", 2, 1]]))
    )
    assert set(sheet.column_index) == {"code", "name", "price", "qty"}


def test_unknown_columns_are_ignored_and_listed():
    sheet = read(workbook_bytes(("S", [["编号", "名称", "备注"], ["A1", "x", "随便"]])))
    assert sheet.ignored_headers == ["备注"]


def test_blank_rows_and_cells_of_spaces_are_ignored():
    rows = [["编号", "名称"], ["A1", " 扫帚\u3000"], [None, None], ["  ", "\u3000"], ["A2", "拖把"]]
    sheet = read(workbook_bytes(("S", rows)))
    assert [(r.number, r.values["name"]) for r in sheet.rows] == [(2, "扫帚"), (5, "拖把")]


def test_every_error_of_every_row_is_collected():
    rows = [
        ["编号", "名称", "数量", "单价", "购置日期"],
        ["A1", "扫帚", "三个", "9.9", "2026/9/1"],
        ["", "拖把", "-1", "abc", "2026-02-30"],
        ["A1", "", "2件", "1", "明天"],
    ]
    importer = ThingsImporter()
    sheet = importer.read(Upload(workbook_bytes(("S", rows)), "t.xlsx"))
    errors = importer.validate(sheet.rows)
    assert [(e.row, e.column) for e in errors] == [
        (3, "编号"), (3, "数量"), (3, "单价"), (3, "购置日期"), (4, "编号"), (4, "名称"), (4, "购置日期"),
    ]  # fmt: skip
    assert sheet.rows[0].values["qty"] == 3
    assert sheet.rows[2].values["qty"] == 2


@pytest.mark.parametrize(
    "value,expected",
    [
        (46266, date(2026, 9, 1)),
        (46266.5, date(2026, 9, 1)),
        ("46266", date(2026, 9, 1)),
        (datetime(2026, 9, 1, 8, 30), date(2026, 9, 1)),
        (date(2026, 9, 1), date(2026, 9, 1)),
        ("2026-09-01", date(2026, 9, 1)),
        ("2026/9/1", date(2026, 9, 1)),
        ("2026.9.1", date(2026, 9, 1)),
        ("2026年9月1日", date(2026, 9, 1)),
        ("２０２６年９月１日", date(2026, 9, 1)),
        ("20260901", date(2026, 9, 1)),
        (20260901, date(2026, 9, 1)),
        ("2026-09-01 08:00", date(2026, 9, 1)),
    ],
)
def test_dates_from_serials_datetimes_and_strings(value, expected):
    assert cells.parse_date(value) == expected


@pytest.mark.parametrize("value", ["2026-13-01", "九月一日", "yesterday"])
def test_bad_dates_are_refused(value):
    with pytest.raises(CellError):
        cells.parse_date(value)


@pytest.mark.parametrize(
    "value,expected",
    [
        (45.1, Decimal("45.10")),
        ("1,234.5", Decimal("1234.50")),
        ("¥12", Decimal("12.00")),
        ("72.5㎡", Decimal("72.50")),
    ],
)
def test_decimals_are_exact(value, expected):
    assert cells.decimal(10, 2, units="㎡")(value) == expected


@pytest.mark.parametrize(
    "value",
    ["13800000000", 13800000000.0, "138 0000 0000", "+86 138-0000-0000", "１３８００００００００"],
)
def test_mainland_mobile_numbers_are_normalised(value):
    assert cells.mainland_mobile(value) == "13800000000"


@pytest.mark.parametrize("value", ["1380000000", "23800000000", "010-12345678", "abc"])
def test_other_phone_numbers_are_refused(value):
    with pytest.raises(CellError):
        cells.mainland_mobile(value)


def test_chinese_numbers():
    assert [cells.chinese_number(v) for v in ("三", "十", "十二", "二十", "二十三", "百", "")] == [
        3, 10, 12, 20, 23, None, None,
    ]  # fmt: skip


def csv_rows(data, name="things.csv"):
    return read_workbook(Upload(data, name))[0].rows


TEXT = "编号,名称\nA1,扫帚\nA2,拖把\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("gbk"),
        TEXT.encode("gb18030"),
        TEXT.encode("utf-16"),
        TEXT.replace(",", "\t").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16", "tab"],
)
def test_csv_encodings_and_delimiters(data):
    assert csv_rows(data) == [(1, ["编号", "名称"]), (2, ["A1", "扫帚"]), (3, ["A2", "拖把"])]


def test_csv_row_numbers_follow_lines_even_with_a_cell_over_two_lines():
    rows = csv_rows('编号,名称\nA1,"两行\n名称"\nA2,拖把\n'.encode())
    assert [n for n, _ in rows] == [1, 2, 4]


def test_openpyxl_reads_when_calamine_cannot(monkeypatch):
    from houqin.core.importing import reading

    def broken(data):
        raise RuntimeError("calamine refused")

    monkeypatch.setattr(reading, "_read_calamine", broken)
    sheets = read_workbook(
        Upload(workbook_bytes(("S", [[], ["编号", "名称"], ["A1", 5.0]])), "t.xlsx")
    )
    assert sheets[0].rows == [(2, ["编号", "名称"]), (3, ["A1", 5])]


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"%PDF-1.4 ...", "things.pdf", "Upload an Excel workbook"),
        (b"hello", "things.xlsx", "not a real Excel workbook"),
        (b"PK\x03\x04broken zip", "things.xlsx", "could not be read"),
        (b"", "things.csv", "empty"),
    ],
)
def test_unreadable_files_get_a_clear_message(data, name, message):
    with pytest.raises(ImportFileError) as exc:
        read_workbook(Upload(data, name))
    assert message in str(exc.value.message)


def test_files_over_the_limit_are_refused_before_reading(settings):
    settings.HOUQIN_MAX_IMPORT_BYTES = 100
    with pytest.raises(ImportFileError) as exc:
        read_workbook(Upload(b"x" * 101, "t.csv"))
    assert "the limit is" in str(exc.value.message)


def test_the_row_limit_is_on_rows_of_data(monkeypatch):
    """Title and header rows do not count against the limit; a file with more rows of data
    than one import takes is refused with the count, and one far over it before it is read
    to the end."""
    from houqin.core.importing import reading

    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    monkeypatch.setattr(reading, "EXTRA_ROWS", 3)
    title = [["物品清单"], ["编号", "名称"]]
    sheet = read(workbook_bytes(("S", title + [[f"A{n}", "扫帚"] for n in range(3)])))
    assert len(sheet.rows) == 3
    with pytest.raises(ImportFileError) as exc:
        read(workbook_bytes(("S", title + [[f"A{n}", "扫帚"] for n in range(4)])))
    assert "4" in str(exc.value.message)
    with pytest.raises(ImportFileError):
        read_workbook(Upload(("编号,名称\n" + "A,扫帚\n" * 6).encode(), "t.csv"))


def test_no_header_row_is_a_clear_error():
    with pytest.raises(ImportFileError):
        ThingsImporter().read(Upload(workbook_bytes(("S", [["a", "b"], [1, 2]])), "t.xlsx"))


def test_error_report_keeps_rows_in_place_and_neutralises_formulas():
    from openpyxl import load_workbook

    from houqin.core.importing import ImportResult

    importer = ThingsImporter()
    text = "物品表\n编号,名称,数量\nA1,=HYPERLINK(1),x\n"
    sheet = importer.read(Upload(text.encode(), "t.csv"))
    result = ImportResult(sheet=sheet, errors=importer.validate(sheet.rows))
    ws = load_workbook(io.BytesIO(error_report_xlsx(result))).worksheets[0]
    assert ws["A1"].value == "物品表"
    assert ws["A3"].value == "A1" and ws["B3"].value == "=HYPERLINK(1)"
    assert ws["B3"].data_type == "s"
    assert ws["C3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "数量" in ws["D3"].value


def test_template_has_headers_an_example_row_and_instructions():
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template_xlsx(ThingsImporter)))
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert rows[0] == ["编号", "名称", "数量", "单价", "购置日期"]
    assert rows[1][:3] == ["A1", "扫帚", 3]
    assert len(wb.worksheets) == 2


def test_the_template_itself_reads_back_without_errors():
    importer = ThingsImporter()
    sheet = importer.read(Upload(template_xlsx(ThingsImporter), "template.xlsx"))
    assert importer.validate(sheet.rows) == []

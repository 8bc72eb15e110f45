import io

from openpyxl import load_workbook

from houqin.core.excel import export_response, write_csv, write_xlsx
from houqin.core.importing import read_workbook


class Upload(io.BytesIO):
    def __init__(self, data, name):
        super().__init__(data)
        self.name, self.size = name, len(data)


def test_xlsx_export_has_headers_and_rows():
    data = write_xlsx(["房间号", "面积"], [["101", 12.5], ["102", None]])
    ws = load_workbook(io.BytesIO(data)).active
    assert [list(r) for r in ws.iter_rows(values_only=True)] == [
        ["房间号", "面积"],
        ["101", 12.5],
        ["102", None],
    ]


def test_csv_export_opens_in_excel_with_chinese():
    data = write_csv(["房间号"], [["一楼"]])
    assert data.startswith(b"\xef\xbb\xbf") and "一楼".encode() in data


def test_exported_text_never_becomes_a_formula():
    ws = load_workbook(io.BytesIO(write_xlsx(["名称"], [['=HYPERLINK("x")']]))).active
    assert ws["A2"].data_type == "s" and ws["A2"].value == '=HYPERLINK("x")'
    assert b"'=HYPERLINK" in write_csv(["名称"], [['=HYPERLINK("x")'], [-1], ["-1"]])


def test_csv_export_reads_back_as_written():
    data = write_csv(["名称", "楼层"], [["=1+1", -1], ["@home", "-2"]])
    rows = read_workbook(Upload(data, "x.csv"))[0].rows
    assert rows == [(1, ["名称", "楼层"]), (2, ["=1+1", "-1"]), (3, ["@home", "-2"])]


def test_export_response_names_the_file_in_chinese():
    response = export_response("场所", ["房间号"], [["101"]])
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''%E5%9C%BA%E6%89%80.xlsx"
    assert export_response("场所", ["房间号"], [["101"]], fmt="csv")["Content-Type"].startswith(
        "text/csv"
    )

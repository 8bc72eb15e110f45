"""Shared helpers of the ledger import tests: ledger files built in memory, the upload → map →
check → import steps, and the people who run them. (No tests here.)"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from houqin.assets.categories import ensure_standard_categories
from houqin.assets.ledger_import import services

HEADERS = ["资产编号", "资产名称", "资产分类", "数量", "计量单位", "单价", "金额", "购置日期",
           "存放地点", "使用部门", "使用人", "使用状况", "取得方式", "备注"]  # fmt: skip


def row(**values) -> list:
    """A ledger row in ``HEADERS`` order; keyword names are the header words."""
    defaults = {
        "资产编号": "",
        "资产名称": "台式计算机",
        "资产分类": "计算机",
        "数量": "1",
        "计量单位": "台",
        "单价": "4800",
        "金额": "",
        "购置日期": "2021-09-01",
        "存放地点": "",
        "使用部门": "",
        "使用人": "",
        "使用状况": "在用",
        "取得方式": "购置",
        "备注": "",
    }
    defaults.update(values)
    return [defaults[h] for h in HEADERS]


def csv_file(rows, *, headers=HEADERS, encoding="gbk", name="台账.csv", bom=False):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    data = text.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def xlsx_file(rows, *, headers=HEADERS, title=None, name="台账.xlsx"):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "资产台账"
    if title:
        sheet.append([title])
    sheet.append(headers)
    for values in rows:
        sheet.append([None if v == "" else v for v in values])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def upload(school, by, file):
    return services.upload_ledger(school=school, by=by, file=file)


def check(imp, by, mapping=None):
    """Map the columns (the suggestion unless given) and check every row."""
    return services.choose_columns(imp, by=by, mapping=mapping or imp.mapping)


def import_all(imp, by):
    """Start a checked import (small files run at once) and return it reloaded."""
    imp.refresh_from_db()
    services.start_import(imp, by=by)
    imp.refresh_from_db()
    return imp


def upload_and_import(school, by, file):
    imp = upload(school, by, file)
    result = check(imp, by)
    assert result.ok, [str(e) for e in result.errors]
    return import_all(imp, by)


@pytest.fixture(name="media_root", autouse=True)
def media_root_fixture(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(name="categories")
def categories_fixture(school):
    return ensure_standard_categories(school)


@pytest.fixture(name="clerk")
def clerk_fixture(school, make_member, categories):
    return make_member(school, "clerk", username="clerk", full_name="资产管理员")


__all__ = [
    "HEADERS",
    "Decimal",
    "categories_fixture",
    "check",
    "clerk_fixture",
    "csv_file",
    "date",
    "import_all",
    "media_root_fixture",
    "row",
    "upload",
    "upload_and_import",
    "xlsx_file",
]

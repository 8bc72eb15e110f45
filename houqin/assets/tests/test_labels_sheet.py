"""QR label sheets: A4 pages of 24 labels whose QR codes, read back from the page itself,
open the right asset; label-printer rolls of one label per page."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import zxingcpp
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image, ImageDraw

from houqin.assets import labels
from houqin.assets.models import Asset, AssetSettings, AssetStatus
from houqin.factories import RoomFactory

from .factories import AssetCategoryFactory, AssetFactory

pytestmark = pytest.mark.django_db

SHEET = reverse("assets:label_sheet")
LABEL_RE = re.compile(
    r'<div class="asset-label" data-asset="(?P<asset>\d+)">\s*'
    r'<figure class="asset-label-qr" data-qr-url="(?P<url>[^"]+)">(?P<svg><svg.*?</svg>)</figure>'
    r"(?P<text>.*?)</div>\s*</div>",
    re.DOTALL,
)
SHEET_RE = re.compile(
    r'<div class="sheet asset-sheet (?P<css>[^"]+)" data-page-size="(?P<size>[^"]+)">'
)


@pytest.fixture
def clerk(school, make_member):
    return make_member(school, "clerk", username="clerk")


@pytest.fixture
def lab(school):
    return RoomFactory(
        floor__building__campus__school=school,
        floor__building__name="实验楼",
        number="301",
        name="物理实验室",
    )


@pytest.fixture
def thirty(school, lab):
    category = AssetCategoryFactory(school=school)
    return [
        AssetFactory(school=school, category=category, room=lab, number=f"ZC2026{i:06d}")
        for i in range(1, 31)
    ]


def sheet_html(client, **query):
    response = client.get(SHEET, query)
    assert response.status_code == 200
    return response.content.decode()


def page_labels(html):
    return [m.groupdict() for m in LABEL_RE.finditer(html)]


def sheets_of(html):
    """The printed pages: each with its layout class, page size and labels."""
    starts = list(SHEET_RE.finditer(html))
    pages = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(html)
        pages.append(
            {
                "css": match["css"],
                "size": match["size"],
                "labels": page_labels(html[match.start() : end]),
            }
        )
    return pages


def rasterise(svg: str, px_per_module: int = 6) -> Image.Image:
    """Draw the page's SVG QR code (segno's path of 1-module-high strokes) into an image."""
    root = ET.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    path = root.find("svg:path", ns)
    if path is None:
        path = root.find("path")
    _x, _y, width, _h = (float(v) for v in root.get("viewBox").split())
    scale = float(re.fullmatch(r"scale\(([\d.]+)\)", path.get("transform") or "scale(1)")[1])
    modules = round(width / scale)
    image = Image.new("L", (modules * px_per_module, modules * px_per_module), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, args in re.findall(r"([MmHhVvZz])([^MmHhVvZz]*)", path.get("d")):
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", args)]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif command in "hH":
            end = x + numbers[0] if command == "h" else numbers[0]
            row = int(y)  # a stroke of width 1 centred on y = row + 0.5
            left, right = sorted((x, end))
            draw.rectangle(
                [
                    round(left * px_per_module),
                    row * px_per_module,
                    round(right * px_per_module) - 1,
                    (row + 1) * px_per_module - 1,
                ],
                fill=0,
            )
            x = end
        else:
            raise AssertionError(f"unexpected path command {command!r} in the label's QR")
    return image


def decode(svg: str) -> str:
    found = zxingcpp.read_barcodes(rasterise(svg))
    assert len(found) == 1, f"{len(found)} codes read"
    return found[0].text


def test_an_a4_sheet_holds_24_labels_whose_qr_codes_open_each_asset(client, school, clerk, thirty):
    AssetSettings.objects.create(school=school, label_title="甲中学固定资产")
    client.force_login(clerk)
    ids = ",".join(str(a.pk) for a in thirty)

    html = sheet_html(client, ids=ids, layout="a4-70x37")

    pages = sheets_of(html)
    assert [len(p["labels"]) for p in pages] == [24, 6]
    assert {(p["css"], p["size"]) for p in pages} == {("asset-a4-70x37", "A4")}
    by_id = {a.pk: a for a in thirty}
    everything = [label for page in pages for label in page["labels"]]
    assert [by_id[int(lb["asset"])].number for lb in everything] == sorted(a.number for a in thirty)
    # Read back the QR codes as drawn on the page: the first, the corners of the first sheet,
    # and the last label of the second.
    for label in (everything[0], everything[2], everything[21], everything[23], everything[-1]):
        asset = by_id[int(label["asset"])]
        expected = "http://testserver" + reverse("assets:asset_qr", args=[asset.qr_token])
        assert decode(label["svg"]) == expected
        assert label["url"] == expected
        assert asset.number in label["text"] and asset.name in label["text"]
        assert "甲中学固定资产" in label["text"] and "实验楼 301 物理实验室" in label["text"]


def test_the_a4_page_is_set_up_as_a_3_by_8_grid_of_70_by_37_mm_on_a4_paper(client, clerk, thirty):
    client.force_login(clerk)
    html = sheet_html(client, ids=thirty[0].pk, layout="a4-70x37")
    stylesheets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html)
    css = "\n".join(
        Path(finders.find(path)).read_text(encoding="utf-8")
        for path in stylesheets
        if path.startswith("css/")
    )
    assert re.search(r"@page\s*\{\s*size:\s*A4;\s*margin:\s*0;", css)
    assert re.search(
        r"\.asset-a4-70x37\s*\{\s*grid-template-columns:\s*repeat\(3,\s*70mm\);"
        r"\s*grid-template-rows:\s*repeat\(8,\s*37mm\);",
        css,
    )
    assert re.search(r"\.sheet\s*\{[^}]*width:\s*210mm;", css)
    assert labels.LAYOUTS["a4-70x37"].per_sheet == 24


def test_a_label_printer_roll_prints_one_50_by_30_label_per_page(client, clerk, thirty):
    client.force_login(clerk)
    ids = ",".join(str(a.pk) for a in thirty[:3])

    html = sheet_html(client, ids=ids, layout="roll-50x30")

    pages = sheets_of(html)
    assert [len(p["labels"]) for p in pages] == [1, 1, 1]
    assert {p["size"] for p in pages} == {"50mm 30mm"}
    css = Path(finders.find("css/asset-labels.css")).read_text(encoding="utf-8")
    assert re.search(r"@page asset-roll-50x30\s*\{\s*size:\s*50mm 30mm;\s*margin:\s*0;", css)
    assert re.search(r"\.sheet\.asset-roll-50x30\s*\{\s*page:\s*asset-roll-50x30;", css)
    first = pages[0]["labels"][0]
    asset = Asset.objects.get(pk=first["asset"])
    assert decode(first["svg"]).endswith(f"/a/{asset.qr_token}/")


def test_labels_follow_the_registers_filters(client, school, clerk, thirty):
    elsewhere = AssetFactory(school=school)
    client.force_login(clerk)
    html = sheet_html(client, room=thirty[0].room_id, layout="a4-70x37")
    shown = {int(lb["asset"]) for lb in page_labels(html)}
    assert shown == {a.pk for a in thirty}
    assert elsewhere.pk not in shown


def test_the_label_title_is_the_schools_name_unless_set(client, school, clerk):
    asset = AssetFactory(school=school)
    client.force_login(clerk)
    [label] = page_labels(sheet_html(client, ids=asset.pk, layout="a4-70x37"))
    assert school.name in label["text"]


def test_first_comes_the_choice_of_label_size_for_the_selection(client, clerk, thirty):
    client.force_login(clerk)
    html = sheet_html(client, room=thirty[0].room_id)
    assert "30 assets selected" in html
    assert 'name="layout"' in html
    assert f'name="room" value="{thirty[0].room_id}"' in html  # the selection is kept
    assert not page_labels(html)


def test_a_too_large_selection_is_refused_with_the_limit(client, clerk, thirty, monkeypatch):
    monkeypatch.setattr(labels, "MAX_LABELS", 10)
    client.force_login(clerk)
    html = sheet_html(client, room=thirty[0].room_id, layout="a4-70x37")
    assert "one print takes at most 10 labels" in html
    assert not page_labels(html)


def test_disposed_assets_named_by_id_still_get_a_label(client, school, clerk):
    disposed = AssetFactory(school=school, status=AssetStatus.DISPOSED)
    client.force_login(clerk)
    assert page_labels(sheet_html(client, ids=disposed.pk, layout="a4-70x37"))


def test_another_schools_assets_never_get_a_label(client, other_school, clerk, thirty):
    theirs = AssetFactory(school=other_school)
    client.force_login(clerk)
    html = sheet_html(client, ids=f"{thirty[0].pk},{theirs.pk}", layout="a4-70x37")
    assert [int(lb["asset"]) for lb in page_labels(html)] == [thirty[0].pk]


def test_only_those_who_print_labels_may(client, school, teacher):
    asset = AssetFactory(school=school, custodian=teacher)
    client.force_login(teacher)
    assert client.get(SHEET, {"ids": asset.pk, "layout": "a4-70x37"}).status_code == 403


def test_a_sheet_runs_the_same_few_queries_for_many_labels(client, school, clerk, thirty):
    client.force_login(clerk)
    sheet_html(client, ids=thirty[0].pk, layout="a4-70x37")  # settings made on first use
    with CaptureQueriesContext(connection) as few:
        sheet_html(client, ids=thirty[0].pk, layout="a4-70x37")
    with CaptureQueriesContext(connection) as many:
        sheet_html(client, ids=",".join(str(a.pk) for a in thirty), layout="a4-70x37")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_printing_the_same_labels_again_reuses_their_qr_codes(client, clerk, thirty, monkeypatch):
    made = []
    real = labels.qr_svg
    monkeypatch.setattr(labels, "qr_svg", lambda url, **kw: made.append(url) or real(url, **kw))
    labels.label_qr_svg.cache_clear()
    client.force_login(clerk)
    ids = ",".join(str(a.pk) for a in thirty[:5])

    sheet_html(client, ids=ids, layout="a4-70x37")
    sheet_html(client, ids=ids, layout="roll-60x40")

    assert len(made) == 5

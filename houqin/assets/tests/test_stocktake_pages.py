"""Stock-take pages and API: who sees what, the scan endpoint, corrections, report and export."""

import io
import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from houqin.assets import services_stocktake as services
from houqin.assets.models import (
    Correction,
    ScanResult,
    StockTake,
    StockTakeItem,
    StockTakeScan,
    StockTakeStatus,
)
from houqin.assets.tests.factories import AssetFactory
from houqin.core import approvals

from .test_stocktake_support import label_url, line, make_site, scan, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return make_site()


@pytest.fixture
def stocktake(site):
    return start(site, buildings=[site.teaching])


def client_for(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    client.csrf = {}  # extra headers for API posts (the test client skips CSRF unless asked)
    return client


def url(name, stocktake, *args):
    return reverse(f"assets:{name}", args=[stocktake.pk, *args])


def scan_api(stocktake):
    return reverse("api:assets:stocktake-scan", args=[stocktake.pk])


def post_scan(client, stocktake, code, room, client_id=None, **extra):
    body = {"code": code, "room": room.pk, "client_id": str(client_id or uuid.uuid4()), **extra}
    return client.post(
        scan_api(stocktake), json.dumps(body), content_type="application/json", **client.csrf
    )


# ---------------------------------------------------------------- list, start, detail


def test_the_list_shows_each_stock_take_with_its_counts_in_bounded_queries(
    site, stocktake, django_assert_max_num_queries
):
    scan(stocktake, site.pc1.number, site.r301, by=site.keeper)
    client = client_for(site.clerk)
    list_url = reverse("assets:stocktake_list")
    client.get(list_url)  # per-process caches (content types, settings) warm up once

    with django_assert_max_num_queries(12):
        response = client.get(list_url)
    assert response.status_code == 200
    assert stocktake.number in response.content.decode()

    # More stock-takes, more lines: the same number of queries.
    start(site, buildings=[site.lab], name="实验楼")
    extra = AssetFactory(school=site.school, room=None)
    start(site, departments=[], categories=[extra.category], name="新类别")
    with django_assert_max_num_queries(12):
        assert client.get(list_url).status_code == 200


def test_the_list_exports_to_excel_with_its_counts(site, stocktake):
    scan(stocktake, site.pc1.number, site.r301, by=site.keeper)

    response = client_for(site.clerk).get(reverse("assets:stocktake_list"), {"export": "xlsx"})

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:6] == (stocktake.number, stocktake.name, "Counting", 3, 1, 0)


def test_the_clerk_starts_a_stock_take_from_the_form(site):
    client = client_for(site.clerk)

    response = client.post(
        reverse("assets:stocktake_add"),
        {"name": "教学楼盘点", "buildings": [site.teaching.pk], "notes": ""},
    )

    created = StockTake.objects.get(name="教学楼盘点")
    assert response.status_code == 302 and response.url == url("stocktake_detail", created)
    assert created.items.count() == 3 and created.started_by == site.clerk


def test_starting_over_an_unfinished_scope_is_refused_on_the_form(site, stocktake):
    response = client_for(site.clerk).post(
        reverse("assets:stocktake_add"), {"name": "重复", "rooms": [site.r301.pk]}
    )

    assert response.status_code == 200
    assert stocktake.number in response.content.decode()
    assert StockTake.objects.count() == 1


def test_the_detail_page_shows_live_progress_per_room(site, stocktake):
    scan(stocktake, site.projector.number, site.r301, by=site.keeper)
    client = client_for(site.clerk)

    page = client.get(url("stocktake_detail", stocktake)).content.decode()
    assert "stocktake-progress" in page and 'hx-trigger="every 10s"' in page
    assert str(site.r301) in page and url("stocktake_scan", stocktake) in page

    partial = client.get(url("stocktake_progress", stocktake), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()


def test_a_teacher_sees_no_stock_take_and_another_school_none_of_ours(site, stocktake):
    other = make_site(prefix="乙")
    for user in (site.teacher, other.director):
        client = client_for(user)
        assert client.get(url("stocktake_detail", stocktake)).status_code == 404
        assert client.get(url("stocktake_scan", stocktake)).status_code == 404
        assert post_scan(client, stocktake, site.pc1.number, site.r301).status_code == 404
    assert not StockTakeScan.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(site, stocktake):
    client = Client()
    for name in ("stocktake_detail", "stocktake_scan", "stocktake_lines", "stocktake_report"):
        response = client.get(url(name, stocktake))
        assert response.status_code == 302 and "/login/" in response.url, name
    assert post_scan(client_for(site.keeper), stocktake, "x", site.r301).status_code == 201
    anonymous = Client()
    anonymous.csrf = {}
    assert post_scan(anonymous, stocktake, site.pc1.number, site.r301).status_code in (401, 403)


# ---------------------------------------------------------------- the scan page and API


def test_the_keeper_opens_the_phone_scan_page_with_the_rooms_of_the_stock_take_first(
    site, stocktake
):
    page = client_for(site.keeper).get(url("stocktake_scan", stocktake)).content.decode()

    assert "js/stocktake.js" in page and "<script>" not in page
    assert page.index(str(site.r301)) < page.index(str(site.r401)), "scope's rooms first"
    assert f'data-token="{site.r302.qr_token}"' in page
    assert reverse("api:assets:stocktake-scan", args=[stocktake.pk]) in page


def test_the_scan_endpoint_records_once_per_client_id_with_the_csrf_token(site, stocktake):
    client = client_for(site.keeper, enforce_csrf_checks=True)
    client.get(url("stocktake_scan", stocktake))
    client.csrf = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
    client_id = uuid.uuid4()

    first = post_scan(client, stocktake, label_url(site.projector), site.r301, client_id)
    again = post_scan(client, stocktake, label_url(site.projector), site.r301, client_id)

    assert first.status_code == 201, first.content
    assert again.status_code == 200 and again.json()["duplicate"] is True
    body = first.json()
    assert body["result"] == ScanResult.MOVED and body["asset"].startswith(site.projector.number)
    assert body["progress"]["room"] == site.r301.pk and body["progress"]["moved_in"] == 1
    assert StockTakeScan.objects.filter(stocktake=stocktake).count() == 1


def test_a_scan_without_the_csrf_token_is_refused(site, stocktake):
    client = client_for(site.keeper, enforce_csrf_checks=True)
    client.csrf = {}

    assert post_scan(client, stocktake, site.pc1.number, site.r301).status_code == 403
    assert not StockTakeScan.objects.exists()


def test_the_scan_endpoint_answers_refusals_as_messages(site, stocktake):
    client = client_for(site.keeper)
    services.close(stocktake, by=site.clerk)

    refused = post_scan(client, stocktake, site.pc1.number, site.r301)

    assert refused.status_code == 400 and refused.json()["code"] == "NotOpen"


def test_reading_a_stock_take_is_not_enough_to_scan_in_it(site, stocktake):
    from houqin.factories import member

    principal = member(site.school, "principal", username="principal")
    client = client_for(principal)
    assert client.get(url("stocktake_detail", stocktake)).status_code == 200

    refused = post_scan(client, stocktake, site.pc1.number, site.r301)

    assert refused.status_code == 403
    assert client.get(url("stocktake_scan", stocktake)).status_code == 403
    assert line(stocktake, site.pc1).result == ScanResult.PENDING
    # The principal reads the lines, as on the pages.
    items = client.get(reverse("api:assets:stocktake-items", args=[stocktake.pk])).json()
    assert items["count"] == 3


def test_the_api_lists_detail_progress_and_lines(site, stocktake):
    scan(stocktake, site.pc1.number, site.r301, by=site.keeper)
    scan(stocktake, "陌生-1", site.r302, by=site.keeper)
    client = client_for(site.keeper)

    listing = client.get(reverse("api:assets:stocktake-list")).json()
    assert [r["number"] for r in listing["results"]] == [stocktake.number]
    detail = client.get(reverse("api:assets:stocktake-detail", args=[stocktake.pk])).json()
    assert detail["progress"]["total"]["expected"] == 3
    assert detail["progress"]["total"]["surplus"] == 1
    progress = client.get(
        reverse("api:assets:stocktake-progress", args=[stocktake.pk]), {"room": site.r301.pk}
    ).json()
    assert [r["room"] for r in progress["rooms"]] == [site.r301.pk]
    items = client.get(
        reverse("api:assets:stocktake-items", args=[stocktake.pk]), {"result": "surplus"}
    ).json()
    assert [(i["code"], i["result"]) for i in items["results"]] == [("陌生-1", "surplus")]


def test_the_api_lists_in_bounded_queries(site, stocktake, django_assert_max_num_queries):
    client = client_for(site.clerk)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("api:assets:stocktake-list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert (
            client.get(reverse("api:assets:stocktake-items", args=[stocktake.pk])).status_code
            == 200
        )


# ---------------------------------------------------------------- close, correct, submit


def test_the_clerk_closes_corrects_a_line_and_sends_for_approval_from_the_pages(site, stocktake):
    scan(stocktake, "旧标签-1", site.r301, by=site.keeper)
    client = client_for(site.clerk)

    client.post(url("stocktake_action", stocktake, "close"))
    stocktake.refresh_from_db()
    assert stocktake.status == StockTakeStatus.CLOSED

    surplus = StockTakeItem.objects.get(stocktake=stocktake, asset__isnull=True)
    lines_page = client.get(url("stocktake_lines", stocktake))
    assert (
        lines_page.status_code == 200
        and f"line{surplus.pk}-correction" in lines_page.content.decode()
    )
    row = client.post(
        url("stocktake_lines", stocktake),
        {
            "line": surplus.pk,
            f"line{surplus.pk}-correction": Correction.REGISTER,
            f"line{surplus.pk}-name": "旧投影幕",
            f"line{surplus.pk}-category": site.computers.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    assert row.status_code == 200 and "Saved." in row.content.decode()
    surplus.refresh_from_db()
    assert surplus.correction == Correction.REGISTER
    assert services.proposal(surplus) == ("旧投影幕", site.computers.pk)

    client.post(url("stocktake_action", stocktake, "submit"))
    flow = approvals.flow_for(stocktake)
    assert flow is not None and flow.is_pending
    # Waiting for approval: the lines are read-only.
    assert (
        f"line{surplus.pk}-correction"
        not in client.get(url("stocktake_lines", stocktake)).content.decode()
    )


def test_the_lines_page_sets_every_missing_line_at_once(site, stocktake):
    services.close(stocktake, by=site.clerk)
    client = client_for(site.clerk)

    client.post(url("stocktake_lines", stocktake), {"bulk": "missing:"})

    assert set(stocktake.items.values_list("correction", flat=True)) == {Correction.NONE}


def test_a_keeper_may_not_close_or_correct(site, stocktake):
    client = client_for(site.keeper)

    response = client.post(url("stocktake_action", stocktake, "close"), follow=True)

    assert "You may not close stock-takes." in response.content.decode()
    stocktake.refresh_from_db()
    assert stocktake.status == StockTakeStatus.OPEN


# ---------------------------------------------------------------- report


def counted_and_closed(site, stocktake):
    scan(stocktake, site.pc1.number, site.r301, by=site.keeper)
    scan(stocktake, site.projector.number, site.r301, by=site.keeper)
    scan(stocktake, "旧标签-9", site.r302, by=site.keeper)
    services.close(stocktake, by=site.clerk)
    return stocktake


def test_the_printed_report_lists_missing_moved_and_surplus_with_signature_lines(site, stocktake):
    counted_and_closed(site, stocktake)

    page = client_for(site.director).get(url("stocktake_report", stocktake)).content.decode()

    assert "Asset stock-take report" in page and stocktake.number in page
    missing = page[page.index('data-testid="report-missing"') :]
    assert site.pc2.number in missing.split("</table>")[0]
    moved = page[page.index('data-testid="report-moved"') :].split("</table>")[0]
    assert site.projector.number in moved and str(site.r301) in moved
    assert "旧标签-9" in page[page.index('data-testid="report-surplus"') :]
    for signature in ("Counted by", "Supervised by", "Person in charge"):
        assert signature in page


def test_the_excel_report_has_a_summary_and_each_list(site, stocktake):
    counted_and_closed(site, stocktake)

    response = client_for(site.director).get(url("stocktake_export", stocktake))

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Summary", "Missing", "Found elsewhere", "Surplus"]
    missing = list(book["Missing"].iter_rows(values_only=True))
    assert missing[1][0] == site.pc2.number
    moved = list(book["Found elsewhere"].iter_rows(values_only=True))
    assert moved[1][0] == site.projector.number and moved[1][4] == str(site.r301)
    surplus = list(book["Surplus"].iter_rows(values_only=True))
    assert surplus[1][0] == "旧标签-9"
    summary = [row for row in book["Summary"].iter_rows(values_only=True) if row[0] == "Total"]
    assert summary[0][1:7] == (3, 1, 1, 1, 1, 1)


def test_the_detail_lines_and_report_pages_do_not_grow_queries_with_lines(
    site, stocktake, django_assert_max_num_queries
):
    client = client_for(site.clerk)
    pages = [url(n, stocktake) for n in ("stocktake_detail", "stocktake_lines", "stocktake_report")]
    for number in range(3):
        scan(stocktake, f"SURPLUS-{number}", site.r302, by=site.keeper)
    services.close(stocktake, by=site.clerk)

    def counts():
        found = []
        for page in pages:
            with django_assert_max_num_queries(30) as captured:
                assert client.get(page).status_code == 200
            found.append(len(captured.captured_queries))
        return found

    few = counts()
    for number in range(20):
        StockTakeItem.objects.create(
            school=site.school,
            stocktake=stocktake,
            code=f"MORE-{number}",
            result=ScanResult.SURPLUS,
            found_room=site.r401,
        )
    assert counts() == few

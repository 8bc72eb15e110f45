"""The ledger import as a clerk walks it in the browser: upload, match columns, preview, import,
result; and who may not."""

import pytest
from django.urls import reverse

from houqin.assets.models import Asset, AssetImport, ImportStatus
from houqin.factories import RoomFactory

from .test_import_support import (  # noqa: F401 - the fixtures are used by name
    categories_fixture,
    clerk_fixture,
    csv_file,
    media_root_fixture,
    row,
    upload,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


def test_clerk_uploads_maps_previews_and_imports_a_ledger(client, school, clerk):
    client.force_login(clerk)
    file = xlsx_file(
        [
            row(资产编号="JS001", 存放地点="教学楼/301"),
            row(资产编号="JS002", 资产名称="打印机", 资产分类="打印机"),
        ],
        title="宁波市甲中学固定资产台账",
    )
    response = client.post(reverse("assets:import_list"), {"file": file})
    imp = AssetImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assets:import_columns", args=[imp.pk])

    page = client.get(reverse("assets:import_columns", args=[imp.pk]))
    assert page.status_code == 200
    assert 'id="mapping-table"' in page.text and "JS001" in page.text  # first values shown

    mapping = {f"col-{i}": field for i, field in imp.mapping.items()}
    response = client.post(reverse("assets:import_columns", args=[imp.pk]), mapping)
    assert response["Location"] == reverse("assets:import_detail", args=[imp.pk])
    preview = client.get(response["Location"])
    assert "All 2 rows are correct" in preview.text
    assert "教学楼/301" in preview.text  # a new place, listed to create or match

    response = client.post(reverse("assets:import_run", args=[imp.pk]), follow=True)
    assert "2 assets were added to the register." in response.text
    assert sorted(Asset.objects.filter(school=school).values_list("number", flat=True)) == [
        "JS001",
        "JS002",
    ]


def test_preview_shows_each_bad_cell_and_offers_the_error_report(client, school, clerk):
    client.force_login(clerk)
    imp = upload(school, clerk, csv_file([row(单价="-5"), row(资产分类="不存在的类")]))
    mapping = {f"col-{i}": field for i, field in imp.mapping.items()}
    client.post(reverse("assets:import_columns", args=[imp.pk]), mapping)

    preview = client.get(reverse("assets:import_detail", args=[imp.pk]))
    assert "the file has 2 errors" in preview.text
    assert "A value cannot be negative." in preview.text and "不存在的类" in preview.text
    assert 'id="import-run"' not in preview.text  # no import button while errors remain
    report = client.get(reverse("assets:import_error_report", args=[imp.pk]))
    assert report.status_code == 200
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")


def test_mapping_without_a_value_column_is_refused_with_a_message(client, school, clerk):
    client.force_login(clerk)
    imp = upload(school, clerk, csv_file([row()]))
    mapping = {
        f"col-{i}": f for i, f in imp.mapping.items() if f not in ("unit_price", "total_value")
    }
    response = client.post(reverse("assets:import_columns", args=[imp.pk]), mapping)
    assert response.status_code == 400
    assert "unit value or the total value" in response.text
    imp.refresh_from_db()
    assert imp.status == ImportStatus.UPLOADED


def test_new_place_can_be_matched_to_an_existing_room_in_the_preview(client, school, clerk):
    room = RoomFactory(
        floor__building__campus__school=school,
        floor__building__name="博学楼",
        number="201",
        name="化学实验室一",
    )
    client.force_login(clerk)
    imp = upload(school, clerk, csv_file([row(存放地点="化学楼二楼实验室")]))
    client.post(
        reverse("assets:import_columns", args=[imp.pk]),
        {f"col-{i}": f for i, f in imp.mapping.items()},
    )
    preview = client.get(reverse("assets:import_detail", args=[imp.pk]))
    label = f"博学楼 · {room.floor.number}F · 201 化学实验室一"
    assert f'<option value="{label}">' in preview.text

    client.post(
        reverse("assets:import_names", args=[imp.pk]),
        {"room-text-1": "化学楼二楼实验室", "room-1": label},
    )
    client.post(reverse("assets:import_run", args=[imp.pk]))
    assert Asset.objects.get(school=school).room == room


def test_running_import_page_polls_its_progress_until_done(client, school, clerk):
    client.force_login(clerk)
    imp = upload(school, clerk, csv_file([row()]))
    client.post(
        reverse("assets:import_columns", args=[imp.pk]),
        {f"col-{i}": f for i, f in imp.mapping.items()},
    )
    AssetImport.objects.filter(pk=imp.pk).update(status=ImportStatus.QUEUED)
    page = client.get(reverse("assets:import_detail", args=[imp.pk]))
    progress_url = reverse("assets:import_progress", args=[imp.pk])
    assert f'hx-get="{progress_url}"' in page.text and 'hx-trigger="every 1s"' in page.text

    AssetImport.objects.filter(pk=imp.pk).update(status=ImportStatus.DONE)
    finished = client.get(progress_url, headers={"HX-Request": "true"})
    assert finished["HX-Redirect"] == reverse("assets:import_detail", args=[imp.pk])


def test_template_download_has_the_ledger_headers(client, school, clerk):
    import io

    from openpyxl import load_workbook

    client.force_login(clerk)
    response = client.get(reverse("assets:import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["资产编号", "资产名称", "资产分类"]
    assert "存放地点" in headers and "使用状况" in headers


@pytest.mark.parametrize("role", ["staff", "finance", "keeper", "principal"])
def test_only_import_right_holders_reach_the_import_pages(client, school, make_member, clerk, role):
    imp = upload(school, clerk, csv_file([row()]))
    client.force_login(make_member(school, role, username=f"u-{role}"))
    for url in (
        reverse("assets:import_list"),
        reverse("assets:import_template"),
        reverse("assets:import_detail", args=[imp.pk]),
        reverse("assets:import_columns", args=[imp.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("assets:import_run", args=[imp.pk])).status_code == 403
    assert (
        client.post(reverse("assets:import_list"), {"file": csv_file([row()])}).status_code == 403
    )


def test_another_schools_import_is_not_found(client, school, other_school, make_member, clerk):
    imp = upload(school, clerk, csv_file([row()]))
    outsider = make_member(other_school, "clerk", username="other-clerk")
    client.force_login(outsider)
    assert client.get(reverse("assets:import_detail", args=[imp.pk])).status_code == 404
    assert client.post(reverse("assets:import_run", args=[imp.pk])).status_code == 404
    assert client.get(reverse("assets:import_list")).status_code == 200

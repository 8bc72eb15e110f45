import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from houqin.factories import DepartmentFactory, RoomFactory
from houqin.org.models import Room
from houqin.org.tests.files.build import read_xlsx, xlsx

HEADER = ["楼宇", "楼层", "房间号", "类型"]

IMPORT_PAGES = ["org:import_places", "org:import_staff", "org:import_classes"]


@pytest.fixture(autouse=True)
def report_dir(settings, tmp_path):
    settings.HOUQIN_IMPORT_REPORT_DIR = str(tmp_path / "reports")


@pytest.fixture
def director_client(client, director):
    client.force_login(director)
    return client


@pytest.mark.parametrize("name", IMPORT_PAGES)
def test_teacher_gets_403_on_the_import_pages(client, teacher, name):
    client.force_login(teacher)
    assert client.get(reverse(name)).status_code == 403
    upload = xlsx([HEADER, ["A", 1, "101", "教室"]])
    assert client.post(reverse(name), {"file": upload}).status_code == 403
    assert not Room.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        reverse("org:import_template", args=["places"]),
        reverse("org:export_places"),
        reverse("org:export_staff"),
        reverse("org:export_classes"),
    ],
)
def test_teacher_gets_403_on_templates_and_exports(client, teacher, url):
    client.force_login(teacher)
    assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("org:import_places"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("name", IMPORT_PAGES)
def test_director_sees_the_upload_form(director_client, name):
    response = director_client.get(reverse(name))
    assert response.status_code == 200
    assert b'type="file"' in response.content


def test_upload_with_errors_lists_them_and_offers_the_report(director_client):
    bad = xlsx(
        [HEADER, ["A", 1, "101", "教室"], ["A", "x", "102", "教室"], ["A", 1, "101", "车库"]]
    )

    response = director_client.post(reverse("org:import_places"), {"file": bad})

    assert response.status_code == 200
    assert not Room.objects.exists()
    errors = [(e.row, e.column) for e in response.context["result"].errors]
    assert errors == [(3, "楼层"), (4, "房间号"), (4, "类型")]
    report_url = response.context["report_url"]
    assert report_url and report_url.encode() in response.content
    report = director_client.get(report_url)
    assert report.status_code == 200
    rows = read_xlsx(report.content)
    assert rows[0] == [*HEADER, "Errors"]
    assert rows[1][-1] is None and "楼层" in rows[2][-1] and "类型" in rows[3][-1]


def test_error_report_is_only_for_the_session_that_made_it(
    director_client, client, school, make_member
):
    response = director_client.post(
        reverse("org:import_places"), {"file": xlsx([HEADER, ["A", "x", "101", "教室"]])}
    )
    url = response.context["report_url"]
    clerk = make_member(school, "clerk", username="clerk")
    other = type(client)()
    other.force_login(clerk)
    assert other.get(url).status_code == 404
    assert (
        director_client.get(reverse("org:import_error_report", args=["not-a-token"])).status_code
        == 404
    )


def test_fixed_report_uploaded_again_imports(director_client):
    response = director_client.post(
        reverse("org:import_places"), {"file": xlsx([HEADER, ["A", "x", "101", "教室"]])}
    )
    rows = read_xlsx(director_client.get(response.context["report_url"]).content)
    rows[1][1] = 1
    response = director_client.post(reverse("org:import_places"), {"file": xlsx(rows)})
    assert response.context["result"].ok
    assert response.context["result"].sheet.ignored_headers == ["Errors"]
    assert Room.objects.count() == 1


def test_successful_upload_shows_counts(director_client, school):
    response = director_client.post(
        reverse("org:import_places"),
        {"file": xlsx([HEADER, ["A", 1, "101", "教室"], ["A", 1, "102", ""]])},
    )
    assert response.status_code == 200
    assert response.context["result"].created == 2
    assert Room.objects.filter(school=school).count() == 2


def test_check_only_saves_nothing(director_client):
    upload = xlsx([HEADER, ["A", 1, "101", "教室"]])
    response = director_client.post(reverse("org:import_places"), {"file": upload, "dry_run": "on"})
    assert response.context["result"].created == 1
    assert not Room.objects.exists()


def test_wrong_file_type_gets_a_clear_message(director_client):
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0 not a spreadsheet")
    response = director_client.post(reverse("org:import_places"), {"file": upload})
    assert response.status_code == 400
    assert "Upload an Excel workbook" in response.content.decode()


def test_file_named_xlsx_that_is_not_a_workbook_gets_a_clear_message(director_client):
    upload = SimpleUploadedFile("rooms.xlsx", b"just some text")
    response = director_client.post(reverse("org:import_places"), {"file": upload})
    assert response.status_code == 400
    assert "not a real Excel workbook" in response.content.decode()


def test_file_over_the_size_limit_is_refused(director_client, settings):
    settings.HOUQIN_MAX_IMPORT_BYTES = 1024
    upload = SimpleUploadedFile("rooms.csv", ("楼宇,楼层,房间号\n" + "A,1,101\n" * 400).encode())
    response = director_client.post(reverse("org:import_places"), {"file": upload})
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()
    assert not Room.objects.exists()


def test_file_without_a_header_row_gets_a_clear_message(director_client):
    response = director_client.post(
        reverse("org:import_places"), {"file": xlsx([["x", "y"], [1, 2]])}
    )
    assert response.status_code == 400
    assert "No header row found" in response.content.decode()


@pytest.mark.parametrize("kind", ["places", "staff", "classes"])
def test_template_has_the_chinese_headers_and_an_example(director_client, kind):
    from houqin.org.importers import IMPORTERS

    response = director_client.get(reverse("org:import_template", args=[kind]))
    assert response.status_code == 200
    rows = read_xlsx(response.content)
    assert rows[0] == IMPORTERS[kind]().headers
    assert len(rows) == 2


def test_unknown_template_kind_is_404(director_client):
    assert director_client.get(reverse("org:import_template", args=["assets"])).status_code == 404


def test_upload_through_the_page_never_touches_another_school(
    director_client, school, other_school
):
    theirs = RoomFactory(
        floor__building__campus__school=other_school,
        floor__building__name="A",
        floor__number=1,
        number="101",
    )
    DepartmentFactory(school=other_school, name="乙校处室")
    response = director_client.post(
        reverse("org:import_places"), {"file": xlsx([HEADER, ["A", 1, "101", "办公室"]])}
    )
    assert response.context["result"].created == 1
    theirs.refresh_from_db()
    assert theirs.room_type == "classroom" and theirs.school == other_school
    assert Room.objects.filter(school=school).count() == 1

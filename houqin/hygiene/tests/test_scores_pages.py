"""Hygiene pages and API: who sees what, the phone page, bounded queries, exports, prints."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from houqin import factories as f
from houqin.assets.services_damage import create_damage
from houqin.hygiene import services_scores as services
from houqin.hygiene.models.scores import ScoreSheet

from .hygiene_support import MON, MON2, D, items_of, klass, score, term_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector(school, make_member):
    term_of(school)
    return make_member(school, "inspector", "staff", username="duty")


@pytest.fixture
def many_sheets(school, inspector):
    classes = [klass(school, 7 + n // 12, n % 12 + 1) for n in range(30)]
    for c in classes:
        score(inspector, c, MON, off=[("Floor", 1), ("Windows", 1)])
    return classes


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_inspector_scores_a_class_on_the_phone_page(client, school, inspector):
    items = items_of(school)
    c = klass(school, 7, 1)
    client.force_login(inspector)
    page = client.get(reverse("hygiene:inspect_class", args=[c.pk]) + f"?day={MON:%Y-%m-%d}")
    assert page.status_code == 200 and b'name="d_' in page.content
    done = client.post(
        reverse("hygiene:inspect_class", args=[c.pk]),
        {
            "day": MON.isoformat(),
            f"d_{items['Floor'].pk}": "2",
            f"r_{items['Floor'].pk}": "纸屑",
            "inspector_kind": "teacher",
        },
    )
    assert done.status_code == 302 and "grade=7" in done["Location"]
    sheet = ScoreSheet.objects.get()
    assert (sheet.total, sheet.deductions.get().reason) == (D("98"), "纸屑")
    again = client.post(reverse("hygiene:inspect_class", args=[c.pk]), {"day": MON.isoformat()})
    assert again.status_code == 400 and b"already scored" in again.content
    grade = client.get(reverse("hygiene:inspect") + f"?grade=7&day={MON:%Y-%m-%d}")
    assert b"1 of 1 scored" in grade.content


def test_class_teacher_sees_only_their_own_classes_sheets(client, school, inspector, make_member):
    teacher = make_member(school, "class_teacher", "staff", username="ct")
    mine, other = klass(school, 7, 1, teacher=teacher), klass(school, 7, 2)
    own = score(inspector, mine, MON, off=[("Floor", 1)])
    theirs = score(inspector, other, MON)
    client.force_login(teacher)
    page = client.get(reverse("hygiene:sheet_list"))
    assert page.status_code == 200
    assert [row.pk for row in page.context["table"].data] == [own.pk]
    assert client.get(reverse("hygiene:sheet_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("hygiene:sheet_detail", args=[theirs.pk])).status_code == 404
    body = _api(teacher).get(reverse("api:hygiene:sheet-list")).json()
    assert [row["id"] for row in body["results"]] == [own.pk]


def test_the_week_ranking_is_hidden_from_the_school_until_published(
    client, school, inspector, teacher, director
):
    score(inspector, klass(school, 7, 1), MON)
    client.force_login(teacher)
    url = reverse("hygiene:ranking_week") + f"?week={MON:%Y-%m-%d}"
    assert b"not published yet" in client.get(url).content
    services.publish_week(school, MON, by=director)
    page = client.get(url)
    assert b"Published." in page.content and b"Junior 1 Class 1" in page.content


def test_lists_and_api_run_a_bounded_number_of_queries(
    client, school, director, many_sheets, django_assert_max_num_queries
):
    client.force_login(director)
    for name in (
        "hygiene:sheet_list",
        "hygiene:area_list",
        "hygiene:ranking_week",
        "hygiene:ranking_term",
        "hygiene:red_flags",
    ):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(name) + f"?week={MON:%Y-%m-%d}").status_code == 200
    api = _api(director)
    with django_assert_max_num_queries(12):
        body = api.get(reverse("api:hygiene:sheet-list")).json()
    assert body["count"] == 30
    with django_assert_max_num_queries(12):
        assert (
            len(
                api.get(reverse("api:hygiene:ranking-week") + f"?week={MON:%Y-%m-%d}").json()[
                    "rows"
                ]
            )
            == 30
        )


def test_another_schools_sheets_are_unreachable(
    client, school, other_school, inspector, make_member
):
    term_of(other_school)
    stranger = make_member(other_school, "inspector", username="stranger")
    sheet = score(stranger, klass(other_school, 7, 1), MON)
    director = make_member(school, "director", username="dir-a")
    client.force_login(director)
    assert client.get(reverse("hygiene:sheet_detail", args=[sheet.pk])).status_code == 404
    assert (
        _api(director).get(reverse("api:hygiene:sheet-detail", args=[sheet.pk])).status_code == 404
    )
    assert _api(director).get(reverse("api:hygiene:sheet-list")).json()["count"] == 0
    assert (
        b"Junior 1 Class 1"
        not in client.get(reverse("hygiene:ranking_week") + f"?week={MON:%Y-%m-%d}").content
    )


def test_api_creates_a_sheet_through_the_service_and_refuses_a_duplicate(school, inspector):
    items = items_of(school)
    c = klass(school, 7, 1)
    payload = {
        "school_class": c.pk,
        "inspected_on": MON.isoformat(),
        "deductions": [{"item": items["Desks"].pk, "points": "2", "reason": "乱"}],
    }
    api = _api(inspector)
    made = api.post(reverse("api:hygiene:sheet-list"), payload, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["total"] == "98.00"
    assert api.post(reverse("api:hygiene:sheet-list"), payload, format="json").status_code == 400


def test_the_class_assessment_export_joins_term_totals_and_damage(
    client, school, inspector, director, make_member
):
    teacher = make_member(school, "class_teacher", "staff", username="ct", full_name="王老师")
    a, b = klass(school, 7, 1, teacher=teacher), klass(school, 7, 2)
    score(inspector, a, MON, off=[("Floor", 2)])  # 98 + week 2 base 100
    score(inspector, b, MON2, off=[("Floor", 3)])  # week 1 base 100 + 97
    services.publish_week(school, MON, by=director)
    room = f.RoomFactory(
        floor=f.FloorFactory(
            building=f.BuildingFactory(campus=f.CampusFactory(school=school), school=school),
            school=school,
        ),
        school=school,
    )
    for amount in ("30", "20"):
        create_damage(
            by=director,
            school=school,
            description="桌子损坏",
            room=room,
            school_class=a,
            assessed_amount=D(amount),
            occurred_on=MON,
        )
    client.force_login(director)
    response = client.get(reverse("hygiene:ranking_assessment") + f"?term={term_of(school).pk}")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][1:] == ("Junior 1 Class 1", "王老师", 198, 1, 1, 1, 2, 50)
    assert rows[2][1:4] == ("Junior 1 Class 2", None, 197)
    assert rows[2][6:] == (0, 0, 0)


def test_the_ledgers_print_as_a4_sheets(client, school, inspector, director):
    score(inspector, klass(school, 7, 1), MON + timedelta(days=1), off=[("Floor", 2)])
    client.force_login(director)
    week = client.get(reverse("hygiene:sheet_print") + f"?week={MON:%Y-%m-%d}")
    term = client.get(reverse("hygiene:ranking_term_print"))
    for page in (week, term):
        assert page.status_code == 200
        html = page.content.decode()
        assert 'class="sheet ' in html and "slip-signs" in html
    assert "-2" in week.content.decode() and "Floor" in week.content.decode()


def test_the_office_opening_the_week_page_sees_the_latest_scored_week(
    client, school, inspector, director
):
    score(inspector, klass(school, 7, 1), MON, off=[("Floor", 3)])
    client.force_login(director)

    # Later in the term: this week has no sheets yet, so the page shows the week that has.
    page = client.get(reverse("hygiene:ranking_week")).content.decode()

    assert f"{MON:%Y-%m-%d}" in page and "97.00" in page

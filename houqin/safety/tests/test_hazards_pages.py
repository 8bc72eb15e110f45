"""The hazard pages: list (filters, Excel, bounded queries), phone report, detail with the
buttons the user may press, the actions, the public QR form and the register."""

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from houqin.safety import services_hazards as hz
from houqin.safety.models.hazards import Hazard, HazardLevel, HazardSource, HazardStatus

from .hazards_support import assigned, photo, reported, room_of, to_verify


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clerk(school, make_member):
    return make_member(school, "clerk", username="clerk", full_name="周干事")


@pytest.fixture
def worker(school, make_member):
    return make_member(school, "worker", username="worker", full_name="王师傅")


def many(school, teacher, director, clerk, n=12):
    rooms = [room_of(school, number=f"{100 + i}") for i in range(4)]
    out = []
    for i in range(n):
        hazard = reported(school, teacher, room=rooms[i % 4], title=f"隐患{i}")
        if i % 3 == 0:
            assigned(hazard, director, clerk)
        if i % 4 == 0:
            Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - timedelta(1))
        out.append(hazard)
    return out


def test_list_shows_every_hazard_to_the_director_in_bounded_queries(
    client, school, teacher, director, clerk, django_assert_max_num_queries
):
    many(school, teacher, director, clerk)
    client.force_login(director)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("safety:hazard_list"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="hazard-row"') == 12
    with django_assert_max_num_queries(22):
        overdue = client.get(reverse("safety:hazard_list") + "?overdue=true")
    assert overdue.content.decode().count('data-testid="hazard-row"') == 3


def test_teacher_sees_only_what_they_reported(client, school, teacher, director, make_member):
    other = make_member(school, "staff", username="other")
    mine = reported(school, teacher, title="我的隐患")
    reported(school, other, title="别人的隐患")
    client.force_login(teacher)
    body = client.get(reverse("safety:hazard_list")).content.decode()
    assert mine.number in body and "别人的隐患" not in body


def test_list_exports_to_excel(client, school, teacher, director, clerk):
    many(school, teacher, director, clerk, n=3)
    client.force_login(director)
    response = client.get(reverse("safety:hazard_list") + "?export=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 4 and rows[1][0].startswith("YH-")


def test_another_schools_hazard_is_not_found(client, school, other_school, teacher, make_member):
    hazard = reported(school, teacher)
    outsider = make_member(other_school, "director", username="outsider")
    client.force_login(outsider)
    assert client.get(reverse("safety:hazard_detail", args=[hazard.pk])).status_code == 404
    url = reverse("safety:hazard_action", args=[hazard.pk, "cancel"])
    assert client.post(url, {"cancel-reason": "x"}).status_code == 404
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.REPORTED


def test_phone_report_form_creates_a_hazard_with_photos(client, school, teacher, director):
    room = room_of(school, number="201")
    client.force_login(teacher)
    assert client.get(reverse("safety:hazard_add")).status_code == 200
    response = client.post(
        reverse("safety:hazard_add"),
        {
            "room": room.pk,
            "title": "消防通道堆放杂物",
            "description": "",
            "level": "general",
            "location_note": "",
            "photos": [photo()],
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response.url == hazard.get_absolute_url()
    assert hazard.source == HazardSource.REPORT and hazard.room == room


def test_phone_report_without_a_place_is_refused_and_nothing_saved(client, teacher):
    client.force_login(teacher)
    response = client.post(reverse("safety:hazard_add"), {"title": "漏电", "level": "general"})
    assert response.status_code == 200
    assert "Choose a place" in response.content.decode()
    assert not Hazard.objects.exists()


def test_detail_offers_the_director_assign_and_cancel_and_the_teacher_nothing(
    client, school, teacher, director
):
    hazard = reported(school, teacher)
    client.force_login(director)
    body = client.get(hazard.get_absolute_url()).content.decode()
    assert 'data-testid="action-assign"' in body and 'data-testid="action-cancel"' in body
    client.force_login(teacher)
    body = client.get(hazard.get_absolute_url()).content.decode()
    assert "Nothing for you to do" in body


def test_assign_by_post_then_work_order_button(client, school, teacher, director, clerk):
    hazard = reported(school, teacher, level=HazardLevel.MAJOR)
    client.force_login(director)
    url = reverse("safety:hazard_action", args=[hazard.pk, "assign"])
    # A major hazard without a deadline comes back with the form open and its error.
    response = client.post(
        url,
        {
            "assign-owner": clerk.pk,
            "assign-level": "major",
            "assign-deadline": "",
            "assign-version": 1,
        },
    )
    assert response.status_code == 400
    assert "needs a deadline" in response.content.decode()
    deadline = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        url,
        {
            "assign-owner": clerk.pk,
            "assign-level": "major",
            "assign-deadline": deadline,
            "assign-version": 1,
            "assign-control_measures": "拉警戒线",
        },
    )
    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.RECTIFYING
    body = client.get(hazard.get_absolute_url()).content.decode()
    assert 'data-testid="action-work_order"' in body


def test_double_submitted_form_is_refused_the_second_time(client, school, teacher, director, clerk):
    hazard = reported(school, teacher)
    client.force_login(director)
    url = reverse("safety:hazard_action", args=[hazard.pk, "assign"])
    data = {
        "assign-owner": clerk.pk,
        "assign-level": "general",
        "assign-version": 1,
        "assign-deadline": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 400
    assert Hazard.objects.get(pk=hazard.pk).version == 2


def test_fixer_sees_no_verify_button(client, school, teacher, director, clerk):
    hazard = to_verify(reported(school, teacher), director, clerk)
    client.force_login(clerk)
    body = client.get(hazard.get_absolute_url()).content.decode()
    assert "someone else verifies it" in body
    assert 'data-testid="action-verify"' not in body
    client.force_login(director)
    body = client.get(hazard.get_absolute_url()).content.decode()
    assert 'data-testid="action-verify"' in body


# ---------------------------------------------------------------- public QR form


def public_data(**extra):
    data = {
        "title": "楼梯扶手松动",
        "description": "",
        "location_note": "",
        "reporter_name": "张家长",
        "reporter_phone": "13912345678",
        "website": "",
    }
    data.update(extra)
    return data


def test_public_form_reports_without_login(client, school, director):
    room = room_of(school, number="101")
    url = reverse("safety:hazard_public_report", args=[room.qr_token])
    assert client.get(url).status_code == 200
    response = client.post(url, public_data(photos=[photo()]))
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.source == HazardSource.PUBLIC and hazard.room == room
    thanks = client.get(response.url).content.decode()
    assert hazard.number in thanks


def test_public_form_is_rate_limited(client, school, settings):
    settings.HOUQIN_QR_REPORT_RATE = (2, 600)
    room = room_of(school)
    url = reverse("safety:hazard_public_report", args=[room.qr_token])
    for _ in range(2):
        assert client.post(url, public_data()).status_code == 302
    assert client.post(url, public_data()).status_code == 429
    assert Hazard.objects.count() == 2


def test_public_form_spam_is_dropped(client, school):
    room = room_of(school)
    url = reverse("safety:hazard_public_report", args=[room.qr_token])
    assert client.post(url, public_data(website="http://spam")).status_code == 200
    assert not Hazard.objects.exists()


def test_unknown_qr_is_not_found(client, db):
    assert client.get(reverse("safety:hazard_public_report", args=["nope"])).status_code == 404


# ---------------------------------------------------------------- register


def test_register_prints_the_year_and_exports_the_same_columns(
    client, school, teacher, director, clerk, make_member, django_assert_max_num_queries
):
    inspector = make_member(school, "inspector", username="insp", full_name="赵检查")
    for i in range(5):
        hazard = to_verify(reported(school, teacher, title=f"隐患{i}"), director, clerk)
        hz.verify(hazard, by=inspector)
    cancelled = reported(school, teacher, title="误报")
    hz.cancel(cancelled, by=director, reason="不是隐患")
    client.force_login(director)
    url = reverse("safety:hazard_register") + f"?year={timezone.localdate().year}"
    with django_assert_max_num_queries(16):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("赵检查") == 5 and "误报" not in body
    assert "signature" in body
    rows = list(load_workbook(io.BytesIO(client.get(url + "&export=xlsx").content)).active.values)
    assert len(rows) == 6
    assert rows[0][10] == "Verified by" and rows[1][10] == "赵检查"


def test_teacher_cannot_open_the_register(client, teacher):
    client.force_login(teacher)
    assert client.get(reverse("safety:hazard_register")).status_code == 403

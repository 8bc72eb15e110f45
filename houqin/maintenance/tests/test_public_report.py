"""The public QR form at /r/<token>/: no login, rate-limited, spam-safe, photos checked."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from houqin.factories import RoomFactory
from houqin.maintenance.models import Source, Status, WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def room(school):
    return RoomFactory(floor__building__campus__school=school, number="301")


@pytest.fixture
def categories(school):
    from houqin.maintenance import services

    return services.ensure_categories(school)


def png(name="leak.png"):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def form_data(category, **extra):
    data = {
        "category": category.pk,
        "description": "水龙头一直在滴水",
        "urgency": "normal",
        "reporter_name": "李老师",
        "reporter_phone": "13912345678",
        "website": "",
    }
    data.update(extra)
    return data


def test_qr_report_creates_an_order_with_source_qr_and_the_reporters_phone(
    client, room, categories
):
    url = reverse("maintenance:public_report", args=[room.qr_token])
    page = client.get(url)
    assert page.status_code == 200
    assert room.school.name in page.content.decode()

    response = client.post(url, {**form_data(categories[0]), "photos": [png()]})

    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.source == Source.QR
    assert order.reporter_phone == "13912345678"
    assert order.room == room and order.requester is None
    thanks = client.get(response["Location"])
    assert order.number in thanks.content.decode()


def test_thank_you_page_shows_no_school_data_but_the_number(client, room, categories):
    url = reverse("maintenance:public_report", args=[room.qr_token])
    response = client.post(url, form_data(categories[0]), follow=True)
    body = response.content.decode()
    assert WorkOrder.objects.get().number in body
    assert "水龙头一直在滴水" not in body


@pytest.mark.parametrize("token", ["no-such-token", ""])
def test_unknown_token_is_404(client, room, token):
    if not token:
        room.is_active = False
        room.save()
        token = room.qr_token
    assert client.get(reverse("maintenance:public_report", args=[token])).status_code == 404


def test_too_many_reports_from_one_address_are_refused_with_a_message(
    client, room, categories, settings
):
    settings.HOUQIN_QR_REPORT_RATE = (2, 600)
    url = reverse("maintenance:public_report", args=[room.qr_token])
    other = categories[1]
    for i in range(2):
        response = client.post(url, form_data(other, description=f"问题{i}", join="new"))
        assert response.status_code == 302

    response = client.post(url, form_data(other, description="第三次", join="new"))

    assert response.status_code == 429
    assert "Too many reports" in response.content.decode()
    assert WorkOrder.objects.count() == 2


def test_a_fake_image_is_refused_and_nothing_is_saved(client, room, categories):
    fake = SimpleUploadedFile("photo.jpg", b"this is not a picture at all", "image/jpeg")
    url = reverse("maintenance:public_report", args=[room.qr_token])

    response = client.post(url, {**form_data(categories[0]), "photos": [fake]})

    assert response.status_code == 200
    assert "photo.jpg" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_more_than_three_photos_are_refused(client, room, categories):
    url = reverse("maintenance:public_report", args=[room.qr_token])
    photos = [png(f"p{i}.png") for i in range(4)]
    response = client.post(url, {**form_data(categories[0]), "photos": photos})
    assert response.status_code == 200
    assert not WorkOrder.objects.exists()


def test_a_filled_honeypot_saves_nothing(client, room, categories):
    url = reverse("maintenance:public_report", args=[room.qr_token])
    response = client.post(url, form_data(categories[0], website="http://spam.example"))
    assert response.status_code == 200
    assert not WorkOrder.objects.exists()


def test_a_public_report_needs_an_eleven_digit_mobile(client, room, categories):
    url = reverse("maintenance:public_report", args=[room.qr_token])
    response = client.post(url, form_data(categories[0], reporter_phone="12345"))
    assert response.status_code == 200
    assert "11-digit" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_reporting_the_same_place_and_category_offers_to_join_the_open_report(
    client, room, categories
):
    url = reverse("maintenance:public_report", args=[room.qr_token])
    client.post(url, form_data(categories[0], description="灯不亮"))
    first = WorkOrder.objects.get()
    cache.clear()

    asked = client.post(url, form_data(categories[0], description="灯还是不亮"))
    assert asked.status_code == 200
    assert first.number in asked.content.decode()
    assert WorkOrder.objects.count() == 1

    joined = client.post(url, form_data(categories[0], description="灯还是不亮", join=first.pk))
    assert joined.status_code == 302
    assert WorkOrder.objects.count() == 1
    assert first.number in client.get(joined["Location"]).content.decode()
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED


def test_choosing_a_new_report_creates_a_second_order(client, room, categories):
    url = reverse("maintenance:public_report", args=[room.qr_token])
    client.post(url, form_data(categories[0]))
    client.post(url, form_data(categories[0], description="另一个问题", join="new"))
    assert WorkOrder.objects.count() == 2


def test_a_logged_in_member_reports_as_themselves(client, room, categories, teacher):
    client.force_login(teacher)
    url = reverse("maintenance:public_report", args=[room.qr_token])
    page = client.get(url)
    assert teacher.get_full_name() in page.content.decode()

    data = form_data(categories[0], reporter_name="", reporter_phone="")
    response = client.post(url, data)

    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.requester == teacher
    assert order.source == Source.QR


def test_a_school_nobody_set_up_still_offers_the_default_categories(client, room):
    from houqin.maintenance.models import RepairCategory

    page = client.get(reverse("maintenance:public_report", args=[room.qr_token]))
    assert page.status_code == 200
    names = list(RepairCategory.objects.filter(school=room.school).values_list("name", flat=True))
    assert len(names) == 7
    assert all(name in page.content.decode() for name in names)

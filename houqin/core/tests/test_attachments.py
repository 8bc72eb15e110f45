import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image

from houqin.core import timeline
from houqin.core.attachments import InvalidUpload, validate_upload
from houqin.core.models import Attachment, TimelineEntry
from houqin.factories import RoomFactory

EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 200
    + b"This program cannot be run in DOS mode"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def room(school):
    return RoomFactory(floor__building__campus__school=school)


def files_on_disk(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def jpeg_bytes(size=(800, 400), orientation=None) -> bytes:
    """A photo whose left half is red and right half blue, with an optional EXIF orientation."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, format="JPEG", exif=exif.tobytes())
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["房间", "名称"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_exe_named_jpg_is_refused_with_a_clear_message_and_nothing_is_written(room, teacher, media):
    fake = upload("photo.jpg", EXE_BYTES, "image/jpeg")

    with pytest.raises(InvalidUpload) as refused:
        timeline.comment(room, by=teacher, text="see photo", files=[fake])

    assert "photo.jpg" in str(refused.value.message)
    assert "EXE" in str(refused.value.message)
    assert not TimelineEntry.objects.exists()
    assert not Attachment.objects.exists()
    assert files_on_disk(media) == []


def test_one_bad_file_among_several_writes_nothing(room, teacher, media):
    good = upload("ok.jpg", jpeg_bytes(), "image/jpeg")
    bad = upload("virus.pdf", EXE_BYTES, "application/pdf")

    with pytest.raises(InvalidUpload):
        timeline.attach(room, by=teacher, files=[good, bad])

    assert not Attachment.objects.exists()
    assert files_on_disk(media) == []


def test_oversize_file_is_refused(settings, room, teacher):
    settings.HOUQIN_MAX_ATTACHMENT_BYTES = 1024
    big = upload("notes.txt", b"a" * 2048, "text/plain")

    with pytest.raises(InvalidUpload) as refused:
        timeline.attach(room, by=teacher, files=[big])

    assert "notes.txt" in str(refused.value.message)
    assert not Attachment.objects.exists()


def test_photo_gets_an_upright_thumbnail_of_at_most_320px(room, teacher):
    # Orientation 6: the camera was turned; the picture must be rotated 90° clockwise.
    photo = upload("IMG_0001.JPG", jpeg_bytes((800, 400), orientation=6), "image/jpeg")

    timeline.attach(room, by=teacher, files=[photo])

    attachment = Attachment.objects.get()
    assert attachment.is_image and attachment.content_type == "image/jpeg"
    assert (attachment.width, attachment.height) == (400, 800)
    with attachment.thumbnail.open("rb") as f, Image.open(f) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.size == (160, 320)
        rgb = thumb.convert("RGB")
        top, bottom = rgb.getpixel((80, 10)), rgb.getpixel((80, 310))
    assert top[0] > 200 and top[2] < 60  # the red (left) half is now on top
    assert bottom[2] > 200 and bottom[0] < 60


def test_stored_name_is_random_and_grouped_by_school_and_month(room, teacher):
    timeline.attach(
        room, by=teacher, files=[upload("张三 的 报告.pdf", b"%PDF-1.4\n%...\n", "application/pdf")]
    )

    attachment = Attachment.objects.get()
    assert attachment.original_name == "张三 的 报告.pdf"
    assert attachment.file.name.startswith(f"attachments/{room.school_id}/")
    assert "张三" not in attachment.file.name and attachment.file.name.endswith(".pdf")


@pytest.mark.parametrize(
    "name,data,expected",
    [
        (
            "sheet.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("名单.csv", "姓名,班级\n张三,七(1)班\n".encode("gb18030"), "text/csv"),
        ("readme.txt", "后勤 notes".encode(), "text/plain"),
        ("scan.pdf", b"%PDF-1.7\n1 0 obj\n", "application/pdf"),
    ],
)
def test_allowed_types_are_recognised_by_content(name, data, expected):
    assert validate_upload(upload(name, data)).content_type == expected


def test_zip_renamed_to_docx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", EXE_BYTES)
    with pytest.raises(InvalidUpload):
        validate_upload(upload("report.docx", out.getvalue()))


def test_truncated_photo_is_refused():
    with pytest.raises(InvalidUpload):
        validate_upload(upload("broken.jpg", jpeg_bytes()[:200], "image/jpeg"))


def test_download_serves_the_file_with_safe_headers(client, room, teacher):
    timeline.attach(room, by=teacher, files=[upload("清单.xlsx", xlsx_bytes())])
    attachment = Attachment.objects.get()
    client.force_login(teacher)

    response = client.get(reverse("attachment_download", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == attachment.content_type
    assert "filename*=utf-8''%E6%B8%85%E5%8D%95.xlsx" in response["Content-Disposition"]
    with attachment.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()


def test_thumbnail_is_served_to_members_of_the_school(client, room, teacher):
    timeline.attach(room, by=teacher, files=[upload("p.png", _png())])
    client.force_login(teacher)
    response = client.get(reverse("attachment_thumbnail", args=[Attachment.objects.get().pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_user_of_another_school_gets_404_for_download_and_thumbnail(
    client, other_school, room, teacher, make_member
):
    timeline.attach(room, by=teacher, files=[upload("p.jpg", jpeg_bytes(), "image/jpeg")])
    attachment = Attachment.objects.get()
    client.force_login(make_member(other_school, "director", username="outsider"))

    assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("attachment_thumbnail", args=[attachment.pk])).status_code == 404


def test_anonymous_download_goes_to_login(client, room, teacher):
    timeline.attach(room, by=teacher, files=[upload("a.txt", b"hi", "text/plain")])
    response = client.get(reverse("attachment_download", args=[Attachment.objects.get().pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_comment_with_photos_through_the_page(client, room, teacher):
    client.force_login(teacher)
    url = reverse("timeline_comment", args=["org", "room", room.pk])
    response = client.post(
        url,
        {
            "text": "Window broken",
            "files": [upload("a.jpg", jpeg_bytes(), "image/jpeg"), upload("b.png", _png())],
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert Attachment.objects.filter(entry__text="Window broken", is_image=True).count() == 2
    assert (
        reverse("attachment_thumbnail", args=[Attachment.objects.first().pk])
        in response.content.decode()
    )


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 128, 0, 128)).save(out, format="PNG")
    return out.getvalue()

"""Factories and helpers for the maintenance workflow tests."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory
from PIL import Image

from houqin.factories import RoomFactory, SchoolFactory
from houqin.maintenance.models import RepairCategory


class RepairCategoryFactory(DjangoModelFactory):
    class Meta:
        model = RepairCategory

    school = factory.SubFactory(SchoolFactory)
    code = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"类别{n}")


def photo(name="photo.png", color=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def fake_photo(name="virus.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")


def make_order(school, by, *, room=None, category=None, urgency="normal", **kw):
    """A submitted order reported by ``by`` through the service."""
    from houqin.maintenance import services

    room = room or RoomFactory(floor__building__campus__school=school)
    category = category or RepairCategoryFactory(school=school)
    return services.report(
        school=school, by=by, room=room, category=category,
        description=kw.pop("description", "灯不亮"), urgency=urgency, **kw,
    )

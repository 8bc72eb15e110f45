"""Factories and helpers for the hazard tests."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from houqin.factories import RoomFactory
from houqin.safety import services_hazards as hz
from houqin.safety.models.hazards import HazardLevel


def photo(name="hazard.png", color=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def fake_photo(name="virus.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")


def room_of(school, **kw):
    return RoomFactory(floor__building__campus__school=school, **kw)


def reported(school, by, *, room=None, level=HazardLevel.GENERAL, title="灭火器压力不足", **kw):
    return hz.report_hazard(
        school=school, by=by, title=title, level=level, room=room or room_of(school), **kw
    )


def assigned(hazard, director, owner, *, days=7, measures="设置警示标志"):
    return hz.assign(
        hazard,
        by=director,
        owner=owner,
        deadline=timezone.localdate() + timedelta(days=days),
        control_measures=measures,
    )


def to_verify(hazard, director, owner):
    assigned(hazard, director, owner)
    return hz.rectify(hazard, by=owner, note="已更换灭火器")

"""Factories and fixtures of the inspection tests (templates, schedules, rounds, equipment)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from houqin.factories import BuildingFactory, FloorFactory, RoomFactory, member
from houqin.org.models import AcademicYear, RoomType, Term
from houqin.safety import builtin_inspections, services_inspections
from houqin.safety.models.equipment import EquipmentKind, SafetyEquipment
from houqin.safety.models.inspections import (
    InspectionSchedule,
    InspectionTemplate,
    Recurrence,
)


def png(name="signature.png", color=(20, 20, 20)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (60, 20), color).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def at(day: date, hour=9, minute=0):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def make_term(school, start=date(2026, 2, 23), end=date(2026, 7, 3)):
    year = AcademicYear.objects.create(
        school=school,
        name=f"{start.year - 1}-{start.year}",
        start_date=start - timedelta(days=180),
        end_date=end + timedelta(days=30),
    )
    return Term.objects.create(
        school=school,
        year=year,
        number=2,
        name=f"{start.year} spring",
        start_date=start,
        end_date=end,
    )


def template(school, code) -> InspectionTemplate:
    builtin_inspections.ensure_templates(school)
    return InspectionTemplate.objects.get(school=school, builtin_code=code)


def schedule(school, tpl, *, rooms, by, inspectors=(), **fields) -> InspectionSchedule:
    fields.setdefault("name", tpl.name)
    fields.setdefault("recurrence", Recurrence.DAILY)
    fields.setdefault("starts_on", date(2026, 3, 2))
    made = InspectionSchedule(school=school, template=tpl, **fields)
    return services_inspections.save_schedule(made, by=by, rooms=rooms, inspectors=inspectors)


def passing(found) -> dict:
    """Every item of the round's version answered as in order."""
    out = {}
    for item in found.version.items.all():
        kind = item.answer_type
        answer = services_inspections.Answer()
        if kind == "pass_fail":
            answer.passed = True
        elif kind == "number":
            answer.value = item.min_value if item.min_value is not None else (item.max_value or 0)
        elif kind == "choice":
            answer.choice = next(o["label"] for o in item.options if not o["fails"])
        if item.photo_required:
            answer.photos = [png("photo.png", (200, 30, 30))]
        out[item.pk] = answer
    return out


def walk_all(found, by, **extra):
    for stop in found.stops.select_related("room"):
        services_inspections.record_stop(
            found, by=by, room=stop.room, answers=passing(found), **extra
        )


def extinguisher(school, room, code="MHQ-001", **fields) -> SafetyEquipment:
    return SafetyEquipment.objects.create(
        school=school,
        room=room,
        code=code,
        kind=EquipmentKind.EXTINGUISHER,
        model_name="ABC",
        size="4 kg",
        **fields,
    )


@pytest.fixture
def term(school):
    return make_term(school)


@pytest.fixture
def building(school):
    return BuildingFactory(campus__school=school, name="教学楼")


@pytest.fixture
def rooms(building):
    floor = FloorFactory(building=building, number=1)
    return [
        RoomFactory(floor=floor, number=f"10{i}", room_type=RoomType.CLASSROOM) for i in range(1, 4)
    ]


@pytest.fixture
def guard(school):
    return member(school, "guard", username="guard", full_name="张保安")

"""Every inspection page renders for the safety office, and the compliance page shows the
inspection rules' statuses."""

# ruff: noqa: F811  (pytest fixtures imported from inspections_support)
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.safety import schedules, services_inspections

from .inspections_support import (  # noqa: F401  (fixtures)
    building,
    extinguisher,
    guard,
    make_term,
    passing,
    png,
    rooms,
    schedule,
    template,
)

pytestmark = pytest.mark.django_db


def test_every_page_renders(client, school, director, rooms, guard):
    make_term(school, start=timezone.localdate().replace(day=1), end=date(2099, 1, 1))
    patrol = template(school, "fire-inspection")
    plan = schedule(
        school,
        patrol,
        rooms=rooms[:1],
        by=director,
        inspectors=[guard],
        recurrence="quarterly",
        starts_on=timezone.localdate().replace(day=1),
    )
    piece = extinguisher(school, rooms[0])
    found = services_inspections.add_round(patrol, by=director, rooms=rooms[:1])
    services_inspections.record_stop(found, by=director, room=rooms[0], answers=passing(found))
    client.force_login(director)
    urls = [
        reverse("safety:inspection_template_list"),
        reverse("safety:inspection_template_add"),
        reverse("safety:inspection_template_detail", args=[patrol.pk]),
        reverse("safety:inspection_template_edit", args=[patrol.pk]),
        reverse("safety:inspection_template_ledger", args=[patrol.pk]),
        reverse("safety:inspection_schedule_list"),
        reverse("safety:inspection_schedule_add"),
        reverse("safety:inspection_schedule_detail", args=[plan.pk]),
        reverse("safety:inspection_schedule_edit", args=[plan.pk]),
        reverse("safety:inspection_round_list"),
        reverse("safety:inspection_round_detail", args=[found.pk]),
        reverse("safety:my_rounds"),
        reverse("safety:inspection_walk", args=[found.pk]),
        reverse("safety:inspection_stop", args=[found.pk, rooms[0].pk]),
        reverse("safety:equipment_list"),
        reverse("safety:equipment_add"),
        reverse("safety:equipment_detail", args=[piece.pk]),
        reverse("safety:equipment_edit", args=[piece.pk]),
        reverse("safety:equipment_print"),
        reverse("compliance_overview"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert (
        "Head of the inspected department"
        in client.get(reverse("safety:inspection_walk", args=[found.pk])).content.decode()
    )
    made = client.post(reverse("safety:inspection_schedule_generate", args=[plan.pk]))
    assert made.status_code == 302
    assert schedules.target_rooms(plan) == rooms[:1]


def test_a_teacher_sees_no_rounds_and_cannot_add_schedules(
    client, school, director, rooms, teacher
):
    found = services_inspections.add_round(
        template(school, "fire-patrol"), by=director, rooms=rooms
    )
    client.force_login(teacher)
    listed = client.get(reverse("safety:inspection_round_list"))
    assert listed.status_code == 200 and found.number not in listed.content.decode()
    assert client.get(reverse("safety:inspection_round_detail", args=[found.pk])).status_code == 404
    for name in (
        "safety:inspection_schedule_add",
        "safety:equipment_add",
        "safety:inspection_template_add",
    ):
        assert client.get(reverse(name)).status_code == 403, name
    assert png()

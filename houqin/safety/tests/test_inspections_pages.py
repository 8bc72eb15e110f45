# ruff: noqa: F811  (pytest fixtures imported from inspections_support)
"""Inspection pages and API: the phone walk (QR or choice, a place's checklist, signatures),
lists and the API in bounded queries, the ledger as an A4 print view and Excel, tenancy."""

import base64
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.safety import schedules, services_inspections
from houqin.safety.models.inspections import InspectionRound, InspectionSchedule, RoundStatus

from .inspections_support import (  # noqa: F401  (fixtures)
    at,
    building,
    guard,
    passing,
    png,
    rooms,
    schedule,
    template,
    term,
    walk_all,
)

pytestmark = pytest.mark.django_db


def data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(png().read()).decode()


@pytest.fixture
def todays_round(school, director, rooms, guard):
    patrol = template(school, "fire-patrol")
    plan = schedule(
        school, patrol, rooms=rooms, by=director, inspectors=[guard], starts_on=timezone.localdate()
    )
    return schedules.generate(plan)[0]


def _answers_post(found, fail_label=None):
    post = {}
    for item in found.version.items.all():
        if item.answer_type == "pass_fail":
            post[f"item_{item.pk}"] = "fail" if item.label == fail_label else "pass"
    return post


def test_a_guard_walks_a_round_on_the_phone(client, school, guard, rooms, todays_round):
    client.force_login(guard)
    home = client.get(reverse("safety:my_rounds"))
    assert todays_round.number in home.content.decode()
    walk = reverse("safety:inspection_walk", args=[todays_round.pk])
    # Scanning the poster at the door opens that place's checklist.
    scanned = client.post(walk, {"code": f"https://x.example/r/{rooms[1].qr_token}/"})
    assert scanned.url.endswith(f"/walk/{rooms[1].pk}/?scanned=1")
    assert client.post(walk, {"code": "https://x.example/r/notaplace1/"}).status_code == 302
    for n, room in enumerate(rooms):
        stop_url = reverse("safety:inspection_stop", args=[todays_round.pk, room.pk])
        assert client.get(stop_url).status_code == 200
        post = _answers_post(todays_round, "Fire doors closed" if n == 0 else None)
        response = client.post(stop_url, {**post, "scanned": "1" if n == 1 else "0"})
        assert response.status_code == 302, response.content.decode()[:3000]
    done = client.post(
        reverse("safety:inspection_complete", args=[todays_round.pk]),
        {"signed_by": "张保安", "signature": data_url()},
    )
    assert done.status_code == 302
    todays_round.refresh_from_db()
    assert todays_round.status == RoundStatus.DONE and todays_round.failed_count == 1
    assert todays_round.stops.get(room=rooms[1]).scanned


def test_a_missing_answer_shows_the_error_and_keeps_the_page(client, guard, rooms, todays_round):
    client.force_login(guard)
    stop_url = reverse("safety:inspection_stop", args=[todays_round.pk, rooms[0].pk])
    response = client.post(stop_url, {})
    assert response.status_code == 400 and "answer pass or fail" in response.content.decode()


def test_completing_without_a_signature_is_refused(client, guard, todays_round):
    walk_all(todays_round, guard)
    client.force_login(guard)
    response = client.post(
        reverse("safety:inspection_complete", args=[todays_round.pk]), {"signed_by": "张保安"}
    )
    assert response.status_code == 200 and "must sign" in response.content.decode()


def test_rounds_list_and_export_in_bounded_queries(
    client, school, director, rooms, guard, django_assert_max_num_queries
):
    patrol = template(school, "fire-patrol")
    plan = schedule(
        school, patrol, rooms=rooms, by=director, inspectors=[guard], starts_on=date(2026, 3, 1)
    )
    schedules.generate(plan, now=at(date(2026, 3, 28)))
    assert InspectionRound.objects.count() == 28
    client.force_login(director)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("safety:inspection_round_list") + "?rule=safety.fire_patrol_days")
    assert page.status_code == 200
    with django_assert_max_num_queries(20):
        export = client.get(reverse("safety:inspection_round_list") + "?export=xlsx")
    assert export.status_code == 200
    with django_assert_max_num_queries(20):
        api = client.get(reverse("api:safety:inspection-round-list"))
    assert api.json()["count"] == 28


def test_a_guard_sees_only_their_rounds(client, school, director, rooms, guard, make_member):
    patrol = template(school, "fire-patrol")
    mine = schedule(
        school, patrol, rooms=rooms[:1], by=director, inspectors=[guard], starts_on=date(2026, 3, 1)
    )
    other = make_member(school, "guard", username="guard2")
    theirs = schedule(
        school,
        patrol,
        rooms=rooms[1:2],
        by=director,
        inspectors=[other],
        starts_on=date(2026, 3, 1),
        name="Night",
    )
    schedules.generate(mine, now=at(date(2026, 3, 2)))
    hidden = schedules.generate(theirs, now=at(date(2026, 3, 2)))[0]
    client.force_login(guard)
    listed = client.get(reverse("api:safety:inspection-round-list")).json()
    assert listed["count"] == 2
    assert (
        client.get(reverse("safety:inspection_round_detail", args=[hidden.pk])).status_code == 404
    )


def test_template_pages_copy_built_ins_and_edit_versions(client, school, director):
    client.force_login(director)
    page = client.get(reverse("safety:inspection_template_list"))
    assert page.status_code == 200 and "Daily fire patrol" in page.content.decode()
    patrol = template(school, "fire-patrol")
    edit = client.get(reverse("safety:inspection_template_edit", args=[patrol.pk]))
    assert edit.status_code == 200
    form = edit.context["formset"]
    post = {
        "name": patrol.name,
        "kind": patrol.kind,
        "rule_key": patrol.rule_key,
        "is_active": "on",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "40",
        "items-0-label": "Exits clear",
        "items-0-answer_type": "pass_fail",
        "items-1-label": "Condition",
        "items-1-answer_type": "choice",
        "items-1-options": "Good; Broken*",
    }
    assert form is not None
    response = client.post(reverse("safety:inspection_template_edit", args=[patrol.pk]), post)
    assert response.status_code == 302
    item = patrol.versions.get(is_current=True).items.get(label="Condition")
    assert item.options == [{"label": "Good", "fails": False}, {"label": "Broken", "fails": True}]


def test_a_loose_schedule_is_refused_on_the_page(client, school, director, rooms):
    patrol = template(school, "fire-patrol")
    client.force_login(director)
    response = client.post(
        reverse("safety:inspection_schedule_add"),
        {
            "template": patrol.pk,
            "name": "Every other day",
            "recurrence": "daily",
            "every_days": 2,
            "times_a_day": 1,
            "day_starts": "07:00",
            "day_ends": "22:00",
            "weekday": 0,
            "day_of_month": 1,
            "offset_days": 0,
            "starts_on": "2026-03-02",
            "rooms": [rooms[0].pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "at least every 1 day" in response.content.decode()
    assert not InspectionSchedule.objects.exists()


def test_schedule_api_refuses_a_loose_schedule_and_generates(client, school, director, rooms):
    patrol = template(school, "fire-patrol")
    client.force_login(director)
    url = reverse("api:safety:inspection-schedule-list")
    payload = {
        "template": patrol.pk,
        "name": "Patrol",
        "recurrence": "daily",
        "every_days": 2,
        "starts_on": str(timezone.localdate()),
        "rooms": [rooms[0].pk],
    }
    refused = client.post(url, payload, content_type="application/json")
    assert refused.status_code == 400
    payload["every_days"] = 1
    made = client.post(url, payload, content_type="application/json")
    assert made.status_code == 201, made.content
    generated = client.post(
        reverse("api:safety:inspection-schedule-generate", args=[made.json()["id"]])
    )
    assert len(generated.json()["made"]) == 1


def test_api_records_a_stop_and_completes_a_round(
    client, school, director, rooms, guard, todays_round
):
    client.force_login(guard)
    url = reverse("api:safety:inspection-round-stops", args=[todays_round.pk])
    for room in rooms:
        answers = [
            {"item": i.pk, "passed": True}
            for i in todays_round.version.items.all()
            if i.answer_type == "pass_fail"
        ]
        response = client.post(
            url, {"room": room.pk, "answers": answers}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
    done = client.post(
        reverse("api:safety:inspection-round-complete", args=[todays_round.pk]),
        {"signed_by": "张保安", "signature": data_url()},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "done"


def test_template_api_lists_items_in_bounded_queries(
    client, school, director, django_assert_max_num_queries
):
    template(school, "fire-patrol")
    client.force_login(director)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("api:safety:inspection-template-list"))
    rows = response.json()["results"]
    assert len(rows) >= 10 and all(row["items"] for row in rows)


def test_the_ledger_prints_on_a4_with_signatures_and_hazard_numbers(
    client, school, director, rooms, term, django_assert_max_num_queries
):
    inspection = template(school, "fire-inspection")
    found = services_inspections.add_round(
        inspection, by=director, rooms=rooms[:2], due_date=date(2026, 3, 10)
    )
    answers = passing(found)
    item = found.version.items.filter(answer_type="pass_fail").first()
    answers[item.pk] = services_inspections.Answer(passed=False)
    services_inspections.record_stop(found, by=director, room=rooms[0], answers=answers)
    services_inspections.record_stop(found, by=director, room=rooms[1], answers=passing(found))
    services_inspections.sign_second(found, by=director, signature=png(), signed_by="李主任")
    services_inspections.complete_round(found, by=director, signature=png(), signed_by="王主任")
    for _n in range(5):
        extra = services_inspections.add_round(
            inspection, by=director, rooms=rooms[:2], due_date=date(2026, 3, 11)
        )
        assert extra.pk
    client.force_login(director)
    url = reverse("safety:inspection_template_ledger", args=[inspection.pk]) + f"?term={term.pk}"
    with django_assert_max_num_queries(20):
        response = client.get(url)
    body = response.content.decode()
    hazard_number = found.stops.get(room=rooms[0]).answers.get(item=item).hazard.number
    assert 'data-paper="A4"' in body and "sign-box" in body
    assert "Department head&#x27;s signature" in body or "Department head's signature" in body
    assert hazard_number in body and "李主任" in body and "王主任" in body
    export = client.get(url + "&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_another_schools_round_is_not_reachable(client, other_school, director, make_member):
    from houqin.factories import RoomFactory

    theirs_tpl = template(other_school, "fire-patrol")
    their_director = make_member(other_school, "director", username="their-director")
    room = RoomFactory(floor__building__campus__school=other_school)
    theirs = services_inspections.add_round(theirs_tpl, by=their_director, rooms=[room])
    client.force_login(director)
    for name in ("safety:inspection_round_detail", "safety:inspection_walk"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert (
        client.get(reverse("safety:inspection_template_detail", args=[theirs_tpl.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("api:safety:inspection-round-detail", args=[theirs.pk])).status_code
        == 404
    )

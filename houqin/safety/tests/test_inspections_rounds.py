# ruff: noqa: F811  (pytest fixtures imported from inspections_support)
"""Inspection rounds: schedules as strict as their rules, rounds made exactly once, missed and
late rounds, failed items raising hazards, two signatures, template versions."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from houqin.core import compliance
from houqin.core.errors import DomainError
from houqin.core.models import Notification
from houqin.core.scheduler import run_due_jobs
from houqin.safety import builtin_inspections, schedules, services_inspections
from houqin.safety.models.hazards import Hazard, HazardSource
from houqin.safety.models.inspections import (
    InspectionAnswer,
    InspectionRound,
    InspectionTemplate,
    Recurrence,
    RoundStatus,
)
from houqin.safety.schedules import InvalidSchedule

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


def test_built_in_templates_are_copied_once(school):
    builtin_inspections.ensure_templates(school)
    builtin_inspections.ensure_templates(school)
    codes = list(
        InspectionTemplate.objects.filter(school=school).values_list("builtin_code", flat=True)
    )
    assert len(codes) == len(set(codes)) == len(builtin_inspections.BUILTIN)
    patrol = InspectionTemplate.objects.get(school=school, builtin_code="fire-patrol")
    labels = [i.label for i in patrol.versions.get(is_current=True).items.all()]
    assert "Fire doors closed" in labels and "Exits and escape routes clear" in labels


def test_fire_patrol_every_two_days_is_refused(school, director, rooms):
    patrol = template(school, "fire-patrol")
    with pytest.raises(InvalidSchedule, match="at least every 1 day"):
        schedule(school, patrol, rooms=rooms, by=director, every_days=2)


def test_security_patrol_three_times_a_day_is_refused(school, director, rooms):
    patrol = template(school, "security-patrol")
    with pytest.raises(InvalidSchedule, match="at least 5 patrols a day"):
        schedule(
            school,
            patrol,
            rooms=rooms,
            by=director,
            recurrence=Recurrence.TIMES_A_DAY,
            times_a_day=3,
        )
    made = schedule(
        school, patrol, rooms=rooms, by=director, recurrence=Recurrence.TIMES_A_DAY, times_a_day=5
    )
    assert made.pk


def test_a_school_that_tightened_its_rule_refuses_the_national_frequency(school, director, rooms):
    compliance.set_value(school, "safety.extinguisher_check_months", 1, by=director)
    check = template(school, "extinguisher-check")
    with pytest.raises(InvalidSchedule):
        schedule(school, check, rooms=rooms, by=director, recurrence=Recurrence.QUARTERLY)


def test_rounds_are_made_exactly_once_per_slot(school, director, rooms, guard):
    patrol = template(school, "fire-patrol")
    plan = schedule(school, patrol, rooms=rooms, by=director, inspectors=[guard])
    now = at(date(2026, 3, 4), 10)
    first = schedules.generate(plan, now=now)
    again = schedules.generate(plan, now=now)
    assert [r.due_date for r in first] == [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
    assert again == []
    found = first[-1]
    assert found.stops.count() == 3 and found.assignee == guard
    assert InspectionRound.objects.filter(schedule=plan).count() == 3


def test_patrols_several_times_a_day_get_one_round_per_slot(school, director, rooms):
    patrol = template(school, "security-patrol")
    plan = schedule(
        school,
        patrol,
        rooms=rooms,
        by=director,
        starts_on=date(2026, 3, 4),
        recurrence=Recurrence.TIMES_A_DAY,
        times_a_day=5,
    )
    made = schedules.generate(plan, now=at(date(2026, 3, 4), 23))
    assert [r.slot for r in made] == [0, 1, 2, 3, 4]


def test_a_missed_daily_patrol_is_marked_notified_and_shows_in_compliance(
    school, director, rooms, guard, term
):
    patrol = template(school, "fire-patrol")
    plan = schedule(
        school, patrol, rooms=rooms, by=director, inspectors=[guard], starts_on=date(2026, 3, 2)
    )
    schedules.generate(plan, now=at(date(2026, 3, 3), 8))
    schedules.mark_missed(now=at(date(2026, 3, 3), 8))
    missed = InspectionRound.objects.get(schedule=plan, due_date=date(2026, 3, 2))
    assert missed.status == RoundStatus.MISSED
    told = set(
        Notification.objects.filter(title__startswith="Missed inspection").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {guard.pk, director.pk}
    status = compliance.status_of("safety.fire_patrol_days")(school, term, date(2026, 3, 3))
    assert status.missed == 1 and not status.ok


def test_the_jobs_make_and_miss_rounds(school, director, rooms, guard):
    patrol = template(school, "fire-patrol")
    plan = schedule(
        school, patrol, rooms=rooms, by=director, inspectors=[guard], starts_on=date(2026, 3, 2)
    )
    keys = ["safety.generate_inspection_rounds", "safety.mark_missed_rounds"]
    run_due_jobs(at(date(2026, 3, 3), 9), keys=keys)
    assert InspectionRound.objects.filter(schedule=plan).count() == 2
    run_due_jobs(at(date(2026, 3, 3), 10), keys=keys)
    assert InspectionRound.objects.filter(schedule=plan, status=RoundStatus.MISSED).count() == 1


def test_a_failed_item_raises_a_hazard_kept_on_the_answer(school, director, rooms, guard):
    patrol = template(school, "fire-patrol")
    plan = schedule(
        school, patrol, rooms=rooms, by=director, inspectors=[guard], starts_on=date(2026, 3, 4)
    )
    found = schedules.generate(plan, now=at(date(2026, 3, 4)))[0]
    answers = passing(found)
    doors = found.version.items.get(label="Fire doors closed")
    answers[doors.pk] = services_inspections.Answer(passed=False, text="3F door wedged open")
    services_inspections.record_stop(found, by=guard, room=rooms[0], answers=answers)
    answer = InspectionAnswer.objects.get(stop__round=found, item=doors)
    assert answer.failed and answer.hazard is not None
    hazard = Hazard.objects.get(pk=answer.hazard_id)
    assert hazard.source == HazardSource.INSPECTION and hazard.room == rooms[0]
    # Recording the place again does not raise the same hazard twice.
    services_inspections.record_stop(found, by=guard, room=rooms[0], answers=answers)
    assert Hazard.objects.filter(school=school).count() == 1


def test_a_number_outside_its_limits_is_a_failed_item(school, director, rooms):
    canteen = template(school, "canteen")
    found = services_inspections.add_round(canteen, by=director, rooms=[rooms[0]])
    answers = passing(found)
    cold = found.version.items.get(answer_type="number")
    answers[cold.pk] = services_inspections.Answer(value="12.5")
    stop = services_inspections.record_stop(found, by=director, room=rooms[0], answers=answers)
    assert stop.failed_count == 1
    assert InspectionAnswer.objects.get(stop=stop, item=cold).hazard is not None


def test_an_unanswered_item_changes_nothing(school, director, rooms):
    patrol = template(school, "fire-patrol")
    found = services_inspections.add_round(patrol, by=director, rooms=[rooms[0]])
    answers = passing(found)
    answers.pop(found.version.items.first().pk)
    with pytest.raises(DomainError, match="answer pass or fail"):
        services_inspections.record_stop(found, by=director, room=rooms[0], answers=answers)
    assert not InspectionAnswer.objects.exists()


def test_a_round_cannot_complete_before_every_place_is_recorded(school, director, rooms):
    patrol = template(school, "fire-patrol")
    found = services_inspections.add_round(patrol, by=director, rooms=rooms)
    services_inspections.record_stop(found, by=director, room=rooms[0], answers=passing(found))
    with pytest.raises(DomainError, match="Places not recorded yet"):
        services_inspections.complete_round(found, by=director, signature=png(), signed_by="王")


def test_quarterly_fire_inspection_missing_the_second_signature_is_refused(school, director, rooms):
    inspection = template(school, "fire-inspection")
    found = services_inspections.add_round(inspection, by=director, rooms=[rooms[0]])
    walk_all(found, director)
    with pytest.raises(DomainError, match="head of the inspected department"):
        services_inspections.complete_round(found, by=director, signature=png(), signed_by="王主任")
    found.refresh_from_db()
    assert found.status != RoundStatus.DONE
    services_inspections.sign_second(found, by=director, signature=png(), signed_by="李主任")
    done = services_inspections.complete_round(
        found, by=director, signature=png(), signed_by="王主任"
    )
    assert done.status == RoundStatus.DONE and done.second_signed_by == "李主任"
    assert done.signature_id and done.second_signature_id


def test_a_completion_after_the_slot_is_late(school, director, rooms, guard):
    patrol = template(school, "fire-patrol")
    plan = schedule(
        school, patrol, rooms=rooms[:1], by=director, inspectors=[guard], starts_on=date(2026, 3, 2)
    )
    found = schedules.generate(plan, now=at(date(2026, 3, 2)))[0]
    schedules.mark_missed(now=at(date(2026, 3, 3)))
    walk_all(found, guard)
    done = services_inspections.complete_round(
        found, by=guard, signature=png(), signed_by="张保安", now=at(date(2026, 3, 3), 8)
    )
    assert done.status == RoundStatus.DONE and done.is_late


def test_someone_else_cannot_record_a_guards_round(school, director, rooms, guard, make_member):
    patrol = template(school, "fire-patrol")
    plan = schedule(
        school, patrol, rooms=rooms[:1], by=director, inspectors=[guard], starts_on=date(2026, 3, 2)
    )
    found = schedules.generate(plan, now=at(date(2026, 3, 2)))[0]
    other = make_member(school, "guard", username="other-guard")
    with pytest.raises(DomainError):
        services_inspections.record_stop(found, by=other, room=rooms[0], answers=passing(found))


def test_editing_a_template_with_rounds_makes_a_new_version(school, director, rooms):
    patrol = template(school, "fire-patrol")
    found = services_inspections.add_round(patrol, by=director, rooms=[rooms[0]])
    old = found.version
    items = [{"label": i.label, "answer_type": i.answer_type} for i in old.items.all()]
    items.append({"label": "Smoke detectors clean", "answer_type": "pass_fail"})
    new = services_inspections.save_template(patrol, by=director, items=items)
    assert new.number == old.number + 1 and new.items.count() == old.items.count() + 1
    found.refresh_from_db()
    assert found.version_id == old.pk
    # Without rounds on the current version, an edit stays in that version.
    again = services_inspections.save_template(patrol, by=director, items=items[:3])
    assert again.pk == new.pk and again.items.count() == 3


def test_a_teacher_cannot_edit_templates(school, teacher):
    patrol = template(school, "fire-patrol")
    with pytest.raises(DomainError):
        services_inspections.save_template(patrol, by=teacher, items=[{"label": "x"}])


def test_compliance_counts_done_late_and_missed(school, director, rooms, guard, term):
    patrol = template(school, "fire-patrol")
    plan = schedule(
        school, patrol, rooms=rooms[:1], by=director, inspectors=[guard], starts_on=date(2026, 3, 2)
    )
    rounds = schedules.generate(plan, now=at(date(2026, 3, 4)))
    for found in rounds[:2]:
        walk_all(found, guard)
    services_inspections.complete_round(
        rounds[0], by=guard, signature=png(), signed_by="张", now=at(date(2026, 3, 2), 18)
    )
    services_inspections.complete_round(
        rounds[1], by=guard, signature=png(), signed_by="张", now=at(date(2026, 3, 4), 8)
    )
    schedules.mark_missed(now=at(date(2026, 3, 5)))
    status = compliance.status_of("safety.fire_patrol_days")(school, term, date(2026, 3, 4))
    assert (status.done, status.late, status.missed) == (1, 1, 1)


def test_a_rule_with_nothing_scheduled_is_open(school, term):
    status = compliance.status_of("safety.electrical_check_months")(school, term, date(2026, 3, 4))
    assert status.open == 1 and "Nothing is scheduled" in status.detail


def test_round_windows_follow_the_school_time_zone(school, director, rooms):
    patrol = template(school, "fire-patrol")
    plan = schedule(school, patrol, rooms=rooms[:1], by=director, starts_on=date(2026, 3, 2))
    found = schedules.generate(plan, now=at(date(2026, 3, 2)))[0]
    assert timezone.localtime(found.window_start).hour == 0
    assert found.window_end - found.window_start == timedelta(days=1)


def test_one_broken_schedule_does_not_stop_the_others(school, director, rooms):
    patrol = template(school, "fire-patrol")
    schedule(school, patrol, rooms=rooms[:1], by=director, starts_on=date(2026, 3, 2))
    schedule(school, patrol, rooms=rooms[1:2], by=director, starts_on=date(2026, 3, 2), name="B")
    real = schedules.generate
    calls = []

    def flaky(plan, now=None):
        calls.append(plan.pk)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(plan, now=now)

    with mock.patch.object(schedules, "generate", flaky):
        assert schedules.generate_all(now=at(date(2026, 3, 2))) == 1


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        ("2026-03-10 00:00", "2026-03-11 00:00", "03-10"),
        ("2026-03-09 00:00", "2026-03-16 00:00", "03-09–03-15"),
        ("2026-03-10 16:00", "2026-03-10 18:00", "03-10 16:00–18:00"),
        ("2026-03-10 22:00", "2026-03-11 06:00", "03-10 22:00–03-11 06:00"),
    ],
)
def test_a_rounds_time_reads_as_a_day_a_span_or_a_slot(start, end, label):
    from datetime import datetime

    from django.utils import timezone

    from houqin.safety.models.inspections import InspectionRound

    def local(text):
        return timezone.make_aware(datetime.strptime(text, "%Y-%m-%d %H:%M"))

    assert InspectionRound(window_start=local(start), window_end=local(end)).window_label == label

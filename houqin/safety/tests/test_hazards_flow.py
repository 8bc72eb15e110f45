"""A hazard's life: reported, assigned, rectified, verified by someone else, closed — and
every refusal on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone

from houqin.core.attachments import InvalidUpload
from houqin.core.errors import Conflict, DomainError, IllegalTransition, PermissionDenied
from houqin.core.models import Notification, TimelineEntry
from houqin.core.timeline import entries_for
from houqin.safety import services_hazards as hz
from houqin.safety.models.hazards import Hazard, HazardLevel, HazardSource, HazardStatus

from .hazards_support import assigned, fake_photo, photo, reported, room_of, to_verify


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def principal(school, make_member):
    return make_member(school, "principal", username="principal")


@pytest.fixture
def owner(school, make_member):
    return make_member(school, "dept_head", username="owner", full_name="李主任")


@pytest.fixture
def inspector(school, make_member):
    return make_member(school, "inspector", username="inspector")


def fresh(hazard):
    return Hazard.objects.get(pk=hazard.pk)


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


# ---------------------------------------------------------------- reporting


def test_staff_report_is_numbered_on_the_timeline_and_tells_the_director(school, teacher, director):
    room = room_of(school, number="301")
    hazard = hz.report_hazard(
        school=school,
        by=teacher,
        title="插座松动",
        description="讲台下插座脱落",
        room=room,
        photos=[photo()],
        source=HazardSource.REPORT,
    )
    assert hazard.number.startswith("YH-")
    assert hazard.status == HazardStatus.REPORTED
    assert hazard.reported_by == teacher
    kinds = [e.kind for e in entries_for(hazard)]
    assert kinds == ["state_change", "attachment"]
    assert entries_for(hazard)[1].attachments.count() == 1
    assert any("插座松动" in t for t in titles(director))


def test_major_hazard_tells_the_principal_at_once(school, teacher, director, principal):
    reported(school, teacher, level=HazardLevel.MAJOR, title="教学楼外墙开裂")
    assert any("Major hazard" in t for t in titles(principal))
    assert any("Major hazard" in t for t in titles(director))


def test_general_hazard_does_not_bother_the_principal(school, teacher, director, principal):
    reported(school, teacher)
    assert titles(principal) == []


def test_public_report_needs_a_name_and_a_mobile_number(school, director):
    room = room_of(school)
    with pytest.raises(DomainError, match="name"):
        hz.report_hazard(
            school=school, by=None, title="楼梯扶手松动", room=room, reporter_phone="13800001111"
        )
    with pytest.raises(DomainError, match="11-digit"):
        hz.report_hazard(
            school=school,
            by=None,
            title="楼梯扶手松动",
            room=room,
            reporter_name="张家长",
            reporter_phone="12345",
        )
    hazard = hz.report_hazard(
        school=school,
        by=None,
        title="楼梯扶手松动",
        room=room,
        reporter_name="张家长",
        reporter_phone="138 0000 1111",
    )
    assert hazard.source == HazardSource.PUBLIC
    assert hazard.reporter_phone == "13800001111"
    assert hazard.reported_by is None


def test_member_without_the_right_cannot_report(school, make_member):
    auditor = make_member(school, "auditor", username="aud")
    with pytest.raises(PermissionDenied):
        reported(school, auditor)


def test_place_of_another_school_is_refused(school, other_school, teacher):
    with pytest.raises(DomainError, match="another school"):
        reported(school, teacher, room=room_of(other_school))
    assert not Hazard.objects.exists()


def test_bad_photo_refuses_the_whole_report(school, teacher):
    with pytest.raises(InvalidUpload):
        reported(school, teacher, photos=[photo(), fake_photo()])
    assert not Hazard.objects.exists()
    assert not TimelineEntry.objects.exists()


def test_future_found_time_is_refused(school, teacher):
    with pytest.raises(DomainError, match="future"):
        reported(school, teacher, found_at=timezone.now() + timedelta(days=1))


def test_a_place_or_a_description_of_where_is_required(school, teacher):
    with pytest.raises(DomainError, match="where"):
        hz.report_hazard(school=school, by=teacher, title="漏电")
    hazard = hz.report_hazard(school=school, by=teacher, title="漏电", location_note="操场东侧")
    assert hazard.place_label == "操场东侧"


# ---------------------------------------------------------------- assigning


def test_director_assigns_owner_deadline_and_measures_and_owner_is_told(
    school, teacher, director, owner
):
    hazard = assigned(reported(school, teacher), director, owner)
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.RECTIFYING
    assert hazard.owner == owner
    assert hazard.control_measures == "设置警示标志"
    assert hazard.assigned_at is not None
    assert hazard.version == 2
    assert any("Rectify hazard" in t for t in titles(owner))


def test_major_hazard_needs_a_deadline(school, teacher, director, owner):
    hazard = reported(school, teacher, level=HazardLevel.MAJOR)
    with pytest.raises(DomainError, match="deadline"):
        hz.assign(hazard, by=director, owner=owner, deadline=None)
    assert fresh(hazard).status == HazardStatus.REPORTED


def test_raising_the_level_to_major_at_assignment_tells_the_principal(
    school, teacher, director, owner, principal
):
    hazard = reported(school, teacher)
    hz.assign(
        hazard,
        by=director,
        owner=owner,
        level=HazardLevel.MAJOR,
        deadline=timezone.localdate() + timedelta(days=3),
    )
    assert fresh(hazard).level == HazardLevel.MAJOR
    assert any("Major hazard" in t for t in titles(principal))


def test_a_teacher_cannot_assign(school, teacher, owner):
    hazard = reported(school, teacher)
    with pytest.raises(PermissionDenied):
        hz.assign(hazard, by=teacher, owner=owner)


def test_deadline_in_the_past_is_refused(school, teacher, director, owner):
    hazard = reported(school, teacher)
    with pytest.raises(DomainError, match="past"):
        hz.assign(
            hazard, by=director, owner=owner, deadline=timezone.localdate() - timedelta(days=1)
        )


def test_owner_from_another_school_is_refused(school, other_school, teacher, director, make_member):
    stranger = make_member(other_school, "staff", username="stranger")
    hazard = reported(school, teacher)
    with pytest.raises(DomainError, match="not an active member"):
        hz.assign(hazard, by=director, owner=stranger)


def test_stale_form_is_refused_by_its_version(school, teacher, director, owner):
    hazard = reported(school, teacher)
    hz.assign(hazard, by=director, owner=owner, version=1)
    stale = Hazard.objects.get(pk=hazard.pk)
    with pytest.raises(Conflict):
        hz.reassign(stale, by=director, owner=teacher, version=1)


def test_reassign_changes_owner_and_resets_escalation(school, teacher, director, owner):
    hazard = assigned(reported(school, teacher), director, owner)
    Hazard.objects.filter(pk=hazard.pk).update(escalation_stage=1, escalated_at=timezone.now())
    hz.reassign(
        fresh(hazard),
        by=director,
        owner=teacher,
        deadline=timezone.localdate() + timedelta(days=10),
    )
    hazard = fresh(hazard)
    assert hazard.owner == teacher and hazard.escalation_stage == 0
    assert any("Rectify hazard" in t for t in titles(teacher))


# ---------------------------------------------------------------- rectifying and verifying


def test_owner_rectifies_with_a_note_and_verifiers_are_told(school, teacher, director, owner):
    hazard = assigned(reported(school, teacher), director, owner)
    with pytest.raises(DomainError, match="what was done"):
        hz.rectify(hazard, by=owner, note=" ")
    hz.rectify(hazard, by=owner, note="已加固", photos=[photo()])
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.TO_VERIFY
    assert hazard.fixed_by == owner and hazard.fix_note == "已加固"
    assert any("Verify hazard" in t for t in titles(director))


def test_someone_else_cannot_rectify(school, teacher, director, owner, make_member):
    hazard = assigned(reported(school, teacher), director, owner)
    with pytest.raises(PermissionDenied):
        hz.rectify(hazard, by=teacher, note="done")


def test_the_fixer_cannot_verify_their_own_rectification(school, teacher, director):
    hazard = to_verify(reported(school, teacher), director, director)
    with pytest.raises(PermissionDenied, match="someone else must verify"):
        hz.verify(hazard, by=director)
    with pytest.raises(PermissionDenied, match="someone else must verify"):
        hz.fail_verification(hazard, by=director, reason="x")
    assert fresh(hazard).status == HazardStatus.TO_VERIFY


def test_another_person_verifies_and_the_hazard_closes(school, teacher, director, owner, inspector):
    hazard = to_verify(reported(school, teacher), director, owner)
    hz.verify(hazard, by=inspector, note="复查合格")
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.CLOSED
    assert hazard.verified_by == inspector and hazard.closed_at is not None
    assert any("is closed" in t for t in titles(owner))


def test_closing_an_unverified_hazard_is_impossible(school, teacher, director, owner, inspector):
    hazard = assigned(reported(school, teacher), director, owner)
    with pytest.raises(IllegalTransition):
        hz.verify(hazard, by=inspector)
    with pytest.raises(IllegalTransition):
        hz.verify(reported(school, teacher), by=inspector)


def test_failed_verification_goes_back_to_the_owner_with_the_reason(
    school, teacher, director, owner, inspector
):
    hazard = to_verify(reported(school, teacher), director, owner)
    with pytest.raises(DomainError, match="reason"):
        hz.fail_verification(hazard, by=inspector, reason="")
    hz.fail_verification(hazard, by=inspector, reason="仍有松动")
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.RECTIFYING and hazard.reopen_count == 1
    assert any("仍有松动" in t for t in titles(owner))
    hz.rectify(hazard, by=owner, note="重新加固")
    hz.verify(fresh(hazard), by=inspector)
    assert fresh(hazard).status == HazardStatus.CLOSED


def test_teacher_cannot_verify(school, teacher, director, owner):
    hazard = to_verify(reported(school, teacher), director, owner)
    with pytest.raises(PermissionDenied):
        hz.verify(hazard, by=teacher)


def test_director_cancels_with_a_reason_and_the_reporter_is_told(school, teacher, director):
    hazard = reported(school, teacher)
    with pytest.raises(DomainError, match="reason"):
        hz.cancel(hazard, by=director, reason="")
    hz.cancel(hazard, by=director, reason="不是隐患，系正常磨损")
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.CANCELLED and hazard.cancel_reason
    assert any("cancelled" in t for t in titles(teacher))


def test_clerk_cannot_cancel(school, teacher, make_member):
    clerk = make_member(school, "clerk", username="clerk")
    with pytest.raises(PermissionDenied):
        hz.cancel(reported(school, teacher), by=clerk, reason="x")


def test_every_step_is_on_the_timeline(school, teacher, director, owner, inspector):
    hazard = to_verify(reported(school, teacher), director, owner)
    hz.verify(hazard, by=inspector)
    states = [e.to_state for e in entries_for(hazard) if e.kind == "state_change"]
    assert states == ["reported", "rectifying", "to_verify", "closed"]

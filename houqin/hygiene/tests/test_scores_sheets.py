"""Score sheets: the rules of one inspection."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from houqin.core.errors import DomainError, PermissionDenied
from houqin.hygiene.models.scores import ScoreSheet

from .hygiene_support import MON, D, klass, score, term_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector(school, make_member):
    term_of(school)
    return make_member(school, "inspector", username="duty")


def test_a_second_sheet_for_the_same_class_slot_and_inspector_is_refused(
    school, inspector, make_member
):
    c = klass(school, 7, 1)
    score(inspector, c, MON)
    with pytest.raises(DomainError, match="already scored"):
        score(inspector, c, MON, off=[("Floor", 1)])
    other = make_member(school, "inspector", username="other")
    score(other, c, MON)  # another inspector's sheet is averaged in
    assert ScoreSheet.objects.filter(school_class=c).count() == 2


def test_a_deduction_beyond_the_items_full_marks_is_refused(school, inspector):
    with pytest.raises(ValidationError, match="worth 5"):
        score(inspector, klass(school, 7, 1), MON, off=[("Windows", 6)])
    assert not ScoreSheet.objects.exists()


def test_the_total_is_base_minus_deductions_plus_bonus(school, inspector):
    sheet = score(
        inspector, klass(school, 7, 1), MON, off=[("Floor", "1.5"), ("Waste", 2)], bonus=1
    )
    assert (sheet.deducted, sheet.total) == (D("3.5"), D("97.5"))
    assert sheet.deductions.count() == 2


def test_a_bonus_needs_a_reason(school, inspector):
    from houqin.hygiene import services_scores as services

    with pytest.raises(ValidationError):
        services.create_sheet(
            by=inspector, school_class=klass(school, 7, 1), inspected_on=MON, bonus=D("1")
        )


def test_a_teacher_without_the_inspector_role_cannot_score(school, teacher):
    term_of(school)
    with pytest.raises(PermissionDenied):
        score(teacher, klass(school, 7, 1), MON)


def test_future_days_and_days_outside_the_term_are_refused(school, inspector):
    c = klass(school, 7, 1)
    with pytest.raises(ValidationError):
        score(inspector, c, timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError):
        score(inspector, c, MON.replace(month=8, day=3))


def test_another_schools_class_cannot_be_scored(school, other_school, inspector):
    term_of(other_school)
    with pytest.raises(PermissionDenied):
        score(inspector, klass(other_school, 7, 1), MON)

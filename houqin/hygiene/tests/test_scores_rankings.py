"""Week and term rankings against hand-computed totals, ties, weights, the red flag."""

from datetime import timedelta

import pytest

from houqin.hygiene import rankings
from houqin.hygiene import services_scores as services
from houqin.hygiene.models.scores import HygieneSettings, WeekResult

from .hygiene_support import MON, MON2, D, klass, score, term_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector(school, make_member):
    term_of(school)
    return make_member(school, "inspector", "staff", username="duty")


@pytest.fixture
def student(school, make_member):
    return make_member(school, "inspector", username="student")


@pytest.fixture
def grade7(school):
    return [klass(school, 7, n) for n in (1, 2, 3, 10)]


def test_week_score_is_the_average_of_the_slots_and_ties_share_a_rank(school, inspector, grade7):
    c1, c2, c3, c10 = grade7
    # Class 1: Monday 100-2=98, Tuesday 100-4=96 → 97.00
    score(inspector, c1, MON, off=[("Floor", 2)])
    score(inspector, c1, MON + timedelta(days=1), off=[("Floor", 3), ("Waste", 1)])
    # Class 2: one slot only (Tuesday missing, left out): 97 → 97.00, ties with class 1
    score(inspector, c2, MON, off=[("Windows", 3)])
    # Class 10: 99 and 95 → 97.00, ties too (listed after class 2: class order, not text order)
    score(inspector, c10, MON, off=[("Desks", 1)])
    score(inspector, c10, MON + timedelta(days=1), off=[("Floor", 5)])
    # Class 3: 90 + bonus 2 = 92 → 92.00, third-placed is rank 4
    score(inspector, c3, MON, off=[("Floor", 10)], bonus=2)
    ranking = rankings.compute_week(school, MON + timedelta(days=3))
    rows = [(r.school_class.number, r.score, r.grade_rank, r.slots) for r in ranking.rows]
    assert rows == [
        (1, D("97.00"), 1, 2),
        (2, D("97.00"), 1, 1),
        (10, D("97.00"), 1, 2),
        (3, D("92.00"), 4, 1),
    ]
    assert [r.school_class.number for r in ranking.flags] == [1, 2, 10]


def test_praise_and_criticism_follow_the_school_settings(school, inspector, grade7):
    HygieneSettings.objects.create(school=school, praise_top=1, criticise_below=D("95"))
    c1, c2, c3, _c10 = grade7
    score(inspector, c1, MON, off=[("Floor", 1)])  # 99
    score(inspector, c2, MON, off=[("Floor", 3)])  # 97
    score(inspector, c3, MON, off=[("Floor", 6)])  # 94
    ranking = rankings.compute_week(school, MON)
    assert [r.school_class.number for r in ranking.praise] == [1]
    assert [r.school_class.number for r in ranking.criticism] == [3]
    not_inspected = [r for r in ranking.rows if not r.inspected]
    assert [(r.school_class.number, r.grade_rank, r.red_flag) for r in not_inspected] == [
        (10, None, False)
    ]


def test_ranks_are_per_grade_and_across_the_school(school, inspector):
    a = klass(school, 7, 1)
    b = klass(school, 8, 1)
    c = klass(school, 8, 2)
    score(inspector, a, MON, off=[("Floor", 5)])  # 95
    score(inspector, b, MON, off=[("Floor", 2)])  # 98
    score(inspector, c, MON, off=[("Floor", 5)])  # 95
    rows = {r.school_class.pk: r for r in rankings.compute_week(school, MON).rows}
    assert (rows[a.pk].grade_rank, rows[a.pk].school_rank, rows[a.pk].red_flag) == (1, 2, True)
    assert (rows[b.pk].grade_rank, rows[b.pk].school_rank) == (1, 1)
    assert (rows[c.pk].grade_rank, rows[c.pk].school_rank, rows[c.pk].red_flag) == (2, 2, False)


def test_unweighted_slot_is_the_plain_average_of_its_sheets(school, inspector, student):
    c = klass(school, 7, 1)
    score(inspector, c, MON, off=[("Floor", 10)], kind="teacher")  # 90
    score(student, c, MON, off=[("Floor", 10), ("Windows", 5), ("Desks", 5)], kind="student")  # 80
    assert rankings.compute_week(school, MON).rows[0].score == D("85.00")


def test_weighted_inspectors_count_by_their_weight(school, inspector, student):
    HygieneSettings.objects.create(
        school=school, weighted=True, teacher_weight=D("0.6"), student_weight=D("0.4")
    )
    c = klass(school, 7, 1)
    score(inspector, c, MON, off=[("Floor", 10)], kind="teacher")  # 90 × 0.6
    score(
        student, c, MON, off=[("Floor", 10), ("Windows", 5), ("Desks", 5)], kind="student"
    )  # 80 × 0.4
    assert rankings.compute_week(school, MON).rows[0].score == D("86.00")


def test_term_total_sums_the_weeks_and_a_missed_week_counts_the_base(school, inspector):
    term = term_of(school)
    a = klass(school, 7, 1)
    b = klass(school, 7, 2)
    c = klass(school, 7, 3)
    score(inspector, a, MON, off=[("Floor", 4)])  # week 1: 96
    score(inspector, a, MON2, off=[("Floor", 2)])  # week 2: 98 → 194
    score(inspector, b, MON, off=[("Floor", 1)])  # week 1: 99
    score(inspector, b, MON2 + timedelta(days=1), off=[("Floor", 5)])  # week 2: 95 → 194 (tie)
    score(inspector, c, MON, off=[("Floor", 9)])  # week 1: 91, week 2 not inspected: 100 → 191
    ranking = rankings.compute_term(school, term)
    assert ranking.weeks == [MON, MON2]
    rows = [(r.school_class.number, r.weeks, r.total, r.grade_rank) for r in ranking.rows]
    assert rows == [
        (1, [D("96.00"), D("98.00")], D("194.00"), 1),
        (2, [D("99.00"), D("95.00")], D("194.00"), 1),
        (3, [D("91.00"), None], D("191.00"), 3),
    ]


def test_weekly_slots_put_every_day_of_the_week_in_one_slot(school, inspector):
    HygieneSettings.objects.create(school=school, slot_mode="weekly")
    c = klass(school, 7, 1)
    score(inspector, c, MON + timedelta(days=2), off=[("Floor", 2)])
    with pytest.raises(services.DomainError):
        score(inspector, c, MON + timedelta(days=4))


def test_publishing_freezes_the_week_and_records_the_red_flag_holders(school, inspector, director):
    a, b = klass(school, 7, 1), klass(school, 7, 2)
    score(inspector, a, MON, off=[("Floor", 1)])
    score(inspector, b, MON, off=[("Floor", 1)])
    services.publish_week(school, MON, by=director)
    assert set(
        WeekResult.objects.filter(red_flag=True).values_list("school_class__number", flat=True)
    ) == {1, 2}
    with pytest.raises(services.DomainError, match="published"):
        score(inspector, a, MON + timedelta(days=1))
    with pytest.raises(services.DomainError, match="already published"):
        services.publish_week(school, MON, by=director)
    assert rankings.published_week(school, MON).published


def test_only_the_office_may_publish(school, inspector):
    score(inspector, klass(school, 7, 1), MON)
    with pytest.raises(services.PermissionDenied):
        services.publish_week(school, MON, by=inspector)


def test_the_monday_job_publishes_weeks_not_yet_published(school, inspector):
    score(inspector, klass(school, 7, 1), MON)
    assert services.publish_pending_weeks(week=MON) == 1
    assert services.publish_pending_weeks(week=MON) == 0

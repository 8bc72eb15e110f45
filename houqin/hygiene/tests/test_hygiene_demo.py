"""The demo: 36 classes of 东湖中学 scored over the term, weeks published, red flags, ties;
greening with overdue care; idempotent and quick."""

import time

import pytest
from django.utils import timezone

from houqin.hygiene import demo, rankings
from houqin.hygiene.models.greening import CareStatus, CareTask
from houqin.hygiene.models.scores import HygieneArea, ScoreSheet, WeekResult
from houqin.org.demo import build_demo
from houqin.org.terms import term_on


@pytest.mark.django_db
def test_demo_scores_every_class_and_publishes_the_weeks():
    schools = build_demo()
    started = time.monotonic()
    demo.build(schools)
    elapsed = time.monotonic() - started
    school = schools["donghu"]
    sheets = ScoreSheet.objects.filter(school=school)
    assert sheets.values("school_class").distinct().count() == 36
    assert HygieneArea.objects.filter(school=school, company__isnull=False).exists()
    flags = WeekResult.objects.filter(school=school, red_flag=True)
    assert flags.exists()
    term = term_on(school, timezone.localdate())
    ranking = rankings.compute_term(school, term)
    assert len(ranking.rows) == 36 and ranking.weeks
    today = timezone.localdate()
    tasks = CareTask.objects.filter(school=school)
    assert tasks.filter(status__in=(CareStatus.PLANNED, CareStatus.REDO), due_on__lt=today).exists()
    assert tasks.filter(status=CareStatus.ACCEPTED).exists()
    count = sheets.count()
    demo.build(schools)
    assert sheets.count() == count
    assert elapsed < 30

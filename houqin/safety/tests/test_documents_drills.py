"""Drills: planned, recorded (slow evacuations flagged against the school's figure), findings
raising hazards, and the compliance statuses of the drill rules."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from houqin.core import compliance
from houqin.core.errors import DomainError, PermissionDenied
from houqin.safety import services_drills as drills
from houqin.safety.models.documents import DrillStatus
from houqin.safety.models.hazards import Hazard, HazardSource
from houqin.safety.status_documents import drill_intervals, drill_status, evacuation_status

from .documents_support import make_term, safety_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(school):
    return safety_school(school)


def _done(s, day, seconds=90, by=None, **kw):
    drill = drills.plan_drill(school=s.school, by=s.director, title="疏散演练", planned_date=day)
    return drills.record_drill(
        drill,
        by=by or s.director,
        done_date=day,
        participants=1200,
        evacuation_seconds=seconds,
        **kw,
    )


def test_a_slow_evacuation_is_flagged_against_the_school_figure(s):
    compliance.set_value(s.school, "safety.evacuation_seconds", 100, by=s.director)
    today = timezone.localdate()
    fast = _done(s, today - timedelta(days=3), seconds=95)
    slow = _done(s, today - timedelta(days=2), seconds=110)
    assert not fast.is_slow
    assert slow.is_slow and slow.target_seconds == 100
    status = evacuation_status(s.school, s.term, today)
    assert (status.due, status.done, status.late) == (2, 1, 1)
    assert not status.ok


def test_an_evacuation_drill_needs_its_time(s):
    drill = drills.plan_drill(
        school=s.school, by=s.director, title="消防疏散", planned_date=timezone.localdate()
    )
    with pytest.raises(ValidationError) as err:
        drills.record_drill(drill, by=s.director, done_date=timezone.localdate(), participants=800)
    assert "evacuation_seconds" in err.value.message_dict
    drill.refresh_from_db()
    assert drill.status == DrillStatus.PLANNED


def test_a_drill_cannot_be_recorded_in_the_future(s):
    drill = drills.plan_drill(
        school=s.school, by=s.director, title="演练", planned_date=timezone.localdate()
    )
    with pytest.raises(ValidationError):
        drills.record_drill(
            drill,
            by=s.director,
            done_date=timezone.localdate() + timedelta(days=1),
            participants=10,
            evacuation_seconds=60,
        )


def test_a_teacher_cannot_plan_or_record_a_drill(s):
    with pytest.raises(PermissionDenied):
        drills.plan_drill(
            school=s.school, by=s.teacher, title="演练", planned_date=timezone.localdate()
        )
    drill = drills.plan_drill(
        school=s.school, by=s.director, title="演练", planned_date=timezone.localdate()
    )
    with pytest.raises(PermissionDenied):
        drills.record_drill(
            drill,
            by=s.teacher,
            done_date=timezone.localdate(),
            participants=5,
            evacuation_seconds=60,
        )


def test_the_organiser_records_their_own_drill(s):
    drill = drills.plan_drill(
        school=s.school,
        by=s.director,
        title="演练",
        planned_date=timezone.localdate(),
        organiser=s.teacher,
    )
    drills.record_drill(
        drill, by=s.teacher, done_date=timezone.localdate(), participants=40, evacuation_seconds=70
    )
    assert drill.status == DrillStatus.DONE


def test_a_finding_raises_a_hazard_and_keeps_the_link(s):
    drill = _done(
        s,
        timezone.localdate(),
        findings=[("东侧楼梯堆放杂物", s.room, True), ("广播音量小", None, False)],
    )
    findings = list(drill.findings.order_by("pk"))
    hazard = findings[0].hazard
    assert hazard is not None and hazard.source == HazardSource.DRILL and hazard.room == s.room
    assert findings[1].hazard is None
    second = drills.raise_finding_hazard(findings[1], by=s.director)
    assert Hazard.objects.filter(school=s.school).count() == 2
    with pytest.raises(Exception, match="already"):
        drills.raise_finding_hazard(findings[1], by=s.director)
    assert second.title == "广播音量小"


def test_intervals_cut_the_term_by_months():
    parts = drill_intervals(date(2026, 2, 20), date(2026, 6, 30), 1)
    assert parts[0] == (date(2026, 2, 20), date(2026, 3, 19))
    assert parts[-1] == (date(2026, 6, 20), date(2026, 6, 30))
    assert len(drill_intervals(date(2026, 2, 20), date(2026, 6, 30), 3)) == 2


def test_a_month_without_a_drill_is_missed(s, other_school):
    term = make_term(s.school, date(2026, 3, 1), date(2026, 6, 30), "2026春")
    for day in (date(2026, 3, 10), date(2026, 5, 12)):
        _done(s, day)
    status = drill_status(s.school, term, date(2026, 6, 15))
    # March done, April missed, May done; June still running without one: not counted yet.
    assert (status.due, status.done, status.missed) == (3, 2, 1)
    assert "04-01" in status.detail
    # "A drill every 2 months" would loosen the national monthly rule: refused.
    with pytest.raises(DomainError):
        compliance.set_value(s.school, "safety.drill_months", 2, by=s.director)


def test_drill_list_and_register(client, s, django_assert_max_num_queries):
    today = timezone.localdate()
    for n in range(12):
        _done(
            s,
            today - timedelta(days=5 * n + 1),
            seconds=80 + 10 * n,
            findings=[(f"问题{n}", None, n % 3 == 0)],
        )
    client.force_login(s.director)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("safety:drill_list") + f"?term={s.term.pk}")
    assert response.status_code == 200
    assert client.get(reverse("safety:drill_list") + "?export=xlsx").status_code == 200
    with django_assert_max_num_queries(14):
        page = client.get(reverse("safety:drill_register") + f"?term={s.term.pk}")
    html = page.content.decode()
    assert html.count('class="sheet ledger-sheet"') == 1
    assert "Organiser&#x27;s signature" in html or "Organiser's signature" in html


def test_drill_record_page_on_a_phone(client, s):
    drill = drills.plan_drill(
        school=s.school,
        by=s.director,
        title="地震演练",
        planned_date=timezone.localdate(),
        kind="earthquake",
    )
    client.force_login(s.director)
    url = reverse("safety:drill_record", args=[drill.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "done_date": timezone.localdate().isoformat(),
            "participants": "900",
            "evacuation_seconds": "150",
            "findings": "操场集合点拥挤\n",
            "raise_hazards": "on",
        },
    )
    assert response.status_code == 302
    drill.refresh_from_db()
    assert drill.is_slow and drill.findings.get().hazard is not None


def test_drills_of_another_school_are_not_reachable(client, s, other_school):
    other = safety_school(other_school, tag="乙")
    drill = drills.plan_drill(
        school=other.school, by=other.director, title="乙校演练", planned_date=timezone.localdate()
    )
    client.force_login(s.director)
    for name in ("safety:drill_detail", "safety:drill_record", "safety:drill_edit"):
        assert client.get(reverse(name, args=[drill.pk])).status_code == 404


def test_drill_pages_render_for_the_office_and_the_organiser(client, s):
    drill = _done(s, timezone.localdate(), seconds=150, findings=[("走廊灯不亮", s.room, False)])
    planned = drills.plan_drill(
        school=s.school,
        by=s.director,
        title="下月演练",
        planned_date=timezone.localdate() + timedelta(days=20),
    )
    client.force_login(s.director)
    html = client.get(drill.get_absolute_url()).content.decode()
    assert "over the school&#x27;s target" in html or "over the school's target" in html
    assert "Report as a hazard" in html
    assert client.get(planned.get_absolute_url()).status_code == 200
    assert client.get(reverse("safety:drill_edit", args=[planned.pk])).status_code == 200
    assert client.get(reverse("safety:drill_add")).status_code == 200
    finding = drill.findings.get()
    client.post(reverse("safety:drillfinding_hazard", args=[finding.pk]))
    finding.refresh_from_db()
    assert finding.hazard is not None
    client.post(reverse("safety:drill_cancel", args=[planned.pk]), {"reason": "下雨"})
    planned.refresh_from_db()
    assert planned.status == DrillStatus.CANCELLED
    client.force_login(s.teacher)
    assert client.get(drill.get_absolute_url()).status_code == 404


def test_a_guard_sees_drills_but_cannot_record_them(client, s):
    drill = drills.plan_drill(
        school=s.school, by=s.director, title="演练", planned_date=timezone.localdate()
    )
    client.force_login(s.guard)
    assert client.get(drill.get_absolute_url()).status_code == 200
    assert client.get(reverse("safety:drill_record", args=[drill.pk])).status_code == 403

"""The compliance page and API: every rule with the school's figure and this term's status;
a school may tighten a figure (director, school admin), never loosen it — by service, page and
API alike — and another school keeps the national default."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin import factories as f
from houqin.core import compliance
from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.models import ComplianceSetting

pytestmark = pytest.mark.django_db

MINIMUM = "canteen.sample_grams"  # ≥125 g
MAXIMUM = "safety.evacuation_seconds"  # ≤120 s
DUTY = "canteen.accompanied_meal"  # required


@pytest.fixture
def term(school):
    from houqin.org.models import AcademicYear, Term

    today = timezone.localdate()
    year = AcademicYear.objects.create(
        school=school,
        name="学年",
        start_date=today - timedelta(days=60),
        end_date=today + timedelta(days=60),
    )
    return Term.objects.create(
        school=school,
        year=year,
        number=1,
        name="本学期",
        start_date=today - timedelta(days=60),
        end_date=today + timedelta(days=60),
    )


@pytest.mark.parametrize(
    ("key", "looser"),
    [(MINIMUM, 100), (MAXIMUM, 180), (DUTY, 0)],
    ids=["minimum", "maximum", "duty"],
)
def test_a_school_cannot_loosen_a_national_rule_by_service(school, director, key, looser):
    with pytest.raises(DomainError):
        compliance.tighten(school, key, looser, by=director)
    assert not ComplianceSetting.objects.filter(school=school, rule=key).exists()
    assert compliance.value(school, key) == compliance.get(key).default


def test_a_tightened_figure_is_what_the_rules_read_and_only_for_that_school(
    school, other_school, director
):
    compliance.tighten(school, MINIMUM, "200", by=director, note="区教育局要求")
    compliance.tighten(school, MAXIMUM, 90, by=director)
    assert compliance.value(school, MINIMUM) == 200
    assert compliance.value(school, MAXIMUM) == 90
    assert compliance.values(school)[MINIMUM] == 200
    assert compliance.value(other_school, MINIMUM) == 125
    assert compliance.value(other_school, MAXIMUM) == 120


def test_the_change_is_kept_in_history_with_who_made_it(school, director):
    compliance.tighten(school, MINIMUM, 150, by=director)
    compliance.tighten(school, MINIMUM, 200, by=director, note="更严")
    setting = ComplianceSetting.objects.get(school=school, rule=MINIMUM)
    history = list(setting.history.order_by("history_date"))
    assert [h.value for h in history] == [150, 200]
    assert history[-1].history_user == director


def test_only_the_director_or_a_school_admin_may_tighten(school, teacher, make_member):
    with pytest.raises(PermissionDenied):
        compliance.tighten(school, MINIMUM, 200, by=teacher)
    principal = make_member(school, "principal")
    with pytest.raises(PermissionDenied):
        compliance.tighten(school, MINIMUM, 200, by=principal)
    admin = f.UserFactory(is_superuser=True, current_school=school)
    compliance.tighten(school, MINIMUM, 200, by=admin)
    assert compliance.value(school, MINIMUM) == 200


def test_loosening_on_the_page_is_refused_with_the_message(client, school, director):
    client.force_login(director)
    url = reverse("compliance_tighten", args=[MINIMUM])
    response = client.post(url, {"value": "100", "note": ""})
    assert response.status_code == 200
    assert "not lower it below 125" in response.content.decode()
    assert compliance.value(school, MINIMUM) == 125
    response = client.post(reverse("compliance_tighten", args=[MAXIMUM]), {"value": "180"})
    assert "not raise it above 120" in response.content.decode()
    response = client.post(reverse("compliance_tighten", args=[DUTY]), {"note": "x"})
    assert "cannot be switched off" in response.content.decode()
    response = client.post(url, {"value": "200", "note": "区要求"})
    assert response.status_code == 302
    assert compliance.value(school, MINIMUM) == 200


def test_the_page_shows_every_rule_by_area_with_statuses(
    client, school, director, term, django_assert_max_num_queries
):
    from houqin.safety import services_drills

    compliance.tighten(school, MAXIMUM, 100, by=director, note="本校要求")
    drill = services_drills.plan_drill(
        school=school, by=director, title="疏散", planned_date=timezone.localdate()
    )
    services_drills.record_drill(
        drill, by=director, done_date=timezone.localdate(), participants=500, evacuation_seconds=110
    )
    client.force_login(director)
    response = client.get(reverse("compliance_overview"))
    assert response.status_code == 200
    rows = {row.rule.key: row for row in response.context["rows"]}
    assert set(rows) == {r.key for r in compliance.rules()}
    assert rows[MAXIMUM].tightened and rows[MAXIMUM].value == 100
    assert rows[MAXIMUM].badge == "overdue"
    html = response.content.decode()
    assert "本校要求" in html and "教基一厅〔2014〕2号" in html
    areas = [area for area, _label, _items in response.context["groups"]]
    assert "safety" in areas and "canteen" in areas


def test_the_page_adds_no_query_per_rule(
    client, school, director, term, monkeypatch, django_assert_max_num_queries
):
    # Status functions are each area's business: replaced here by ones that ask nothing.
    for rule in compliance.rules():
        monkeypatch.setitem(
            compliance._STATUS, rule.key, lambda s, t, d: compliance.RuleStatus(due=1, done=1)
        )
    client.force_login(director)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("compliance_overview"))
    assert all(row.badge == "done" for row in response.context["rows"])


def test_a_failing_status_does_not_take_the_page_down(client, school, director, term, monkeypatch):
    def broken(s, t, d):
        raise RuntimeError("bug")

    monkeypatch.setitem(compliance._STATUS, MINIMUM, broken)
    client.force_login(director)
    response = client.get(reverse("compliance_overview"))
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r.rule.key == MINIMUM)
    assert row.error and row.badge == "not_tracked"


def test_term_picker_print_and_export(client, school, director, term, make_member):
    client.force_login(director)
    assert client.get(reverse("compliance_overview") + f"?term={term.pk}").context["term"] == term
    printed = client.get(reverse("compliance_print") + f"?term={term.pk}")
    assert printed.status_code == 200 and 'class="sheet"' in printed.content.decode()
    export = client.get(reverse("compliance_overview") + "?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    auditor = make_member(school, "auditor")
    client.force_login(auditor)
    page = client.get(reverse("compliance_overview"))
    assert page.status_code == 200 and not page.context["may_change"]
    assert client.get(reverse("compliance_tighten", args=[MINIMUM])).status_code == 403


def test_teachers_do_not_see_the_compliance_page(client, teacher):
    client.force_login(teacher)
    assert client.get(reverse("compliance_overview")).status_code == 403


# ---------------------------------------------------------------- API


def test_api_lists_rules_with_default_figure_and_status(
    client, school, director, term, django_assert_max_num_queries
):
    compliance.tighten(school, MINIMUM, 200, by=director, note="区要求")
    client.force_login(director)
    url = reverse("api:compliance:rule-list")
    response = client.get(url)
    assert response.status_code == 200
    rows = {r["key"]: r for r in response.json()}
    assert rows[MINIMUM]["default"] == "125" and rows[MINIMUM]["value"] == "200"
    assert rows[MINIMUM]["tightened"] and rows[MINIMUM]["note"] == "区要求"
    assert rows["safety.drill_months"]["status"] is not None
    only = client.get(url + "?area=canteen").json()
    assert {r["area"] for r in only} == {"canteen"}


@pytest.mark.parametrize(
    ("key", "looser"),
    [(MINIMUM, "100"), (MAXIMUM, "200"), (DUTY, "false")],
    ids=["minimum", "maximum", "duty"],
)
def test_api_refuses_to_loosen(client, school, director, key, looser):
    client.force_login(director)
    url = reverse("api:compliance:rule-detail", args=[key])
    response = client.patch(url, {"value": looser}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not ComplianceSetting.objects.filter(school=school).exists()


def test_api_tightens_by_patch_and_post(client, school, other_school, director, teacher):
    client.force_login(director)
    url = reverse("api:compliance:rule-detail", args=[MAXIMUM])
    response = client.patch(url, {"value": "90", "note": "本校"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["value"] == "90"
    post = client.post(
        reverse("api:compliance:rule-figure", args=[MINIMUM]),
        {"value": "150"},
        content_type="application/json",
    )
    assert post.status_code == 200
    assert compliance.value(school, MINIMUM) == 150
    assert compliance.value(other_school, MINIMUM) == 125
    client.force_login(teacher)
    assert client.patch(url, {"value": "60"}, content_type="application/json").status_code == 403
    assert client.get(reverse("api:compliance:rule-list")).status_code == 403

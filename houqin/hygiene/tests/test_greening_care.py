"""Greening: care planned, done by the contractor with a photo, checked by the office; contractors
see their own company's tasks only; overdue tasks are listed; bounded queries."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from houqin import factories as f
from houqin.core.errors import DomainError, PermissionDenied
from houqin.hygiene import services_greening as services
from houqin.hygiene.models.greening import CareStatus, CareTask, GreenPlot

pytestmark = pytest.mark.django_db


def _photo(name="work.jpg"):
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


@pytest.fixture
def firm(school):
    return f.CompanyFactory(school=school, name="绿源园林")


@pytest.fixture
def gardener(school, firm, make_member):
    return make_member(school, "contractor", company=firm, username="gardener")


@pytest.fixture
def plot(school, firm):
    return GreenPlot.objects.create(school=school, name="南草坪", size_m2=800, company=firm)


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_repeated_care_is_planned_every_n_days(school, director, plot):
    tasks = services.plan_tasks(
        by=director,
        plot=plot,
        kind="watering",
        first=date(2026, 9, 1),
        until=date(2026, 9, 30),
        every_days=7,
    )
    assert [t.due_on.day for t in tasks] == [1, 8, 15, 22, 29]
    assert {t.company_id for t in tasks} == {plot.company_id}


def test_done_needs_a_photo_then_the_office_sends_it_back_with_a_reason(
    school, director, gardener, plot
):
    task = services.plan_tasks(by=director, plot=plot, kind="mowing", first=timezone.localdate())[0]
    with pytest.raises(ValidationError):
        services.mark_done(task, by=gardener, note="割完")
    services.mark_done(task, by=gardener, note="割完", photos=[_photo()])
    assert task.status == CareStatus.DONE
    with pytest.raises(PermissionDenied):
        services.accept(task, by=gardener)
    with pytest.raises(DomainError):
        services.send_back(task, by=director, reason="")
    services.send_back(task, by=director, reason="边角未修")
    task.refresh_from_db()
    assert (task.status, task.redo_count, task.check_note) == (CareStatus.REDO, 1, "边角未修")
    services.mark_done(task, by=gardener, note="补割", photos=[_photo()])
    services.accept(task, by=director)
    assert CareTask.objects.get(pk=task.pk).status == CareStatus.ACCEPTED


def test_contractor_sees_only_their_companys_tasks(
    client, school, director, gardener, plot, make_member
):
    other_firm = f.CompanyFactory(school=school, name="别家物业")
    other_plot = GreenPlot.objects.create(school=school, name="北花坛", company=other_firm)
    mine = services.plan_tasks(by=director, plot=plot, kind="pruning", first=date(2026, 10, 1))[0]
    theirs = services.plan_tasks(
        by=director, plot=other_plot, kind="pruning", first=date(2026, 10, 1)
    )[0]
    client.force_login(gardener)
    page = client.get(reverse("hygiene:task_list"))
    assert [t.pk for t in page.context["table"].data] == [mine.pk]
    assert client.get(reverse("hygiene:task_detail", args=[theirs.pk])).status_code == 404
    body = _api(gardener).get(reverse("api:hygiene:caretask-list")).json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    with pytest.raises(PermissionDenied):
        services.mark_done(theirs, by=gardener, photos=[_photo()])


def test_overdue_tasks_are_listed(client, school, director, plot):
    today = timezone.localdate()
    late = services.plan_tasks(
        by=director, plot=plot, kind="pest_control", first=today - timedelta(days=3)
    )[0]
    services.plan_tasks(
        by=director, plot=plot, kind="pest_control", first=today + timedelta(days=3)
    )
    client.force_login(director)
    page = client.get(reverse("hygiene:task_list") + "?overdue=true")
    assert [t.pk for t in page.context["table"].data] == [late.pk]
    assert b"Overdue" in page.content


def test_the_contractor_marks_done_through_the_api_with_a_photo(school, director, gardener, plot):
    task = services.plan_tasks(by=director, plot=plot, kind="watering", first=timezone.localdate())[
        0
    ]
    response = _api(gardener).post(
        reverse("api:hygiene:caretask-done", args=[task.pk]),
        {"note": "浇透", "photos": [_photo()]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"


def test_care_lists_and_api_run_a_bounded_number_of_queries(
    client, school, director, plot, django_assert_max_num_queries
):
    services.plan_tasks(
        by=director,
        plot=plot,
        kind="watering",
        first=date(2026, 9, 1),
        until=date(2026, 11, 1),
        every_days=2,
    )
    client.force_login(director)
    for name in (
        "hygiene:task_list",
        "hygiene:plot_list",
        "hygiene:plant_list",
        "hygiene:task_log",
    ):
        with django_assert_max_num_queries(16):
            assert client.get(reverse(name) + "?from=2026-09-01&to=2026-11-01").status_code == 200
    with django_assert_max_num_queries(10):
        assert _api(director).get(reverse("api:hygiene:caretask-list")).json()["count"] == 31


def test_the_care_log_prints_on_a4(client, school, director, plot):
    services.plan_tasks(by=director, plot=plot, kind="mowing", first=date(2026, 10, 5))
    client.force_login(director)
    page = client.get(reverse("hygiene:task_log") + "?from=2026-10-01&to=2026-10-31")
    html = page.content.decode()
    assert (
        page.status_code == 200
        and 'class="sheet ' in html
        and "南草坪" in html
        and "slip-signs" in html
    )


def test_another_schools_plots_are_unreachable(client, other_school, make_member, school, director):
    theirs = GreenPlot.objects.create(school=other_school, name="外校草坪")
    client.force_login(director)
    assert client.get(reverse("hygiene:plot_detail", args=[theirs.pk])).status_code == 404
    assert (
        _api(director).get(reverse("api:hygiene:plot-detail", args=[theirs.pk])).status_code == 404
    )

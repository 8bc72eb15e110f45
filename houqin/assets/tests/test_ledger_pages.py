"""The ledger pages and API as people use them: finance reads and exports the ledger, the
clerk runs a month's depreciation, teachers and other schools see nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from houqin.assets import depreciation as rules
from houqin.assets import services_ledger
from houqin.assets.models import DepreciationRun
from houqin.assets.tests.factories import AssetCategoryFactory, AssetFactory
from houqin.factories import DepartmentFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db

D = Decimal
LEDGER = reverse("assets:ledger")
RUN = reverse("assets:ledger_run")
YEAR_2024 = "?period=year&year=2024"


@pytest.fixture
def books(school):
    computers = AssetCategoryFactory(school=school, code="A02", name="计算机", useful_life_years=6)
    office = DepartmentFactory(school=school, name="办公室")
    return [
        AssetFactory(
            school=school,
            category=computers,
            department=office,
            funding_source="财政拨款",
            total_value=D("7200.00"),
            acquired_on=date(2024, 1, 15),
        ),
        AssetFactory(
            school=school,
            category=computers,
            department=office,
            funding_source="财政拨款",
            total_value=D("3600.00"),
            acquired_on=date(2023, 7, 1),
        ),
    ]


@pytest.fixture
def finance(school):
    return member(school, "finance", username="finance")


@pytest.fixture
def clerk(school):
    return member(school, "clerk", username="clerk")


# ---------------------------------------------------------------- pages


def test_finance_reads_a_years_ledger(client, finance, books):
    client.force_login(finance)
    response = client.get(LEDGER + YEAR_2024)

    assert response.status_code == 200
    report = response.context["report"]
    assert report.total.opening_value == D("3600.00")
    assert report.total.additions == D("7200.00")
    # 12 × 100.00 + 12 × 50.00
    assert report.total.depreciation == D("1800.00")
    body = response.content.decode()
    assert "计算机" in body
    assert 'data-testid="ledger-total"' in body


def test_the_ledger_defaults_to_this_year_so_far(client, finance, books):
    client.force_login(finance)
    response = client.get(LEDGER)

    period = response.context["report"].period
    today = timezone.localdate()
    assert (period.kind, period.start) == ("year", date(today.year, 1, 1))
    assert period.end == rules.month_end(today)


def test_a_bad_period_is_explained_not_crashed(client, finance, books):
    client.force_login(finance)
    response = client.get(LEDGER + "?period=month&month=2099-01")

    assert response.status_code == 200
    assert response.context["report"] is None
    assert "has not begun" in response.content.decode()


def test_teachers_may_not_read_the_ledger(client, school, books):
    teacher = member(school, "staff")
    client.force_login(teacher)

    assert client.get(LEDGER).status_code == 403
    assert client.post(RUN, {"month": "2024-03"}).status_code == 403


def test_the_ledger_exports_to_excel_and_csv(client, finance, books):
    client.force_login(finance)

    xlsx = client.get(LEDGER + YEAR_2024 + "&export=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    csv = client.get(LEDGER + YEAR_2024 + "&by=department&export=csv")
    text = csv.content.decode("utf-8-sig")
    assert "办公室" in text
    assert "Total" in text.splitlines()[-1]
    assert "1800.00" in text.splitlines()[-1]


def test_the_clerk_runs_a_month_from_the_page(client, school, clerk, books):
    client.force_login(clerk)
    page = client.get(LEDGER)
    assert 'data-testid="ledger-run-form"' in page.content.decode()

    response = client.post(RUN, {"month": "2024-03", "next": LEDGER + YEAR_2024}, follow=True)

    assert response.redirect_chain[-1][0] == LEDGER + YEAR_2024
    run = DepreciationRun.objects.get(school=school)
    assert (run.period, run.total_amount, run.ran_by) == (date(2024, 3, 1), D("150.00"), clerk)
    assert "Depreciation for 2024-03: 2 assets, ¥150.00." in response.content.decode()
    assert "2024-03" in response.content.decode()


def test_a_future_month_is_refused_with_a_message(client, school, clerk, books):
    client.force_login(clerk)
    month = rules.add_months(timezone.localdate(), 2)

    response = client.post(RUN, {"month": f"{month:%Y-%m}"}, follow=True)

    assert not DepreciationRun.objects.exists()
    assert "has not begun" in response.content.decode()


def test_the_principal_reads_but_may_not_run(client, school, books):
    principal = member(school, "principal")
    client.force_login(principal)

    page = client.get(LEDGER)
    assert page.status_code == 200
    assert 'data-testid="ledger-run-form"' not in page.content.decode()
    client.post(RUN, {"month": "2024-03"})
    assert not DepreciationRun.objects.exists()


def test_a_runs_page_lists_its_summaries(client, school, clerk, finance, books):
    run = services_ledger.run_depreciation(school=school, month=date(2024, 3, 1), by=clerk)
    client.force_login(finance)

    response = client.get(reverse("assets:ledger_run_detail", args=[run.pk]))

    assert response.status_code == 200
    assert [(e.category.code, e.asset_count, e.amount) for e in response.context["entries"]] == [
        ("A02", 2, D("150.00"))
    ]
    export = client.get(reverse("assets:ledger_run_detail", args=[run.pk]) + "?export=csv")
    assert "150.00" in export.content.decode("utf-8-sig")


def test_another_schools_run_is_not_found(client, finance, books):
    other = SchoolFactory()
    theirs = services_ledger.run_depreciation(school=other, month=date(2024, 3, 1))
    client.force_login(finance)

    assert client.get(reverse("assets:ledger_run_detail", args=[theirs.pk])).status_code == 404


def test_the_ledger_page_runs_the_same_queries_for_few_or_many_assets(
    client, school, finance, books, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(finance)
    client.get(LEDGER + YEAR_2024)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(LEDGER + YEAR_2024)
    for _i in range(40):
        AssetFactory(school=school, category=books[0].category, acquired_on=date(2024, 2, 2))
        services_ledger.run_depreciation(school=school, month=date(2024, 2, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LEDGER + YEAR_2024)


# ---------------------------------------------------------------- API


@pytest.fixture
def api():
    return APIClient()


def test_api_lists_runs_and_runs_a_month(api, school, clerk, books):
    api.force_authenticate(clerk)

    response = api.post(reverse("api:assets:depreciation-run-run"), {"month": "2024-03"})

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["month"], data["asset_count"], data["total_amount"]) == ("2024-03", 2, "150.00")
    assert data["entries"][0]["category_code"] == "A02"
    listed = api.get(reverse("api:assets:depreciation-run-list")).json()
    assert [r["month"] for r in listed["results"]] == ["2024-03"]
    detail = api.get(reverse("api:assets:depreciation-run-detail", args=[data["id"]])).json()
    assert detail["entries"][0]["amount"] == "150.00"


def test_api_refuses_a_run_without_the_right_and_a_future_month(api, school, clerk, books):
    principal = member(school, "principal")
    api.force_authenticate(principal)
    assert (
        api.post(reverse("api:assets:depreciation-run-run"), {"month": "2024-03"}).status_code
        == 403
    )

    api.force_authenticate(clerk)
    future = rules.add_months(timezone.localdate(), 1)
    response = api.post(reverse("api:assets:depreciation-run-run"), {"month": f"{future:%Y-%m}"})
    assert response.status_code == 400
    assert response.json()["code"] == "FutureMonth"
    bad = api.post(reverse("api:assets:depreciation-run-run"), {"month": "soon"})
    assert bad.status_code == 400
    assert not DepreciationRun.objects.exists()


def test_api_ledger_report_as_json(api, school, finance, books):
    api.force_authenticate(finance)

    response = api.get(
        reverse("api:assets:ledger-list"), {"period": "year", "year": "2024", "by": "funding"}
    )

    assert response.status_code == 200
    data = response.json()
    assert data["period"]["start"] == "2024-01-01"
    assert data["rows"][0]["label"] == "财政拨款"
    assert data["total"]["closing_value"] == "10800.00"
    assert data["total"]["net_book_value"] == "8700.00"  # 10,800 − 12 × 100 − 18 × 50
    assert data["months_without_run"][:2] == ["2024-01", "2024-02"]


def test_api_ledger_refuses_teachers_and_bad_parameters(api, school, finance, books):
    api.force_authenticate(member(school, "staff"))
    assert api.get(reverse("api:assets:ledger-list")).status_code == 403

    api.force_authenticate(finance)
    assert api.get(reverse("api:assets:ledger-list"), {"by": "colour"}).status_code == 400
    assert (
        api.get(reverse("api:assets:ledger-list"), {"period": "month", "month": "x"}).status_code
        == 400
    )


def test_api_runs_of_another_school_are_invisible(api, school, finance, books):
    theirs = services_ledger.run_depreciation(school=SchoolFactory(), month=date(2024, 3, 1))
    api.force_authenticate(finance)

    assert api.get(reverse("api:assets:depreciation-run-list")).json()["results"] == []
    url = reverse("api:assets:depreciation-run-detail", args=[theirs.pk])
    assert api.get(url).status_code == 404


# ---------------------------------------------------------------- big schools


def test_a_very_big_school_has_its_run_queued_not_made_in_the_request(
    client, school, clerk, books, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services_ledger, "BACKGROUND_FROM", 2)
    client.force_login(clerk)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(RUN, {"month": "2024-03"}, follow=True)

    assert "running in the background" in response.content.decode()
    assert not DepreciationRun.objects.exists()
    # The worker picks the task up (the test backend runs it at once).
    for callback in queued:
        callback()
    run = DepreciationRun.objects.get(school=school)
    assert (run.period, run.total_amount, run.ran_by) == (date(2024, 3, 1), D("150.00"), clerk)


def test_a_queued_run_is_still_refused_at_once_when_not_allowed(
    client, school, books, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services_ledger, "BACKGROUND_FROM", 2)
    client.force_login(member(school, "principal"))

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(RUN, {"month": "2024-03"}, follow=True)

    assert queued == []
    assert "You may not run depreciation." in response.content.decode()


def test_api_answers_202_when_the_run_is_queued(
    api, school, clerk, books, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services_ledger, "BACKGROUND_FROM", 2)
    api.force_authenticate(clerk)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(reverse("api:assets:depreciation-run-run"), {"month": "2024-03"})

    assert response.status_code == 202
    assert response.json() == {"month": "2024-03", "queued": True}
    assert DepreciationRun.objects.get(school=school).total_amount == D("150.00")

"""The nightly job: on the 1st the month just ended is depreciated, and months missed while the
scheduler was down are caught up — without anyone pressing a button."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

import houqin.assets.jobs_ledger  # noqa: F401  (registers the job)
from houqin.assets import services_ledger
from houqin.assets.models import DepreciationRun
from houqin.assets.tests.factories import AssetCategoryFactory, AssetFactory
from houqin.core.scheduler import get_job, run_due_jobs
from houqin.factories import SchoolFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
JOB = "assets.depreciation_catch_up"


def at(year, month, day, hour=1, minute=30):
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def computer(school):
    category = AssetCategoryFactory(school=school, code="A02", useful_life_years=6)
    return AssetFactory(
        school=school,
        category=category,
        total_value=Decimal("7200.00"),
        acquired_on=date(2023, 1, 1),
    )


def periods(school):
    return list(
        DepreciationRun.objects.filter(school=school)
        .order_by("period")
        .values_list("period", flat=True)
    )


def test_the_job_runs_nightly_at_half_past_one():
    job = get_job(JOB)
    assert (job.hour, job.minute, job.every) == (1, 30, None)


def test_on_the_first_the_month_just_ended_is_run(school, computer):
    assert JOB in run_due_jobs(at(2024, 4, 1), keys={JOB})

    assert periods(school) == [date(2024, 3, 1)]
    run = DepreciationRun.objects.get(school=school)
    assert run.total_amount == Decimal("100.00")
    assert run.ran_by is None
    computer.refresh_from_db()
    assert computer.accumulated_depreciation == Decimal("1500.00")  # Jan 2023–Mar 2024


def test_a_night_without_anything_due_runs_nothing(school, computer):
    services_ledger.catch_up(school=school, now=at(2024, 4, 1))

    assert services_ledger.catch_up(school=school, now=at(2024, 4, 2)) == []
    assert services_ledger.catch_up(school=school, now=at(2024, 4, 30)) == []
    assert periods(school) == [date(2024, 3, 1)]


def test_months_missed_while_the_scheduler_was_down_are_caught_up(school, computer):
    services_ledger.catch_up(school=school, now=at(2024, 1, 1))

    runs = services_ledger.catch_up(school=school, now=at(2024, 4, 9))

    assert [r.period for r in runs] == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]
    assert periods(school) == [date(2023, 12, 1), *[r.period for r in runs]]
    assert all(r.total_amount == Decimal("100.00") for r in runs)


def test_a_month_run_before_it_ended_is_run_again_once_it_has(school, computer):
    # The clerk ran March on 20 March; an asset bought on 28 March came in after.
    services_ledger.run_depreciation(school=school, month=date(2024, 3, 1), now=at(2024, 3, 20))
    DepreciationRun.objects.filter(school=school).update(ran_at=at(2024, 3, 20, 10, 0))
    AssetFactory(
        school=school,
        category=computer.category,
        total_value=Decimal("3600.00"),
        acquired_on=date(2024, 3, 28),
    )

    services_ledger.catch_up(school=school, now=at(2024, 4, 1))

    run = DepreciationRun.objects.get(school=school)
    assert run.total_amount == Decimal("150.00")
    assert services_ledger.months_due(school, date(2024, 4, 2)) == []


def test_schools_without_assets_get_no_runs(school, computer):
    empty = SchoolFactory()

    run_due_jobs(at(2024, 4, 1), keys={JOB})

    assert periods(empty) == []
    assert periods(school) == [date(2024, 3, 1)]


def test_one_schools_failure_does_not_stop_the_others(school, computer, monkeypatch):
    other = SchoolFactory()
    AssetFactory(school=other, acquired_on=date(2023, 1, 1))
    real = services_ledger.run_depreciation

    def failing_for_school_a(*, school, **kwargs):
        if school.code == "school-a":
            raise RuntimeError("disk full")
        return real(school=school, **kwargs)

    monkeypatch.setattr(services_ledger, "run_depreciation", failing_for_school_a)

    assert services_ledger.catch_up_all(now=at(2024, 4, 1)) == 1
    assert periods(other) == [date(2024, 3, 1)]

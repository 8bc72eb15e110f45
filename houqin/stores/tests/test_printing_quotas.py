"""Optional page quotas per department and term."""

import pytest

from houqin.core.errors import DomainError, PermissionDenied
from houqin.stores import services_printing as printing
from houqin.stores.models.printing import PrintJob, PrintQuota

from .printing_support import job, print_room


@pytest.fixture
def room(school):
    return print_room(school)


def _quota(room, pages):
    return printing.set_quota(
        by=room.director, school=room.school, department=room.maths, term=room.term, pages=pages
    )


def test_department_without_a_quota_prints_without_limit(room):
    job(room, pages=100, copies=100)
    assert printing.quota_left(room.maths, room.term) is None


def test_job_over_the_quota_is_refused_saying_what_is_left(room):
    _quota(room, 1000)
    job(room, pages=10, copies=70)  # 700 printed pages
    with pytest.raises(DomainError, match="300 of its 1,000 pages left") as caught:
        job(room, pages=10, copies=40)  # 400 more
    assert caught.value.code == "QuotaExceeded"
    assert PrintJob.objects.count() == 1
    assert printing.quota_left(room.maths, room.term) == 300


def test_job_that_fits_the_quota_exactly_is_accepted(room):
    _quota(room, 1000)
    job(room, pages=10, copies=70)
    job(room, pages=10, copies=30)
    assert printing.quota_left(room.maths, room.term) == 0


def test_cancelled_jobs_give_their_pages_back(room):
    _quota(room, 1000)
    first = job(room, pages=10, copies=70)
    printing.cancel(first, by=room.teacher, reason="改期")
    job(room, pages=10, copies=90)
    assert printing.quota_left(room.maths, room.term) == 100


def test_other_departments_quota_is_not_touched(room, school):
    from houqin import factories as f

    _quota(room, 100)
    english_teacher = f.member(school, "staff", department=room.english)
    job(room, by=english_teacher, pages=10, copies=50)
    assert printing.quota_left(room.maths, room.term) == 100


def test_resubmitted_job_is_checked_against_the_quota_again(room):
    _quota(room, 1000)
    outside = job(room, pages=10, copies=50, is_outside=True, outside_for="家委会")
    from houqin.core import approvals

    approvals.return_for_changes(outside, by=room.director, reason="再看看")
    job(room, pages=10, copies=40)  # 400 + the returned 500 = 900 counted
    outside = PrintJob.objects.get(pk=outside.pk)
    printing.update_job(outside, by=room.teacher, copies=70)  # now 700: 1,100 in all
    with pytest.raises(DomainError, match="QuotaExceeded|pages left"):
        printing.resubmit(PrintJob.objects.get(pk=outside.pk), by=room.teacher)


def test_teacher_cannot_set_a_quota(room):
    with pytest.raises(PermissionDenied):
        printing.set_quota(
            by=room.teacher, school=room.school, department=room.maths, term=room.term, pages=1
        )


def test_setting_a_quota_again_changes_it(room):
    _quota(room, 1000)
    _quota(room, 2000)
    assert PrintQuota.objects.get().pages == 2000

"""Print volume by department per term, against the term before."""

from decimal import Decimal

import pytest

from houqin import factories as f
from houqin.stores import services_printing as printing
from houqin.stores.models.printing import PrintJob

from .printing_support import job, print_room


@pytest.fixture
def room(school):
    return print_room(school, reams="100")


def _done(room, term, by=None, **fields):
    j = job(room, by=by, **fields)
    printing.finish(j, by=room.keeper)
    PrintJob.objects.filter(pk=j.pk).update(term=term)
    return j


def test_volume_shows_pages_and_sheets_per_department_with_the_change(room, school):
    english_teacher = f.member(school, "staff", department=room.english)
    # Last term: maths 2 jobs, 10 pages × 100 copies double-sided = 1,000 pages, 500 sheets each.
    _done(room, room.last_term, pages=10, copies=100)
    _done(room, room.last_term, pages=10, copies=100)
    # This term: maths 1,500 pages (750 sheets), English 400 pages single-sided (400 sheets).
    _done(room, room.term, pages=10, copies=150)
    _done(room, room.term, by=english_teacher, pages=4, copies=100, sides="single")
    # Not printed: not counted.
    job(room, pages=10, copies=999)

    rows, total, before = printing.print_volume(room.term)

    assert before == room.last_term
    maths, english = rows
    assert (maths.department, maths.jobs, maths.pages, maths.sheets) == ("数学组", 1, 1500, 750)
    assert (maths.previous_pages, maths.previous_sheets) == (2000, 1000)
    assert maths.pages_change == Decimal("-25.0")
    assert maths.sheets_change == Decimal("-25.0")
    assert maths.reams == Decimal("1.5")
    assert (english.pages, english.sheets, english.pages_change) == (400, 400, None)
    assert (total.pages, total.sheets, total.previous_pages) == (1900, 1150, 2000)


def test_confidential_jobs_count_in_the_volume(room):
    _done(room, room.term, pages=4, copies=50, is_confidential=True)
    rows, total, _before = printing.print_volume(room.term)
    assert total.pages == 200


def test_volume_of_another_school_is_not_counted(room, other_school):
    other = print_room(other_school, reams="100", tag="乙")
    _done(other, other.term, pages=10, copies=10)
    rows, total, _before = printing.print_volume(room.term)
    assert rows == []
    assert total.pages == 0

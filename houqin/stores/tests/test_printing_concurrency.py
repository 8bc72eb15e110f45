"""Two print jobs racing for a department's last quota pages, and two finishes racing for the
last ream: PostgreSQL, real threads, one connection each."""

from decimal import Decimal

import pytest

from houqin.core.errors import DomainError
from houqin.core.testing import race
from houqin.factories import SchoolFactory, member
from houqin.stores import ledger
from houqin.stores import services_printing as printing
from houqin.stores.models.printing import PrintJob, PrintJobStatus

from .printing_support import job, print_room

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_jobs_cannot_both_take_the_last_quota_pages():
    school = SchoolFactory(code="race-a")
    room = print_room(school)
    printing.set_quota(
        by=room.director, school=school, department=room.maths, term=room.term, pages=1000
    )
    other = member(school, "staff", department=room.maths)
    outcomes = race(
        lambda: job(room, by=room.teacher, pages=10, copies=60),
        lambda: job(room, by=other, pages=10, copies=60),
    )
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(refused) == 1, outcomes
    assert refused[0].code == "QuotaExceeded"
    assert PrintJob.objects.count() == 1


def test_two_finishes_cannot_both_draw_the_last_ream():
    school = SchoolFactory(code="race-b")
    room = print_room(school, reams="1")
    first = job(room, pages=500, copies=1, sides="single")
    second = job(room, pages=500, copies=1, sides="single")
    keeper2 = member(school, "keeper")
    outcomes = race(
        lambda: printing.finish(PrintJob.objects.get(pk=first.pk), by=room.keeper),
        lambda: printing.finish(PrintJob.objects.get(pk=second.pk), by=keeper2),
    )
    assert sum(isinstance(o, ledger.InsufficientStock) for o in outcomes) == 1, outcomes
    assert PrintJob.objects.filter(status=PrintJobStatus.DONE).count() == 1
    assert ledger.on_hand(room.paper, room.store) == Decimal("0")

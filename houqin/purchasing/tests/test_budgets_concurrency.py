"""Two requests submitted at the same moment against one budget with room for only one: the
budget row is locked while each is checked, so exactly one of them is over (PostgreSQL)."""

import pytest

from houqin.core.testing import race
from houqin.purchasing import services_requests as requests
from houqin.purchasing.models import PurchaseRequest

from .requests_support import budget, draft, make_people, service_line

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_submissions_cannot_both_spend_the_last_of_a_budget(school):
    people = make_people(school)
    budget(people, "5000")
    first = draft(people, service_line("3000"))
    second = draft(people, service_line("3000"))

    outcomes = race(
        lambda: requests.submit(PurchaseRequest.objects.get(pk=first.pk), by=people.teacher),
        lambda: requests.submit(PurchaseRequest.objects.get(pk=second.pk), by=people.teacher),
    )

    assert not [o for o in outcomes if isinstance(o, Exception)]
    over = sorted(
        PurchaseRequest.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "over_budget", flat=True
        )
    )
    assert over == [False, True]

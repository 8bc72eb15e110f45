"""Two keepers issuing the same requisition at the same moment on PostgreSQL: the back-order
is issued once, never twice."""

import pytest

from houqin import factories as f
from houqin.core import approvals
from houqin.core.errors import DomainError
from houqin.core.testing import race
from houqin.stores import ledger
from houqin.stores import services_requisitions as reqs
from houqin.stores.models import StockMove

from .counts_support import D, department_with_head, stocked

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_keepers_issuing_the_same_line_at_once_issue_it_once(school):
    keepers = [f.member(school, "keeper", username=f"keeper{n}") for n in range(2)]
    office, head = department_with_head(school, "教务处", "head")
    asker = f.member(school, "staff", department=office, username="asker")
    pens = stocked(school, keepers[0], "签字笔", 20, "2.00")
    requisition = reqs.create(
        by=asker, department=office, purpose="x", lines=[(pens, 5)], submit_now=True
    )
    approvals.approve(requisition, by=head)
    line = requisition.lines.get()

    outcomes = race(
        *[
            (lambda keeper=keeper: reqs.issue(
                reqs.Requisition.objects.get(pk=requisition.pk), {line.pk: 5}, by=keeper
            ))
            for keeper in keepers
        ]
    )  # fmt: skip

    assert sum(isinstance(o, list) for o in outcomes) == 1
    assert sum(isinstance(o, DomainError) for o in outcomes) == 1, outcomes
    line.refresh_from_db()
    assert line.issued == D(5)
    assert StockMove.objects.filter(document_id=requisition.pk).count() == 1
    assert ledger.on_hand(pens) == D(15)

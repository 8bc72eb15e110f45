"""Two approvers clicking at the same moment: PostgreSQL, real threads, one connection each."""

import pytest

from houqin.core import approvals
from houqin.core.errors import DomainError
from houqin.core.models import ApprovalDecision, ApprovalFlow
from houqin.core.testing import race as shared_race
from houqin.factories import SchoolFactory, member
from houqin.testdocs.models import SampleRequest
from houqin.testdocs.testing import make_people, purchase_policy, submitted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls):
    """Each call in its own thread, released together; 'ok' or the domain error's class."""
    outcomes = []
    for outcome in shared_race(*calls):
        if isinstance(outcome, DomainError):
            outcomes.append(type(outcome).__name__)
        elif isinstance(outcome, Exception):
            raise outcome
        else:
            outcomes.append("ok")
    return outcomes


def test_two_parallel_approvers_of_the_same_step_make_exactly_one_decision():
    school = SchoolFactory()
    purchase_policy(school)
    people = make_people(school)
    second = member(school, "director", username="director2")
    request, flow = submitted(people, "8000")
    approvals.approve(flow, by=people.head)
    version = ApprovalFlow.objects.get(pk=flow.pk).version

    outcomes = race(
        lambda: approvals.approve(flow, by=people.director, expected_version=version),
        lambda: approvals.approve(flow, by=second, expected_version=version),
    )

    assert sorted(outcomes) == ["Conflict", "ok"]
    assert ApprovalDecision.objects.filter(flow=flow, step_order=2).count() == 1
    assert ApprovalFlow.objects.get(pk=flow.pk).status == "approved"
    assert SampleRequest.objects.get(pk=request.pk).status == "approved"


def test_parallel_approvers_without_a_page_version_still_make_one_decision():
    school = SchoolFactory()
    purchase_policy(school)
    people = make_people(school)
    second = member(school, "director", username="director2")
    request, flow = submitted(people, "8000")
    approvals.approve(flow, by=people.head)

    outcomes = race(
        lambda: approvals.approve(flow, by=people.director),
        lambda: approvals.reject(flow, by=second, reason="不同意"),
    )

    assert outcomes.count("ok") == 1
    assert ApprovalDecision.objects.filter(flow=flow, step_order=2).count() == 1

"""Two approvers clicking at the same moment: PostgreSQL, real threads, one connection each."""

import threading

import pytest
from django.db import connection

from houqin.core import approvals
from houqin.core.errors import DomainError
from houqin.core.models import ApprovalDecision, ApprovalFlow
from houqin.factories import SchoolFactory, member
from houqin.testdocs.models import SampleRequest
from houqin.testdocs.testing import make_people, purchase_policy, submitted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls):
    """Run each call in its own thread, released together; returns 'ok' or the error class."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
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

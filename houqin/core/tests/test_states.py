import threading

import pytest
from django.db import connection

from houqin.core.errors import Conflict, DomainError, IllegalTransition, PermissionDenied
from houqin.core.models import TimelineEntry
from houqin.factories import SchoolFactory, member
from houqin.testdocs.models import SampleRequest
from houqin.testdocs.testing import make_people, new_request

machine = SampleRequest.machine


@pytest.fixture
def people(school):
    return make_people(school)


def names(transitions):
    return sorted(t.name for t in transitions)


def test_illegal_transition_is_refused_with_a_clear_message(people):
    request = new_request(people, 100)
    with pytest.raises(IllegalTransition) as exc:
        machine.perform(request, "close", by=people.director)
    assert "Draft" in str(exc.value.message)
    request.refresh_from_db()
    assert request.status == "draft"


def test_unknown_action_is_an_illegal_transition(people):
    request = new_request(people, 100)
    with pytest.raises(IllegalTransition):
        machine.perform(request, "fly", by=people.teacher)


def test_someone_else_cannot_submit_a_teachers_request(people):
    request = new_request(people, 100)
    with pytest.raises(PermissionDenied):
        machine.perform(request, "submit", by=people.director)
    assert SampleRequest.objects.get(pk=request.pk).status == "draft"


def test_approval_only_transitions_cannot_be_taken_by_hand(people):
    request = new_request(people, 100)
    machine.perform(request, "submit", by=people.teacher)
    with pytest.raises(PermissionDenied):
        machine.perform(request, "approve", by=people.director)


def test_member_of_another_school_is_refused(people, other_school):
    others = make_people(other_school, prefix="b")
    request = new_request(people, 100)
    request.status = "approved"
    request.save()
    with pytest.raises(PermissionDenied):
        machine.perform(request, "close", by=others.director)


def test_guard_refuses_cancelling_without_a_reason(people):
    request = new_request(people, 100)
    with pytest.raises(DomainError):
        machine.perform(request, "cancel", by=people.teacher)
    machine.perform(request, "cancel", by=people.teacher, reason="不需要了")
    assert SampleRequest.objects.get(pk=request.pk).status == "cancelled"


def test_available_lists_only_what_the_user_may_do_now(people):
    request = new_request(people, 100)
    assert names(machine.available(request, people.teacher)) == ["cancel", "submit"]
    assert names(machine.available(request, people.director)) == []
    request.status = "approved"
    request.save()
    assert names(machine.available(request, people.director)) == ["close"]
    assert names(machine.available(request, people.teacher)) == []


def test_transition_is_recorded_on_the_timeline_with_who_and_states(people):
    request = new_request(people, 100)
    machine.perform(request, "submit", by=people.teacher)
    entry = TimelineEntry.objects.get(object_id=request.pk, kind="state_change")
    assert (entry.actor, entry.from_state, entry.to_state) == (people.teacher, "draft", "submitted")


def test_transition_saves_extra_values_with_the_new_state(people):
    request = new_request(people, 100)
    machine.perform(request, "submit", by=people.teacher, values={"title": "新标题"})
    request.refresh_from_db()
    assert (request.status, request.title) == ("submitted", "新标题")


def test_a_stale_copy_cannot_move_the_document_again(people):
    request = new_request(people, 100)
    request.status = "approved"
    request.save()
    mine = SampleRequest.objects.get(pk=request.pk)
    theirs = SampleRequest.objects.get(pk=request.pk)
    machine.perform(mine, "close", by=people.director)
    with pytest.raises(Conflict):
        machine.perform(theirs, "close", by=people.director)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_from_the_same_state_one_wins():
    people = make_people(SchoolFactory())
    second_director = member(people.school, "director", username="director2")
    request = new_request(people, 100)
    SampleRequest.objects.filter(pk=request.pk).update(status="approved")
    copies = [SampleRequest.objects.get(pk=request.pk) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def close(copy, user):
        try:
            barrier.wait(timeout=30)
            machine.perform(copy, "close", by=user)
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=close, args=(copies[0], people.director)),
        threading.Thread(target=close, args=(copies[1], second_director)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "won"]
    assert TimelineEntry.objects.filter(object_id=request.pk, to_state="closed").count() == 1

"""To-do sources: orders I must fix, orders to dispatch, fixes waiting for my confirmation."""

import pytest

from houqin.core import todo
from houqin.maintenance import selectors, services
from houqin.org.access import access_for, forget_access

from .factories import make_order


@pytest.fixture
def worker(school, make_member):
    return make_member(school, "worker")


def items(user, key):
    forget_access(user)
    source = next(s for s in todo.sources() if s.key == key)
    access = access_for(user)
    return source.items(access, 50), todo.count_of(source, access)


def test_worker_sees_orders_assigned_to_them_not_done(school, teacher, director, worker,
                                                      make_member):
    other = make_member(school, "worker")
    mine = make_order(school, teacher)
    services.assign(mine, by=director, worker=worker)
    finished = make_order(school, teacher)
    services.assign(finished, by=director, worker=worker)
    services.start(finished, by=worker)
    services.finish(finished, by=worker)
    theirs = make_order(school, teacher)
    services.assign(theirs, by=director, worker=other)

    listed, count = items(worker, "maintenance.assigned")
    assert [i.number for i in listed] == [mine.number] and count == 1
    assert listed[0].url.endswith(f"/repairs/{mine.pk}/")


def test_dispatcher_sees_unassigned_orders_urgent_first(school, teacher, director, worker):
    normal = make_order(school, teacher)
    urgent = make_order(school, teacher, urgency="urgent")
    low = make_order(school, teacher, urgency="low")
    services.assign(make_order(school, teacher), by=director, worker=worker)

    listed, count = items(director, "maintenance.dispatch")
    assert [i.number for i in listed] == [urgent.number, normal.number, low.number]
    assert listed[0].urgent and count == 3


def test_teacher_has_nothing_to_dispatch(school, teacher):
    make_order(school, teacher)
    assert items(teacher, "maintenance.dispatch") == ([], 0)


def test_requester_sees_done_orders_to_confirm(school, teacher, director, worker, make_member):
    order = make_order(school, teacher)
    services.assign(order, by=director, worker=worker)
    services.start(order, by=worker)
    services.finish(order, by=worker)
    colleague = make_member(school, "staff")

    listed, count = items(teacher, "maintenance.confirm")
    assert [i.number for i in listed] == [order.number] and count == 1
    assert listed[0].due is not None
    assert items(colleague, "maintenance.confirm") == ([], 0)


def test_another_schools_orders_never_show(school, other_school, teacher, make_member):
    make_order(school, teacher, urgency="urgent")
    other_director = make_member(other_school, "director")
    assert items(other_director, "maintenance.dispatch") == ([], 0)


def test_to_do_lists_are_bounded_in_queries(
    school, teacher, director, worker, django_assert_max_num_queries
):
    for _ in range(6):
        order = make_order(school, teacher)
        services.assign(order, by=director, worker=worker)
    for user in (worker, director, teacher):
        forget_access(user)
        access = access_for(user)
        # Approvals take two queries; each repair source one, the deliveries to check one,
        # however many orders there are.
        with django_assert_max_num_queries(6):
            todo.collect(access)
        forget_access(user)
        access = access_for(user)
        # Approvals count in their queries; every other source (repairs, print room,
        # deliveries) together in one more.
        with django_assert_max_num_queries(3):
            todo.count(access)


def test_queue_for_lists_urgent_first_then_oldest(school, teacher, director, worker):
    first = make_order(school, teacher)
    urgent = make_order(school, teacher, urgency="urgent")
    for order in (first, urgent):
        services.assign(order, by=director, worker=worker)
    assert list(selectors.queue_for(worker)) == [urgent, first]
    assert list(selectors.to_dispatch(worker)) == []

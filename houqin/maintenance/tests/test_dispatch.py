"""Dispatch extras: the claim pool (抢单), assigning many at once (派单) and the school's own
repair settings."""

import pytest
from django.urls import reverse

from houqin.core.testing import race
from houqin.factories import SchoolFactory, member
from houqin.maintenance import services
from houqin.maintenance.models import MaintenanceSettings, Status, WorkOrder

from .factories import make_order


@pytest.fixture
def worker(school):
    return member(school, "worker", username="worker", full_name="王师傅")


@pytest.fixture
def pool_on(school):
    MaintenanceSettings.objects.create(school=school, claim_pool=True)


# ---------------------------------------------------------------- claim pool


def test_worker_cannot_claim_while_the_pool_is_off(school, teacher, worker):
    order = make_order(school, teacher)
    with pytest.raises(services.PermissionDenied):
        services.claim(order, by=worker)
    order.refresh_from_db()
    assert order.status == Status.SUBMITTED and order.assignee is None


def test_worker_claims_from_the_pool_and_a_second_worker_is_told_it_is_taken(
    school, teacher, worker, pool_on
):
    other = member(school, "worker", username="worker2")
    order = make_order(school, teacher)
    services.claim(order, by=worker)
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED and order.assignee == worker
    assert order.responded_at is not None
    with pytest.raises(services.AlreadyTaken):
        services.claim(WorkOrder.objects.get(pk=order.pk), by=other)
    assert WorkOrder.objects.get(pk=order.pk).assignee == worker


def test_only_maintenance_workers_may_claim(school, teacher, pool_on):
    order = make_order(school, teacher)
    with pytest.raises(services.PermissionDenied):
        services.claim(order, by=teacher)


def test_pool_page_lists_unassigned_orders_only_for_workers(
    client, school, teacher, worker, director, pool_on
):
    waiting = make_order(school, teacher, description="水龙头漏水")
    taken = make_order(school, teacher, description="窗户坏了")
    services.assign(taken, by=director, worker=worker)
    client.force_login(worker)
    page = client.get(reverse("maintenance:pool")).content.decode()
    assert waiting.number in page and taken.number not in page

    client.force_login(teacher)
    assert waiting.number not in client.get(reverse("maintenance:pool")).content.decode()


def test_claiming_from_the_pool_page_opens_the_order(client, school, teacher, worker, pool_on):
    order = make_order(school, teacher)
    client.force_login(worker)
    response = client.post(reverse("maintenance:pool"), {"order": order.pk})
    assert response.status_code == 302
    assert response.url == reverse("maintenance:workorder_detail", args=[order.pk])
    assert client.get(response.url).status_code == 200


def test_pool_page_says_when_the_pool_is_off(client, school, worker):
    client.force_login(worker)
    assert b"job pool is turned off" in client.get(reverse("maintenance:pool")).content


def test_pool_menu_entry_is_for_workers(client, school, worker, teacher):
    url = reverse("maintenance:pool")
    client.force_login(worker)
    assert url.encode() in client.get(reverse("maintenance:my_queue")).content
    client.force_login(teacher)
    assert url.encode() not in client.get(reverse("maintenance:my_queue")).content


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_workers_pressing_take_at_once_give_the_job_to_exactly_one():
    school = SchoolFactory()
    MaintenanceSettings.objects.create(school=school, claim_pool=True)
    teacher = member(school, "staff", username="t")
    workers = [member(school, "worker", username=f"w{i}") for i in range(8)]
    order = make_order(school, teacher)

    def press(worker):
        return lambda: services.claim(WorkOrder.objects.get(pk=order.pk), by=worker)

    outcomes = race(*(press(w) for w in workers))
    won = [w.pk for w, o in zip(workers, outcomes, strict=True) if isinstance(o, WorkOrder)]
    lost = [o for o in outcomes if isinstance(o, services.AlreadyTaken)]
    assert len(won) == 1 and len(lost) == 7, outcomes
    assert WorkOrder.objects.get(pk=order.pk).assignee_id == won[0]


# ---------------------------------------------------------------- bulk assign


def test_bulk_assign_assigns_every_ticked_order(client, school, teacher, director, worker):
    orders = [make_order(school, teacher) for _ in range(3)]
    untouched = make_order(school, teacher)
    client.force_login(director)
    response = client.post(
        reverse("maintenance:bulk_assign"),
        {"orders": [o.pk for o in orders], "worker": worker.pk},
    )
    assert response.status_code == 302
    statuses = dict(WorkOrder.objects.values_list("pk", "assignee_id"))
    assert all(statuses[o.pk] == worker.pk for o in orders)
    assert statuses[untouched.pk] is None


def test_bulk_assign_is_all_or_nothing(school, teacher, director, worker):
    orders = [make_order(school, teacher) for _ in range(3)]
    services.reject(orders[1], by=director, reason="不是维修")
    with pytest.raises(services.DomainError) as error:
        services.bulk_assign(
            WorkOrder.objects.filter(pk__in=[o.pk for o in orders]), by=director, worker=worker
        )
    assert orders[1].number in str(error.value.message)
    assert not WorkOrder.objects.filter(assignee=worker).exists()


def test_bulk_assign_refuses_someone_else_than_a_worker(client, school, teacher, director):
    order = make_order(school, teacher)
    client.force_login(director)
    response = client.post(
        reverse("maintenance:bulk_assign"), {"orders": [order.pk], "worker": teacher.pk}
    )
    assert response.status_code == 200
    assert WorkOrder.objects.get(pk=order.pk).status == Status.SUBMITTED


def test_bulk_assign_never_touches_another_schools_orders(
    client, school, other_school, director, worker
):
    stranger = member(other_school, "staff", username="stranger")
    foreign = make_order(other_school, stranger)
    client.force_login(director)
    response = client.post(
        reverse("maintenance:bulk_assign"), {"orders": [foreign.pk], "worker": worker.pk}
    )
    assert response.status_code == 200
    assert WorkOrder.objects.get(pk=foreign.pk).status == Status.SUBMITTED


def test_bulk_assign_page_is_for_dispatchers(client, school, teacher, worker):
    for user in (teacher, worker):
        client.force_login(user)
        assert client.get(reverse("maintenance:bulk_assign")).status_code == 403


def test_bulk_assign_page_filters_by_category(client, school, teacher, director):
    first = make_order(school, teacher)
    second = make_order(school, teacher)
    client.force_login(director)
    page = client.get(
        reverse("maintenance:bulk_assign"), {"category": first.category_id}
    ).content.decode()
    assert first.number in page and second.number not in page


# ---------------------------------------------------------------- settings


def test_director_changes_the_schools_repair_settings(client, school, director, other_school):
    client.force_login(director)
    url = reverse("maintenance:settings")
    assert client.get(url).status_code == 200
    data = {
        "autoclose_days": 3, "claim_pool": "on", "workday_start": "08:00",
        "workday_end": "17:00", "workdays": "012345", "urgent_respond_hours": "1",
        "urgent_fix_hours": "8", "normal_respond_hours": "8", "normal_fix_hours": "24",
        "low_respond_hours": "24", "low_fix_hours": "40",
    }
    assert client.post(url, data).status_code == 302
    saved = MaintenanceSettings.for_school(school)
    assert saved.autoclose_days == 3 and saved.claim_pool and saved.workdays == "012345"
    assert not MaintenanceSettings.for_school(other_school).claim_pool


@pytest.mark.parametrize(
    "change, message",
    [
        ({"workdays": "0128"}, "digits 0-6"),
        ({"workday_end": "07:00"}, "end after it starts"),
        ({"autoclose_days": "0"}, "greater than or equal to 1"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(client, school, director, change, message):
    client.force_login(director)
    data = {
        "autoclose_days": 7, "workday_start": "07:30", "workday_end": "17:30",
        "workdays": "01234", "urgent_respond_hours": "2", "urgent_fix_hours": "24",
        "normal_respond_hours": "24", "normal_fix_hours": "30", "low_respond_hours": "48",
        "low_fix_hours": "50", **change,
    }
    response = client.post(reverse("maintenance:settings"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert MaintenanceSettings.for_school(school).workdays == "01234"


def test_settings_page_is_for_the_director(client, school, teacher, make_member):
    clerk = make_member(school, "clerk", username="clerk")
    for user in (teacher, clerk):
        client.force_login(user)
        assert client.get(reverse("maintenance:settings")).status_code == 403


# ---------------------------------------------------------------- suggested assignee


def test_the_suggested_worker_is_the_categorys_default_else_the_least_busy(
    school, teacher, director
):
    busy = member(school, "worker", username="busy")
    free = member(school, "worker", username="free")
    member(school, "worker", username="gone").memberships.update(is_active=False)
    for _ in range(2):
        services.assign(make_order(school, teacher), by=director, worker=busy)
    done = make_order(school, teacher)
    services.assign(done, by=director, worker=free)
    services.start(done, by=free)
    services.finish(done, by=free)  # done orders do not count as load
    services.assign(make_order(school, teacher), by=director, worker=free)

    order = make_order(school, teacher)
    assert services.suggest_assignee(order) == (free, None)
    services.assign(make_order(school, teacher), by=director, worker=free)
    services.assign(make_order(school, teacher), by=director, worker=free)
    assert services.suggest_assignee(order) == (busy, None)

    order.category.default_worker = busy
    order.category.save()
    assert services.suggest_assignee(order) == (busy, None)


def test_pool_and_bulk_assign_pages_do_not_grow_queries_with_the_orders(
    client, school, teacher, worker, director, pool_on
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_order(school, teacher)
    counts = {}
    for user, name in ((worker, "maintenance:pool"), (director, "maintenance:bulk_assign")):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(ctx)
    for _ in range(5):
        make_order(school, teacher)
    for user, name in ((worker, "maintenance:pool"), (director, "maintenance:bulk_assign")):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse(name))
        assert len(ctx) == counts[name], name

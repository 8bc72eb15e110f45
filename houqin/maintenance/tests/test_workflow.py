"""The work order's life: report, dispatch, fix, confirm, close — and every refusal."""

from decimal import Decimal

import pytest

from houqin.core.attachments import InvalidUpload
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.models import Notification
from houqin.core.timeline import entries_for
from houqin.factories import CompanyFactory, RoomFactory
from houqin.maintenance import services
from houqin.maintenance.models import PartUsage, Status, WorkOrder

from .factories import RepairCategoryFactory, fake_photo, make_order, photo


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def worker(school, make_member):
    return make_member(school, "worker", username="worker", full_name="王师傅")


@pytest.fixture
def order(school, teacher):
    return make_order(school, teacher)


def assigned(order, director, worker):
    services.assign(order, by=director, worker=worker)
    return order


def in_progress(order, director, worker):
    services.start(assigned(order, director, worker), by=worker)
    return order


def done(order, director, worker):
    services.finish(in_progress(order, director, worker), by=worker, labour_minutes=30)
    return order


def db_status(order):
    return WorkOrder.objects.get(pk=order.pk).status


# ---------------------------------------------------------------- reporting


def test_staff_report_is_submitted_with_a_number_and_default_title(school, teacher):
    room = RoomFactory(floor__building__campus__school=school, number="301")
    category = RepairCategoryFactory(school=school, name="水电")
    order = services.report(
        school=school, by=teacher, room=room, category=category, description="灯不亮"
    )
    assert order.status == Status.SUBMITTED
    assert order.number.startswith("WX")
    assert order.requester == teacher
    assert order.title.startswith("水电 · ") and "301" in order.title
    assert [e.to_state for e in entries_for(order)] == [Status.SUBMITTED]


def test_report_photos_are_kept_on_the_timeline(school, teacher):
    order = make_order(school, teacher, photos=[photo(), photo("b.png")])
    files = [a for e in entries_for(order) for a in e.attachments.all()]
    assert len(files) == 2 and all(f.is_image for f in files)


def test_report_with_a_fake_photo_is_refused_and_nothing_is_saved(school, teacher):
    with pytest.raises(InvalidUpload):
        make_order(school, teacher, photos=[photo(), fake_photo()])
    assert not WorkOrder.objects.exists()


def test_public_report_needs_name_and_mobile_phone(school):
    room = RoomFactory(floor__building__campus__school=school)
    category = RepairCategoryFactory(school=school)
    base = dict(school=school, by=None, room=room, category=category, description="漏水")
    with pytest.raises(DomainError, match="name"):
        services.report(**base, reporter_phone="13812345678")
    with pytest.raises(DomainError, match="mobile"):
        services.report(**base, reporter_name="李老师", reporter_phone="12345")
    with pytest.raises(DomainError, match="mobile"):
        services.report(**base, reporter_name="李老师")
    order = services.report(**base, reporter_name="李老师", reporter_phone="138-1234-5678",
                            source="qr")
    assert order.requester is None
    assert order.reporter_phone == "13812345678"


def test_report_refuses_a_room_or_category_of_another_school(school, other_school, teacher):
    foreign_room = RoomFactory(floor__building__campus__school=other_school)
    with pytest.raises(DomainError, match="another school"):
        make_order(school, teacher, room=foreign_room)
    with pytest.raises(DomainError, match="category"):
        make_order(school, teacher, category=RepairCategoryFactory(school=other_school))


def test_report_without_a_description_is_refused(school, teacher):
    with pytest.raises(DomainError, match="Describe"):
        make_order(school, teacher, description="  ")


def test_a_member_of_another_school_cannot_report_here(school, other_school, make_member):
    outsider = make_member(other_school, "staff")
    with pytest.raises(PermissionDenied):
        make_order(school, outsider)


def test_duplicate_join_keeps_the_reporters_text_and_photos_on_the_original(
    school, teacher, make_member
):
    original = make_order(school, teacher)
    assert list(
        services.find_open_duplicates(school=school, room=original.room,
                                      category=original.category)
    ) == [original]
    colleague = make_member(school, "staff", full_name="赵老师")
    result = services.report(
        school=school, by=colleague, room=original.room, category=original.category,
        description="还是不亮，而且有焦味", photos=[photo()], join=original,
    )
    assert result.pk == original.pk
    assert WorkOrder.objects.count() == 1
    last = list(entries_for(original))[-1]
    assert "还是不亮，而且有焦味" in last.text and "赵老师" in last.text
    assert last.actor == colleague
    assert last.attachments.count() == 1


def test_public_duplicate_join_keeps_the_callers_phone(school, teacher):
    original = make_order(school, teacher)
    services.report(
        school=school, by=None, room=original.room, category=original.category,
        description="水一直流", reporter_name="门卫老周", reporter_phone="13900001111",
        join=original,
    )
    last = list(entries_for(original))[-1]
    assert "老周" in last.text and "13900001111" in last.text and "水一直流" in last.text


def test_cannot_join_a_closed_order(school, teacher, director):
    original = make_order(school, teacher)
    services.reject(original, by=director, reason="不是报修")
    with pytest.raises(IllegalTransition):
        make_order(school, teacher, room=original.room, category=original.category,
                   join=original)


def test_urgent_report_notifies_the_dispatchers(school, teacher, director, make_member):
    clerk = make_member(school, "clerk")
    worker = make_member(school, "worker")
    make_order(school, teacher, urgency="urgent")
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {director.pk, clerk.pk}
    assert worker.pk not in told


def test_normal_report_notifies_nobody(school, teacher, director):
    make_order(school, teacher)
    assert not Notification.objects.exists()


def test_ensure_categories_creates_the_default_list_once(school):
    first = services.ensure_categories(school)
    again = services.ensure_categories(school)
    assert len(first) == len(again) == 7
    assert [c.pk for c in first] == [c.pk for c in again]


# ---------------------------------------------------------------- dispatching


def test_dispatcher_assigns_a_worker_who_is_notified(order, director, worker):
    services.assign(order, by=director, worker=worker, note="先看看")
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED and order.assignee == worker
    assert order.assigned_at is not None
    assert Notification.objects.filter(recipient=worker).count() == 1


def test_teacher_cannot_assign(order, teacher, worker):
    with pytest.raises(PermissionDenied):
        services.assign(order, by=teacher, worker=worker)
    assert db_status(order) == Status.SUBMITTED


def test_director_of_another_school_cannot_assign(order, other_school, make_member, worker):
    other_director = make_member(other_school, "director")
    with pytest.raises(PermissionDenied):
        services.assign(order, by=other_director, worker=worker)
    assert db_status(order) == Status.SUBMITTED


def test_only_a_worker_of_the_school_can_be_assigned(
    order, director, teacher, other_school, make_member
):
    with pytest.raises(DomainError, match="not a maintenance worker"):
        services.assign(order, by=director, worker=teacher)
    foreign_worker = make_member(other_school, "worker")
    with pytest.raises(DomainError, match="not an active member"):
        services.assign(order, by=director, worker=foreign_worker)
    with pytest.raises(DomainError, match="worker or a contractor"):
        services.assign(order, by=director)
    assert db_status(order) == Status.SUBMITTED


def test_reassign_keeps_the_history_of_who_had_it(order, director, worker, make_member):
    second = make_member(order.school, "worker", full_name="李师傅")
    in_progress(order, director, worker)
    services.reassign(order, by=director, worker=second)
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED and order.assignee == second
    texts = [e.text for e in entries_for(order)]
    assert any("王师傅" in t and "李师傅" in t for t in texts)
    assert {h.assignee_id for h in order.history.all()} >= {worker.pk, second.pk}
    assert Notification.objects.filter(recipient=second).count() == 1


def test_assign_to_a_contractor_company(order, director, school):
    company = CompanyFactory(school=school)
    services.assign(order, by=director, company=company)
    order.refresh_from_db()
    assert order.company == company and order.assignee is None


def test_contractor_of_another_school_is_refused(order, director, other_school):
    with pytest.raises(DomainError, match="contractor"):
        services.assign(order, by=director, company=CompanyFactory(school=other_school))


def test_contractor_staff_act_on_their_companys_orders_only(
    school, teacher, director, make_member
):
    company = CompanyFactory(school=school)
    other_company = CompanyFactory(school=school)
    boss = make_member(school, "contractor", company=company)
    staff = make_member(school, "contractor", company=company)
    rival = make_member(school, "contractor", company=other_company)
    order = make_order(school, teacher)
    services.assign(order, by=director, worker=boss)
    order.refresh_from_db()
    assert order.company == company  # the worker's company is taken along
    with pytest.raises(PermissionDenied):
        services.start(order, by=rival)
    services.start(order, by=staff)
    assert db_status(order) == Status.IN_PROGRESS
    with pytest.raises(DomainError):
        services.assign(make_order(school, teacher), by=director, worker=staff,
                        company=other_company)


# ---------------------------------------------------------------- fixing


def test_only_the_assignee_starts_work(order, director, worker, make_member, teacher):
    assigned(order, director, worker)
    other_worker = make_member(order.school, "worker")
    for someone in (other_worker, teacher, director):
        with pytest.raises(PermissionDenied):
            services.start(order, by=someone)
    services.start(order, by=worker)
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS and order.started_at is not None


def test_start_is_refused_before_the_order_is_assigned(order, worker):
    with pytest.raises(IllegalTransition):
        services.start(order, by=worker)


def test_hold_needs_a_reason_and_resume_clears_it(order, director, worker):
    in_progress(order, director, worker)
    with pytest.raises(DomainError, match="reason"):
        services.hold(order, by=worker, reason="  ")
    services.hold(order, by=worker, reason="等配件")
    order.refresh_from_db()
    assert order.status == Status.ON_HOLD and order.hold_reason == "等配件"
    services.resume(order, by=worker)
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS and order.hold_reason == ""


def test_finish_records_labour_parts_cost_photos_and_tells_the_requester(
    order, director, worker, teacher
):
    in_progress(order, director, worker)
    services.finish(
        order, by=worker, labour_minutes=45, outside_cost="12.50", photos=[photo()],
        parts=[{"name": "LED灯管", "quantity": 2, "unit": "根", "unit_cost": "18.00"},
               {"name": "", "quantity": 1}],
    )
    order.refresh_from_db()
    assert order.status == Status.DONE and order.done_at is not None
    assert order.labour_minutes == 45 and order.outside_cost == Decimal("12.50")
    parts = list(PartUsage.objects.filter(order=order))
    assert [(p.name, p.total) for p in parts] == [("LED灯管", Decimal("36.00"))]
    assert parts[0].recorded_by == worker
    assert Notification.objects.filter(recipient=teacher).count() == 1


def test_finish_refuses_negative_cost_and_nothing_changes(order, director, worker):
    in_progress(order, director, worker)
    with pytest.raises(DomainError):
        services.finish(order, by=worker, outside_cost="-1")
    with pytest.raises(DomainError):
        services.finish(order, by=worker, parts=[{"name": "阀门", "quantity": 0}])
    assert db_status(order) == Status.IN_PROGRESS
    assert not PartUsage.objects.exists()


# ---------------------------------------------------------------- after the fix


@pytest.mark.parametrize("rating", [0, 6, None, "x"])
def test_confirm_needs_a_rating_from_1_to_5(order, director, worker, teacher, rating):
    done(order, director, worker)
    with pytest.raises(DomainError, match="1 to 5"):
        services.confirm(order, by=teacher, rating=rating)
    assert db_status(order) == Status.DONE


def test_requester_confirms_with_a_rating_and_dispatcher_closes(order, director, worker, teacher):
    done(order, director, worker)
    services.confirm(order, by=teacher, rating=5, comment="很快")
    order.refresh_from_db()
    assert (order.status, order.rating, order.rating_comment) == (Status.CONFIRMED, 5, "很快")
    with pytest.raises(PermissionDenied):
        services.close(order, by=teacher)
    services.close(order, by=director)
    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.closed_at is not None


def test_another_teacher_cannot_confirm_my_order(order, director, worker, make_member):
    done(order, director, worker)
    with pytest.raises(PermissionDenied):
        services.confirm(order, by=make_member(order.school, "staff"), rating=5)


def test_worker_cannot_confirm_own_fix(order, director, worker):
    done(order, director, worker)
    with pytest.raises(PermissionDenied):
        services.confirm(order, by=worker, rating=5)


def test_dispatcher_confirms_for_a_public_reporter(school, director, worker):
    room = RoomFactory(floor__building__campus__school=school)
    order = services.report(
        school=school, room=room, category=RepairCategoryFactory(school=school),
        description="门锁坏了", reporter_name="家长", reporter_phone="13700001111",
    )
    done(order, director, worker)
    services.confirm(order, by=director, rating=4)
    assert db_status(order) == Status.CONFIRMED


def test_reopen_sends_it_back_to_the_worker_with_a_reason(order, director, worker, teacher):
    done(order, director, worker)
    with pytest.raises(DomainError, match="reason"):
        services.reopen(order, by=teacher, reason="")
    services.reopen(order, by=teacher, reason="还是不亮")
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED and order.assignee == worker
    assert order.done_at is None
    assert Notification.objects.filter(recipient=worker, title__contains="还是不亮").exists()


def test_confirm_is_refused_before_the_fix(order, teacher):
    with pytest.raises(IllegalTransition):
        services.confirm(order, by=teacher, rating=5)


def test_dispatcher_rejects_with_a_reason_teacher_cannot(order, director, teacher):
    with pytest.raises(PermissionDenied):
        services.reject(order, by=teacher, reason="x")
    with pytest.raises(DomainError, match="reason"):
        services.reject(order, by=director, reason="")
    services.reject(order, by=director, reason="属于信息中心")
    assert db_status(order) == Status.REJECTED
    assert Notification.objects.filter(recipient=teacher).exists()


def test_reject_is_refused_once_work_started(order, director, worker):
    in_progress(order, director, worker)
    with pytest.raises(IllegalTransition):
        services.reject(order, by=director, reason="x")


def test_requester_cancels_an_open_order_but_not_a_done_one(order, director, worker, teacher):
    other = make_order(order.school, teacher)
    with pytest.raises(DomainError, match="reason"):
        services.cancel(other, by=teacher, reason="")
    services.cancel(other, by=teacher, reason="自己修好了")
    assert db_status(other) == Status.CANCELLED
    done(order, director, worker)
    with pytest.raises(IllegalTransition):
        services.cancel(order, by=teacher, reason="算了")


def test_someone_else_cannot_cancel_my_order(order, make_member, worker):
    with pytest.raises(PermissionDenied):
        services.cancel(order, by=make_member(order.school, "staff"), reason="x")


def test_a_stale_copy_cannot_act_twice(order, director, worker, make_member):
    stale = WorkOrder.objects.get(pk=order.pk)
    services.assign(order, by=director, worker=worker)
    services.start(order, by=worker)
    # The stale copy still says "submitted"; the service reads the row afresh.
    with pytest.raises(IllegalTransition):
        services.reject(stale, by=director, reason="x")


def test_available_actions_follow_role_and_state(order, director, worker, teacher):
    names = lambda user: {t.name for t in WorkOrder.machine.available(order, user)}  # noqa: E731
    assert names(director) == {"assign", "reject", "cancel"}
    assert names(teacher) == {"cancel"}
    assert names(worker) == set()
    in_progress(order, director, worker)
    assert names(worker) == {"hold", "finish"}
    assert "auto_close" not in names(director)


# ---------------------------------------------------------------- comments


def test_requester_assignee_and_dispatcher_may_comment_others_may_not(
    order, director, worker, teacher, make_member
):
    assigned(order, director, worker)
    for who in (teacher, worker, director):
        services.comment(order, by=who, text="好的", photos=[photo()])
    with pytest.raises(PermissionDenied):
        services.comment(order, by=make_member(order.school, "staff"), text="?")
    assert sum(e.kind == "comment" for e in entries_for(order)) == 3

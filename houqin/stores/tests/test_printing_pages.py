"""The print shop's pages: a new job from a phone, my jobs, the queue, the job's page and its
buttons, the slip, the report with its export, quotas and settings."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from houqin.core.models import Attachment
from houqin.stores import services_printing as printing
from houqin.stores.models.printing import PrintJob, PrintJobStatus, PrintQuota, PrintShopSettings

from .printing_support import job, print_room

S = PrintJobStatus


@pytest.fixture
def room(school):
    return print_room(school, reams="100")


def _form(**extra):
    data = {
        "title": "三年级数学练习",
        "pages": "4",
        "copies": "45",
        "sides": "double",
        "paper_size": "A4",
        "needed_by": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(extra)
    return data


def test_teacher_sends_a_job_with_its_file_from_the_new_job_page(client, room):
    client.force_login(room.teacher)
    assert client.get(reverse("stores:printjob_add")).status_code == 200
    upload = SimpleUploadedFile("练习.txt", b"1+1=?", "text/plain")
    response = client.post(reverse("stores:printjob_add"), _form(file=upload))
    j = PrintJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("stores:printjob_detail", args=[j.pk])
    assert (j.status, j.pages, j.copies, j.requester) == (S.QUEUED, 4, 45, room.teacher)
    assert Attachment.objects.get().original_name == "练习.txt"


def test_a_refused_file_keeps_the_form_and_writes_nothing(client, room):
    client.force_login(room.teacher)
    upload = SimpleUploadedFile("evil.txt", b"MZ\x00\x00binary", "text/plain")
    response = client.post(reverse("stores:printjob_add"), _form(file=upload))
    assert response.status_code == 200
    assert not PrintJob.objects.exists()


def test_a_quota_refusal_is_shown_on_the_form(client, room):
    printing.set_quota(
        by=room.director, school=room.school, department=room.maths, term=room.term, pages=100
    )
    client.force_login(room.teacher)
    response = client.post(reverse("stores:printjob_add"), _form())
    assert response.status_code == 200
    assert "100 of its 100 pages left" in response.content.decode()
    assert not PrintJob.objects.exists()


def test_guard_cannot_open_the_new_job_page(client, room, school):
    from houqin import factories as f

    client.force_login(f.member(school, "guard"))
    assert client.get(reverse("stores:printjob_add")).status_code == 403


def test_only_the_print_room_opens_the_queue(client, room):
    client.force_login(room.teacher)
    assert client.get(reverse("stores:printjob_queue")).status_code == 403
    client.force_login(room.keeper)
    assert client.get(reverse("stores:printjob_queue")).status_code == 200


def test_queue_lists_open_jobs_soonest_first(client, room):
    later = job(room, title="后天要", needed_by=timezone.now() + timedelta(days=2))
    sooner = job(room, title="明早要", needed_by=timezone.now() + timedelta(hours=12))
    done = job(room, title="已完成")
    printing.finish(done, by=room.keeper)
    printing.collect(PrintJob.objects.get(pk=done.pk), by=room.keeper)
    body = _get(client, room.keeper, "stores:printjob_queue")
    assert body.index(sooner.number) < body.index(later.number)
    assert done.number not in body


def _get(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_keeper_marks_done_and_hands_over_from_the_jobs_page(client, room):
    j = job(room, pages=10, copies=10)
    client.force_login(room.keeper)
    body = client.get(reverse("stores:printjob_detail", args=[j.pk])).content.decode()
    assert 'value="50"' in body  # the sheets, computed: 5 a copy × 10
    url = reverse("stores:printjob_action", args=[j.pk, "finish"])
    client.post(url, {"finish-sheets_used": "55"})
    assert PrintJob.objects.get(pk=j.pk).sheets_used == 55
    client.post(
        reverse("stores:printjob_action", args=[j.pk, "collect"]),
        {"collect-collector_name": "数学组长"},
    )
    j = PrintJob.objects.get(pk=j.pk)
    assert j.status == S.COLLECTED
    assert j.collected_by_name == "数学组长"
    body = client.get(reverse("stores:printjob_detail", args=[j.pk])).content.decode()
    assert "not the requester" in body


def test_not_enough_paper_is_shown_as_a_message(client, room):
    j = job(room, pages=1000, copies=200)  # 100,000 sheets: 200 reams
    client.force_login(room.keeper)
    response = client.post(
        reverse("stores:printjob_action", args=[j.pk, "finish"]),
        {"finish-sheets_used": "100000"},
        follow=True,
    )
    assert "Only 100" in response.content.decode()
    assert PrintJob.objects.get(pk=j.pk).status == S.QUEUED


def test_teacher_sees_no_print_room_buttons(client, room):
    j = job(room)
    body = _get(client, room.teacher, "stores:printjob_detail", j.pk)
    assert "action-finish" not in body
    assert "action-cancel" in body
    client.post(reverse("stores:printjob_action", args=[j.pk, "finish"]), {})
    assert PrintJob.objects.get(pk=j.pk).status == S.QUEUED


def test_returned_job_is_changed_on_its_edit_page_and_resubmitted(client, room):
    from houqin.core import approvals

    j = job(room, is_outside=True, outside_for="社区")
    approvals.return_for_changes(j, by=room.director, reason="少印一些")
    client.force_login(room.teacher)
    response = client.post(
        reverse("stores:printjob_edit", args=[j.pk]),
        _form(copies="20", is_outside="on", outside_for="社区"),
    )
    assert response.status_code == 302
    client.post(reverse("stores:printjob_action", args=[j.pk, "resubmit"]))
    j = PrintJob.objects.get(pk=j.pk)
    assert (j.copies, j.status) == (20, S.PENDING)


def test_colleague_cannot_edit_a_returned_job(client, room):
    from houqin.core import approvals

    j = job(room, is_outside=True, outside_for="社区")
    approvals.return_for_changes(j, by=room.director, reason="x")
    client.force_login(room.colleague)
    assert client.get(reverse("stores:printjob_edit", args=[j.pk])).status_code == 404


def test_the_slip_prints_the_job(client, room):
    j = job(room, title="课堂练习")
    body = _get(client, room.keeper, "stores:printjob_slip", j.pk)
    assert j.number in body and "课堂练习" in body


def test_my_jobs_lists_only_mine(client, room):
    mine = job(room)
    theirs = job(room, by=room.colleague)
    body = _get(client, room.teacher, "stores:printjob_mine")
    assert mine.number in body and theirs.number not in body


@pytest.mark.parametrize(
    "name", ["stores:printjob_list", "stores:printjob_queue", "stores:printjob_mine"]
)
def test_lists_run_a_fixed_number_of_queries(client, room, name, django_assert_max_num_queries):
    for _ in range(3):
        job(room, by=room.keeper, requester=room.teacher)
    client.force_login(room.keeper)
    url = reverse(name)
    client.get(url)
    with django_assert_max_num_queries(16) as first:
        assert client.get(url).status_code == 200
    for _ in range(6):
        job(room, by=room.keeper, requester=room.teacher, is_confidential=True)
    with django_assert_max_num_queries(len(first)):
        assert client.get(url).status_code == 200


def test_volume_report_and_its_export(client, room):
    j = job(room, pages=10, copies=10)
    printing.finish(j, by=room.keeper)
    body = _get(client, room.director, "stores:printjob_report")
    assert "数学组" in body and "100" in body
    client.force_login(room.director)
    response = client.get(reverse("stores:printjob_report") + f"?term={room.term.pk}&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_teacher_cannot_open_the_volume_report(client, room):
    client.force_login(room.teacher)
    assert client.get(reverse("stores:printjob_report")).status_code == 403


def test_director_sets_a_quota_on_the_quota_pages(client, room):
    client.force_login(room.director)
    response = client.post(
        reverse("stores:printquota_add"),
        {"department": room.maths.pk, "term": room.term.pk, "pages": "5000"},
    )
    assert response.status_code == 302
    assert PrintQuota.objects.get().pages == 5000
    body = _get(client, room.director, "stores:printquota_list")
    assert "5000" in body or "5,000" in body


def test_director_chooses_the_print_room_store(client, room, school):
    from houqin.stores.models import Store

    other = Store.objects.create(school=school, name="备用仓")
    client.force_login(room.director)
    response = client.post(reverse("stores:printshop_settings"), {"store": other.pk})
    assert response.status_code == 302
    assert PrintShopSettings.objects.get(school=school).store == other
    assert printing.print_room_store(school.pk) == other


def test_teacher_cannot_change_the_print_shop_settings(client, room):
    client.force_login(room.teacher)
    assert client.get(reverse("stores:printshop_settings")).status_code == 403


def test_late_jobs_stand_out_in_the_queue(client, room):
    late = job(room, needed_by=timezone.now() - timedelta(hours=1))
    body = _get(client, room.keeper, "stores:printjob_queue")
    row = body[: body.index(late.number)].rsplit("<tr", 1)[1]
    assert "table-danger" in row


def test_print_room_to_do_lists_jobs_to_print_and_costs_others_nothing(
    room, django_assert_num_queries
):
    from houqin.core import todo
    from houqin.core.scoping import access_for

    queued = job(room)
    items = todo.collect(access_for(room.keeper))
    assert queued.number in [item.number for item in items]
    source = next(s for s in todo.sources() if s.key == "stores.printjobs")
    teacher = access_for(room.teacher)
    # Nothing of the print room to count for a teacher: no subquery in the page's to-do count.
    with django_assert_num_queries(0):
        assert source.counted(teacher) is None
    assert todo.count_of(source, access_for(room.keeper)) == 1

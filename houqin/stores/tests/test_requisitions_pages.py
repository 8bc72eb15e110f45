"""Requisition pages: ask on the form, approve on the detail page, issue from the keeper's
queue, confirm; quotas page; lists with bounded queries; another school's are unreachable."""

from datetime import date

import pytest
from django.urls import reverse

from houqin import factories as f
from houqin.core import approvals
from houqin.stores import ledger
from houqin.stores import services_requisitions as reqs
from houqin.stores.models.requisitions import Requisition, RequisitionQuota, RequisitionStatus

from .counts_support import D, department_with_head, stocked, term_of

pytestmark = pytest.mark.django_db
Status = RequisitionStatus


@pytest.fixture
def keeper(school):
    return f.member(school, "keeper", username="keeper")


@pytest.fixture
def office(school):
    return department_with_head(school, "教务处", "head")[0]


@pytest.fixture
def asker(school, office):
    return f.member(school, "staff", department=office, username="asker")


@pytest.fixture
def pens(school, keeper):
    return stocked(school, keeper, "签字笔", 10, "2.00")


def _formset(rows, total=5):
    data = {
        "lines-TOTAL_FORMS": str(total),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for n, (item, quantity) in enumerate(rows):
        data[f"lines-{n}-item"] = str(item.pk)
        data[f"lines-{n}-quantity"] = str(quantity)
    return data


def _approved(asker, office, *lines):
    requisition = reqs.create(
        by=asker, department=office, purpose="教研活动", lines=list(lines), submit_now=True
    )
    approvals.approve(requisition, by=office.head)
    return requisition


def test_teacher_asks_for_items_on_the_form(client, asker, office, pens):
    client.force_login(asker)
    form = client.get(reverse("stores:requisition_add"))
    assert form.status_code == 200
    assert "签字笔" in form.content.decode()
    response = client.post(
        reverse("stores:requisition_add"),
        {"department": office.pk, "purpose": "教研活动", "submit": "1", **_formset([(pens, 3)])},
    )
    requisition = Requisition.objects.get()
    assert response.status_code == 302
    assert requisition.status == Status.PENDING
    assert requisition.lines.get().quantity == D(3)


def test_form_without_items_says_so_and_saves_nothing(client, asker, office, pens):
    client.force_login(asker)
    response = client.post(
        reverse("stores:requisition_add"),
        {"department": office.pk, "purpose": "教研活动", "submit": "1", **_formset([])},
    )
    assert response.status_code == 200
    assert "at least one item" in response.content.decode()
    assert not Requisition.objects.exists()


def test_teacher_edits_a_draft(client, asker, office, pens):
    requisition = reqs.create(by=asker, department=office, purpose="x", lines=[(pens, 1)])
    client.force_login(asker)
    assert client.get(reverse("stores:requisition_edit", args=[requisition.pk])).status_code == 200
    client.post(
        reverse("stores:requisition_edit", args=[requisition.pk]),
        {"department": office.pk, "purpose": "改了", "save": "1", **_formset([(pens, 2)])},
    )
    requisition.refresh_from_db()
    assert requisition.purpose == "改了"
    assert requisition.status == Status.DRAFT
    assert requisition.lines.get().quantity == D(2)


def test_head_approves_from_the_detail_page(client, asker, office, pens):
    requisition = reqs.create(
        by=asker, department=office, purpose="x", lines=[(pens, 1)], submit_now=True
    )
    client.force_login(office.head)
    page = client.get(requisition.get_absolute_url())
    assert page.status_code == 200
    assert "approval" in page.content.decode().lower()


def test_keeper_issues_part_from_the_queue_then_the_rest(client, keeper, asker, office, pens):
    requisition = _approved(asker, office, (pens, 6))
    line = requisition.lines.get()
    client.force_login(keeper)
    queue = client.get(reverse("stores:requisition_queue"))
    assert requisition.number in queue.content.decode()
    assert client.get(reverse("stores:requisition_issue", args=[requisition.pk])).status_code == 200
    client.post(reverse("stores:requisition_issue", args=[requisition.pk]), {f"q-{line.pk}": "4"})
    requisition.refresh_from_db()
    assert requisition.status == Status.PARTIAL
    assert ledger.on_hand(pens) == D(6)
    client.post(reverse("stores:requisition_issue", args=[requisition.pk]), {f"q-{line.pk}": "2"})
    requisition.refresh_from_db()
    assert requisition.status == Status.ISSUED
    queue = client.get(reverse("stores:requisition_queue")).content.decode()
    assert reverse("stores:requisition_issue", args=[requisition.pk]) not in queue


def test_issuing_more_than_on_hand_shows_the_message_and_writes_nothing(
    client, keeper, asker, office, pens, school
):
    requisition = _approved(asker, office, (pens, 8))
    ledger.issue(item=pens, store=requisition.store, quantity=5, by=keeper)
    client.force_login(keeper)
    response = client.post(
        reverse("stores:requisition_issue", args=[requisition.pk]),
        {f"q-{requisition.lines.get().pk}": "8"},
    )
    assert response.status_code == 200
    assert "Only 5 支 of 签字笔" in response.content.decode()
    assert ledger.on_hand(pens) == D(5)


def test_requester_confirms_receipt_on_the_page(client, keeper, asker, office, pens):
    requisition = _approved(asker, office, (pens, 1))
    reqs.issue(requisition, {requisition.lines.get().pk: 1}, by=keeper)
    client.force_login(asker)
    client.post(reverse("stores:requisition_action", args=[requisition.pk, "confirm"]))
    requisition.refresh_from_db()
    assert requisition.status == Status.RECEIVED


def test_keeper_closes_the_rest_with_a_reason(client, keeper, asker, office, pens):
    requisition = _approved(asker, office, (pens, 1))
    client.force_login(keeper)
    response = client.post(
        reverse("stores:requisition_action", args=[requisition.pk, "close"]), follow=True
    )
    assert "Give a reason" in response.content.decode()
    client.post(
        reverse("stores:requisition_action", args=[requisition.pk, "close"]), {"reason": "缺货"}
    )
    requisition.refresh_from_db()
    assert requisition.status == Status.CLOSED


def test_teacher_cannot_open_the_queue_or_issue(client, asker, office, pens):
    requisition = _approved(asker, office, (pens, 1))
    client.force_login(asker)
    assert client.get(reverse("stores:requisition_queue")).status_code == 403
    assert client.get(reverse("stores:requisition_issue", args=[requisition.pk])).status_code == 403


def test_colleague_cannot_open_anothers_requisition(client, school, asker, office, pens):
    requisition = _approved(asker, office, (pens, 1))
    other = department_with_head(school, "总务处", "other_head")[0]
    client.force_login(f.member(school, "staff", department=other, username="nosy"))
    assert client.get(requisition.get_absolute_url()).status_code == 404


def test_another_schools_keeper_cannot_reach_the_requisition(
    client, other_school, asker, office, pens
):
    requisition = _approved(asker, office, (pens, 1))
    client.force_login(f.member(other_school, "keeper", username="stranger"))
    assert client.get(requisition.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("stores:requisition_issue", args=[requisition.pk]),
        {f"q-{requisition.lines.get().pk}": "1"},
    )
    assert response.status_code == 404
    assert ledger.on_hand(pens) == D(10)


def test_lists_run_a_bounded_number_of_queries(
    client, school, keeper, asker, office, pens, django_assert_max_num_queries
):
    paper = stocked(school, keeper, "A4纸", 50, "20.00")
    for _ in range(6):
        _approved(asker, office, (pens, 1), (paper, 1))
    client.force_login(keeper)
    for name in ("stores:requisition_list", "stores:requisition_queue"):
        with django_assert_max_num_queries(20):
            response = client.get(reverse(name))
        assert response.status_code == 200
        assert response.content.decode().count("LY-") >= 6
    client.force_login(asker)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("stores:requisition_list") + "?mine=true").status_code == 200


def test_list_exports_to_excel(client, keeper, asker, office, pens):
    _approved(asker, office, (pens, 1))
    client.force_login(keeper)
    response = client.get(reverse("stores:requisition_list") + "?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(".xlsx")


def test_director_sets_a_quota_on_the_quotas_page(client, school, office, pens):
    boss = f.member(school, "director", username="boss")
    term = term_of(school, start=date(2026, 9, 1), end=date(2027, 1, 31))
    client.force_login(boss)
    assert client.get(reverse("stores:quota_add")).status_code == 200
    response = client.post(
        reverse("stores:quota_add"),
        {"department": office.pk, "term": term.pk, "item": pens.pk, "quantity": "20"},
    )
    assert response.status_code == 302
    quota = RequisitionQuota.objects.get()
    assert quota.quantity == D(20)
    assert "签字笔" in client.get(reverse("stores:quota_list")).content.decode()
    both = client.post(
        reverse("stores:quota_edit", args=[quota.pk]),
        {"department": office.pk, "term": term.pk, "quantity": "20"},
    )
    assert both.status_code == 200  # neither item nor category: refused on the form
    client.post(reverse("stores:quota_delete", args=[quota.pk]))
    assert not RequisitionQuota.objects.exists()


def test_keeper_cannot_set_quotas(client, keeper):
    client.force_login(keeper)
    assert client.get(reverse("stores:quota_list")).status_code == 200
    assert client.get(reverse("stores:quota_add")).status_code == 403


def test_keeper_exports_what_is_left_to_issue(client, keeper, asker, office, pens):
    from io import BytesIO

    from openpyxl import load_workbook

    requisition = _approved(asker, office, (pens, 6))
    reqs.issue(requisition, {requisition.lines.get().pk: 2}, by=keeper)
    client.force_login(keeper)
    response = client.get(reverse("stores:requisition_queue") + "?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row]
    assert "签字笔 × 4 支" in cells

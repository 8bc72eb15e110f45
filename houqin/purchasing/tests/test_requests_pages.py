"""Purchase request pages: who sees which request, the form with its line editor, the detail
page with budget, quotes and approval, the printed form, the rules, restocking in one click."""

from decimal import Decimal

import pytest
from django.urls import reverse

from houqin.core import approvals
from houqin.purchasing import services_requests as requests
from houqin.purchasing.models import PurchaseRequest, PurchasingSettings, RequestStatus

from .requests_support import approve_all, budget, draft, make_people, service_line, submitted
from .requests_support import vendors as make_vendors

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(school):
    return make_people(school)


def numbers_on(response) -> set[str]:
    content = response.content.decode()
    return {r.number for r in PurchaseRequest.objects.all() if r.number in content}


def test_a_teacher_sees_their_own_requests_and_the_head_their_departments(client, people):
    mine = draft(people, service_line("100"))
    colleague = member_request(people)
    other_dept = draft(people, service_line("300"), by=people.other_head)

    client.force_login(people.teacher)
    assert numbers_on(client.get(reverse("purchasing:request_list"))) == {mine.number}
    client.force_login(people.head)
    assert numbers_on(client.get(reverse("purchasing:request_list"))) == {
        mine.number,
        colleague.number,
    }
    client.force_login(people.director)
    assert numbers_on(client.get(reverse("purchasing:request_list"))) == {
        mine.number,
        colleague.number,
        other_dept.number,
    }


def member_request(people):
    from houqin.factories import member

    colleague = member(people.school, "staff", department=people.department, username="colleague")
    return draft(people, service_line("200"), by=colleague)


def test_another_departments_request_is_not_found(client, people):
    other = draft(people, service_line("300"), by=people.other_head)
    client.force_login(people.teacher)
    assert client.get(reverse("purchasing:request_detail", args=[other.pk])).status_code == 404


def test_an_approver_of_another_department_opens_the_request_they_decide(client, people):
    request, _flow = submitted(people, service_line("8000"))
    approve_all(request, people.head)
    client.force_login(people.principal)  # a reader of everything
    assert client.get(reverse("purchasing:request_detail", args=[request.pk])).status_code == 200


def test_the_list_runs_a_bounded_number_of_queries(client, people, django_assert_max_num_queries):
    for n in range(12):
        draft(people, service_line(100 + n))
    client.force_login(people.director)
    client.get(reverse("purchasing:request_list"))  # warm caches (content types, sessions)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("purchasing:request_list") + "?status=draft&q=教室")
    assert response.status_code == 200
    assert len(numbers_on(response)) == 12


def test_the_list_exports_to_excel(client, people):
    draft(people, service_line("100"))
    client.force_login(people.director)
    response = client.get(reverse("purchasing:request_list") + "?export=xlsx")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]


def form_data(people, *lines, **extra):
    data = {
        "department": people.department.pk,
        "title": "理化生实验耗材",
        "reason": "下学期分组实验",
        "needed_by": "2026-09-01",
        "budget_category": people.category.pk,
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
    }
    for index, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{index}-{key}"] = value
    data.update(extra)
    return data


def test_a_teacher_drafts_and_sends_a_request_from_the_form(client, people):
    client.force_login(people.teacher)
    assert client.get(reverse("purchasing:request_add")).status_code == 200
    lines = [
        {"description": "烧杯 500ml", "kind": "service", "quantity": "20", "unit": "个",
         "estimated_price": "12.5"},
        {"description": "", "kind": "stock", "quantity": "", "unit": "", "estimated_price": ""},
        {"description": "酒精灯", "kind": "service", "quantity": "10", "unit": "个",
         "estimated_price": "8"},
    ]  # fmt: skip

    response = client.post(reverse("purchasing:request_add"), form_data(people, *lines, submit="1"))

    request = PurchaseRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("purchasing:request_detail", args=[request.pk])
    assert request.status == RequestStatus.SUBMITTED
    assert request.estimated_total == Decimal("330.00")
    assert request.lines.count() == 2  # the blank row is left out


def test_add_a_line_posts_back_with_one_more_row_and_saves_nothing(client, people):
    client.force_login(people.teacher)
    line = {"description": "烧杯", "kind": "service", "quantity": "2", "unit": "个",
            "estimated_price": "5"}  # fmt: skip
    response = client.post(reverse("purchasing:request_add"), form_data(people, line, add_line="1"))
    assert response.status_code == 200
    assert 'name="lines-TOTAL_FORMS" value="2"' in response.content.decode()
    assert not PurchaseRequest.objects.exists()


def test_a_bad_line_is_shown_on_the_form_and_nothing_is_saved(client, people):
    client.force_login(people.teacher)
    line = {"description": "烧杯", "kind": "service", "quantity": "2", "unit": "个",
            "estimated_price": ""}  # fmt: skip
    response = client.post(reverse("purchasing:request_add"), form_data(people, line))
    assert response.status_code == 200
    assert "Line 1" in response.content.decode()
    assert not PurchaseRequest.objects.exists()


def test_a_returned_request_is_edited_and_resubmitted_from_the_pages(client, people):
    request, _flow = submitted(people, service_line("800"))
    approvals.return_for_changes(request, by=people.head, reason="请写明规格")
    client.force_login(people.teacher)
    edit = reverse("purchasing:request_edit", args=[request.pk])
    assert client.get(edit).status_code == 200
    line = {"description": "课桌椅维修", "specification": "双人桌", "kind": "service",
            "quantity": "1", "unit": "项", "estimated_price": "800"}  # fmt: skip
    client.post(edit, form_data(people, line, submit="1"))
    request.refresh_from_db()

    assert request.status == RequestStatus.SUBMITTED
    assert request.lines.get().specification == "双人桌"
    assert approvals.flow_for(request).round == 2


def test_someone_else_cannot_edit_a_draft(client, people):
    request = draft(people, service_line("800"))
    client.force_login(people.head)
    assert client.get(reverse("purchasing:request_edit", args=[request.pk])).status_code == 403


def test_the_detail_page_shows_budget_quotes_and_approval(client, people):
    budget(people, "50000")
    request, _flow = submitted(people, service_line("6000"))
    approve_all(request, people.head, people.director)
    a, b, c = make_vendors(people.school)
    requests.add_quote(request, by=people.clerk, vendor=a, amount="5900")
    client.force_login(people.clerk)

    response = client.get(reverse("purchasing:request_detail", args=[request.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "50000" in content  # the budget
    assert "供应商1" in content
    assert "1 of 3 quotes" in content
    assert reverse("purchasing:request_action", args=[request.pk, "quote"]) in content


def test_logistics_records_and_chooses_quotes_from_the_page(client, people):
    request, _flow = submitted(people, service_line("6000"))
    approve_all(request, people.head, people.director)
    vendor = make_vendors(people.school, 1)[0]
    client.force_login(people.clerk)
    client.post(
        reverse("purchasing:request_action", args=[request.pk, "quote"]),
        {"quote-vendor": vendor.pk, "quote-amount": "5800", "quote-quoted_on": "2026-05-01"},
    )
    quote = request.quotes.get()
    client.post(
        reverse("purchasing:request_action", args=[request.pk, "choose"]),
        {"choose-quote": quote.pk},
    )
    request.refresh_from_db()
    assert request.chosen_quote == quote


def test_a_teacher_cannot_record_a_quote_from_the_page(client, people):
    request, _flow = submitted(people, service_line("6000"))
    vendor = make_vendors(people.school, 1)[0]
    client.force_login(people.teacher)
    response = client.post(
        reverse("purchasing:request_action", args=[request.pk, "quote"]),
        {"quote-vendor": vendor.pk, "quote-amount": "5800"},
        follow=True,
    )
    assert "Only logistics" in response.content.decode()
    assert not request.quotes.exists()


def test_the_request_form_prints_with_signature_boxes(client, people):
    request, _flow = submitted(people, service_line("800"))
    client.force_login(people.teacher)
    response = client.get(reverse("purchasing:request_print", args=[request.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert request.number in content
    assert "Department head" in content


def test_the_requester_cancels_a_draft_from_the_page(client, people):
    request = draft(people, service_line("800"))
    client.force_login(people.teacher)
    client.post(
        reverse("purchasing:request_action", args=[request.pk, "cancel"]),
        {"cancel-reason": "不需要了"},
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED


def test_logistics_sets_the_purchasing_rules_and_a_teacher_cannot(client, people):
    client.force_login(people.teacher)
    assert client.get(reverse("purchasing:purchasing_settings")).status_code == 403
    client.force_login(people.director)
    response = client.post(
        reverse("purchasing:purchasing_settings"),
        {"quote_threshold": "8000", "quotes_required": "2", "missing_budget_is_over": "on"},
    )
    assert response.status_code == 302
    rules = PurchasingSettings.for_school(people.school)
    assert (rules.quote_threshold, rules.quotes_required, rules.missing_budget_is_over) == (
        Decimal("8000.00"),
        2,
        True,
    )


def test_reorder_suggestions_become_one_draft_request_in_one_click(client, people):
    from houqin.stores.models import Item

    paper = Item.objects.create(
        school=people.school,
        code="P-A4",
        name="A4复印纸",
        unit="箱",
        reference_price=Decimal("125"),
    )
    toner = Item.objects.create(
        school=people.school, code="T-01", name="硒鼓", unit="个", reference_price=Decimal("380")
    )
    clerk_dept = people.other_department
    from houqin.factories import member

    keeper = member(people.school, "clerk", department=clerk_dept, username="buyer")
    client.force_login(keeper)

    response = client.post(
        reverse("purchasing:request_from_reorder"),
        {"item": [paper.pk, toner.pk], f"quantity_{paper.pk}": "20", f"quantity_{toner.pk}": "3"},
    )

    request = PurchaseRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("purchasing:request_edit", args=[request.pk])
    assert request.status == RequestStatus.DRAFT
    assert request.department == clerk_dept
    assert request.estimated_total == Decimal("3640.00")  # 20 × 125 + 3 × 380


def test_a_teacher_cannot_restock_from_the_reorder_list(client, people):
    client.force_login(people.teacher)
    assert client.post(reverse("purchasing:request_from_reorder"), {}).status_code == 403


def test_the_keeper_drafts_a_restock_for_their_department(client, people):
    from houqin.factories import member
    from houqin.stores.models import Item

    glue = Item.objects.create(
        school=people.school, code="G-1", name="固体胶", unit="支", reference_price=Decimal("2.5")
    )
    keeper = member(people.school, "keeper", department=people.other_department, username="kp")
    client.force_login(keeper)
    client.post(
        reverse("purchasing:request_from_reorder"), {"item": [glue.pk], f"quantity_{glue.pk}": "40"}
    )
    request = PurchaseRequest.objects.get()
    assert (request.requested_by, request.estimated_total) == (keeper, Decimal("100.00"))

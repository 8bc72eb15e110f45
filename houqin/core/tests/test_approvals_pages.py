import pytest
from django.urls import reverse

from houqin.core import todo
from houqin.core.models import ApprovalDecision, ApprovalFlow
from houqin.core.scoping import access_for
from houqin.testdocs.testing import make_people, purchase_policy, submitted


@pytest.fixture
def people(school):
    purchase_policy(school)
    return make_people(school)


def test_inbox_lists_what_waits_for_me_only(client, people):
    request, flow = submitted(people, "100", title="买粉笔")
    client.force_login(people.head)
    page = client.get(reverse("approval_inbox")).content.decode()
    assert "买粉笔" in page
    client.force_login(people.other_head)
    assert "买粉笔" not in client.get(reverse("approval_inbox")).content.decode()


def test_inbox_runs_a_bounded_number_of_queries(client, people, django_assert_max_num_queries):
    for _ in range(3):
        submitted(people, "100")
    client.force_login(people.head)
    with django_assert_max_num_queries(12):
        client.get(reverse("approval_inbox"))
    for _ in range(10):
        submitted(people, "100")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("approval_inbox"))
    assert len(response.context["rows"]) == 13


def test_approver_approves_with_a_form_post(client, people):
    request, flow = submitted(people, "100")
    client.force_login(people.head)
    response = client.post(
        reverse("approval_approve", args=[flow.pk]), {"comment": "同意", "version": flow.version}
    )
    assert response.status_code == 302
    assert ApprovalFlow.objects.get(pk=flow.pk).status == "approved"


def test_rejecting_without_a_reason_shows_the_error_in_the_panel(client, people):
    request, flow = submitted(people, "100")
    client.force_login(people.head)
    response = client.post(
        reverse("approval_reject", args=[flow.pk]),
        {"reason": "", "version": flow.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    assert ApprovalFlow.objects.get(pk=flow.pk).status == "pending"


def test_return_with_htmx_answers_the_refreshed_panel(client, people):
    request, flow = submitted(people, "100")
    client.force_login(people.head)
    response = client.post(
        reverse("approval_return", args=[flow.pk]),
        {"reason": "请补充", "version": flow.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert ApprovalFlow.objects.get(pk=flow.pk).status == "returned"
    assert "请补充" in response.content.decode()


def test_requester_sees_the_approval_but_no_buttons(client, people):
    request, flow = submitted(people, "100")
    client.force_login(people.teacher)
    page = client.get(reverse("approval_detail", args=[flow.pk])).content.decode()
    assert reverse("approval_approve", args=[flow.pk]) not in page
    client.force_login(people.head)
    page = client.get(reverse("approval_panel", args=[flow.pk])).content.decode()
    assert reverse("approval_approve", args=[flow.pk]) in page


def test_stranger_of_the_same_school_gets_404(client, people):
    request, flow = submitted(people, "100")
    client.force_login(people.other_head)
    assert client.get(reverse("approval_detail", args=[flow.pk])).status_code == 404


def test_another_schools_approver_gets_404_and_changes_nothing(client, people, other_school):
    others = make_people(other_school, prefix="b")
    request, flow = submitted(people, "8000")
    client.force_login(others.director)
    for name in ("approval_detail", "approval_panel"):
        assert client.get(reverse(name, args=[flow.pk])).status_code == 404
    for name in ("approval_approve", "approval_reject", "approval_return"):
        response = client.post(reverse(name, args=[flow.pk]), {"reason": "x", "comment": "x"})
        assert response.status_code == 404
    assert not ApprovalDecision.objects.filter(flow=flow).exists()


def test_approvals_waiting_for_me_are_on_my_to_do_list(people):
    submitted(people, "100", title="买粉笔")
    access = access_for(people.head)
    assert todo.count(access) >= 1
    items = [i for i in todo.collect(access) if i.source == "core.approvals"]
    assert [i.title for i in items] == ["买粉笔"]
    theirs = todo.collect(access_for(people.teacher))
    assert all(i.source != "core.approvals" for i in theirs)


def test_a_page_including_the_panel_by_flow_loads_it_with_htmx(people):
    from django.template.loader import render_to_string

    request, flow = submitted(people, "100")
    html = render_to_string("core/approvals/panel.html", {"flow": flow})
    assert f'hx-get="{reverse("approval_panel", args=[flow.pk])}"' in html
    assert reverse("approval_detail", args=[flow.pk]) in html

"""A logistics director sets up approval policies and people delegate their approvals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin import factories as f
from houqin.core import approvals
from houqin.core.approval_settings import add_delegation, change_policy, end_delegation
from houqin.core.models import ApprovalDecision, ApprovalPolicy, Delegation
from houqin.testdocs.testing import DOC_TYPE, make_people, purchase_policy, submitted

EDIT_URL = reverse("approval_policy_edit", args=[DOC_TYPE])


@pytest.fixture
def people(school):
    purchase_policy(school)
    return make_people(school)


def steps_post(steps, *, name="采购审批（新）", based_on=None, **extra):
    """Form data of the policy editor for ``steps`` (dicts of the row fields)."""
    data = {
        "name": name,
        "based_on": "" if based_on is None else str(based_on),
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for i, step in enumerate(steps):
        for key, value in step.items():
            if key == "collective_decision":
                if value:
                    data[f"steps-{i}-{key}"] = "on"
            else:
                data[f"steps-{i}-{key}"] = value
    return data


NEW_STEPS = [
    {"kind": "department_head", "fallback_role": "director"},
    {"kind": "role", "role": "director", "min_amount": "1000"},
    {"kind": "role", "role": "principal", "min_amount": "20000", "collective_decision": True},
]


def active(school):
    return ApprovalPolicy.objects.get(school=school, doc_type=DOC_TYPE, is_active=True)


# ---------------------------------------------------------------- policies


def test_director_edits_the_purchase_policy_and_later_flows_use_the_new_steps(client, people):
    old = active(people.school)
    # Under the old policy ¥2,000 needs only the department head.
    _, before = submitted(people, "2000", title="旧规则")
    assert [s["role"] for s in before.plan] == [""]

    client.force_login(people.director)
    response = client.post(EDIT_URL, steps_post(NEW_STEPS, based_on=old.pk))

    assert response.status_code == 302
    new = active(people.school)
    assert new.pk != old.pk and new.name == "采购审批（新）"
    old.refresh_from_db()
    assert not old.is_active
    steps = list(new.steps.order_by("order"))
    assert [(s.kind, s.role, s.min_amount) for s in steps] == [
        ("department_head", "", None),
        ("role", "director", Decimal("1000")),
        ("role", "principal", Decimal("20000")),
    ]
    assert steps[0].fallback_role == "director" and steps[2].collective_decision
    _, after = submitted(people, "2000", title="新规则")
    assert [s["role"] for s in after.plan] == ["", "director"]
    # The flow already under way keeps the steps it started with.
    before.refresh_from_db()
    assert len(before.plan) == 1


def test_editor_shows_the_active_steps_of_the_school(client, people):
    client.force_login(people.director)
    response = client.get(EDIT_URL)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert [form.initial.get("role") for form in formset.forms] == ["", "director", "principal"]
    assert response.context["head"].initial["based_on"] == active(people.school).pk


def test_teacher_may_not_open_or_save_the_policy_editor(client, people):
    old = active(people.school)
    client.force_login(people.teacher)
    assert client.get(EDIT_URL).status_code == 403
    assert client.post(EDIT_URL, steps_post(NEW_STEPS, based_on=old.pk)).status_code == 403
    assert active(people.school).pk == old.pk


def test_teacher_sees_the_policies_without_edit_buttons(client, people):
    client.force_login(people.teacher)
    page = client.get(reverse("approval_policy_list")).content.decode()
    assert "采购审批" in page
    assert EDIT_URL not in page


def test_lower_amount_not_below_upper_amount_is_refused_and_nothing_changes(client, people):
    old = active(people.school)
    count = ApprovalPolicy.objects.count()
    client.force_login(people.director)
    steps = [{"kind": "role", "role": "director", "min_amount": "5000", "max_amount": "5000"}]
    response = client.post(EDIT_URL, steps_post(steps, based_on=old.pk))
    assert response.status_code == 200
    assert "must be greater than the lower amount" in response.content.decode()
    assert ApprovalPolicy.objects.count() == count
    assert active(people.school).pk == old.pk


def test_role_step_without_a_role_is_refused(client, people):
    old = active(people.school)
    client.force_login(people.director)
    response = client.post(
        EDIT_URL,
        steps_post([{"kind": "role", "max_amount": "5000"}, NEW_STEPS[0]], based_on=old.pk),
    )
    assert response.status_code == 200
    assert "Choose the role that approves this step." in response.content.decode()
    assert active(people.school).pk == old.pk


def test_a_policy_without_steps_is_refused(client, people):
    old = active(people.school)
    client.force_login(people.director)
    # One untouched blank row is no step.
    response = client.post(EDIT_URL, steps_post([{"kind": "role"}], based_on=old.pk))
    assert "at least one approval step" in response.content.decode()
    assert active(people.school).pk == old.pk


def test_saving_over_a_version_changed_meanwhile_is_refused(client, people):
    old = active(people.school)
    client.force_login(people.director)
    purchase_policy(people.school)  # someone else saved while the form was open
    newer = active(people.school)
    response = client.post(EDIT_URL, steps_post(NEW_STEPS, based_on=old.pk))
    assert "Someone else changed this policy" in response.content.decode()
    assert active(people.school).pk == newer.pk


def test_rows_are_added_moved_and_removed_without_saving(client, people):
    old = active(people.school)
    client.force_login(people.director)
    data = steps_post(NEW_STEPS, based_on=old.pk)

    added = client.post(EDIT_URL, {**data, "add_step": "1"})
    assert len(added.context["formset"].forms) == 4

    moved = client.post(EDIT_URL, {**data, "up": "2"})
    roles = [form["role"].value() for form in moved.context["formset"].forms]
    assert roles == [None, "principal", "director"]

    removed = client.post(EDIT_URL, {**data, "remove": "0"})
    kinds = [form["kind"].value() for form in removed.context["formset"].forms]
    assert kinds == ["role", "role"]
    assert active(people.school).pk == old.pk


def test_saving_does_not_touch_another_schools_policy(client, people, other_school):
    theirs = purchase_policy(other_school)
    client.force_login(people.director)
    client.post(EDIT_URL, steps_post(NEW_STEPS, based_on=active(people.school).pk))
    theirs.refresh_from_db()
    assert theirs.is_active
    assert active(other_school).pk == theirs.pk


def test_another_schools_policy_is_not_visible(client, people, other_school):
    from houqin.core.approvals import set_policy

    set_policy(
        school=other_school,
        doc_type=DOC_TYPE,
        name="乙校审批",
        steps=[{"kind": "role", "role": "principal", "name": "乙校校长"}],
    )
    client.force_login(people.director)
    page = client.get(reverse("approval_policy_list")).content.decode()
    assert "采购审批" in page
    assert "乙校" not in page
    editor = client.get(EDIT_URL).content.decode()
    assert "乙校" not in editor


def test_list_shows_older_versions_read_only(client, people):
    purchase_policy(people.school, steps=[approvals.StepSpec(kind="role", role="principal")])
    client.force_login(people.director)
    response = client.get(reverse("approval_policy_list"))
    row = next(r for r in response.context["rows"] if r.doc_type == DOC_TYPE)
    assert [s.approver for s in row.active.steps] == ["Principal"]
    assert len(row.older) == 1 and row.older[0].active_until == row.active.active_from
    assert "1 earlier version" in response.content.decode()


def test_a_type_without_policy_offers_set_up(client, school, director):
    client.force_login(director)
    page = client.get(reverse("approval_policy_list")).content.decode()
    assert "Set up" in page and EDIT_URL in page


def test_change_policy_refuses_a_teacher(people):
    with pytest.raises(approvals.PermissionDenied):
        change_policy(
            by=people.teacher,
            doc_type=DOC_TYPE,
            name="x",
            steps=[approvals.StepSpec(kind="role", role="director")],
            based_on=active(people.school).pk,
        )


def test_policy_list_runs_a_bounded_number_of_queries(
    client, people, django_assert_max_num_queries
):
    client.force_login(people.director)
    with django_assert_max_num_queries(13):
        client.get(reverse("approval_policy_list"))
    for _ in range(8):
        purchase_policy(people.school)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("approval_policy_list"))
    row = next(r for r in response.context["rows"] if r.doc_type == DOC_TYPE)
    assert len(row.older) == 5 and row.older_hidden == 3


# ---------------------------------------------------------------- delegations


def _colleague(people, username="colleague"):
    return f.member(people.school, "staff", username=username, full_name="同事")


def test_a_delegate_approves_for_the_department_head(client, people):
    colleague = _colleague(people)
    today = timezone.localdate()
    client.force_login(people.head)
    response = client.post(
        reverse("delegation_add"),
        {"to_user": colleague.pk, "start_date": today, "end_date": today + timedelta(days=3)},
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert delegation.from_user == people.head and delegation.school == people.school

    _, flow = submitted(people, "100")
    approvals.approve(flow, by=colleague, comment="代批")
    decision = ApprovalDecision.objects.get(flow=flow)
    assert decision.approver == colleague and decision.on_behalf_of == people.head


def test_ending_a_delegation_stops_the_delegate(client, people):
    colleague = _colleague(people)
    today = timezone.localdate()
    delegation = Delegation.objects.create(
        school=people.school,
        from_user=people.head,
        to_user=colleague,
        start_date=today - timedelta(days=2),
        end_date=today + timedelta(days=2),
    )
    _, flow = submitted(people, "100")
    assert approvals.can_act(flow, colleague)
    client.force_login(people.head)
    response = client.post(reverse("delegation_delete", args=[delegation.pk]))
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.end_date == today - timedelta(days=1)
    assert not approvals.can_act(flow, colleague)


def test_a_planned_delegation_is_removed_when_cancelled(people):
    today = timezone.localdate()
    delegation = add_delegation(
        by=people.head,
        to_user=_colleague(people),
        start_date=today + timedelta(days=5),
        end_date=today + timedelta(days=6),
    )
    assert end_delegation(delegation, by=people.head) is None
    assert not Delegation.objects.exists()


def test_the_delegate_cannot_end_someone_elses_delegation(client, people):
    colleague = _colleague(people)
    today = timezone.localdate()
    delegation = add_delegation(by=people.head, to_user=colleague, start_date=today, end_date=today)
    client.force_login(colleague)
    assert client.post(reverse("delegation_delete", args=[delegation.pk])).status_code == 403
    assert Delegation.objects.filter(pk=delegation.pk).exists()


def test_director_delegates_on_behalf_of_someone(client, people):
    colleague = _colleague(people)
    today = timezone.localdate()
    client.force_login(people.director)
    response = client.post(
        reverse("delegation_add"),
        {
            "from_user": people.head.pk,
            "to_user": colleague.pk,
            "start_date": today,
            "end_date": today,
        },
    )
    assert response.status_code == 302
    assert Delegation.objects.get().from_user == people.head


def test_teacher_cannot_delegate_for_someone_else(people):
    today = timezone.localdate()
    with pytest.raises(approvals.PermissionDenied):
        add_delegation(
            by=people.teacher,
            from_user=people.head,
            to_user=_colleague(people),
            start_date=today,
            end_date=today,
        )


def test_delegating_to_a_person_of_another_school_is_refused(client, people, other_school):
    stranger = f.member(other_school, "staff", username="stranger")
    today = timezone.localdate()
    client.force_login(people.head)
    response = client.post(
        reverse("delegation_add"),
        {"to_user": stranger.pk, "start_date": today, "end_date": today},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["to_user"]
    assert not Delegation.objects.exists()


def test_delegation_dates_out_of_order_are_refused(client, people):
    today = timezone.localdate()
    client.force_login(people.head)
    response = client.post(
        reverse("delegation_add"),
        {
            "to_user": _colleague(people).pk,
            "start_date": today + timedelta(days=3),
            "end_date": today + timedelta(days=1),
        },
    )
    assert "The last day cannot be before the first day." in response.content.decode()
    assert not Delegation.objects.exists()


def test_another_schools_delegation_cannot_be_ended(client, people, other_school):
    theirs = make_people(other_school, prefix="b-")
    today = timezone.localdate()
    delegation = add_delegation(
        by=theirs.head, to_user=theirs.teacher, start_date=today, end_date=today
    )
    client.force_login(people.director)
    assert client.post(reverse("delegation_delete", args=[delegation.pk])).status_code == 404
    assert "b-" not in client.get(reverse("delegation_list")).content.decode()
    assert Delegation.objects.filter(pk=delegation.pk, end_date=today).exists()


def test_delegation_list_shows_current_and_future_ones_only(client, people):
    colleague = _colleague(people)
    today = timezone.localdate()
    for start, end, note in (
        (-5, -1, "已结束"),
        (0, 1, "进行中"),
        (3, 4, "计划中"),
    ):
        Delegation.objects.create(
            school=people.school,
            from_user=people.head,
            to_user=colleague,
            start_date=today + timedelta(days=start),
            end_date=today + timedelta(days=end),
            note=note,
        )
    client.force_login(people.head)
    page = client.get(reverse("delegation_list")).content.decode()
    assert "进行中" in page and "计划中" in page
    assert "已结束" not in page


def test_delegation_list_runs_a_bounded_number_of_queries(
    client, people, django_assert_max_num_queries
):
    today = timezone.localdate()

    def add(n):
        for i in range(n):
            to_user = f.member(people.school, "staff")
            Delegation.objects.create(
                school=people.school,
                from_user=people.head,
                to_user=to_user,
                start_date=today,
                end_date=today + timedelta(days=i),
            )

    add(2)
    client.force_login(people.director)
    with django_assert_max_num_queries(13):
        client.get(reverse("delegation_list"))
    add(6)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("delegation_list"))
    assert len(response.context["rows"]) == 8

"""Approval settings pages: each document type's policy (with its history), the policy
editor, and delegations ("while I am away, my colleague approves for me").

The write services (``change_policy``, ``add_delegation``, ``end_delegation`` in
``houqin.core.approval_settings``) are the only way these pages change anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.http import require_http_methods

from houqin.core import approvals, documents
from houqin.core.approval_settings import (
    CHANGE_POLICY,
    MANAGE_DELEGATIONS,
    add_delegation,
    change_policy,
    end_delegation,
)
from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.forms_approvals import (
    DelegationForm,
    PolicyNameForm,
    initial_rows,
    rows_added,
    rows_swapped,
    rows_without,
    step_formset,
)
from houqin.core.models.approvals import ApprovalPolicy, ApprovalStep, Delegation
from houqin.core.views.generic import add_validation_error

# Older versions shown per document type; the rest stay in the database and its history.
OLDER_VERSIONS_SHOWN = 5
PAGE_SIZE = 50


# ---------------------------------------------------------------- display


def _money(value) -> str:
    return f"¥{number_format(value, 2, force_grouping=True)}"


def amount_range(step) -> str:
    low, high = step.min_amount, step.max_amount
    if low is None and high is None:
        text = str(_("Any amount"))
    elif high is None:
        text = str(_("From %(low)s") % {"low": _money(low)})
    elif low is None:
        text = str(_("Below %(high)s") % {"high": _money(high)})
    else:
        text = str(_("%(low)s to below %(high)s") % {"low": _money(low), "high": _money(high)})
    only_when = getattr(step, "only_when", "")
    if only_when:
        text = str(
            _("%(amounts)s, only when: %(condition)s")
            % {"amounts": text, "condition": documents.condition_label(only_when)}
        )
    return text


def approver_text(step) -> str:
    if step.kind == ApprovalStep.Kind.DEPARTMENT_HEAD:
        if step.fallback_role:
            return str(
                _("Requester's department head (if none: %(role)s)")
                % {"role": approvals.role_label(step.fallback_role)}
            )
        return str(_("Requester's department head"))
    return approvals.role_label(step.role)


@dataclass
class StepRow:
    order: int
    name: str
    approver: str
    amounts: str
    collective_decision: bool


@dataclass
class PolicyVersion:
    policy: ApprovalPolicy
    steps: list[StepRow]
    active_from: datetime
    active_until: datetime | None = None


@dataclass
class DocTypePolicies:
    doc_type: str
    label: str
    active: PolicyVersion | None = None
    default_steps: list[StepRow] = field(default_factory=list)
    older: list[PolicyVersion] = field(default_factory=list)
    older_hidden: int = 0

    @property
    def anchor(self) -> str:
        return _anchor(self.doc_type)


def step_rows(steps) -> list[StepRow]:
    return [
        StepRow(order, step.name, approver_text(step), amount_range(step), step.collective_decision)
        for order, step in enumerate(steps, start=1)
    ]


def policies_by_doc_type(user) -> list[DocTypePolicies]:
    """Every registered document type with its active policy and latest older versions.

    Two queries whatever the number of versions: the policies, then the steps of those shown.
    """
    rows = {
        t.doc_type: DocTypePolicies(
            t.doc_type, str(t.label), default_steps=step_rows(t.default_steps)
        )
        for t in documents.all_types()
    }
    policies = list(
        ApprovalPolicy.objects.restrict(user, "view").order_by("doc_type", "-created_at", "-pk")
    )
    shown: list[ApprovalPolicy] = []
    newer_start: dict[str, datetime] = {}
    for policy in policies:
        row = rows.get(policy.doc_type)
        if row is None:  # a type whose module is gone: its policies still show
            row = rows[policy.doc_type] = DocTypePolicies(
                policy.doc_type, documents.label_for(policy.doc_type)
            )
        version = PolicyVersion(policy, [], policy.created_at, newer_start.get(policy.doc_type))
        newer_start[policy.doc_type] = policy.created_at
        if policy.is_active:
            row.active = version
        elif len(row.older) < OLDER_VERSIONS_SHOWN:
            row.older.append(version)
        else:
            row.older_hidden += 1
            continue
        shown.append(policy)
    prefetch_related_objects(shown, "steps")
    for row in rows.values():
        for version in filter(None, [row.active, *row.older]):
            version.steps = step_rows(sorted(version.policy.steps.all(), key=lambda s: s.order))
    return sorted(rows.values(), key=lambda r: r.label)


# ---------------------------------------------------------------- pages


def _member_access(request):
    access = request.access
    if not access.is_member:
        raise Forbidden
    return access


@login_required
@require_http_methods(["GET"])
def approval_policy_list(request):
    access = _member_access(request)
    return render(
        request,
        "core/approvals/settings/policy_list.html",
        {
            "rows": policies_by_doc_type(request.user),
            "may_change": access.has_perm(CHANGE_POLICY),
        },
    )


def _editor_buttons(post) -> tuple[str, int] | None:
    """Which row button was pressed: ("add"|"remove"|"up"|"down", row index), or None to save."""
    if "add_step" in post:
        return "add", -1
    for action in ("remove", "up", "down"):
        value = post.get(action)
        if value is not None:
            try:
                return action, int(value)
            except ValueError:
                return action, -1
    return None


@login_required
@require_http_methods(["GET", "POST"])
def approval_policy_edit(request, doc_type):
    access = _member_access(request)
    if not access.has_perm(CHANGE_POLICY):
        raise Forbidden
    registered = documents.get(doc_type)
    if registered is None:
        raise Http404
    active = (
        ApprovalPolicy.objects.restrict(request.user, "change")
        .filter(doc_type=doc_type, is_active=True)
        .prefetch_related("steps")
        .first()
    )
    if request.method == "GET":
        steps = sorted(active.steps.all(), key=lambda s: s.order) if active else None
        head = PolicyNameForm(
            initial={
                "name": active.name if active else registered.label,
                "based_on": active.pk if active else None,
            }
        )
        # A type without defaults starts with one blank row to fill in.
        rows = initial_rows(steps if steps is not None else registered.default_steps) or [{}]
        return _render_editor(request, registered, active, head, step_formset(initial=rows))

    button = _editor_buttons(request.POST)
    if button is not None:
        action, index = button
        if action == "add":
            data = rows_added(request.POST)
        elif action == "remove":
            data = rows_without(request.POST, index)
        else:
            data = rows_swapped(request.POST, index, index - 1 if action == "up" else index + 1)
        # Rearranging is not saving: show the rows again without judging them yet.
        head = PolicyNameForm(initial={k: request.POST.get(k) for k in ("name", "based_on")})
        return _render_editor(
            request, registered, active, head, step_formset(data), show_errors=False
        )

    head = PolicyNameForm(request.POST)
    formset = step_formset(request.POST)
    if head.is_valid() and formset.is_valid():
        try:
            change_policy(
                by=request.user,
                doc_type=doc_type,
                name=head.cleaned_data["name"],
                steps=formset.step_specs(),
                based_on=head.cleaned_data["based_on"],
            )
        except (DomainError, ValidationError) as exc:
            add_validation_error(head, exc)
        else:
            messages.success(
                request,
                _(
                    "The approval policy for %(type)s was saved. Documents sent from now on "
                    "follow it; those already under way keep their steps."
                )
                % {"type": registered.label},
            )
            return redirect(f"{reverse('approval_policy_list')}#{_anchor(doc_type)}")
    return _render_editor(request, registered, active, head, formset)


def _anchor(doc_type: str) -> str:
    return "policy-" + doc_type.replace(".", "-")


def _render_editor(request, registered, active, head, formset, *, show_errors=True):
    forms = list(formset.forms)
    return render(
        request,
        "core/approvals/settings/policy_edit.html",
        {
            "title": _("Approval policy: %(type)s") % {"type": registered.label},
            "doc_type": registered.doc_type,
            "active": active,
            "head": head,
            "formset": formset,
            "rows": [(i, form, i == 0, i == len(forms) - 1) for i, form in enumerate(forms)],
            # Row errors only after a save attempt, not after adding or moving rows.
            "show_errors": show_errors,
            "cancel_url": f"{reverse('approval_policy_list')}#{_anchor(registered.doc_type)}",
        },
    )


@login_required
@require_http_methods(["GET"])
def delegation_list(request):
    """Current and future delegations the user may see: their own, or all for a director."""
    _member_access(request)
    today = timezone.localdate()
    queryset = (
        Delegation.objects.restrict(request.user, "view")
        .filter(end_date__gte=today)
        .select_related("from_user", "to_user")
        .order_by("start_date", "pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    delegations = list(page.object_list)
    deletable = (
        set(
            Delegation.objects.restrict(request.user, "delete")
            .filter(pk__in=[d.pk for d in delegations])
            .values_list("pk", flat=True)
        )
        if delegations
        else set()
    )
    rows = [(d, d.start_date <= today, d.pk in deletable) for d in delegations]
    return render(
        request,
        "core/approvals/settings/delegation_list.html",
        {"page": page, "rows": rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
def delegation_add(request):
    access = _member_access(request)
    on_behalf = access.has_perm(MANAGE_DELEGATIONS)
    instance = Delegation(school_id=access.school_id)
    form = DelegationForm(
        request.POST or None,
        instance=instance,
        user=request.user,
        school_id=access.school_id,
        on_behalf=on_behalf,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            add_delegation(
                by=request.user,
                from_user=data.get("from_user") or request.user,
                to_user=data["to_user"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                note=data.get("note", ""),
            )
        except (DomainError, ValidationError) as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The delegation was saved."))
            return redirect("delegation_list")
    return render(
        request,
        "core/approvals/settings/delegation_add.html",
        {"form": form, "on_behalf": on_behalf, "cancel_url": reverse("delegation_list")},
    )


class DelegationEndView(LoginRequiredMixin, View):
    """POST only: end a delegation now (404 when the user may not see it)."""

    model = Delegation
    http_method_names = ["post"]

    def post(self, request, pk):
        delegation = get_object_or_404(Delegation.objects.restrict(request.user, "view"), pk=pk)
        try:
            kept = end_delegation(delegation, by=request.user)
        except PermissionDenied:
            raise Forbidden from None
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The delegation has ended.") if kept else _("The delegation was removed."),
            )
        return redirect("delegation_list")


delegation_delete = DelegationEndView.as_view()

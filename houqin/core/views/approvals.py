"""Approval pages: my approvals (inbox), one approval, and the approve/reject/return actions.

The actions answer an htmx request with the refreshed panel (showing any refusal in it) and
a plain form post with a redirect and a message. A document page shows the panel with
``{"approval": panel_for(obj, request.user)}`` and
``{% include "core/approvals/panel.html" with approval=approval %}``.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from houqin.core import approvals, documents
from houqin.core.errors import DomainError
from houqin.core.models import ApprovalDecision, ApprovalFlow

PAGE_SIZE = 25


@dataclass
class StepView:
    order: int
    label: str
    state: str  # "done", "current", "waiting", "skipped"
    collective_decision: bool
    decision: ApprovalDecision | None = None


@dataclass
class ApprovalPanel:
    """What the approval panel shows: the current round's steps, every decision, the actions."""

    flow: ApprovalFlow
    steps: list[StepView]
    rounds: list[tuple[int, list[ApprovalDecision]]]
    can_act: bool
    needs_meeting_note: bool
    error: str = ""
    message: str = ""
    actions: list[str] = field(default_factory=list)
    can_withdraw: bool = False


def panel_for(target, user, *, error: str = "", message: str = "") -> ApprovalPanel | None:
    """The panel of a document (or flow), for ``user``; None when it was never sent."""
    flow = target if isinstance(target, ApprovalFlow) else approvals.flow_for(target)
    if flow is None:
        return None
    decisions = list(
        flow.decisions.select_related("approver", "on_behalf_of").order_by("round", "step_order")
    )
    head_ids = {s["approver_id"] for s in flow.plan if s.get("approver_id")}
    names = {u.pk: str(u) for u in get_user_model().objects.filter(pk__in=head_ids)}
    this_round = {d.step_order: d for d in decisions if d.round == flow.round}
    steps = []
    for entry in flow.plan:
        decision = this_round.get(entry["order"])
        if decision is not None:
            state = "done"
        elif entry["order"] == flow.current_step and flow.is_pending:
            state = "current"
        else:
            state = "waiting" if flow.is_pending else "skipped"
        steps.append(
            StepView(
                entry["order"],
                approvals.step_label(entry, names),
                state,
                entry["collective_decision"],
                decision,
            )
        )
    rounds: dict[int, list[ApprovalDecision]] = {}
    for decision in decisions:
        rounds.setdefault(decision.round, []).append(decision)
    acting = approvals.can_act(flow, user)
    current = flow.current or {}
    return ApprovalPanel(
        flow=flow,
        steps=steps,
        rounds=sorted(rounds.items(), reverse=True),
        can_act=acting,
        needs_meeting_note=bool(current.get("collective_decision")),
        error=str(error),
        message=str(message),
        actions=["approve", "reject", "return"] if acting else [],
        can_withdraw=flow.is_pending and getattr(user, "pk", None) == flow.requester_id,
    )


def _flow(request, pk) -> ApprovalFlow:
    # Only flows the user may see: another school's (or a stranger's) approval is a 404.
    return get_object_or_404(
        ApprovalFlow.objects.restrict(request.user, "view").select_related("requester"), pk=pk
    )


@login_required
@require_GET
def approval_inbox(request):
    """Everything waiting for my decision, oldest first."""
    flows = approvals.pending_for(request.access)
    page = Paginator(flows, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(flow, documents.label_for(flow.doc_type)) for flow in page.object_list]
    return render(request, "core/approvals/inbox.html", {"page": page, "rows": rows})


@login_required
@require_GET
def approval_detail(request, pk):
    flow = _flow(request, pk)
    panel = panel_for(flow, request.user)
    return render(
        request,
        "core/approvals/detail.html",
        {"flow": flow, "approval": panel, "doc_type_label": documents.label_for(flow.doc_type)},
    )


@login_required
@require_GET
def approval_panel(request, pk):
    """The panel alone, for pages that include it by ``flow`` and load it with htmx."""
    flow = _flow(request, pk)
    return render(
        request,
        "core/approvals/_panel_body.html",
        {"approval": panel_for(flow, request.user)},
    )


def _decide(request, pk, action, success):
    flow = _flow(request, pk)
    post = request.POST
    version = post.get("version")
    error = message = ""
    try:
        if action == "approve":
            approvals.approve(
                flow,
                by=request.user,
                comment=post.get("comment", "").strip(),
                meeting_note=post.get("meeting_note", ""),
                expected_version=version,
            )
        elif action == "reject":
            approvals.reject(
                flow, by=request.user, reason=post.get("reason", ""), expected_version=version
            )
        elif action == "withdraw":
            approvals.withdraw(
                flow, by=request.user, reason=post.get("reason", ""), expected_version=version
            )
        else:
            approvals.return_for_changes(
                flow, by=request.user, reason=post.get("reason", ""), expected_version=version
            )
        message = success
    except DomainError as exc:
        error = exc.message
    if request.htmx:
        flow.refresh_from_db()
        panel = panel_for(flow, request.user, error=error, message=message)
        return render(request, "core/approvals/_panel_body.html", {"approval": panel})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, message)
    target = post.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("approval_detail", args=[flow.pk])
    return redirect(target)


@login_required
@require_POST
def approval_approve(request, pk):
    return _decide(request, pk, "approve", _("Approved."))


@login_required
@require_POST
def approval_reject(request, pk):
    return _decide(request, pk, "reject", _("Rejected."))


@login_required
@require_POST
def approval_return(request, pk):
    return _decide(request, pk, "return", _("Returned for changes."))


@login_required
@require_POST
def approval_withdraw(request, pk):
    return _decide(request, pk, "withdraw", _("Withdrawn: change it and send it again, or cancel it."))

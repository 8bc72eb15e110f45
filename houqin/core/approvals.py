"""The approval engine: one for every document type.

A school's ``ApprovalPolicy`` for a document type lists ordered steps, each by role or by
"the requester's department head", with amount thresholds. ``start`` snapshots the steps
that apply into an ``ApprovalFlow``; ``approve`` / ``reject`` / ``return_for_changes`` decide
the current step; ``resubmit`` starts a new round after a return (earlier rounds stay).

A document taking part exposes (see ``ApprovalDocument``): ``school_id``, ``pk``,
``approval_requester`` (a user), ``approval_department_id`` (or None), optionally
``approval_amount`` (Decimal), ``approval_version`` (anything that changes when the
document is edited), ``approval_title``, ``number`` and ``get_absolute_url()``. Handlers
registered with ``houqin.core.documents`` move the document's state when a flow ends.

Rules: nobody approves their own document; each step gets exactly one decision even when two
approvers click at once (conditional UPDATE on the flow's version plus a unique decision row);
a document changed since it was submitted cannot be approved.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from houqin.core import documents
from houqin.core.documents import StepSpec, doc_type_of, notify_users, record_on_timeline
from houqin.core.errors import Conflict, DomainError, IllegalTransition, PermissionDenied
from houqin.core.models.approvals import (
    ApprovalDecision,
    ApprovalFlow,
    ApprovalPolicy,
    ApprovalStep,
    Delegation,
)
from houqin.core.scoping import access_for

Status = ApprovalFlow.Status
Decision = ApprovalDecision.Decision
ROLE = ApprovalStep.Kind.ROLE
DEPARTMENT_HEAD = ApprovalStep.Kind.DEPARTMENT_HEAD


class ApprovalDocument(Protocol):
    pk: int
    school_id: int
    approval_requester: models.Model
    approval_department_id: int | None


class DocumentChanged(Conflict):
    default_message = _(
        "The document was changed after it was sent for approval. Return it so that the "
        "requester resubmits it, then approve the new version."
    )


class NoApprover(DomainError):
    """A step has nobody who may decide it (e.g. the department has no other head)."""


# ---------------------------------------------------------------- who holds what (directory)


class OrgDirectory:
    """Answers "who holds role R" and "who heads department D" from houqin.org.

    Imported lazily so that core stays free of domain imports at module level; a deployment
    may point ``settings.HOUQIN_APPROVAL_DIRECTORY`` at another implementation.
    """

    def role_holder_ids(self, school_id: int, role: str) -> set[int]:
        from houqin.org.models import RoleAssignment

        return set(
            RoleAssignment.objects.filter(
                role=role,
                membership__school_id=school_id,
                membership__is_active=True,
                membership__user__is_active=True,
            ).values_list("membership__user_id", flat=True)
        )

    def roles_of(self, school_id: int, user_ids) -> dict[int, set[str]]:
        from houqin.org.models import RoleAssignment

        out: dict[int, set[str]] = {}
        rows = RoleAssignment.objects.filter(
            membership__school_id=school_id,
            membership__is_active=True,
            membership__user_id__in=user_ids,
        ).values_list("membership__user_id", "role")
        for user_id, role in rows:
            out.setdefault(user_id, set()).add(role)
        return out

    def department_head_id(self, school_id: int, department_id: int) -> int | None:
        from houqin.org.models import Department

        return (
            Department.objects.filter(pk=department_id, school_id=school_id)
            .values_list("head_id", flat=True)
            .first()
        )

    def role_label(self, role: str) -> str:
        from houqin.org.roles import Role

        try:
            return str(Role(role).label)
        except ValueError:
            return role


@cache
def directory():
    path = getattr(settings, "HOUQIN_APPROVAL_DIRECTORY", "houqin.core.approvals.OrgDirectory")
    return import_string(path)()


# ---------------------------------------------------------------- policies


@transaction.atomic
def set_policy(*, school, doc_type: str, name: str, steps, by=None) -> ApprovalPolicy:
    """Make a new active policy for ``doc_type`` (the previous one is kept, inactive)."""
    school_id = getattr(school, "pk", school)
    ApprovalPolicy.objects.filter(school_id=school_id, doc_type=doc_type, is_active=True).update(
        is_active=False
    )
    policy = ApprovalPolicy.objects.create(school_id=school_id, doc_type=doc_type, name=str(name))
    for order, spec in enumerate(steps, start=1):
        if isinstance(spec, dict):
            spec = StepSpec(**spec)
        step = ApprovalStep(
            policy=policy,
            order=order,
            name=str(spec.name),
            kind=spec.kind,
            role=spec.role,
            fallback_role=spec.fallback_role,
            min_amount=spec.min_amount,
            max_amount=spec.max_amount,
            collective_decision=spec.collective_decision,
            only_when=spec.only_when,
        )
        step.full_clean()
        step.save()
    return policy


def active_policy(school_id: int, doc_type: str) -> ApprovalPolicy:
    """The school's active policy; created from the document type's defaults on first use."""
    policy = (
        ApprovalPolicy.objects.filter(school_id=school_id, doc_type=doc_type, is_active=True)
        .prefetch_related("steps")
        .first()
    )
    if policy is not None:
        return policy
    registered = documents.get(doc_type)
    if registered is None or not registered.default_steps:
        raise DomainError(
            _(
                "No approval policy is set up for %(type)s. "
                "Ask the school administrator to set one up."
            )
            % {"type": documents.label_for(doc_type)},
            code="NoPolicy",
        )
    try:
        with transaction.atomic():
            set_policy(
                school=school_id,
                doc_type=doc_type,
                name=_("Default"),
                steps=registered.default_steps,
            )
    except IntegrityError:
        pass  # another request created it at the same moment
    return ApprovalPolicy.objects.prefetch_related("steps").get(
        school_id=school_id, doc_type=doc_type, is_active=True
    )


# ---------------------------------------------------------------- reading a document


def _requester_of(obj):
    requester = getattr(obj, "approval_requester", None)
    if requester is None:
        raise TypeError(f"{type(obj).__name__} must expose approval_requester to be approved")
    return requester


def _amount_of(obj) -> Decimal | None:
    amount = getattr(obj, "approval_amount", None)
    return None if amount is None else Decimal(amount)


def _version_of(obj) -> str:
    version = getattr(obj, "approval_version", None)
    return "" if version is None else str(version)


def _url_of(obj) -> str:
    get_url = getattr(obj, "get_absolute_url", None)
    try:
        return get_url() if get_url else ""
    except Exception:  # a document without a page yet still gets approved
        return ""


def _document(flow: ApprovalFlow):
    model = flow.content_type.model_class()
    return model._base_manager.get(pk=flow.object_id)


# ---------------------------------------------------------------- the plan of a round


def role_label(role: str) -> str:
    return directory().role_label(role)


def _conditions_of(obj) -> frozenset[str]:
    return frozenset(getattr(obj, "approval_conditions", None) or ())


def _plan(
    policy: ApprovalPolicy, *, amount, requester_id, school_id, department_id,
    conditions=frozenset(),
) -> list[dict]:  # fmt: skip
    """The steps that apply to this amount and these conditions, with department heads
    resolved now."""
    value = amount if amount is not None else Decimal("0")
    plan: list[dict] = []
    for step in sorted(policy.steps.all(), key=lambda s: s.order):
        if not step.applies_to(value, conditions):
            continue
        entry = {
            "order": len(plan) + 1,
            "kind": step.kind,
            "role": step.role,
            "approver_id": None,
            "name": step.name,
            "collective_decision": step.collective_decision,
            "only_when": step.only_when,
        }
        if step.kind == DEPARTMENT_HEAD:
            head_id = (
                directory().department_head_id(school_id, department_id) if department_id else None
            )
            if head_id and head_id != requester_id:
                entry["approver_id"] = head_id
            elif step.fallback_role:
                entry.update(kind=ROLE, role=step.fallback_role)
            else:
                raise NoApprover(
                    _(
                        "The requester's department has no head who could approve this (a head "
                        "cannot approve their own request). Ask the school administrator to set "
                        "a department head or a fallback role for this approval step."
                    )
                )
        plan.append(entry)
    return plan


def _open(flow: ApprovalFlow, order: int) -> None:
    entry = next(s for s in flow.plan if s["order"] == order)
    flow.current_step = order
    flow.current_role = entry["role"] if entry["kind"] == ROLE else ""
    flow.current_approver_id = entry["approver_id"] if entry["kind"] == DEPARTMENT_HEAD else None
    flow.step_opened_at = timezone.now()


def _close(flow: ApprovalFlow, status: str) -> None:
    flow.status = status
    flow.current_step = 0
    flow.current_role = ""
    flow.current_approver_id = None


def step_label(entry: dict, names: dict | None = None) -> str:
    if entry.get("name"):
        return entry["name"]
    if entry["kind"] == DEPARTMENT_HEAD:
        who = (names or {}).get(entry["approver_id"])
        label = _("Department head")
        return f"{label} ({who})" if who else str(label)
    return role_label(entry["role"])


_FLOW_FIELDS = (
    "doc_type",
    "number",
    "title",
    "url",
    "requester_id",
    "department_id",
    "amount",
    "doc_version",
    "policy_id",
    "status",
    "round",
    "plan",
    "current_step",
    "current_role",
    "current_approver_id",
    "step_opened_at",
)


def _save_if_unchanged(flow: ApprovalFlow, expected_version: int) -> None:
    """Write the flow only if nobody else did since we read it (the double-approval guard)."""
    values = {name: getattr(flow, name) for name in _FLOW_FIELDS}
    updated = ApprovalFlow.objects.filter(pk=flow.pk, version=expected_version).update(
        version=expected_version + 1, updated_at=timezone.now(), **values
    )
    if not updated:
        raise Conflict(
            _("Someone else decided this approval step first. Reload to see the decision.")
        )
    flow.version = expected_version + 1


# ---------------------------------------------------------------- starting


@transaction.atomic
def start(obj, *, by, amount=None) -> ApprovalFlow:
    """Send ``obj`` for approval under its school's active policy (a new round if returned).

    When no step applies the document is approved at once, and that is recorded.
    """
    access = access_for(by, obj.school_id)
    if not access.is_member:
        raise PermissionDenied()
    doc_type = doc_type_of(obj)
    requester = _requester_of(obj)
    if amount is None:
        amount = _amount_of(obj)
    elif not isinstance(amount, Decimal):
        amount = Decimal(amount)
    department_id = getattr(obj, "approval_department_id", None)
    policy = active_policy(obj.school_id, doc_type)
    plan = _plan(
        policy,
        amount=amount,
        requester_id=requester.pk,
        school_id=obj.school_id,
        department_id=department_id,
        conditions=_conditions_of(obj),
    )

    content_type = ContentType.objects.get_for_model(obj)
    flow = ApprovalFlow.objects.filter(content_type=content_type, object_id=obj.pk).first()
    expected = None
    if flow is None:
        flow = ApprovalFlow(school_id=obj.school_id, content_type=content_type, object_id=obj.pk)
    elif flow.status == Status.PENDING:
        raise Conflict(_("This document is already waiting for approval."))
    elif flow.status == Status.APPROVED:
        raise IllegalTransition(_("This document is already approved."))
    else:
        expected = flow.version
        flow.round += 1

    flow.doc_type = doc_type
    flow.number = getattr(obj, "number", "") or ""
    flow.title = str(getattr(obj, "approval_title", None) or obj)[:200]
    flow.url = _url_of(obj)[:300]
    flow.requester_id = requester.pk
    flow.department_id = department_id
    flow.amount = amount
    flow.doc_version = _version_of(obj)
    flow.policy_id = policy.pk
    flow.plan = plan
    flow.status = Status.PENDING
    if plan:
        _open(flow, 1)
    else:
        _close(flow, Status.APPROVED)

    if expected is None:
        try:
            with transaction.atomic():
                flow.save()
        except IntegrityError:
            raise Conflict(_("This document is already waiting for approval.")) from None
    else:
        _save_if_unchanged(flow, expected)

    if plan:
        record_on_timeline(
            obj,
            by=by,
            kind="event",
            text=_("Sent for approval (round %(round)d).") % {"round": flow.round},
            data={"approval": "started", "round": flow.round},
        )
        _notify_approvers(flow)
    else:
        ApprovalDecision.objects.create(
            flow=flow,
            round=flow.round,
            step_order=0,
            decision=Decision.AUTO_APPROVED,
            comment=str(_("No approval step applies.")),
            amount=amount,
        )
        record_on_timeline(
            obj,
            by=by,
            kind="event",
            text=_("Approved automatically: no approval step applies."),
            data={"approval": Decision.AUTO_APPROVED, "round": flow.round},
        )
        _call_handler(flow, "on_approved", obj, by=by)
    return flow


@transaction.atomic
def resubmit(target, *, by, amount=None) -> ApprovalFlow:
    """The requester sends a returned document again: a new round, earlier rounds kept."""
    flow = _load(target)
    if flow.status != Status.RETURNED:
        raise IllegalTransition(_("Only a document returned for changes can be resubmitted."))
    if getattr(by, "pk", None) != flow.requester_id:
        raise PermissionDenied(_("Only the requester can resubmit this document."))
    return start(_document(flow), by=by, amount=amount)


# ---------------------------------------------------------------- deciding


def _load(target) -> ApprovalFlow:
    """A fresh copy of the flow (of a flow, or of a document)."""
    if isinstance(target, ApprovalFlow):
        query = Q(pk=target.pk)
    else:
        query = Q(content_type=ContentType.objects.get_for_model(target), object_id=target.pk)
    flow = ApprovalFlow.objects.filter(query).first()
    if flow is None:
        raise IllegalTransition(_("This document has not been sent for approval."))
    return flow


def _active_delegator_ids(user, school_id) -> list[int]:
    today = timezone.localdate()
    return list(
        Delegation.objects.filter(
            school_id=school_id, to_user_id=user.pk, start_date__lte=today, end_date__gte=today
        ).values_list("from_user_id", flat=True)
    )


def _who_may(flow: ApprovalFlow, entry: dict) -> str:
    if entry["kind"] == DEPARTMENT_HEAD:
        return str(_("the requester's department head"))
    return role_label(entry["role"])


def _actor(flow: ApprovalFlow, user) -> tuple[dict, int | None]:
    """The current step and on whose behalf ``user`` acts on it; raises when they may not."""
    if not flow.is_pending:
        raise IllegalTransition(
            _("This approval is already %(status)s.") % {"status": flow.get_status_display()}
        )
    access = access_for(user, flow.school_id)
    if not access.is_member:
        raise PermissionDenied()
    entry = flow.current
    if user.pk == flow.requester_id:
        if entry["kind"] == ROLE:
            others = directory().role_holder_ids(flow.school_id, entry["role"]) - {
                flow.requester_id
            }
            if not others:
                raise PermissionDenied(
                    _(
                        "You cannot approve your own request, and nobody else in this school holds "
                        "the role %(role)s. Ask the school administrator to give the role to "
                        "someone else or to set up a delegation."
                    )
                    % {"role": role_label(entry["role"])},
                    code="SelfApproval",
                )
        raise PermissionDenied(
            _("You cannot approve your own request: another %(who)s must decide it.")
            % {"who": _who_may(flow, entry)},
            code="SelfApproval",
        )
    if _holds(entry, user.pk, getattr(access, "roles", ())):
        return entry, None
    delegators = [d for d in _active_delegator_ids(user, flow.school_id) if d != flow.requester_id]
    if delegators:
        roles = directory().roles_of(flow.school_id, delegators) if entry["kind"] == ROLE else {}
        for delegator_id in delegators:
            if _holds(entry, delegator_id, roles.get(delegator_id, ())):
                return entry, delegator_id
    raise PermissionDenied(_("This step is waiting for %(who)s.") % {"who": _who_may(flow, entry)})


def _holds(entry: dict, user_id: int, roles) -> bool:
    if entry["kind"] == DEPARTMENT_HEAD:
        return entry["approver_id"] == user_id
    return entry["role"] in set(roles)


def can_act(flow: ApprovalFlow, user) -> bool:
    """May ``user`` decide the flow's current step now?"""
    try:
        _actor(flow, user)
    except DomainError:
        return False
    return True


def _check_version(flow: ApprovalFlow, expected_version) -> None:
    if expected_version in (None, ""):
        return
    try:
        stale = int(expected_version) != flow.version
    except (TypeError, ValueError):
        stale = True
    if stale:
        raise Conflict(
            _("This approval changed while you were looking at it. Reload and try again.")
        )


def _check_unchanged(flow: ApprovalFlow, obj) -> None:
    amount = _amount_of(obj)
    if flow.amount is not None and amount is not None and amount != flow.amount:
        raise DocumentChanged(
            _(
                "The amount changed from %(old)s to %(new)s after the document was sent for "
                "approval. Return it so that the requester resubmits it."
            )
            % {"old": flow.amount, "new": amount}
        )
    if flow.doc_version and _version_of(obj) != flow.doc_version:
        raise DocumentChanged()


def _decide(flow, entry, *, by, behalf, decision, comment="", meeting_note="") -> ApprovalDecision:
    try:
        with transaction.atomic():
            return ApprovalDecision.objects.create(
                flow=flow,
                round=flow.round,
                step_order=entry["order"],
                step_label=step_label(entry)[:100],
                approver=by,
                on_behalf_of_id=behalf,
                decision=decision,
                comment=comment,
                meeting_note=meeting_note,
                amount=flow.amount,
            )
    except IntegrityError:
        raise Conflict(
            _("Someone else decided this approval step first. Reload to see the decision.")
        ) from None


@transaction.atomic
def approve(
    target, *, by, comment: str = "", meeting_note: str = "", expected_version=None
) -> ApprovalFlow:
    """Approve the current step; the last step approves the document (``on_approved``)."""
    flow = _load(target)
    _check_version(flow, expected_version)
    entry, behalf = _actor(flow, by)
    obj = _document(flow)
    _check_unchanged(flow, obj)
    meeting_note = (meeting_note or "").strip()
    if entry["collective_decision"] and not meeting_note:
        raise DomainError(
            _("This step is a collective decision (三重一大): record the meeting that decided it."),
            code="MeetingNoteRequired",
        )
    expected = flow.version
    later = [s["order"] for s in flow.plan if s["order"] > entry["order"]]
    if later:
        _open(flow, min(later))
    else:
        _close(flow, Status.APPROVED)
    _save_if_unchanged(flow, expected)
    _decide(
        flow,
        entry,
        by=by,
        behalf=behalf,
        decision=Decision.APPROVED,
        comment=comment,
        meeting_note=meeting_note,
    )
    record_on_timeline(
        obj,
        by=by,
        kind="event",
        text=_("Approved (%(step)s). %(comment)s")
        % {"step": step_label(entry), "comment": comment},
        data={"approval": Decision.APPROVED, "round": flow.round, "step": entry["order"]},
    )
    if later:
        _notify_approvers(flow)
    else:
        _call_handler(flow, "on_approved", obj, by=by)
        _notify_requester(flow, _("Approved: %(title)s"))
    return flow


def _end(
    target, *, by, reason: str, status: str, decision: str, handler: str, expected_version=None
):
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give a reason, so that the requester knows what to do."), code="ReasonRequired"
        )
    flow = _load(target)
    _check_version(flow, expected_version)
    entry, behalf = _actor(flow, by)
    obj = _document(flow)
    expected = flow.version
    _close(flow, status)
    _save_if_unchanged(flow, expected)
    _decide(flow, entry, by=by, behalf=behalf, decision=decision, comment=reason)
    record_on_timeline(
        obj,
        by=by,
        kind="event",
        text=_("%(decision)s (%(step)s): %(reason)s")
        % {"decision": Decision(decision).label, "step": step_label(entry), "reason": reason},
        data={"approval": decision, "round": flow.round, "step": entry["order"]},
    )
    _call_handler(flow, handler, obj, by=by, reason=reason)
    return flow


@transaction.atomic
def reject(target, *, by, reason: str, expected_version=None) -> ApprovalFlow:
    """Refuse the document (final); a reason is required."""
    flow = _end(
        target,
        by=by,
        reason=reason,
        status=Status.REJECTED,
        decision=Decision.REJECTED,
        handler="on_rejected",
        expected_version=expected_version,
    )
    _notify_requester(flow, _("Rejected: %(title)s"), body=reason)
    return flow


@transaction.atomic
def return_for_changes(target, *, by, reason: str, expected_version=None) -> ApprovalFlow:
    """Send the document back to the requester, who edits it and calls ``resubmit``."""
    flow = _end(
        target,
        by=by,
        reason=reason,
        status=Status.RETURNED,
        decision=Decision.RETURNED,
        handler="on_returned",
        expected_version=expected_version,
    )
    _notify_requester(flow, _("Returned for changes: %(title)s"), body=reason)
    return flow


@transaction.atomic
def withdraw(target, *, by, reason: str = "", expected_version=None) -> ApprovalFlow:
    """The requester takes a pending document back, to change it or to cancel it: the flow
    ends as returned for changes (the document's ``on_returned`` runs), nobody decided it,
    and those who were to decide it are told."""
    flow = _load(target)
    _check_version(flow, expected_version)
    if getattr(by, "pk", None) != flow.requester_id:
        raise PermissionDenied(_("Only the requester can withdraw this document."))
    if flow.status != Status.PENDING:
        raise IllegalTransition(_("Only a document waiting for approval can be withdrawn."))
    waiting = approver_ids(flow)
    obj = _document(flow)
    expected = flow.version
    _close(flow, Status.RETURNED)
    _save_if_unchanged(flow, expected)
    reason = (reason or "").strip()
    text = (
        _("Withdrawn by the requester: %(reason)s") % {"reason": reason}
        if reason
        else _("Withdrawn by the requester")
    )
    record_on_timeline(obj, by=by, kind="event", text=text, data={"approval": "withdrawn"})
    _call_handler(flow, "on_returned", obj, by=by, reason=str(text))
    notify_users(
        school=flow.school_id,
        recipients=_users(waiting - {flow.requester_id}),
        title=_("Withdrawn, no decision needed: %(title)s") % {"title": str(flow)},
        body=reason,
        url=flow.url,
    )
    return flow


def _call_handler(flow: ApprovalFlow, name: str, obj, **kwargs) -> None:
    registered = documents.get(flow.doc_type)
    handler = getattr(registered, name, None) if registered else None
    if handler is not None:
        handler(obj, flow=flow, **kwargs)


# ---------------------------------------------------------------- notifications


def approver_ids(flow: ApprovalFlow) -> set[int]:
    """Who may decide the current step (the requester never)."""
    entry = flow.current
    if entry is None:
        return set()
    if entry["kind"] == DEPARTMENT_HEAD:
        ids = {entry["approver_id"]}
    else:
        ids = directory().role_holder_ids(flow.school_id, entry["role"])
    return ids - {flow.requester_id, None}


def _users(ids):
    return list(get_user_model().objects.filter(pk__in=ids)) if ids else []


def _notify_approvers(flow: ApprovalFlow) -> None:
    recipients = _users(approver_ids(flow))
    notify_users(
        school=flow.school_id,
        recipients=recipients,
        title=_("Waiting for your approval: %(title)s") % {"title": str(flow)},
        url=flow.url,
    )


def _notify_requester(flow: ApprovalFlow, title, body: str = "") -> None:
    notify_users(
        school=flow.school_id,
        recipients=_users({flow.requester_id}),
        title=title % {"title": str(flow)},
        body=body,
        url=flow.url,
    )


# ---------------------------------------------------------------- reading


def delegated_q(access) -> Q | None:
    """Pending flows ``access.user`` may decide as someone's delegate (None if none)."""
    # Remembered on the user object (one per request) so scoping and the inbox ask once.
    user = getattr(access, "user", None)
    if user is None:
        return None
    memo = user.__dict__.setdefault("_houqin_delegated_q", {})
    school_id = getattr(access, "school_id", None)
    if school_id not in memo:
        memo[school_id] = _delegated_q(access)
    return memo[school_id]


def _delegated_q(access) -> Q | None:
    user = getattr(access, "user", None)
    if not getattr(access, "school_id", None) or not getattr(user, "pk", None):
        return None
    delegators = _active_delegator_ids(user, access.school_id)
    if not delegators:
        return None
    roles = directory().roles_of(access.school_id, delegators)
    q = Q(pk__in=[])
    for delegator_id in delegators:
        theirs = Q(current_approver_id=delegator_id)
        if roles.get(delegator_id):
            theirs |= Q(current_role__in=sorted(roles[delegator_id]))
        q |= theirs & ~Q(requester_id=delegator_id)
    return Q(status=Status.PENDING) & q


def pending_for(access):
    """Flows whose current step this person may decide now, oldest first (bounded queries)."""
    user = getattr(access, "user", None)
    if not access.is_member or not getattr(user, "pk", None):
        return ApprovalFlow.objects.none()
    mine = Q(current_approver_id=user.pk)
    roles = sorted(getattr(access, "roles", ()))
    if roles:
        mine |= Q(current_role__in=roles)
    delegated = delegated_q(access)
    if delegated is not None:
        mine |= delegated
    return (
        ApprovalFlow.objects.restrict(user, "view", school=access.school_id)
        .filter(mine, status=Status.PENDING)
        .exclude(requester_id=user.pk)
        .select_related("requester")
        .order_by("step_opened_at", "pk")
    )


def flow_for(obj) -> ApprovalFlow | None:
    return (
        ApprovalFlow.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .select_related("requester")
        .first()
    )

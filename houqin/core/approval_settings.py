"""Changing a school's approval settings: policy versions and delegations (services; the pages
are in ``houqin.core.views.approval_settings``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import approvals, documents
from houqin.core.errors import Conflict, DomainError, IllegalTransition, PermissionDenied
from houqin.core.filters import scope_choices
from houqin.core.models.approvals import ApprovalPolicy, Delegation
from houqin.core.scoping import access_for

CHANGE_POLICY = "core.change_approvalpolicy"
MANAGE_DELEGATIONS = "core.add_delegation"


@transaction.atomic
def change_policy(*, by, doc_type: str, name: str, steps, based_on: int | None = None):
    """Make a new active policy for ``doc_type`` in ``by``'s school; the old one stays, inactive.

    ``based_on`` is the active version the editor showed: saving over a newer one is refused.
    """
    access = access_for(by)
    if not access.is_member or not access.has_perm(CHANGE_POLICY):
        raise PermissionDenied()
    if documents.get(doc_type) is None:
        raise DomainError(_("Unknown document type."), code="UnknownDocType")
    steps = list(steps)
    if not steps:
        raise DomainError(_("A policy needs at least one approval step."), code="NoSteps")
    current = (
        ApprovalPolicy.objects.filter(school_id=access.school_id, doc_type=doc_type, is_active=True)
        .values_list("pk", flat=True)
        .first()
    )
    if current != based_on:
        raise Conflict(
            _(
                "Someone else changed this policy while you were editing it. Reload the page, "
                "check their version and make your changes again."
            )
        )
    try:
        with transaction.atomic():
            return approvals.set_policy(
                school=access.school_id, doc_type=doc_type, name=name, steps=steps, by=by
            )
    except IntegrityError:
        # Two people saved at the same moment: the unique active-policy constraint kept one.
        raise Conflict(
            _("Someone else saved this policy at the same moment. Reload the page and check it.")
        ) from None


def _school_members(by, school_id, user_ids):
    return scope_choices(get_user_model().objects.filter(pk__in=user_ids), by, school_id)


@transaction.atomic
def add_delegation(*, by, to_user, start_date: date, end_date: date, from_user=None, note=""):
    """``from_user`` (default: ``by``) lets ``to_user`` approve in their place, dates inclusive.

    Only people who manage delegations (directors, principals) may act for someone else.
    """
    access = access_for(by)
    if not access.is_member:
        raise PermissionDenied()
    from_user = from_user or by
    if from_user.pk != by.pk and not access.has_perm(MANAGE_DELEGATIONS):
        raise PermissionDenied(_("You may only delegate your own approvals."))
    found = set(
        _school_members(by, access.school_id, {from_user.pk, to_user.pk}).values_list(
            "pk", flat=True
        )
    )
    if to_user.pk not in found or from_user.pk not in found:
        raise ValidationError(
            {"to_user": _("Choose a colleague who belongs to this school.")}, code="not_member"
        )
    if from_user.pk == to_user.pk:
        raise ValidationError(
            {"to_user": _("Choose someone else: nobody can delegate to themselves.")}
        )
    if end_date < start_date:
        raise ValidationError({"end_date": _("The last day cannot be before the first day.")})
    if end_date < timezone.localdate():
        raise ValidationError(
            {"end_date": _("This date is in the past: the delegation would never apply.")}
        )
    delegation = Delegation(
        school_id=access.school_id,
        from_user=from_user,
        to_user=to_user,
        start_date=start_date,
        end_date=end_date,
        note=note or "",
    )
    delegation.full_clean()
    delegation.save()
    recipients = [to_user] if from_user.pk == by.pk else [to_user, from_user]
    documents.notify_users(
        school=access.school_id,
        recipients=recipients,
        title=_("%(from)s's approvals go to %(to)s from %(start)s to %(end)s")
        % {"from": from_user, "to": to_user, "start": start_date, "end": end_date},
        url=reverse("delegation_list"),
    )
    return delegation


@transaction.atomic
def end_delegation(delegation: Delegation, *, by) -> Delegation | None:
    """End a delegation now: one that has not started is removed, a running one ends yesterday.

    Returns the kept (ended) delegation, or None when it was removed.
    """
    allowed = Delegation.objects.restrict(by, "delete", school=delegation.school_id)
    delegation = allowed.select_for_update().filter(pk=delegation.pk).first()
    if delegation is None:
        raise PermissionDenied()
    today = timezone.localdate()
    if delegation.end_date < today:
        raise IllegalTransition(_("This delegation has already ended."))
    if delegation.start_date >= today:
        delegation.delete()
        return None
    # Keep the days it ran: decisions taken on someone's behalf point back to them.
    delegation.end_date = today - timedelta(days=1)
    delegation.full_clean()
    delegation.save(update_fields=["end_date", "updated_at"])
    return delegation


# ---------------------------------------------------------------- reading policies

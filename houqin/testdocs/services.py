"""Services of the sample document: how a real module drives numbering, states and approvals."""

from django.db import transaction

from houqin.core import approvals

from .models import SampleRequest


@transaction.atomic
def create_request(*, by, school, title, amount=0, department=None) -> SampleRequest:
    """A draft request with the next number of the school."""
    request = SampleRequest(
        school=school, requester=by, title=title, amount=amount, department=department
    )
    request.assign_number()
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def submit(request: SampleRequest, *, by):
    """Draft or returned → submitted, and into approval (a new round after a return)."""
    flow = approvals.flow_for(request)
    SampleRequest.machine.perform(request, "submit", by=by)
    if flow is not None and flow.status == flow.Status.RETURNED:
        return approvals.resubmit(flow, by=by)
    return approvals.start(request, by=by)


@transaction.atomic
def change_amount(request: SampleRequest, *, by, amount) -> SampleRequest:
    """Edit the amount; the version moves so a pending approval notices."""
    request.amount = amount
    request.version += 1
    request.save(update_fields=["amount", "version", "updated_at"])
    return request


def approval_granted(request, *, flow, by):
    SampleRequest.machine.perform(request, "approve", by=by, system=True)


def approval_refused(request, *, flow, by, reason):
    SampleRequest.machine.perform(request, "reject", by=by, system=True, note=reason)


def approval_returned(request, *, flow, by, reason):
    SampleRequest.machine.perform(request, "return", by=by, system=True, note=reason)

"""A purchase request's progress, derived from its lines: ordered, partly received, received.

Called by ordering and receiving after they change a line's ordered or received quantity."""

from __future__ import annotations

from django.db.models import F, Q, Sum

from .models import ZERO, PurchaseRequest, RequestStatus

# Statuses that ordering and receiving move between; earlier ones (draft … approved) and the
# closed ones (rejected, cancelled) are the approval's.
PROGRESS_STATUSES = (
    RequestStatus.APPROVED,
    RequestStatus.ORDERED,
    RequestStatus.PARTLY_RECEIVED,
    RequestStatus.RECEIVED,
)


def progress_status(request: PurchaseRequest) -> str:
    """What the lines say: received when every line is fully received, partly received when
    anything is, ordered when anything is ordered, else approved."""
    totals = request.lines.aggregate(
        received=Sum("received_quantity"),
        ordered=Sum("ordered_quantity"),
        short=Sum("quantity", filter=Q(received_quantity__lt=F("quantity"))),
    )
    if (totals["received"] or ZERO) > 0:
        return RequestStatus.PARTLY_RECEIVED if totals["short"] else RequestStatus.RECEIVED
    if (totals["ordered"] or ZERO) > 0:
        return RequestStatus.ORDERED
    return RequestStatus.APPROVED


def refresh_progress(request: PurchaseRequest) -> str:
    """Set an approved request's status from its lines (inside the caller's transaction)."""
    if request.status not in PROGRESS_STATUSES:
        return request.status
    status = progress_status(request)
    if status != request.status:
        PurchaseRequest.objects.filter(pk=request.pk).update(status=status)
        request.status = status
    return status

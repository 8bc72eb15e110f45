"""The purchase request document type for the approval engine (imported by the app's
``ready()`` through ``registry_requests``).

Default policy, used the first time a school submits a request (the school changes it in the
approval settings pages), SPEC §3 "Approvals":

- the requester's department head, alone below ¥5,000 (the logistics director when the
  requester heads the department themselves);
- + the logistics director from ¥5,000;
- + the principal from ¥50,000, as a collective decision (三重一大: the meeting is recorded);
- + the principal when the request would overspend its budget (condition "over_budget", set
  at submission from the budget figures). Above ¥50,000 the principal already decides,
  collectively, so the extra step stops there instead of asking the principal twice.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from houqin.core import documents
from houqin.core.documents import DocumentType, StepSpec

DOC_TYPE = "purchasing.purchaserequest"
DIRECTOR_FROM = Decimal("5000")
PRINCIPAL_FROM = Decimal("50000")
OVER_BUDGET = "over_budget"

DEFAULT_STEPS = (
    StepSpec(kind="department_head", fallback_role="director"),
    StepSpec(kind="role", role="director", min_amount=DIRECTOR_FROM),
    StepSpec(kind="role", role="principal", min_amount=PRINCIPAL_FROM, collective_decision=True),
    StepSpec(kind="role", role="principal", max_amount=PRINCIPAL_FROM, only_when=OVER_BUDGET),
)


# The handlers import the services late: this module loads in ready(), before the services.
def _granted(request, **kwargs):
    from . import services_requests

    return services_requests.approval_granted(request, **kwargs)


def _refused(request, **kwargs):
    from . import services_requests

    return services_requests.approval_refused(request, **kwargs)


def _returned(request, **kwargs):
    from . import services_requests

    return services_requests.approval_returned(request, **kwargs)


PURCHASE_REQUEST = documents.register(
    DocumentType(
        doc_type=DOC_TYPE,
        label=_("Purchase request"),
        prefix="CG",
        default_steps=DEFAULT_STEPS,
        conditions=((OVER_BUDGET, _("Over the budget")),),
        on_approved=_granted,
        on_rejected=_refused,
        on_returned=_returned,
    )
)

"""The disposal document type for the approval engine (imported by the app's ``ready()``).

Default policy, used the first time a school submits a disposal (the school changes it in the
approval settings pages): the requester's department head (the logistics director when the
department has no other head), then the logistics director, and the principal from ¥50,000
(SPEC §6: the approval level rises with value). The amount is the request's total original
value.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from houqin.core import documents
from houqin.core.documents import DocumentType, StepSpec

DOC_TYPE = "assets.disposal"
PRINCIPAL_FROM = Decimal("50000")

DEFAULT_STEPS = (
    StepSpec(kind="department_head", fallback_role="director"),
    StepSpec(kind="role", role="director"),
    StepSpec(kind="role", role="principal", min_amount=PRINCIPAL_FROM),
)


# The handlers import the services late: this module loads in ready(), before URLs and views.
def _granted(disposal, **kwargs):
    from . import services_disposal

    return services_disposal.approval_granted(disposal, **kwargs)


def _refused(disposal, **kwargs):
    from . import services_disposal

    return services_disposal.approval_refused(disposal, **kwargs)


def _returned(disposal, **kwargs):
    from . import services_disposal

    return services_disposal.approval_returned(disposal, **kwargs)


DISPOSAL = documents.register(
    DocumentType(
        doc_type=DOC_TYPE,
        label=_("Asset disposal"),
        prefix="BF",
        default_steps=DEFAULT_STEPS,
        on_approved=_granted,
        on_rejected=_refused,
        on_returned=_returned,
    )
)

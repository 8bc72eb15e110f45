"""Stock counts' registrations (imported by the app's ready()): the "stores.stockcount"
document type and who may count.

Default policy, used the first time a school submits a count (changed in the approval settings
pages): the logistics director. The amount is the value of the differences (absolute, at the
average cost of the snapshot), so a school may add a step above an amount.
"""

from django.utils.translation import gettext_lazy as _

from houqin.core import documents
from houqin.core.documents import DocumentType, StepSpec
from houqin.org.roles import Role, grant

DOC_TYPE = "stores.stockcount"
DEFAULT_STEPS = (StepSpec(kind="role", role="director"),)


# The handlers import the services late: this module loads in ready(), before the services.
def _granted(count, **kwargs):
    from . import services_counts

    return services_counts.approval_granted(count, **kwargs)


def _refused(count, **kwargs):
    from . import services_counts

    return services_counts.approval_refused(count, **kwargs)


def _returned(count, **kwargs):
    from . import services_counts

    return services_counts.approval_returned(count, **kwargs)


STOCK_COUNT = documents.register(
    DocumentType(
        doc_type=DOC_TYPE,
        label=_("Stock count"),
        prefix="PD",
        default_steps=DEFAULT_STEPS,
        on_approved=_granted,
        on_rejected=_refused,
        on_returned=_returned,
    )
)

_COUNT = ("stockcount", "stockcountline")
# The keeper counts; the director and the clerk run the stores too.
for _role in (Role.KEEPER, Role.DIRECTOR, Role.CLERK):
    grant(_role, {f"stores.{a}_{m}" for a in ("view", "add", "change") for m in _COUNT})
# Those who read the stores' value read its counts.
for _role in (Role.FINANCE, Role.PRINCIPAL, Role.AUDITOR, Role.DISTRICT_OFFICER):
    grant(_role, {f"stores.view_{m}" for m in _COUNT})

"""Requisitions' registrations (imported by the app's ready()): the "stores.requisition"
document type, who may ask and who issues, and the auto-confirmation job.

Default policy: the requester's department head (the logistics director when the department
has no other head). Nobody approves their own requisition (the engine refuses).
"""

from django.utils.translation import gettext_lazy as _

from houqin.core import documents
from houqin.core.documents import DocumentType, StepSpec
from houqin.core.scheduler import periodic
from houqin.org.roles import Role, grant

DOC_TYPE = "stores.requisition"
DEFAULT_STEPS = (StepSpec(kind="department_head", fallback_role="director"),)


def _granted(requisition, **kwargs):
    from . import services_requisitions

    return services_requisitions.approval_granted(requisition, **kwargs)


def _refused(requisition, **kwargs):
    from . import services_requisitions

    return services_requisitions.approval_refused(requisition, **kwargs)


def _returned(requisition, **kwargs):
    from . import services_requisitions

    return services_requisitions.approval_returned(requisition, **kwargs)


REQUISITION = documents.register(
    DocumentType(
        doc_type=DOC_TYPE,
        label=_("Requisition"),
        prefix="LY",
        default_steps=DEFAULT_STEPS,
        on_approved=_granted,
        on_rejected=_refused,
        on_returned=_returned,
    )
)

_DOCS = ("requisition", "requisitionline")
# The keeper issues every requisition; the director and the clerk see and manage them too.
for _role in (Role.KEEPER, Role.DIRECTOR, Role.CLERK):
    grant(_role, {f"stores.{a}_{m}" for a in ("view", "add", "change") for m in _DOCS})
    grant(_role, {"stores.view_requisitionquota"})
# The director sets the quotas.
grant(Role.DIRECTOR, {f"stores.{a}_requisitionquota" for a in ("add", "change", "delete")})
for _role in (Role.FINANCE, Role.PRINCIPAL, Role.AUDITOR, Role.DISTRICT_OFFICER):
    grant(_role, {"stores.view_requisition", "stores.view_requisitionline", "stores.view_requisitionquota"})
# Everyone on the staff may ask for items (they then see their own: Requisition.owned_q).
for _role in Role.values:
    if _role not in (Role.AUDITOR, Role.DISTRICT_OFFICER, Role.CONTRACTOR):
        grant(_role, {"stores.add_requisition"})


@periodic("stores.confirm_requisitions", hour=2, minute=40)
def confirm_requisitions(now):
    """Requisitions issued in full and not confirmed within the school's days confirm
    themselves."""
    from . import services_requisitions

    return services_requisitions.auto_confirm(now=now)


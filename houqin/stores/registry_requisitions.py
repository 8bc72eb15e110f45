"""Requisitions' registrations (imported by the app's ready()): the "stores.requisition"
document type, who may ask and who issues, and the auto-confirmation job.

Default policy: the requester's department head (the logistics director when the department
has no other head). Nobody approves their own requisition (the engine refuses).
"""

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import documents, todo
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



# To-do: the keeper's requisitions to issue (the back-order included), and the requester's
# issued requisitions to confirm. Counted with every other module's in the page's one
# statement (``houqin.core.todo.counts``); nobody without such rows pays a subquery.
def _to_issue(access):
    from .models.requisitions import TO_ISSUE, Requisition

    if not access.is_member or not access.has_perm("stores.issue_stock"):
        return None
    return Requisition.objects.filter(school_id=access.school_id, status__in=TO_ISSUE)


def _to_confirm(access):
    from .models.requisitions import Requisition, RequisitionStatus

    if not access.is_member:
        return None
    return Requisition.objects.filter(
        school_id=access.school_id,
        requested_by_id=getattr(access.user, "pk", None),
        status=RequisitionStatus.ISSUED,
    )


def _items(source_key, selector, title, url_name):
    def items(access, limit):
        rows = selector(access)
        if rows is None:
            return []
        rows = rows.select_related("department").order_by("approved_at", "pk")[:limit]
        return [
            todo.TodoItem(
                title=str(title) % {"number": r.number, "department": r.department},
                url=reverse(url_name, args=[r.pk]),
                source=source_key,
                module=str(_("Stores")),
                number=r.number,
                due=r.needed_by and timezone.make_aware(
                    datetime.combine(r.needed_by, time(18, 0))
                ),
                created_at=r.created_at,
            )
            for r in rows
        ]

    return items


todo.register(
    todo.TodoSource(
        key="stores.requisitions_to_issue",
        label=_("Requisitions to issue"),
        items=_items(
            "stores.requisitions_to_issue", _to_issue,
            _("Issue requisition %(number)s (%(department)s)"), "stores:requisition_issue",
        ),  # fmt: skip
        counted=_to_issue,
    )
)
todo.register(
    todo.TodoSource(
        key="stores.requisitions_to_confirm",
        label=_("Requisitions to confirm"),
        items=_items(
            "stores.requisitions_to_confirm", _to_confirm,
            _("Confirm you received requisition %(number)s"), "stores:requisition_detail",
        ),  # fmt: skip
        counted=_to_confirm,
    )
)

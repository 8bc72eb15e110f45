"""The print shop's registrations (imported by the app's ready()): the approval document type
for print jobs and who may do what.

Default policy, used the first time a school submits a print job (the school changes it in the
approval settings pages): one step, the logistics director, only for outside jobs ("outside
jobs need a leader's approval"); the school's own jobs are approved at once and queued.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import documents, todo
from houqin.core.documents import DocumentType, StepSpec
from houqin.org.roles import Role, bind_to_job, grant

DOC_TYPE = "stores.printjob"
OUTSIDE = "outside"


def _granted(job, **kwargs):
    from . import services_printing

    return services_printing.approval_granted(job, **kwargs)


def _refused(job, **kwargs):
    from . import services_printing

    return services_printing.approval_refused(job, **kwargs)


def _returned(job, **kwargs):
    from . import services_printing

    return services_printing.approval_returned(job, **kwargs)


PRINT_JOB = documents.register(
    DocumentType(
        doc_type=DOC_TYPE,
        label=_("Print job"),
        prefix="WY",
        default_steps=(StepSpec(kind="role", role="director", only_when=OUTSIDE),),
        conditions=((OUTSIDE, _("Outside job")),),
        on_approved=_granted,
        on_rejected=_refused,
        on_returned=_returned,
    )
)


def _perms(actions, models):
    return {f"stores.{a}_{m}" for a in actions for m in models}


# The print room (the warehouse keeper) sees every job, confidential ones included, and runs
# them; it reads the quotas and the report.
grant(
    Role.KEEPER,
    _perms(["view", "add", "change"], ["printjob"])
    | {"stores.run_printjob", "stores.view_printquota", "stores.view_printshopsettings"},
)
# Reading confidential jobs is the print room's own: the director who appoints a keeper does
# not get it by doing so.
bind_to_job({"stores.run_printjob", "stores.view_printjob", "stores.change_printjob"})
# The logistics office oversees the print room (not confidential jobs) and sets quotas.
for _role in (Role.DIRECTOR, Role.CLERK):
    grant(
        _role,
        {"stores.oversee_printjob"}
        | _perms(["view", "add", "change", "delete"], ["printquota"])
        | _perms(["view", "change"], ["printshopsettings"]),
    )
for _role in (Role.PRINCIPAL, Role.AUDITOR):
    grant(_role, {"stores.oversee_printjob", "stores.view_printquota"})
# Every member of the staff may ask for print jobs (contractors, guards and auditors do not).
for _role in Role.values:
    if _role not in (Role.AUDITOR, Role.DISTRICT_OFFICER, Role.CONTRACTOR, Role.GUARD):
        grant(_role, {"stores.add_printjob"})


# The print room's to-do: jobs to print, soonest needed first. Nobody else pays a query.
def _queue(access):
    from .models.printing import PrintJob, PrintJobStatus

    return PrintJob.objects.filter(
        school_id=access.school_id, status__in=(PrintJobStatus.QUEUED, PrintJobStatus.PRINTING)
    )


def _todo_items(access, limit):
    if not access.has_perm("stores.run_printjob"):
        return []
    soon = timezone.now() + timedelta(hours=4)
    items = []
    for job in _queue(access).order_by("needed_by", "pk")[:limit]:
        items.append(
            todo.TodoItem(
                title=str(job),
                url=reverse("stores:printjob_detail", args=[job.pk]),
                source="stores.printjobs",
                module=str(_("Print room")),
                number=job.number,
                due=job.needed_by,
                urgent=job.needed_by <= soon,
                created_at=job.created_at,
            )
        )
    return items


def _todo_counted(access):
    if not access.has_perm("stores.run_printjob"):
        return None
    return _queue(access)


todo.register(
    todo.TodoSource(
        key="stores.printjobs",
        label=_("Print jobs to do"),
        items=_todo_items,
        counted=_todo_counted,
    )
)

"""Registrations (imported by the app's ready()): greening rights, the overdue-care to-do and
the daily overdue reminder to the contractor."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import todo
from houqin.core.scheduler import periodic
from houqin.org.roles import Role, grant

GREEN_MODELS = ("greenplot", "plant", "caretask")
CHECK = "hygiene.check_caretask"


def _perms(actions, models):
    return {f"hygiene.{a}_{m}" for a in actions for m in models}


for _role in (Role.DIRECTOR, Role.CLERK):
    grant(_role, _perms(["view", "add", "change", "delete"], GREEN_MODELS) | {CHECK})
for _role in (Role.PRINCIPAL, Role.AUDITOR, Role.DISTRICT_OFFICER):
    grant(_role, _perms(["view"], GREEN_MODELS))
# Contractors reach their company's plots and tasks through owned_q (no role-wide right).


def _open_for(access):
    from .models.greening import CareStatus, CareTask

    qs = CareTask.objects.filter(school_id=access.school_id)
    if access.has_perm(CHECK):
        return qs.filter(status=CareStatus.DONE)
    if access.company_id and access.has_role(Role.CONTRACTOR):
        return qs.filter(
            company_id=access.company_id,
            status__in=(CareStatus.PLANNED, CareStatus.REDO),
            due_on__lte=timezone.localdate(),
        )
    return None


def _todo_items(access, limit):
    qs = _open_for(access)
    if qs is None:
        return []
    today = timezone.localdate()
    return [
        todo.TodoItem(
            title=str(task),
            url=reverse("hygiene:task_detail", args=[task.pk]),
            source="hygiene.care",
            module=str(_("Greening")),
            due=None,
            urgent=task.due_on < today,
            created_at=task.created_at,
        )
        for task in qs.select_related("plot").order_by("due_on", "pk")[:limit]
    ]


todo.register(
    todo.TodoSource(
        key="hygiene.care", label=_("Greening care"), items=_todo_items, counted=_open_for
    )
)


@periodic("hygiene.care_overdue", hour=8, minute=0)
def remind_overdue(now) -> None:
    from . import services_greening

    services_greening.remind_overdue(today=timezone.localdate(now))

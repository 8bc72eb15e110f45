"""Registrations (imported by the app's ready()): inspection templates, schedules, rounds, safety
equipment — roles, to-dos, scheduled jobs, compliance statuses."""

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import compliance, todo
from houqin.core.scheduler import periodic
from houqin.org.roles import Role, grant

from . import compliance_inspections, rules  # noqa: F401  (rules before their statuses)

_MODELS = ("inspectiontemplate", "inspectionschedule", "inspectionround", "safetyequipment")


def _perms(actions, models=_MODELS):
    return {f"safety.{a}_{m}" for a in actions for m in models}


grant(Role.DIRECTOR, _perms(["view", "add", "change", "delete"]))
grant(Role.CLERK, _perms(["view", "add", "change", "delete"]))
for _role in (Role.PRINCIPAL, Role.AUDITOR, Role.DISTRICT_OFFICER):
    grant(_role, _perms(["view"]))
# People who walk rounds: their own rounds (owned_q), the checklists, the equipment register.
for _role in (
    Role.GUARD,
    Role.INSPECTOR,
    Role.WORKER,
    Role.CONTRACTOR,
    Role.CANTEEN_MANAGER,
    Role.DEPT_HEAD,
):
    grant(_role, {"safety.view_inspectiontemplate", "safety.view_safetyequipment"})
grant(Role.GUARD, {"safety.add_inspectionround"})
grant(Role.INSPECTOR, {"safety.add_inspectionround"})


# ---------------------------------------------------------------- to-do: rounds to do today


def _todo_rounds(access):
    from .models.inspections import OPEN_ROUND_STATUSES, InspectionRound, InspectionSchedule

    user_id = getattr(access.user, "pk", None)
    if not user_id:
        return None
    now = timezone.now()
    mine = InspectionSchedule.inspectors.through.objects.filter(user_id=user_id).values(
        "inspectionschedule_id"
    )
    return InspectionRound.objects.filter(
        Q(assignee_id=user_id) | Q(schedule_id__in=mine),
        school_id=access.school_id,
        status__in=OPEN_ROUND_STATUSES,
        window_start__lte=now,
        window_end__gt=now,
    )


def _todo_items(access, limit):
    rounds = _todo_rounds(access)
    if rounds is None:
        return []
    rows = rounds.select_related("template").order_by("window_end", "pk")[:limit]
    return [
        todo.TodoItem(
            title=f"{r.template.name} · {r.due_date:%m-%d}",
            url=reverse("safety:inspection_walk", args=[r.pk]),
            source="safety.rounds_today",
            module=str(_("Safety")),
            number=r.number,
            due=r.window_end,
            urgent=r.window_end - timezone.now() < timedelta(hours=2),
            created_at=r.created_at,
        )
        for r in rows
    ]


todo.register(
    todo.TodoSource(
        key="safety.rounds_today",
        label=_("Inspection rounds to do today"),
        items=_todo_items,
        counted=_todo_rounds,
    )
)


# ---------------------------------------------------------------- to-do: equipment due


def _todo_equipment(access):
    """Equipment whose check, refill or expiry date has come, for those who keep the register
    (the rounds check only their schedules' places: this catches the rest)."""
    from . import services_equipment
    from .models.equipment import EquipmentStatus, SafetyEquipment

    if not access.has_perm("safety.change_safetyequipment"):
        return None
    return SafetyEquipment.objects.filter(
        services_equipment.due_q(timezone.localdate()), school_id=access.school_id
    ).exclude(status=EquipmentStatus.RETIRED)


def _todo_equipment_items(access, limit):
    due = _todo_equipment(access)
    if due is None:
        return []
    rows = due.select_related("room__floor__building").order_by("next_check_on", "pk")[:limit]
    return [
        todo.TodoItem(
            title=str(_("Check due: %(equipment)s at %(place)s"))
            % {"equipment": piece, "place": piece.room or "—"},
            url=piece.get_absolute_url(),
            source="safety.equipment_due",
            module=str(_("Safety")),
        )
        for piece in rows
    ]


todo.register(
    todo.TodoSource(
        key="safety.equipment_due",
        label=_("Safety equipment due for a check"),
        items=_todo_equipment_items,
        counted=_todo_equipment,
    )
)


# ---------------------------------------------------------------- jobs


@periodic("safety.generate_inspection_rounds", every=timedelta(minutes=30))
def generate_inspection_rounds(now):
    """Make the rounds of inspection schedules whose slots have begun (each exactly once)."""
    from . import schedules

    return schedules.generate_all(now=now)


@periodic("safety.mark_missed_rounds", every=timedelta(minutes=15))
def mark_missed_rounds(now):
    """Rounds not done by the end of their slot become missed; inspector and director told."""
    from . import schedules

    return schedules.mark_missed(now=now)


# ---------------------------------------------------------------- compliance statuses

for _key in compliance_inspections.RULE_KEYS:
    compliance.register_status(_key, compliance_inspections.status_for(_key))

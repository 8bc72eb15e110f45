"""Registrations (imported by the app's ready()): hazards (隐患) and their closed loop — roles,
to-dos, the work-order watcher, the escalation job, compliance statuses."""

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import compliance, todo
from houqin.core.scheduler import periodic
from houqin.maintenance import followups
from houqin.org.roles import Role, grant

from . import rules  # noqa: F401  (the hazard rules must exist before their statuses)
from .models.hazards import ASSIGN_PERM, CANCEL_PERM, EXPORT_PERM, VERIFY_PERM

# Everyone who walks the school may report a hazard (then sees their own: Hazard.owned_q).
for _role in Role.values:
    if _role not in (Role.AUDITOR, Role.DISTRICT_OFFICER):
        grant(_role, {"safety.add_hazard"})
# The logistics office runs the loop; the director alone says "not a hazard".
for _role in (Role.DIRECTOR, Role.CLERK):
    grant(
        _role, {"safety.view_hazard", "safety.change_hazard", ASSIGN_PERM, VERIFY_PERM, EXPORT_PERM}
    )
grant(Role.DIRECTOR, {CANCEL_PERM})
# The principal and inspectors read every hazard and may verify rectifications.
for _role in (Role.PRINCIPAL, Role.INSPECTOR):
    grant(_role, {"safety.view_hazard", VERIFY_PERM, EXPORT_PERM})
for _role in (Role.AUDITOR, Role.DISTRICT_OFFICER):
    grant(_role, {"safety.view_hazard", EXPORT_PERM})


def _on_order_moved(order, transition, *, by):
    from . import followups_hazards

    followups_hazards.on_order_moved(order, transition, by=by)


followups.register(_on_order_moved)


@periodic("safety.escalate_hazards", minute=15)
def escalate_hazards(now):
    """Hourly: hazards left unassigned too long or past their deadline are escalated."""
    from . import jobs_hazards

    return jobs_hazards.escalate(now=now)


# ---------------------------------------------------------------- to-dos


def _to_assign(access):
    from .models.hazards import Hazard, HazardStatus

    if not access.is_member or not access.has_perm(ASSIGN_PERM):
        return None
    return Hazard.objects.filter(school_id=access.school_id, status=HazardStatus.REPORTED)


def _to_rectify(access):
    from .models.hazards import Hazard, HazardStatus

    if not access.is_member:
        return None
    return Hazard.objects.filter(
        school_id=access.school_id,
        owner_id=getattr(access.user, "pk", None),
        status=HazardStatus.RECTIFYING,
    )


def _to_verify(access):
    from .models.hazards import Hazard, HazardStatus

    if not access.is_member or not access.has_perm(VERIFY_PERM):
        return None
    return Hazard.objects.filter(school_id=access.school_id, status=HazardStatus.TO_VERIFY).exclude(
        fixed_by_id=getattr(access.user, "pk", None)
    )


def _items(source_key, selector, title):
    def items(access, limit):
        rows = selector(access)
        if rows is None:
            return []
        rows = rows.select_related("room").order_by("deadline", "found_at", "pk")[:limit]
        today = timezone.localdate()
        return [
            todo.TodoItem(
                title=str(title) % {"number": h.number, "title": h.title},
                url=reverse("safety:hazard_detail", args=[h.pk]),
                source=source_key,
                module=str(_("Safety")),
                number=h.number,
                due=h.deadline and timezone.make_aware(datetime.combine(h.deadline, time(18, 0))),
                urgent=h.level == "major" or bool(h.deadline and h.deadline < today),
                created_at=h.created_at,
            )
            for h in rows
        ]

    return items


for _key, _selector, _label, _title in (
    (
        "safety.hazards_to_assign",
        _to_assign,
        _("Hazards to assign"),
        _("Assign hazard %(number)s: %(title)s"),
    ),
    (
        "safety.hazards_to_rectify",
        _to_rectify,
        _("Hazards to rectify"),
        _("Rectify hazard %(number)s: %(title)s"),
    ),
    (
        "safety.hazards_to_verify",
        _to_verify,
        _("Hazards to verify"),
        _("Verify hazard %(number)s: %(title)s"),
    ),
):
    todo.register(
        todo.TodoSource(
            key=_key, label=_label, items=_items(_key, _selector, _title), counted=_selector
        )
    )


# ---------------------------------------------------------------- compliance


def _report_status(school, term, today):
    from . import reports_hazards

    return reports_hazards.report_hours_status(school, term, today)


def _verified_status(school, term, today):
    from . import reports_hazards

    return reports_hazards.verified_by_other_status(school, term, today)


compliance.register_status("safety.hazard_report_hours", _report_status)
compliance.register_status("safety.hazard_verified_by_other", _verified_status)

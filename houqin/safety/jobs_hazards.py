"""The hourly escalation of hazards left waiting: unassigned beyond the school's
``safety.hazard_report_hours``, or open past their deadline.

Stage 1 tells the owner and the director (a major hazard: the principal too, at once);
stage 2, ``SECOND_STAGE_AFTER`` later and still waiting, tells the principal. ``escalated_at``
and ``escalation_stage`` keep each stage to one notice; a new deadline starts over."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import compliance, timeline
from houqin.org.roles import Role

from .models.hazards import Hazard, HazardLevel, HazardStatus
from .services_hazards import _tell, people_with_roles, safety_people

SECOND_STAGE_AFTER = timedelta(days=3)
BATCH = 500


def waiting_q(*, now, report_hours) -> Q:
    """Hazards that should have moved by now: unassigned too long, or past their deadline."""
    today = timezone.localdate(now)
    unassigned = Q(status=HazardStatus.REPORTED, created_at__lt=now - timedelta(hours=report_hours))
    overdue = Q(status__in=(HazardStatus.REPORTED, HazardStatus.RECTIFYING), deadline__lt=today)
    return unassigned | overdue


def escalate(now=None) -> int:
    """Escalate every school's waiting hazards; returns how many notices went out."""
    now = now or timezone.now()
    school_ids = (
        Hazard.objects.filter(status__in=(HazardStatus.REPORTED, HazardStatus.RECTIFYING))
        .filter(escalation_stage__lt=2)
        .values_list("school_id", flat=True)
        .distinct()
    )
    sent = 0
    for school_id in sorted(set(school_ids)):
        sent += _escalate_school(school_id, now)
    return sent


@transaction.atomic
def _escalate_school(school_id, now) -> int:
    hours = int(compliance.value(school_id, "safety.hazard_report_hours"))
    rows = list(
        Hazard.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(school_id=school_id, escalation_stage__lt=2)
        .filter(waiting_q(now=now, report_hours=hours))
        .filter(
            Q(escalation_stage=0) | Q(escalation_stage=1, escalated_at__lt=now - SECOND_STAGE_AFTER)
        )
        .order_by("pk")[:BATCH]
    )
    if not rows:
        return 0
    directors = safety_people(school_id)
    principals = people_with_roles(school_id, Role.PRINCIPAL)
    sent = 0
    for hazard in rows:
        stage = hazard.escalation_stage + 1
        if hazard.status == HazardStatus.REPORTED and not (
            hazard.deadline and hazard.deadline < timezone.localdate(now)
        ):
            title = _("Hazard %(number)s is still not assigned: %(title)s")
        else:
            title = _("Hazard %(number)s is past its deadline: %(title)s")
        title = title % {"number": hazard.number, "title": hazard.title}
        if stage == 1:
            recipients = [hazard.owner, *directors]
            if hazard.level == HazardLevel.MAJOR:
                recipients += principals
        else:
            recipients = list(principals) or list(directors)
        unique = list({u.pk: u for u in recipients if u is not None}.values())
        _tell(hazard, unique, title, level="warning")
        if stage == 1 and hazard.level == HazardLevel.MAJOR and principals:
            stage = 2  # the principal already knows: no second stage
        Hazard.objects.filter(pk=hazard.pk).update(escalated_at=now, escalation_stage=stage)
        timeline.record(
            hazard,
            by=None,
            kind=timeline.Kind.EVENT,
            text=str(_("Escalated: %(title)s") % {"title": title}),
            data={"stage": stage},
        )
        sent += 1
    return sent

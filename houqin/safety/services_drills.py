"""Drills (演练): plan, record (participants, evacuation time, photos, findings), cancel; a
finding may raise a hazard through ``services_hazards.report_hazard``. Every function takes the
acting user, checks their right and runs in one transaction."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from houqin.core import compliance, timeline
from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.scoping import access_for

from .models.documents import (
    MANAGE_DRILLS,
    Drill,
    DrillFinding,
    DrillKind,
    DrillStatus,
    SafetyDocumentKind,
)

EVACUATION_RULE = "safety.evacuation_seconds"


def _school_id(school):
    return getattr(school, "pk", school)


def _may_manage(by, school_id):
    access = access_for(by, school_id)
    return access.is_member and access.has_perm(MANAGE_DRILLS)


def may_record(drill, by) -> bool:
    """The logistics office, or the drill's organiser."""
    return _may_manage(by, drill.school_id) or (
        drill.organiser_id is not None and drill.organiser_id == getattr(by, "pk", None)
        and access_for(by, drill.school_id).is_member
    )  # fmt: skip


def _check_places(school_id, plan, organiser, buildings, rooms):
    errors = {}
    if plan is not None and (
        plan.school_id != school_id or plan.kind != SafetyDocumentKind.EMERGENCY_PLAN
    ):
        errors["plan"] = _("Choose an emergency plan of this school.")
    if organiser is not None and not access_for(organiser, school_id).is_member:
        errors["organiser"] = _("The organiser must be a member of this school.")
    if any(b.school_id != school_id for b in buildings):
        errors["buildings"] = _("Choose buildings of this school.")
    if any(r.school_id != school_id for r in rooms):
        errors["rooms"] = _("Choose places of this school.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_drill(*, school, by, title, planned_date: date, kind=DrillKind.FIRE, plan=None,
               organiser=None, buildings=(), rooms=(), notes="") -> Drill:  # fmt: skip
    """Put a drill in the calendar."""
    school_id = _school_id(school)
    access = access_for(by, school_id)
    if not access.is_member or not access.has_perm("safety.add_drill"):
        raise PermissionDenied()
    buildings, rooms = list(buildings), list(rooms)
    _check_places(school_id, plan, organiser, buildings, rooms)
    drill = Drill(
        school_id=school_id, title=(title or "").strip() or str(DrillKind(kind).label),
        kind=kind, planned_date=planned_date, plan=plan, organiser=organiser or by,
        notes=(notes or "").strip(),
    )  # fmt: skip
    drill.full_clean()
    drill.save()
    drill.buildings.set(buildings)
    drill.rooms.set(rooms)
    timeline.record(drill, by=by, kind="event", text=gettext("Drill planned"))
    return drill


@transaction.atomic
def update_drill(drill: Drill, *, by, title, planned_date, kind, plan=None, organiser=None,
                 buildings=(), rooms=(), notes="") -> Drill:  # fmt: skip
    """Change a planned drill (a recorded one stays as recorded)."""
    if not _may_manage(by, drill.school_id):
        raise PermissionDenied()
    if drill.status != DrillStatus.PLANNED:
        raise DomainError(_("Only a planned drill can be changed."))
    buildings, rooms = list(buildings), list(rooms)
    _check_places(drill.school_id, plan, organiser, buildings, rooms)
    drill.title = (title or "").strip() or str(DrillKind(kind).label)
    drill.planned_date, drill.kind, drill.plan = planned_date, kind, plan
    drill.organiser = organiser or drill.organiser
    drill.notes = (notes or "").strip()
    drill.full_clean()
    drill.save()
    drill.buildings.set(buildings)
    drill.rooms.set(rooms)
    return drill


@transaction.atomic
def record_drill(drill: Drill, *, by, done_date: date, participants: int,
                 evacuation_seconds: int | None = None, notes: str = "", photos=(),
                 findings=()) -> Drill:  # fmt: skip
    """The drill took place: its day, participants, evacuation time, notes, photos and
    findings (``(description, room, raise_hazard)`` each). A time over the school's target is
    flagged on the drill."""
    if not may_record(drill, by):
        raise PermissionDenied()
    errors = {}
    today = timezone.localdate()
    if done_date is None:
        errors["done_date"] = _("Give the day the drill took place.")
    elif done_date > today:
        errors["done_date"] = _("A drill cannot be recorded before it has taken place.")
    if participants is None or participants < 1:
        errors["participants"] = _("Give the number of people who took part.")
    if evacuation_seconds is not None and evacuation_seconds < 1:
        errors["evacuation_seconds"] = _("Give the evacuation time in seconds.")
    if drill.kind in (DrillKind.FIRE, DrillKind.EARTHQUAKE) and evacuation_seconds is None:
        errors["evacuation_seconds"] = _("An evacuation drill records how long it took.")
    if errors:
        raise ValidationError(errors)
    target = int(compliance.value(drill.school_id, EVACUATION_RULE))
    slow = evacuation_seconds is not None and evacuation_seconds > target
    Drill.machine.perform(
        drill, "record", by=by,
        note=gettext("Drill recorded: %(people)d people, %(seconds)s") % {
            "people": participants,
            "seconds": gettext("%(s)d s to evacuate") % {"s": evacuation_seconds}
            if evacuation_seconds else gettext("no evacuation time"),
        },
        values={
            "done_date": done_date, "participants": participants,
            "evacuation_seconds": evacuation_seconds, "target_seconds": target,
            "is_slow": slow, "notes": (notes or drill.notes or "").strip(),
        },
    )  # fmt: skip
    photos = list(photos)
    if photos:
        timeline.attach(drill, by=by, files=photos, text=gettext("Drill photos"))
    for description, room, raise_hazard in findings:
        add_finding(drill, by=by, description=description, room=room, raise_hazard=raise_hazard)
    if slow:
        timeline.record(
            drill, by=None, kind="event",
            text=gettext("Evacuation took %(seconds)d s, over the school's target of %(target)d s.")
            % {"seconds": evacuation_seconds, "target": target},
        )  # fmt: skip
    return drill


@transaction.atomic
def cancel_drill(drill: Drill, *, by, reason: str) -> Drill:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."))
    return Drill.machine.perform(
        drill, "cancel", by=by, note=reason, values={"cancel_reason": reason[:200]}
    )


@transaction.atomic
def add_finding(drill: Drill, *, by, description: str, room=None,
                raise_hazard: bool = False) -> DrillFinding:  # fmt: skip
    """Note what the drill showed; ``raise_hazard`` reports it as a hazard at once."""
    if not may_record(drill, by):
        raise PermissionDenied()
    if drill.status != DrillStatus.DONE:
        raise DomainError(_("Record the drill before adding its findings."))
    description = " ".join((description or "").split())
    if not description:
        raise ValidationError({"description": _("Describe the finding.")})
    if room is not None and room.school_id != drill.school_id:
        raise ValidationError({"room": _("Choose a place of this school.")})
    finding = DrillFinding.objects.create(
        school_id=drill.school_id, drill=drill, description=description[:200], room=room,
        created_by=by,
    )  # fmt: skip
    if raise_hazard:
        raise_finding_hazard(finding, by=by)
    return finding


@transaction.atomic
def raise_finding_hazard(finding: DrillFinding, *, by):
    """Report the finding as a hazard (once) and keep the link."""
    from houqin.safety.models.hazards import HazardSource
    from houqin.safety.services_hazards import report_hazard

    finding = DrillFinding.objects.select_for_update().select_related("drill").get(pk=finding.pk)
    if finding.hazard_id is not None:
        raise DomainError(_("This finding has already raised hazard %(number)s.") % {
            "number": finding.hazard.number})  # fmt: skip
    drill = finding.drill
    # A finding without a room is placed by the drill's buildings (else the drill itself).
    where = ""
    if finding.room is None:
        where = "、".join(str(b) for b in drill.buildings.all()) or gettext("Drill: %(title)s") % {
            "title": drill.title}  # fmt: skip
    hazard = report_hazard(
        school=finding.school_id,
        by=by,
        title=finding.description[:100],
        description=gettext("Found in the drill “%(drill)s” of %(date)s.") % {
            "drill": drill.title, "date": drill.day.isoformat()},
        room=finding.room,
        location_note=where[:100],
        source=HazardSource.DRILL,
    )  # fmt: skip
    finding.hazard = hazard
    finding.save(update_fields=["hazard", "updated_at"])
    timeline.record(
        drill, by=by, kind="event",
        text=gettext("Finding “%(finding)s” raised hazard %(number)s")
        % {"finding": finding.description, "number": hazard.number},
    )  # fmt: skip
    return hazard

"""Every write of inspections: templates (versioned), schedules, and rounds walked on a phone.

A round is recorded stop by stop (``record_stop``: answers, photos, equipment checks, each
failed answer raising a hazard through ``services_hazards.report_hazard``), then completed
with the inspector's signature (``complete_round``) and, where the template version asks for
it, the inspected department head's name and signature. Bad input changes nothing: every
answer and file is checked before the first write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import timeline
from houqin.core.attachments import validate_upload
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.models import Attachment
from houqin.core.scoping import access_for

from . import schedules
from .models.equipment import EquipmentStatus, SafetyEquipment
from .models.inspections import (
    OPEN_ROUND_STATUSES,
    AnswerType,
    EquipmentCheck,
    InspectionAnswer,
    InspectionRound,
    InspectionSchedule,
    InspectionTemplate,
    RoundStatus,
    RoundStop,
    TemplateItem,
    TemplateVersion,
)

ITEM_FIELDS = (
    "label",
    "help_text",
    "answer_type",
    "min_value",
    "max_value",
    "unit",
    "options",
    "photo_required",
)


def _require(user, school_id, perm, message):
    access = access_for(user, school_id)
    if not access.is_member or not access.has_perm(perm):
        raise PermissionDenied(message)
    return access


# ---------------------------------------------------------------- templates


def _clean_items(items) -> list[dict]:
    cleaned = []
    for n, raw in enumerate(items):
        label = (raw.get("label") or "").strip()
        if not label:
            continue
        kind = raw.get("answer_type") or AnswerType.PASS_FAIL
        if kind not in AnswerType.values:
            raise DomainError(_("Item %(n)s: unknown answer type.") % {"n": n + 1})
        low, high = raw.get("min_value"), raw.get("max_value")
        if kind == AnswerType.NUMBER and low is not None and high is not None and low > high:
            raise DomainError(_("“%(item)s”: the minimum is above the maximum.") % {"item": label})
        options = [o for o in raw.get("options") or [] if str(o.get("label", "")).strip()]
        if kind == AnswerType.CHOICE and len(options) < 2:
            raise DomainError(
                _("“%(item)s”: a choice needs at least two options.") % {"item": label}
            )
        cleaned.append(
            {
                "label": label[:120],
                "help_text": (raw.get("help_text") or "")[:200],
                "answer_type": kind,
                "min_value": low if kind == AnswerType.NUMBER else None,
                "max_value": high if kind == AnswerType.NUMBER else None,
                "unit": (raw.get("unit") or "")[:12],
                "options": options if kind == AnswerType.CHOICE else [],
                "photo_required": bool(raw.get("photo_required")) or kind == AnswerType.PHOTO,
            }
        )
    if not cleaned:
        raise DomainError(_("A checklist needs at least one item."))
    return cleaned


@transaction.atomic
def save_template(template: InspectionTemplate, *, by, items, needs_second_signature=False):
    """Save a template and its checklist. When the current version already has rounds, the
    checklist goes into a new version (old rounds keep theirs); otherwise it is edited in place."""
    _require(
        by,
        template.school_id,
        "safety.change_inspectiontemplate",
        _("You may not edit inspection templates."),
    )
    cleaned = _clean_items(items)
    template.full_clean()
    template.save()
    current = template.versions.filter(is_current=True).first()
    if current is not None and not current.rounds.exists():
        current.needs_second_signature = needs_second_signature
        current.save(update_fields=["needs_second_signature", "updated_at"])
        current.items.all().delete()
        version = current
    else:
        number = (current.number + 1) if current else 1
        if current is not None:
            TemplateVersion.objects.filter(pk=current.pk).update(is_current=False)
        version = TemplateVersion.objects.create(
            school_id=template.school_id,
            template=template,
            number=number,
            needs_second_signature=needs_second_signature,
            created_by=by,
        )
    TemplateItem.objects.bulk_create(
        [TemplateItem(version=version, position=n, **item) for n, item in enumerate(cleaned)]
    )
    return version


# ---------------------------------------------------------------- schedules


@transaction.atomic
def save_schedule(schedule: InspectionSchedule, *, by, rooms=(), buildings=(), inspectors=()):
    """Create or change a schedule; refused when it is looser than its template's rule."""
    perm = (
        "safety.add_inspectionschedule"
        if schedule._state.adding
        else "safety.change_inspectionschedule"
    )
    _require(by, schedule.school_id, perm, _("You may not change inspection schedules."))
    schedules.validate(
        schedule, room_ids=[r.pk for r in rooms], building_ids=[b.pk for b in buildings]
    )
    schedule.save()
    schedule.rooms.set(rooms)
    schedule.buildings.set(buildings)
    schedule.inspectors.set(inspectors)
    return schedule


# ---------------------------------------------------------------- rounds


def may_walk(user, found: InspectionRound) -> bool:
    """The round's inspector, one of its schedule's inspectors, or the safety office."""
    access = access_for(user, found.school_id)
    if not access.is_member:
        return False
    if access.has_perm("safety.change_inspectionround"):
        return True
    return (
        InspectionRound.objects.restrict(user, "change", found.school_id)
        .filter(pk=found.pk)
        .exists()
    )


def _check_walkable(found: InspectionRound, by) -> None:
    if not may_walk(by, found):
        raise PermissionDenied(_("This round is not yours to record."))
    if found.status in (RoundStatus.DONE, RoundStatus.CANCELLED):
        raise IllegalTransition(_("This round is already closed."))


@dataclass
class Answer:
    """One raw answer from the page or the API."""

    passed: bool | None = None
    value: object = None
    choice: str = ""
    text: str = ""
    photos: list = field(default_factory=list)


def _judge(item: TemplateItem, raw: Answer) -> dict:
    """The stored fields of an answer and whether it failed; DomainError on bad input."""
    kind = item.answer_type
    out = {
        "passed": None,
        "value": None,
        "choice": "",
        "text": (raw.text or "").strip()[:300],
        "failed": False,
    }
    if kind == AnswerType.PASS_FAIL:
        if raw.passed is None:
            raise DomainError(_("“%(item)s”: answer pass or fail.") % {"item": item.label})
        out["passed"] = bool(raw.passed)
        out["failed"] = not raw.passed
    elif kind == AnswerType.NUMBER:
        if raw.value in (None, ""):
            raise DomainError(_("“%(item)s”: enter the number.") % {"item": item.label})
        try:
            value = Decimal(str(raw.value).strip())
        except (InvalidOperation, ValueError):
            raise DomainError(_("“%(item)s”: enter a number.") % {"item": item.label}) from None
        if not value.is_finite() or abs(value) >= Decimal("1e8"):
            raise DomainError(_("“%(item)s”: enter a number.") % {"item": item.label})
        out["value"] = value.quantize(Decimal("0.01"))
        out["failed"] = (item.min_value is not None and value < item.min_value) or (
            item.max_value is not None and value > item.max_value
        )
        out["passed"] = not out["failed"]
    elif kind == AnswerType.CHOICE:
        options = {str(o.get("label")): bool(o.get("fails")) for o in item.options or []}
        if raw.choice not in options:
            raise DomainError(_("“%(item)s”: choose one of the options.") % {"item": item.label})
        out["choice"] = raw.choice
        out["failed"] = options[raw.choice]
        out["passed"] = not out["failed"]
    return out


def _hazard(*, found, by, room, title, description, photos, source):
    from .models.hazards import HazardSource
    from .services_hazards import report_hazard

    return report_hazard(
        school=found.school_id,
        by=by,
        title=title[:100],
        description=description,
        room=room,
        source=getattr(HazardSource, source),
        photos=photos,
    )


@transaction.atomic
def record_stop(
    found: InspectionRound,
    *,
    by,
    room,
    answers: dict,
    equipment: dict | None = None,
    scanned: bool = False,
    note: str = "",
) -> RoundStop:
    """Record one place of a round: ``answers`` maps item id → ``Answer``; ``equipment`` maps
    equipment id → (ok, note). Failed answers and faulty equipment raise hazards (once)."""
    found = (
        InspectionRound.objects.select_for_update()
        .select_related("template", "version")
        .get(pk=found.pk)
    )
    _check_walkable(found, by)
    stop = RoundStop.objects.filter(round=found, room=room).select_related("room").first()
    if stop is None:
        raise DomainError(_("%(place)s is not a place of this round.") % {"place": room})
    items = list(found.version.items.all())
    judged, files = {}, []
    for item in items:
        raw = answers.get(item.pk) or Answer()
        judged[item.pk] = _judge(item, raw)
        if (
            item.photo_required
            and not raw.photos
            and not InspectionAnswer.objects.filter(
                stop=stop, item=item, photo_entry__isnull=False
            ).exists()
        ):
            raise DomainError(_("“%(item)s”: take a photo.") % {"item": item.label})
        for f in raw.photos:
            validate_upload(f)  # every file checked before anything is written
            files.append(f)
    kit = _equipment_at(found, room)
    marks = equipment or {}
    if found.template.checks_equipment:
        unmarked = [e.code for e in kit if e.pk not in marks]
        if unmarked:
            raise DomainError(
                _("Mark every piece of equipment here: %(codes)s.") % {"codes": ", ".join(unmarked)}
            )
    now = timezone.now()
    previous = {a.item_id: a for a in InspectionAnswer.objects.filter(stop=stop)}
    failed = 0
    for item in items:
        raw = answers.get(item.pk) or Answer()
        fields = judged[item.pk]
        entry = None
        if raw.photos:
            entry = timeline.attach(
                found, by=by, files=raw.photos, text=f"{stop.room} · {item.label}"
            )
        answer = previous.get(item.pk) or InspectionAnswer(stop=stop, item=item)
        for name, value in fields.items():
            setattr(answer, name, value)
        if entry is not None:
            answer.photo_entry = entry
        if answer.failed:
            failed += 1
            if answer.hazard_id is None:
                answer.hazard = _hazard(
                    found=found,
                    by=by,
                    room=stop.room,
                    title=f"{item.label} · {stop.room}",
                    description=str(
                        _("Found by inspection %(number)s (%(template)s): %(answer)s %(text)s")
                        % {
                            "number": found.number,
                            "template": found.template.name,
                            "answer": answer.display,
                            "text": answer.text,
                        }
                    ).strip(),
                    photos=raw.photos,
                    source="INSPECTION",
                )
        answer.save()
    for piece in kit:
        if piece.pk not in marks:
            continue
        ok, remark = marks[piece.pk]
        check = EquipmentCheck.objects.filter(stop=stop, equipment=piece).first() or EquipmentCheck(
            stop=stop, equipment=piece
        )
        check.ok, check.note = bool(ok), (remark or "")[:200]
        if not check.ok:
            failed += 1
            if check.hazard_id is None:
                check.hazard = _hazard(
                    found=found,
                    by=by,
                    room=stop.room,
                    title=str(
                        _("Faulty %(kind)s %(code)s")
                        % {"kind": piece.get_kind_display(), "code": piece.code}
                    ),
                    description=check.note,
                    photos=(),
                    source="EQUIPMENT",
                )
        check.save()
    stop.visited_at, stop.visited_by = now, by
    stop.scanned = stop.scanned or scanned
    stop.failed_count = failed
    stop.note = (note or "")[:200]
    stop.save()
    if found.status == RoundStatus.DUE:
        found.status, found.started_at = RoundStatus.IN_PROGRESS, now
        found.save(update_fields=["status", "started_at", "updated_at"])
    return stop


def _equipment_at(found, room) -> list[SafetyEquipment]:
    if not found.template.checks_equipment:
        return []
    kit = SafetyEquipment.objects.filter(school_id=found.school_id, room=room).exclude(
        status=EquipmentStatus.RETIRED
    )
    if found.template.equipment_kinds:
        kit = kit.filter(kind__in=found.template.equipment_kinds)
    return list(kit.order_by("kind", "code"))


def equipment_at(found, room) -> list[SafetyEquipment]:
    return _equipment_at(found, room)


def _signature(found, by, image, name, label) -> Attachment:
    info = validate_upload(image)
    if not info.is_image:
        raise DomainError(_("The signature must be an image."))
    entry = timeline.attach(found, by=by, files=[image], text=str(label) % {"name": name})
    return entry.attachments.first()


@transaction.atomic
def complete_round(
    found: InspectionRound,
    *,
    by,
    signature,
    signed_by: str,
    second_signature=None,
    second_signed_by: str = "",
    note: str = "",
    now=None,
) -> InspectionRound:
    """Close a round once every place is recorded and signed (twice where the template version
    asks for it). After the window it is still accepted, marked late."""
    now = now or timezone.now()
    found = (
        InspectionRound.objects.select_for_update()
        .select_related("template", "version")
        .get(pk=found.pk)
    )
    _check_walkable(found, by)
    stops = list(found.stops.select_related("room"))
    left = [str(s.room) for s in stops if s.visited_at is None]
    if left:
        raise DomainError(
            _("Places not recorded yet: %(places)s.") % {"places": ", ".join(left[:10])}
        )
    signed_by = (signed_by or "").strip() or (by.get_full_name() if by else "")
    if signature is None:
        raise DomainError(_("The inspector must sign."))
    second_signed_by = (second_signed_by or "").strip()
    has_second = (second_signature is not None and second_signed_by) or (
        found.second_signature_id and found.second_signed_by
    )
    if found.version.needs_second_signature and not has_second:
        raise DomainError(
            _(
                "This inspection must also be signed by the head of the inspected department "
                "(name and signature)."
            )
        )
    previous = found.status
    found.signature = _signature(
        found, by, signature, signed_by, _("Inspector's signature: %(name)s")
    )
    found.signed_by = signed_by[:40]
    if second_signature is not None and second_signed_by:
        found.second_signature = _signature(
            found,
            by,
            second_signature,
            second_signed_by,
            _("Department head's signature: %(name)s"),
        )
        found.second_signed_by = second_signed_by[:40]
    found.failed_count = sum(s.failed_count for s in stops)
    found.status = RoundStatus.DONE
    found.is_late = now > found.window_end
    found.completed_at, found.completed_by = now, by
    found.started_at = found.started_at or now
    found.note = (note or "").strip()
    found.save()
    _update_equipment(found, stops, now)
    timeline.record(
        found,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        from_state=previous,
        to_state=RoundStatus.DONE,
        text=str(_("Completed late") if found.is_late else _("Completed")),
    )
    return found


@transaction.atomic
def sign_second(found: InspectionRound, *, by, signature, signed_by: str) -> InspectionRound:
    """The inspected department's head signs the round (on the inspector's phone)."""
    found = InspectionRound.objects.select_for_update().get(pk=found.pk)
    _check_walkable(found, by)
    signed_by = (signed_by or "").strip()
    if signature is None or not signed_by:
        raise DomainError(_("The department head's name and signature are both needed."))
    found.second_signature = _signature(
        found, by, signature, signed_by, _("Department head's signature: %(name)s")
    )
    found.second_signed_by = signed_by[:40]
    found.save(update_fields=["second_signature", "second_signed_by", "updated_at"])
    return found


def _update_equipment(found, stops, now) -> None:
    from .services_equipment import next_check_after

    checks = EquipmentCheck.objects.filter(stop__in=stops).select_related("equipment")
    today = timezone.localdate(now)
    for check in checks:
        piece = check.equipment
        piece.last_checked_on = today
        piece.next_check_on = next_check_after(piece, today)
        if not check.ok:
            piece.status = EquipmentStatus.FAULTY
        elif piece.status == EquipmentStatus.FAULTY:
            piece.status = EquipmentStatus.IN_SERVICE
        piece.save(update_fields=["last_checked_on", "next_check_on", "status", "updated_at"])


@transaction.atomic
def add_round(template: InspectionTemplate, *, by, rooms, due_date=None) -> InspectionRound:
    """An unscheduled round (a spot check) done now by the acting user."""
    _require(
        by,
        template.school_id,
        "safety.add_inspectionround",
        _("You may not start inspection rounds."),
    )
    version = template.versions.get(is_current=True)
    if not rooms:
        raise DomainError(_("Choose at least one place."))
    now = timezone.now()
    day = due_date or timezone.localdate(now)
    start = timezone.make_aware(datetime.combine(day, time.min))
    made = InspectionRound(
        school_id=template.school_id,
        template=template,
        version=version,
        due_date=day,
        window_start=start,
        window_end=start + timedelta(days=1),
        assignee=by,
    )
    made.assign_number()
    made.save()
    RoundStop.objects.bulk_create(
        [RoundStop(round=made, room=r, position=n) for n, r in enumerate(rooms)]
    )
    timeline.record(
        made,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        to_state=RoundStatus.DUE,
        text=str(_("Started by hand")),
    )
    return made


@transaction.atomic
def cancel_round(found: InspectionRound, *, by, reason: str) -> InspectionRound:
    _require(
        by,
        found.school_id,
        "safety.change_inspectionschedule",
        _("You may not cancel inspection rounds."),
    )
    if found.status not in (*OPEN_ROUND_STATUSES, RoundStatus.MISSED):
        raise IllegalTransition(_("Only an open or missed round can be cancelled."))
    if not (reason or "").strip():
        raise DomainError(_("Give the reason."))
    previous = found.status
    found.status = RoundStatus.CANCELLED
    found.save(update_fields=["status", "updated_at"])
    timeline.record(
        found,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        from_state=previous,
        to_state=RoundStatus.CANCELLED,
        text=reason.strip(),
    )
    return found

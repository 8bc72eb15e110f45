"""Hazards (隐患): report, assign, rectify (by hand or through a work order), verify, close.

The only way a hazard is written. Every step checks who may (``Hazard.machine``), writes the
timeline and tells the people concerned. Other areas (inspections, drills, equipment checks,
the public QR form) raise hazards with ``report_hazard``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import timeline
from houqin.core.attachments import validate_upload
from houqin.core.errors import Conflict, DomainError, IllegalTransition, PermissionDenied
from houqin.core.notify import notify
from houqin.core.scoping import access_for
from houqin.org.models import Membership, User
from houqin.org.roles import Role

from .models.hazards import (
    ASSIGN_PERM,
    Hazard,
    HazardLevel,
    HazardSource,
    HazardStatus,
)

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
NOTIFY_CATEGORY = "safety"
MAX_PHOTOS = 10
ADD_PERM = "safety.add_hazard"
# A report's found time may be a little ahead of the server's clock (phones).
CLOCK_SKEW = timedelta(minutes=10)


class InvalidHazard(DomainError):
    default_message = _("This hazard report is not complete.")


# ---------------------------------------------------------------- helpers


def hazard_url(hazard: Hazard) -> str:
    try:
        return reverse("safety:hazard_detail", args=[hazard.pk])
    except NoReverseMatch:
        return ""


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def people_with_roles(school_id, *roles) -> list:
    """Active members of the school holding any of ``roles``."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__school_id=school_id,
            memberships__is_active=True,
            memberships__roles__role__in=roles,
        ).distinct()
    )


def safety_people(school_id, *, major=False) -> list:
    """Who hears of a new hazard: the logistics director (the clerk when the school has none);
    the principal as well for a major hazard."""
    people = people_with_roles(school_id, Role.DIRECTOR) or people_with_roles(school_id, Role.CLERK)
    if major:
        people += people_with_roles(school_id, Role.PRINCIPAL)
    return people


def _tell(hazard: Hazard, recipients, title, *, body="", level="info") -> None:
    recipients = [u for u in recipients if u is not None]
    if not recipients:
        return
    notify(
        recipients=recipients,
        title=title,
        body=body or hazard.title,
        url=hazard_url(hazard),
        category=NOTIFY_CATEGORY,
        school=hazard.school_id,
        level=level,
        source=hazard,
    )


def _check_photos(photos) -> list:
    photos = [p for p in (photos or ()) if p]
    if len(photos) > MAX_PHOTOS:
        raise InvalidHazard(_("At most %(count)d photos can be added.") % {"count": MAX_PHOTOS})
    for photo in photos:  # refuse a bad file before anything is written
        validate_upload(photo)
    return photos


def _lock(hazard: Hazard, version=None) -> Hazard:
    """Re-read the row under lock; a stale form (older ``version``) is refused."""
    fresh = Hazard.objects.select_for_update().get(pk=hazard.pk)
    for field in fresh._meta.concrete_fields:
        setattr(hazard, field.attname, getattr(fresh, field.attname))
    if version not in (None, "") and int(version) != hazard.version:
        raise Conflict(
            _("Someone else changed hazard %(number)s first. Reload and try again.")
            % {"number": hazard.number}
        )
    return hazard


def _perform(hazard, name, *, by, note="", values=None, system=False, **ctx) -> Hazard:
    values = dict(values or {})
    values["version"] = hazard.version + 1
    return Hazard.machine.perform(
        hazard, name, by=by, note=note, values=values, system=system, **ctx
    )


def _member(school_id, user, what) -> None:
    if user is None:
        raise DomainError(_("Choose %(what)s.") % {"what": what})
    if not Membership.objects.filter(
        school_id=school_id, user=user, is_active=True, user__is_active=True
    ).exists():
        raise DomainError(
            _("%(name)s is not an active member of this school.") % {"name": person(user)}
        )


def _as_datetime(value) -> datetime:
    if value is None:
        return timezone.now()
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time(12, 0)))
    raise InvalidHazard(_("Give the time the hazard was found."))


# ---------------------------------------------------------------- reporting


@transaction.atomic
def report_hazard(
    *,
    school,
    by,
    title,
    description="",
    level=HazardLevel.GENERAL,
    room=None,
    location_note="",
    source=HazardSource.MANUAL,
    photos=(),
    found_at=None,
    reporter_name="",
    reporter_phone="",
) -> Hazard:
    """Record a hazard found at a place; returns it, numbered, on the timeline, with photos.

    ``by`` is the acting member (``safety.add_hazard``) or None for the public QR form, where
    the reporter's name and mobile number are required. The director hears of it at once, the
    principal too for a major hazard.
    """
    school_id = getattr(school, "pk", school)
    title = " ".join((title or "").split())
    description = (description or "").strip()
    location_note = (location_note or "").strip()[:100]
    reporter_name = (reporter_name or "").strip()[:40]
    reporter_phone = re.sub(r"[\s-]", "", reporter_phone or "")
    if by is not None:
        access = access_for(by, school_id)
        if not access.is_member or not access.has_perm(ADD_PERM):
            raise PermissionDenied(_("You may not report hazards for this school."))
    else:
        if not reporter_name:
            raise InvalidHazard(_("Give your name so the safety staff can find you."))
        if not MOBILE_RE.match(reporter_phone):
            raise InvalidHazard(_("Give an 11-digit mobile number so the safety staff can call."))
        if source == HazardSource.MANUAL:
            source = HazardSource.PUBLIC
    if not title:
        raise InvalidHazard(_("Say in a few words what the hazard is."))
    if level not in HazardLevel.values:
        raise InvalidHazard(_("Choose the level of the hazard."))
    if source not in HazardSource.values:
        raise InvalidHazard(_("Unknown source of the hazard."))
    if room is not None and room.school_id != school_id:
        raise InvalidHazard(_("This place belongs to another school."))
    if room is None and not location_note:
        raise InvalidHazard(_("Say where the hazard is: choose a place or describe it."))
    found_at = _as_datetime(found_at)
    if found_at > timezone.now() + CLOCK_SKEW:
        raise InvalidHazard(_("The time found cannot be in the future."))
    photos = _check_photos(photos)

    hazard = Hazard(
        school_id=school_id,
        title=title[:100],
        description=description,
        level=level,
        source=source,
        room=room,
        location_note=location_note,
        found_at=found_at,
        reported_by=by,
        reporter_name=reporter_name or person(by)[:40],
        reporter_phone=reporter_phone or (getattr(by, "phone", "") or "")[:20],
    )
    hazard.assign_number()
    hazard.full_clean()
    hazard.save()
    timeline.record(
        hazard,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        text=str(_("Reported")),
        to_state=HazardStatus.REPORTED,
        data={"source": source},
    )
    if photos:
        timeline.attach(hazard, by=by, files=photos, text=str(_("Photos of the hazard")))
    major = level == HazardLevel.MAJOR
    title_text = (
        _("Major hazard %(number)s: %(title)s") if major else _("New hazard %(number)s: %(title)s")
    ) % {"number": hazard.number, "title": hazard.title}
    body = " · ".join(p for p in (hazard.place_label, description) if p)
    _tell(
        hazard,
        [u for u in safety_people(school_id, major=major) if by is None or u.pk != by.pk],
        title_text,
        body=body,
        level="warning" if major else "info",
    )
    return hazard


# ---------------------------------------------------------------- assigning


def _check_assignment(hazard: Hazard, *, owner, deadline, department):
    _member(hazard.school_id, owner, _("who is responsible for the rectification"))
    if department is not None and department.school_id != hazard.school_id:
        raise DomainError(_("Choose a department of this school."))
    if deadline is None and hazard.level == HazardLevel.MAJOR:
        raise DomainError(_("A major hazard needs a deadline for its rectification."))
    if deadline is not None and deadline < timezone.localdate():
        raise DomainError(_("The deadline cannot be in the past."))


@transaction.atomic
def assign(
    hazard: Hazard,
    *,
    by,
    owner,
    deadline=None,
    control_measures="",
    department=None,
    level=None,
    note="",
    version=None,
) -> Hazard:
    """Reported → rectifying: who rectifies, by when, and what keeps people safe meanwhile."""
    hazard = _lock(hazard, version)
    if level is not None:
        if level not in HazardLevel.values:
            raise DomainError(_("Choose the level of the hazard."))
        hazard.level = level
    _check_assignment(hazard, owner=owner, deadline=deadline, department=department)
    was_major = Hazard.objects.filter(pk=hazard.pk, level=HazardLevel.MAJOR).exists()
    _perform(
        hazard,
        "assign",
        by=by,
        note=note.strip() or _("Assigned to %(name)s") % {"name": person(owner)},
        values={
            "owner": owner,
            "deadline": deadline,
            "control_measures": (control_measures or "").strip(),
            "department": department,
            "level": hazard.level,
            "assigned_at": timezone.now(),
            "escalated_at": None,
            "escalation_stage": 0,
        },
    )
    _tell_owner(hazard, by)
    if hazard.level == HazardLevel.MAJOR and not was_major:
        _tell(
            hazard,
            people_with_roles(hazard.school_id, Role.PRINCIPAL),
            _("Major hazard %(number)s: %(title)s")
            % {"number": hazard.number, "title": hazard.title},
            level="warning",
        )
    return hazard


def _tell_owner(hazard: Hazard, by) -> None:
    if hazard.owner_id and (by is None or hazard.owner_id != by.pk):
        deadline = hazard.deadline.isoformat() if hazard.deadline else _("no deadline")
        _tell(
            hazard,
            [hazard.owner],
            _("Rectify hazard %(number)s by %(deadline)s: %(title)s")
            % {"number": hazard.number, "deadline": deadline, "title": hazard.title},
            body=hazard.control_measures or hazard.description,
        )


@transaction.atomic
def reassign(
    hazard: Hazard,
    *,
    by,
    owner,
    deadline=None,
    control_measures="",
    department=None,
    note="",
    version=None,
) -> Hazard:
    """Change the owner, deadline or temporary measures of a hazard being rectified."""
    hazard = _lock(hazard, version)
    _check_assignment(hazard, owner=owner, deadline=deadline, department=department)
    previous = hazard.owner_id
    changes = []
    if previous != owner.pk:
        changes.append(_("owner: %(name)s") % {"name": person(owner)})
    if deadline != hazard.deadline:
        changes.append(
            _("deadline: %(date)s") % {"date": deadline.isoformat() if deadline else "—"}
        )
    text = "; ".join(str(c) for c in changes) or str(_("Temporary measures updated"))
    if note.strip():
        text = f"{text}. {note.strip()}"
    values = {
        "owner": owner,
        "deadline": deadline,
        "control_measures": (control_measures or "").strip(),
        "department": department,
    }
    if deadline != hazard.deadline:
        values.update(escalated_at=None, escalation_stage=0)
    _perform(hazard, "reassign", by=by, note=text, values=values)
    if previous != owner.pk:
        _tell_owner(hazard, by)
    return hazard


# ---------------------------------------------------------------- rectifying


@transaction.atomic
def create_work_order(hazard: Hazard, *, by, category, description="", urgency=None, version=None):
    """Ask the maintenance team to rectify a hazard: a work order at the hazard's place,
    remembered on the hazard. When the order is finished, the hazard waits for verification."""
    from houqin.maintenance import services as maintenance
    from houqin.maintenance.models import OPEN_STATUSES, Source, Urgency

    hazard = _lock(hazard, version)
    if hazard.status != HazardStatus.RECTIFYING:
        raise IllegalTransition(
            _("A work order can be created only while the hazard is being rectified.")
        )
    access = access_for(by, hazard.school_id)
    if not access.is_member or not (
        access.has_perm(ASSIGN_PERM) or hazard.owner_id == getattr(by, "pk", None)
    ):
        raise PermissionDenied(_("You may not ask for repairs for this hazard."))
    if hazard.work_order_id and hazard.work_order.status in OPEN_STATUSES:
        raise IllegalTransition(
            _("Work order %(number)s is still open for this hazard.")
            % {"number": hazard.work_order.number}
        )
    if urgency is None:
        urgency = Urgency.URGENT if hazard.level == HazardLevel.MAJOR else Urgency.NORMAL
    text = (description or "").strip() or hazard.description or hazard.title
    if hazard.control_measures:
        measures = _("Temporary measures: %(measures)s") % {"measures": hazard.control_measures}
        text = f"{text}\n{measures}"
    order = maintenance.report(
        school=hazard.school,
        by=by,
        room=hazard.room,
        category=category,
        title=(
            _("Hazard %(number)s: %(title)s") % {"number": hazard.number, "title": hazard.title}
        )[:100],
        description=text,
        source=Source.HAZARD,
        urgency=urgency,
        location_note=hazard.location_note,
    )
    Hazard.objects.filter(pk=hazard.pk).update(work_order=order, version=hazard.version + 1)
    hazard.work_order = order
    hazard.version += 1
    timeline.record(
        hazard,
        by=by,
        kind=timeline.Kind.EVENT,
        text=str(_("Work order %(number)s created") % {"number": order.number}),
        data={"work_order": order.pk},
    )
    return order


@transaction.atomic
def rectify(hazard: Hazard, *, by, note, photos=(), version=None) -> Hazard:
    """The owner (or the director) reports the hazard rectified, with what was done."""
    hazard = _lock(hazard, version)
    note = (note or "").strip()
    transition = Hazard.machine.get("rectify")
    may = transition.applies_from(hazard.status) and Hazard.machine.is_allowed(
        transition, hazard, by
    )
    if may and not note:
        raise DomainError(_("Say what was done to rectify the hazard."))
    photos = _check_photos(photos)
    _perform(
        hazard,
        "rectify",
        by=by,
        note=note,
        values={"fixed_by": by, "fixed_at": timezone.now(), "fix_note": note},
    )
    if photos:
        timeline.attach(hazard, by=by, files=photos, text=str(_("Photos after rectification")))
    _tell_verifiers(hazard)
    return hazard


def verifiers(hazard: Hazard) -> list:
    """Who may verify this hazard: holders of the verify permission, never its fixer."""
    from houqin.org.roles import ROLE_PERMISSIONS

    from .models.hazards import VERIFY_PERM

    roles = [r for r, perms in ROLE_PERMISSIONS.items() if VERIFY_PERM in perms]
    return [u for u in people_with_roles(hazard.school_id, *roles) if u.pk != hazard.fixed_by_id]


def _tell_verifiers(hazard: Hazard) -> None:
    # The director verifies; others who may are told only when no director can.
    found = verifiers(hazard)
    directors = {u.pk for u in people_with_roles(hazard.school_id, Role.DIRECTOR)}
    preferred = [u for u in found if u.pk in directors] or found
    _tell(
        hazard,
        preferred,
        _("Verify hazard %(number)s: %(title)s") % {"number": hazard.number, "title": hazard.title},
        body=hazard.fix_note,
    )


# ---------------------------------------------------------------- verifying


@transaction.atomic
def verify(hazard: Hazard, *, by, note="", photos=(), version=None) -> Hazard:
    """Accept the rectification and close the hazard (销号) — never by whoever fixed it."""
    hazard = _lock(hazard, version)
    _refuse_fixer(hazard, by)
    photos = _check_photos(photos)
    now = timezone.now()
    _perform(
        hazard,
        "verify",
        by=by,
        note=(note or "").strip() or _("Verified and closed"),
        values={
            "verified_by": by,
            "verified_at": now,
            "verify_note": (note or "").strip(),
            "closed_at": now,
        },
    )
    if photos:
        timeline.attach(hazard, by=by, files=photos, text=str(_("Photos at verification")))
    _tell(
        hazard,
        [u for u in (hazard.owner, hazard.fixed_by) if u is not None and u.pk != by.pk],
        _("Hazard %(number)s is closed") % {"number": hazard.number},
    )
    return hazard


def _refuse_fixer(hazard: Hazard, by) -> None:
    if (
        hazard.status == HazardStatus.TO_VERIFY
        and by is not None
        and hazard.fixed_by_id is not None
        and hazard.fixed_by_id == by.pk
    ):
        raise PermissionDenied(
            _(
                "You rectified this hazard, so someone else must verify it "
                "(a hazard is verified by someone other than its fixer)."
            ),
            code="VerifiedByFixer",
        )


@transaction.atomic
def fail_verification(hazard: Hazard, *, by, reason, photos=(), version=None) -> Hazard:
    """Not rectified: back to rectifying with the reason; the owner is told."""
    hazard = _lock(hazard, version)
    _refuse_fixer(hazard, by)
    reason = (reason or "").strip()
    photos = _check_photos(photos)
    _perform(
        hazard,
        "fail",
        by=by,
        note=reason,
        reason=reason,
        values={"reopen_count": hazard.reopen_count + 1, "fixed_at": None},
    )
    if photos:
        timeline.attach(hazard, by=by, files=photos, text=str(_("Photos at verification")))
    _tell(
        hazard,
        [u for u in (hazard.owner, hazard.fixed_by) if u is not None and u.pk != by.pk],
        _("Hazard %(number)s is not rectified: %(reason)s")
        % {"number": hazard.number, "reason": reason},
        level="warning",
    )
    return hazard


@transaction.atomic
def cancel(hazard: Hazard, *, by, reason, version=None) -> Hazard:
    """Not a hazard: the director cancels it with the reason."""
    hazard = _lock(hazard, version)
    reason = (reason or "").strip()
    _perform(
        hazard,
        "cancel",
        by=by,
        note=reason,
        reason=reason,
        values={"cancel_reason": reason, "closed_at": timezone.now()},
    )
    _tell(
        hazard,
        [u for u in (hazard.reported_by, hazard.owner) if u is not None and u.pk != by.pk],
        _("Hazard %(number)s was cancelled: %(reason)s")
        % {"number": hazard.number, "reason": reason},
    )
    return hazard


@transaction.atomic
def comment(hazard: Hazard, *, by, text, photos=()):
    """A note or photos on the hazard's timeline (whoever may see it)."""
    if not Hazard.objects.restrict(by, "view").filter(pk=hazard.pk).exists():
        raise PermissionDenied(_("You may not comment on this hazard."))
    return timeline.comment(hazard, by=by, text=text, files=_check_photos(photos))

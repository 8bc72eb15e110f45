"""Every write of hygiene scoring: settings, areas, score sheets (with deductions and photos),
publishing a week's ranking (which freezes its results and hands out the red flag)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import notify, timeline
from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.scoping import access_for
from houqin.org.models import School
from houqin.org.roles import Role
from houqin.org.terms import term_on

from . import rankings
from .models.scores import (
    HygieneSettings,
    InspectorKind,
    ScoreDeduction,
    ScoreItem,
    ScoreSheet,
    WeekPublication,
    WeekResult,
)
from .registry_scores import INSPECT, PUBLISH


@dataclass
class DeductionInput:
    item: ScoreItem
    points: Decimal
    reason: str = ""
    photos: tuple = ()


def _require(access, perm: str, message: str) -> None:
    if not (access.is_member and access.has_perm(perm)):
        raise PermissionDenied(message)


def default_inspector_kind(access) -> str:
    """Staff who inspect are duty teachers; an inspector with no staff role is a student."""
    staff = (
        Role.STAFF,
        Role.DIRECTOR,
        Role.CLERK,
        Role.CLASS_TEACHER,
        Role.DEPT_HEAD,
        Role.PRINCIPAL,
    )
    return InspectorKind.TEACHER if access.has_role(*staff) else InspectorKind.STUDENT


@transaction.atomic
def save_settings(settings: HygieneSettings, *, by) -> HygieneSettings:
    access = access_for(by, settings.school_id)
    _require(
        access, "hygiene.change_hygienesettings", _("You may not change the hygiene settings.")
    )
    settings.full_clean()
    settings.save()
    timeline.record(settings.school, by=by, kind="event", text=_("Hygiene settings changed."))
    return settings


def is_published(school_id, week: date) -> bool:
    return WeekPublication.objects.filter(school_id=school_id, week=rankings.week_of(week)).exists()


@transaction.atomic
def create_sheet(
    *,
    by,
    school_class,
    inspected_on: date,
    deductions=(),
    bonus: Decimal = Decimal("0"),
    bonus_reason: str = "",
    note: str = "",
    inspector_kind: str | None = None,
) -> ScoreSheet:
    """Record one inspection of a class: refused when the inspector already scored this class in
    this slot, when the week is published, outside a term, or for deductions beyond full marks."""
    school_id = school_class.school_id
    access = access_for(by, school_id)
    _require(access, INSPECT, _("You may not record hygiene inspections."))
    if access.school_id != school_id:
        raise PermissionDenied(_("This class is not of your school."))
    if not school_class.is_active:
        raise DomainError(_("This class is no longer active."))
    if inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": _("An inspection cannot be dated in the future.")})
    term = term_on(school_id, inspected_on)
    if term is None or not (term.start_date <= inspected_on <= term.end_date):
        raise ValidationError({"inspected_on": _("This day is outside every term of the school.")})
    week = rankings.week_of(inspected_on)
    if is_published(school_id, week):
        raise DomainError(
            _("The ranking of this week is already published: its sheets are closed.")
        )
    settings = rankings.settings_for(school_id)
    slot = rankings.slot_of(inspected_on, settings.slot_mode)
    if ScoreSheet.objects.filter(school_class=school_class, slot=slot, inspector=by).exists():
        raise DomainError(
            _("You already scored %(klass)s for this slot (%(slot)s).")
            % {"klass": school_class, "slot": slot},
            code="DuplicateSheet",
        )
    kept = _check_deductions(school_id, deductions)
    bonus = Decimal(bonus or 0)
    if bonus < 0:
        raise ValidationError({"bonus": _("A bonus cannot be negative.")})
    if bonus and not bonus_reason.strip():
        raise ValidationError({"bonus_reason": _("Say why the class earns a bonus.")})
    deducted = sum((d.points for d in kept), Decimal("0"))
    sheet = ScoreSheet(
        school_id=school_id,
        term=term,
        school_class=school_class,
        inspected_on=inspected_on,
        slot=slot,
        week=week,
        inspector=by,
        inspector_kind=inspector_kind or default_inspector_kind(access),
        base_score=settings.base_score,
        deducted=deducted,
        bonus=bonus,
        bonus_reason=bonus_reason.strip(),
        total=settings.base_score - deducted + bonus,
        note=note.strip(),
    )
    sheet.full_clean(exclude=["school_class", "inspector", "term"], validate_unique=False)
    try:
        with transaction.atomic():
            sheet.save()
    except IntegrityError:
        raise DomainError(
            _("You already scored %(klass)s for this slot (%(slot)s).")
            % {"klass": school_class, "slot": slot},
            code="DuplicateSheet",
        ) from None
    ScoreDeduction.objects.bulk_create(
        [
            ScoreDeduction(sheet=sheet, item=d.item, points=d.points, reason=d.reason.strip())
            for d in kept
        ]
    )
    timeline.record(
        sheet,
        by=by,
        kind="event",
        text=_("Scored %(total)s (deducted %(deducted)s).")
        % {"total": sheet.total, "deducted": deducted},
    )
    for d in kept:
        if d.photos:
            timeline.attach(
                sheet, by=by, files=list(d.photos), text=f"{d.item.name}: {d.reason}".strip(": ")
            )
    return sheet


def _check_deductions(school_id, deductions) -> list[DeductionInput]:
    kept, seen = [], set()
    for d in deductions:
        if d.item.school_id != school_id or not d.item.is_active:
            raise ValidationError(
                _("“%(item)s” is not an item of this school's sheet.") % {"item": d.item}
            )
        if d.item.pk in seen:
            raise ValidationError(_("“%(item)s” is listed twice.") % {"item": d.item})
        seen.add(d.item.pk)
        points = Decimal(d.points or 0)
        if points < 0:
            raise ValidationError(
                _("A deduction cannot be negative (%(item)s).") % {"item": d.item}
            )
        if points > d.item.full_marks:
            raise ValidationError(
                _("%(item)s is worth %(full)s points: no more can be deducted.")
                % {"item": d.item, "full": d.item.full_marks}
            )
        if points == 0:
            if d.photos:
                raise ValidationError(_("A photo needs a deduction (%(item)s).") % {"item": d.item})
            continue
        kept.append(
            DeductionInput(
                item=d.item, points=points, reason=d.reason or "", photos=tuple(d.photos or ())
            )
        )
    return kept


@transaction.atomic
def delete_sheet(sheet: ScoreSheet, *, by) -> None:
    """Withdraw a sheet written in error (the office, or its inspector), before publication."""
    access = access_for(by, sheet.school_id)
    own = sheet.inspector_id == getattr(by, "pk", None)
    if not (access.has_perm("hygiene.delete_scoresheet") or (own and access.has_perm(INSPECT))):
        raise PermissionDenied(_("You may not withdraw this sheet."))
    if is_published(sheet.school_id, sheet.week):
        raise DomainError(
            _("The ranking of this week is already published: its sheets are closed.")
        )
    timeline.record(
        sheet.school,
        by=by,
        kind="event",
        text=_("Score sheet %(sheet)s withdrawn.") % {"sheet": sheet},
    )
    sheet.delete()


@transaction.atomic
def publish_week(school, week: date, *, by=None) -> WeekPublication:
    """Freeze the week's ranking: results per class, red flag holders, praise and criticism;
    tell the class teachers. ``by=None`` is the Monday job."""
    school_id = getattr(school, "pk", school)
    week = rankings.week_of(week)
    if by is not None:
        _require(access_for(by, school_id), PUBLISH, _("You may not publish hygiene rankings."))
    if week + timedelta(days=7) > timezone.localdate() and by is None:
        raise DomainError(_("The week is not over yet."))
    if is_published(school_id, week):
        raise DomainError(_("This week is already published."))
    ranking = rankings.compute_week(school_id, week)
    if not ranking.inspected:
        raise DomainError(_("No class was inspected this week: there is nothing to publish."))
    publication = WeekPublication.objects.create(school_id=school_id, week=week, published_by=by)
    WeekResult.objects.bulk_create(
        [
            WeekResult(
                school_id=school_id,
                publication=publication,
                week=week,
                school_class=row.school_class,
                score=row.score,
                slots=row.slots,
                grade_rank=row.grade_rank,
                school_rank=row.school_rank,
                red_flag=row.red_flag,
                praised=row.praised,
                criticised=row.criticised,
            )
            for row in ranking.rows
            if row.inspected
        ]
    )
    school_obj = School.objects.get(pk=school_id)
    timeline.record(
        school_obj,
        by=by,
        kind="event",
        text=_("Hygiene ranking of the week of %(week)s published.") % {"week": week},
    )
    url = reverse("hygiene:ranking_week") + f"?week={week:%Y-%m-%d}"
    for row in ranking.rows:
        teacher = row.school_class.class_teacher
        if not row.inspected or teacher is None:
            continue
        if row.red_flag:
            title = _("%(klass)s holds the red flag this week") % {"klass": row.school_class}
        else:
            title = _("%(klass)s: hygiene rank %(rank)s in the grade") % {
                "klass": row.school_class,
                "rank": row.grade_rank,
            }
        body = _("Week of %(week)s: score %(score)s.") % {"week": week, "score": row.score}
        notify.notify(
            recipients=[teacher],
            title=title,
            body=body,
            url=url,
            category="hygiene",
            school=school_id,
        )
    return publication


def publish_pending_weeks(*, week: date) -> int:
    """The Monday job: publish ``week`` for every school that inspected it and did not yet."""
    week = rankings.week_of(week)
    school_ids = (
        ScoreSheet.objects.filter(week=week)
        .exclude(school_id__in=WeekPublication.objects.filter(week=week).values("school_id"))
        .values_list("school_id", flat=True)
        .distinct()
    )
    done = 0
    for school_id in list(school_ids):
        try:
            publish_week(school_id, week)
        except DomainError:
            continue
        done += 1
    return done

"""Regulations and emergency plans: every write (documents, versions, acknowledgements) and the
daily review reminders. Each function takes the acting user, checks their right, runs in one
transaction and writes the document's timeline."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from houqin.core import compliance, timeline
from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.models import Attachment
from houqin.core.notify import notify
from houqin.core.scoping import access_for

from .models.documents import (
    DocumentAcknowledgement,
    SafetyDocument,
    SafetyDocumentKind,
    SafetyDocumentVersion,
)

REVIEW_RULE = "safety.regulation_review_months"
REVIEW_WARN_DAYS = 30
MANAGE_PERM = "safety.change_safetydocument"
ACK_PERM = "safety.add_documentacknowledgement"

# The seed's body of regulations and plans (titles are data, in the school's language).
SEED_DOCUMENTS = (
    ("门卫制度", SafetyDocumentKind.REGULATION),
    ("校园食品卫生安全制度", SafetyDocumentKind.REGULATION),
    ("交通安全管理制度", SafetyDocumentKind.REGULATION),
    ("消防安全管理制度", SafetyDocumentKind.REGULATION),
    ("用电安全制度", SafetyDocumentKind.REGULATION),
    ("安全保卫制度", SafetyDocumentKind.REGULATION),
    ("校园安全检查制度", SafetyDocumentKind.REGULATION),
    ("空调使用制度", SafetyDocumentKind.REGULATION),
    ("课外文体活动安全预案", SafetyDocumentKind.EMERGENCY_PLAN),
    ("校园安全管理制度", SafetyDocumentKind.REGULATION),
    ("校园安全紧急预案", SafetyDocumentKind.EMERGENCY_PLAN),
)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _school_id(school):
    return getattr(school, "pk", school)


def _require(by, school_id, perm, document=None):
    access = access_for(by, school_id)
    if not access.is_member:
        raise PermissionDenied()
    if access.has_perm(perm):
        return access
    if document is not None and document.owner_id and document.owner_id == getattr(by, "pk", None):
        return access
    raise PermissionDenied()


# ---------------------------------------------------------------- documents


def ensure_regulations(school) -> int:
    """Create the seed's titles the school does not have yet (idempotent); how many were added."""
    school_id = _school_id(school)
    have = set(SafetyDocument.objects.filter(school_id=school_id).values_list("title", flat=True))
    missing = [
        SafetyDocument(school_id=school_id, title=title, kind=kind)
        for title, kind in SEED_DOCUMENTS
        if title not in have
    ]
    if missing:
        # Two first visits at once: the unique title makes the loser's rows no-ops.
        SafetyDocument.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _check_people(school_id, owner, department):
    if department is not None and department.school_id != school_id:
        raise DomainError(_("Choose a department of this school."))
    if owner is not None and not access_for(owner, school_id).is_member:
        raise DomainError(_("The owner must be a member of this school."))


@transaction.atomic
def create_document(*, school, by, title, kind=SafetyDocumentKind.REGULATION, owner=None,
                    department=None) -> SafetyDocument:  # fmt: skip
    """A new regulation or emergency plan (without a version yet)."""
    school_id = _school_id(school)
    _require(by, school_id, "safety.add_safetydocument")
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the document a title."))
    _check_people(school_id, owner, department)
    if SafetyDocument.objects.filter(school_id=school_id, title=title).exists():
        raise DomainError(
            _("The school already has a document called “%(title)s”.") % {"title": title}
        )
    document = SafetyDocument(
        school_id=school_id, title=title, kind=kind, owner=owner, department=department
    )
    document.full_clean()
    document.save()
    timeline.record(document, by=by, kind="event", text=gettext("Document created"))
    return document


@transaction.atomic
def update_document(document: SafetyDocument, *, by, title=None, kind=None, owner=None,
                    department=None, is_active=None) -> SafetyDocument:  # fmt: skip
    """Change a document's title, kind, owner, department or whether it is in force."""
    _require(by, document.school_id, MANAGE_PERM)
    _check_people(document.school_id, owner, department)
    if title is not None:
        title = title.strip()
        if not title:
            raise DomainError(_("Give the document a title."))
        clash = SafetyDocument.objects.filter(school_id=document.school_id, title=title)
        if clash.exclude(pk=document.pk).exists():
            raise DomainError(
                _("The school already has a document called “%(title)s”.") % {"title": title}
            )
        document.title = title
    if kind is not None:
        document.kind = kind
    document.owner = owner
    document.department = department
    if is_active is not None:
        document.is_active = is_active
    document.full_clean()
    document.save()
    return document


def review_limit(school, effective_date: date) -> date:
    """The latest review date the school's rule allows for a version in force from that day."""
    return add_months(effective_date, int(compliance.value(school, REVIEW_RULE)))


@transaction.atomic
def add_version(document: SafetyDocument, *, by, label, effective_date, review_by=None,
                text="", files=()) -> SafetyDocumentVersion:  # fmt: skip
    """A new version (text and/or files): it becomes the current one and supersedes the last.

    The review date may be at most the school's ``safety.regulation_review_months`` after the
    effective date (it defaults to exactly that)."""
    _require(by, document.school_id, MANAGE_PERM, document)
    document = SafetyDocument.objects.select_for_update().get(pk=document.pk)
    label = (label or "").strip()
    files = list(files)
    errors = {}
    if not label:
        errors["label"] = _("Give the version a label, for example 2026版.")
    elif document.versions.filter(label=label).exists():
        errors["label"] = _("This document already has a version “%(label)s”.") % {"label": label}
    if not (text or "").strip() and not files:
        errors["text"] = _("Write the text or attach the document's file.")
    if effective_date is None:
        errors["effective_date"] = _("Give the date it takes effect.")
    else:
        latest = review_limit(document.school_id, effective_date)
        if review_by is None:
            review_by = latest
        elif review_by <= effective_date:
            errors["review_by"] = _("The review date must come after the effective date.")
        elif review_by > latest:
            months = compliance.value(document.school_id, REVIEW_RULE)
            errors["review_by"] = _(
                "Review it by %(latest)s at the latest: the school reviews its regulations and "
                "plans at least every %(months)s months."
            ) % {"latest": latest.isoformat(), "months": months}
    if errors:
        raise ValidationError(errors)
    previous = document.versions.filter(is_current=True).first()
    now = timezone.now()
    if previous is not None:
        previous.is_current = False
        previous.superseded_at = now
        previous.save(update_fields=["is_current", "superseded_at", "updated_at"])
    version = SafetyDocumentVersion(
        school_id=document.school_id, document=document, label=label, text=(text or "").strip(),
        effective_date=effective_date, review_by=review_by, is_current=True, created_by=by,
    )  # fmt: skip
    version.full_clean()
    version.save()
    if files:
        timeline.attach(version, by=by, files=files, text=gettext("Document file"))
    message = gettext("Version %(label)s in force from %(date)s") % {
        "label": label, "date": effective_date.isoformat()
    }  # fmt: skip
    if previous is not None:
        message += " · " + gettext("supersedes %(label)s") % {"label": previous.label}
    timeline.record(document, by=by, kind="event", text=message, data={"version": version.pk})
    document.save(update_fields=["updated_at"])
    return version


@transaction.atomic
def acknowledge(version: SafetyDocumentVersion, *, by) -> DocumentAcknowledgement:
    """``by`` has read this version: recorded once (a second click returns the first record)."""
    access = access_for(by, version.school_id)
    if not access.is_member or not access.has_perm(ACK_PERM):
        raise PermissionDenied()
    if not version.is_current:
        raise DomainError(_("This version has been superseded: read the current one."))
    existing = DocumentAcknowledgement.objects.filter(version=version, user=by).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return DocumentAcknowledgement.objects.create(
                school_id=version.school_id, version=version, user=by, read_at=timezone.now()
            )
    except IntegrityError:  # the same person clicked twice at once
        return DocumentAcknowledgement.objects.get(version=version, user=by)


def version_files(versions) -> dict[int, list[Attachment]]:
    """Each version's files (one query for all of them)."""
    versions = list(versions)
    if not versions:
        return {}
    content_type = ContentType.objects.get_for_model(SafetyDocumentVersion)
    found: dict[int, list[Attachment]] = {v.pk: [] for v in versions}
    rows = (
        Attachment.objects.filter(
            school_id=versions[0].school_id,
            entry__content_type=content_type,
            entry__object_id__in=list(found),
        )
        .select_related("entry")
        .order_by("pk")
    )
    for attachment in rows:
        found[attachment.entry.object_id].append(attachment)
    return found


# ---------------------------------------------------------------- review reminders


def _directors(school_id):
    from houqin.org.models import User
    from houqin.org.roles import Role

    return list(
        User.objects.filter(
            is_active=True, memberships__school_id=school_id, memberships__is_active=True,
            memberships__roles__role=Role.DIRECTOR,
        ).distinct()
    )  # fmt: skip


def send_review_reminders(today: date | None = None) -> int:
    """Tell each current version's owner (else the logistics directors) once when its review is
    within 30 days, and once more when it has passed. Returns the reminders sent."""
    today = today or timezone.localdate()
    due = (
        SafetyDocumentVersion.objects.filter(
            is_current=True, document__is_active=True,
            review_by__lte=today + timedelta(days=REVIEW_WARN_DAYS),
        )
        .filter(review_overdue_on__isnull=True)
        .select_related("document__owner")
        .order_by("school_id", "pk")
    )  # fmt: skip
    sent = 0
    directors: dict[int, list] = {}
    for version in due:
        overdue = version.review_by < today
        if not overdue and version.review_warned_on is not None:
            continue
        with transaction.atomic():
            # Claim the reminder so two schedulers send it once.
            field = "review_overdue_on" if overdue else "review_warned_on"
            claimed = SafetyDocumentVersion.objects.filter(
                pk=version.pk, **{f"{field}__isnull": True}
            ).update(**{field: today})
            if not claimed:
                continue
            owner = version.document.owner
            if owner is not None:
                recipients = [owner]
            else:
                recipients = directors.setdefault(version.school_id, _directors(version.school_id))
            if overdue:
                title = gettext("Review overdue: %(title)s (review by %(date)s)")
            else:
                title = gettext("Review due: %(title)s by %(date)s")
            notify(
                recipients=recipients,
                title=title
                % {"title": version.document.title, "date": version.review_by.isoformat()},
                url=version.document.get_absolute_url(),
                category="safety",
                school=version.school_id,
                source=version.document,
            )
            sent += 1
    return sent

"""The one timeline every document has: state changes, comments, attachments, events.

Services call ``record(doc, by=user, kind="state_change", from_state=..., to_state=...)``;
people add ``comment(doc, by=user, text=..., files=[...])`` and ``attach(doc, by=user,
files=[...])``. Files are checked by content first (``houqin.core.attachments``): when one
file of several is refused, nothing is written at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from houqin.core.attachments import InvalidUpload, make_thumbnail, validate_upload
from houqin.core.errors import DomainError
from houqin.core.models import Attachment, TimelineEntry
from houqin.core.scoping import is_tenant_model

logger = logging.getLogger(__name__)

Kind = TimelineEntry.Kind
MAX_FILES_PER_ENTRY = 10


def school_id_of(obj: models.Model) -> int:
    """The tenant a document belongs to (the school itself for the tenant model)."""
    school_id = getattr(obj, "school_id", None)
    if school_id is not None:
        return school_id
    if not is_tenant_model(type(obj)) and type(obj)._meta.label == _tenant_label():
        return obj.pk
    raise ValueError(f"{type(obj).__name__} has no school: it cannot have a timeline")


def _tenant_label() -> str:
    from django.conf import settings

    return settings.HOUQIN_TENANT_MODEL


def _actor(by):
    return by if getattr(by, "is_authenticated", False) else None


@transaction.atomic
def record(
    obj: models.Model,
    *,
    by,
    kind: str,
    text: str = "",
    from_state: str = "",
    to_state: str = "",
    data: dict | None = None,
) -> TimelineEntry:
    """Add one entry to ``obj``'s timeline (``by`` may be None for the system)."""
    if kind not in Kind.values:
        raise ValueError(f"unknown timeline kind {kind!r}")
    return TimelineEntry.objects.create(
        school_id=school_id_of(obj),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        kind=kind,
        actor=_actor(by),
        text=text,
        from_state=from_state or "",
        to_state=to_state or "",
        data=data or {},
    )


def _validate_all(files) -> list:
    if len(files) > MAX_FILES_PER_ENTRY:
        raise InvalidUpload(
            _("At most %(count)d files can be added at once.") % {"count": MAX_FILES_PER_ENTRY}
        )
    # Every file is checked before anything is written.
    return [(f, validate_upload(f)) for f in files]


@transaction.atomic
def comment(obj: models.Model, *, by, text: str, files: Iterable = ()) -> TimelineEntry:
    """A person's comment, optionally with photos or files."""
    files = list(files)
    text = (text or "").strip()
    if not text and not files:
        raise DomainError(_("Write a comment or choose a file."))
    checked = _validate_all(files)
    entry = record(obj, by=by, kind=Kind.COMMENT, text=text)
    _store(entry, checked, by=by)
    return entry


@transaction.atomic
def attach(obj: models.Model, *, by, files: Iterable, text: str = "") -> TimelineEntry:
    """Add files or photos to the timeline as one entry."""
    files = list(files)
    if not files:
        raise DomainError(_("Choose at least one file."))
    checked = _validate_all(files)
    entry = record(obj, by=by, kind=Kind.ATTACHMENT, text=text)
    _store(entry, checked, by=by)
    return entry


def _store(entry: TimelineEntry, checked, *, by) -> list[Attachment]:
    stored: list[Attachment] = []
    try:
        for f, info in checked:
            attachment = Attachment(
                school_id=entry.school_id,
                entry=entry,
                original_name=_clean_name(getattr(f, "name", "") or "file"),
                content_type=info.content_type,
                size=info.size,
                is_image=info.is_image,
                width=info.width,
                height=info.height,
                uploaded_by=_actor(by),
            )
            attachment._stored_extension = info.extension
            f.seek(0)
            attachment.file.save("upload", f, save=False)
            stored.append(attachment)
            if info.width is not None:
                thumb = make_thumbnail(f)
                if thumb is not None:
                    attachment.thumbnail.save("thumb.jpg", thumb, save=False)
            attachment.save()
    except BaseException:
        # The transaction rolls the rows back; the files on disk must go too.
        for attachment in stored:
            _delete_files(attachment)
        raise
    return stored


def _delete_files(attachment: Attachment) -> None:
    for field in (attachment.file, attachment.thumbnail):
        if field and field.name:
            try:
                field.storage.delete(field.name)
            except OSError:
                logger.warning("could not delete %s", field.name)


def _clean_name(name: str) -> str:
    # Browsers may send a path; keep only the last part, and not too long.
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    return name[-200:]


def entries_for(obj: models.Model):
    """The document's timeline, oldest first: two queries whatever its length."""
    return (
        TimelineEntry.objects.filter(
            school_id=school_id_of(obj),
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
        )
        .select_related("actor")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )

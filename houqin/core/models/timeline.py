"""The timeline of a document: state changes, comments, attachments and events, who and when."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import TenantModel

__all__ = ["TimelineEntry", "Attachment", "attachment_path", "thumbnail_path"]


class TimelineEntry(TenantModel):
    """One line of a document's timeline. Append-only: never edited, never deleted."""

    # Append-only business record; the row itself is its own history.
    history_exempt_reason = "append-only timeline"

    class Kind(models.TextChoices):
        STATE_CHANGE = "state_change", _("State change")
        COMMENT = "comment", _("Comment")
        ATTACHMENT = "attachment", _("Attachment")
        EVENT = "event", _("Event")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("document type")
    )
    object_id = models.PositiveBigIntegerField(_("document id"))
    document = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_state = models.CharField(_("from state"), max_length=40, blank=True)
    to_state = models.CharField(_("to state"), max_length=40, blank=True)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "created_at"], name="timeline_doc_idx"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def owned_q(cls, access, action):
        # Entries are shown through their document; the document's restrict() is the gate.
        return None


def _random_stem() -> str:
    return secrets.token_urlsafe(18)


def attachment_path(instance, filename: str) -> str:
    """school/year/month/random.ext — never the uploader's file name on disk."""
    now = timezone.localtime()
    ext = getattr(instance, "_stored_extension", "") or "bin"
    return f"attachments/{instance.school_id}/{now:%Y}/{now:%m}/{_random_stem()}.{ext}"


def thumbnail_path(instance, filename: str) -> str:
    now = timezone.localtime()
    return f"attachments/{instance.school_id}/{now:%Y}/{now:%m}/thumbs/{_random_stem()}.jpg"


class Attachment(TenantModel):
    """A file or photo on a timeline entry, checked by its content on upload."""

    history_exempt_reason = "append-only timeline attachment"

    entry = models.ForeignKey(
        TimelineEntry,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("timeline entry"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    is_image = models.BooleanField(_("photo"), default=False)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=thumbnail_path, max_length=200, blank=True
    )
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name

    @classmethod
    def owned_q(cls, access, action):
        return None

    @property
    def download_name(self) -> str:
        """The user's file name, with an extension that matches the real content."""
        from houqin.core.attachments import extension_for

        ext = extension_for(self.content_type)
        stem, dot, current = self.original_name.rpartition(".")
        if ext and (not dot or current.lower() not in {ext, "jpeg" if ext == "jpg" else ext}):
            return f"{self.original_name}.{ext}"
        return self.original_name

"""Notifications: the in-app inbox, per-user preferences, school channels and deliveries."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import TenantModel, TimeStampedModel

__all__ = [
    "Notification",
    "NotificationPreference",
    "SchoolChannel",
    "ChannelKind",
    "Delivery",
    "JobRun",
]


class Notification(TenantModel):
    """One message in a person's in-app inbox. Append-only apart from ``read_at``."""

    history_exempt_reason = "notification rows are append-only messages"

    class Level(models.TextChoices):
        INFO = "info", _("Information")
        SUCCESS = "success", _("Success")
        WARNING = "warning", _("Warning")
        DANGER = "danger", _("Urgent")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.INFO)
    category = models.CharField(_("category"), max_length=60, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    source_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document type"),
    )
    source_id = models.PositiveBigIntegerField(_("document id"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "school", "read_at"], name="notification_inbox_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def owned_q(cls, access, action):
        # Everyone sees and marks their own inbox, nobody else's.
        return Q(recipient=access.user) if action in ("view", "change") else None


class NotificationPreference(TimeStampedModel):
    """How one person wants to be told outside the app. The in-app inbox is always on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email_enabled = models.BooleanField(_("send me e-mail"), default=True)
    muted_categories = models.JSONField(_("muted categories"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)

    def wants_email(self, category: str = "") -> bool:
        return self.email_enabled and not (category and category in self.muted_categories)


class ChannelKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    FEISHU = "feishu", _("Feishu group bot")
    EMAIL = "email", _("E-mail")


class SchoolChannel(TenantModel):
    """A school-wide channel (a group bot or a shared mailbox) that hears chosen categories."""

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    webhook_url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk and Feishu: the secret shown when signing is turned on."),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    categories = models.JSONField(
        _("categories"),
        default=list,
        blank=True,
        help_text=_("Leave empty to receive every category."),
    )
    # The secret stays out of the history tables.
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def hears(self, category: str) -> bool:
        return not self.categories or category in self.categories


class Delivery(TenantModel):
    """One message to send outside the app (an e-mail or a group-bot post), with retries."""

    history_exempt_reason = "delivery log rows are append-only"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.ForeignKey(
        SchoolChannel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("channel"),
    )
    target = models.CharField(_("to"), max_length=254, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt"), null=True, blank=True, default=timezone.now
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class JobRun(models.Model):
    """A periodic job's claim on one time slot: the unique key makes each slot run once."""

    history_exempt_reason = "scheduler bookkeeping"

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("Done")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("job"), max_length=100)
    slot = models.DateTimeField(_("time slot"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-slot"]
        constraints = [models.UniqueConstraint(fields=["key", "slot"], name="uniq_job_slot")]

    def __str__(self):
        return f"{self.key} @ {self.slot:%Y-%m-%d %H:%M}"

"""Notifications: the in-app inbox at once, e-mail and group bots by background task.

``notify(recipients=[...], title=..., school=school, url=..., category="maintenance")``
writes one inbox row per person inside the caller's transaction and, only after it
commits, enqueues one delivery task per e-mail and per school channel that hears the
category. A failed delivery is retried with backoff (by the ``core.retry_deliveries``
periodic job) and given up after ``MAX_ATTEMPTS``, with the last error kept.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone, translation

from houqin.core.channels import ChannelError, absolute_url, send_webhook
from houqin.core.models import (
    ChannelKind,
    Delivery,
    Notification,
    NotificationPreference,
    SchoolChannel,
)
from houqin.core.scoping import access_for

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Wait after the 1st, 2nd, 3rd and 4th failure; the 5th failure gives up.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
# A claimed delivery that never reports back (worker killed) is retried after this.
CLAIM_LEASE = timedelta(minutes=10)


_CATEGORIES: dict[str, str] = {}


def register_category(key: str, label) -> None:
    """Name a category people may mute for e-mail (call from an app's ``ready``)."""
    _CATEGORIES[key] = label


def categories() -> list[tuple[str, str]]:
    return sorted(_CATEGORIES.items(), key=lambda item: str(item[1]))


def _pk(obj):
    return getattr(obj, "pk", obj)


@transaction.atomic
def notify(
    *,
    recipients,
    title: str,
    body: str = "",
    url: str = "",
    category: str = "",
    school,
    level: str = Notification.Level.INFO,
    source: models.Model | None = None,
) -> list[Notification]:
    """Tell people something: in-app rows now, e-mail and group bots after commit."""
    school_id = _pk(school)
    people = {u.pk: u for u in recipients if u is not None and getattr(u, "is_active", True)}
    title = str(title)[:200]
    body = str(body)
    source_fields = {}
    if source is not None:
        source_fields = {
            "source_type": ContentType.objects.get_for_model(source),
            "source_id": source.pk,
        }
    rows = Notification.objects.bulk_create(
        [
            Notification(
                school_id=school_id,
                recipient=user,
                title=title,
                body=body,
                url=url,
                level=level,
                category=category,
                **source_fields,
            )
            for user in people.values()
        ]
    )
    deliveries = _email_deliveries(rows, people, category) + _channel_deliveries(
        school_id, title=title, body=body, url=url, category=category
    )
    created = Delivery.objects.bulk_create(deliveries)
    ids = [d.pk for d in created]
    if ids:
        transaction.on_commit(partial(enqueue_deliveries, ids))
    return rows


def _email_deliveries(rows, people, category) -> list[Delivery]:
    prefs = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(user_id__in=[r.recipient_id for r in rows])
    }
    out = []
    for row in rows:
        user = people[row.recipient_id]
        pref = prefs.get(row.recipient_id)
        if not user.email or (pref is not None and not pref.wants_email(category)):
            continue
        out.append(
            Delivery(
                school_id=row.school_id,
                kind=ChannelKind.EMAIL,
                notification=row,
                target=user.email,
                title=row.title,
                body=row.body,
                url=row.url,
            )
        )
    return out


def _channel_deliveries(school_id, *, title, body, url, category) -> list[Delivery]:
    channels = SchoolChannel.objects.filter(school_id=school_id, is_active=True)
    return [
        Delivery(
            school_id=school_id,
            kind=channel.kind,
            channel=channel,
            target=channel.email if channel.kind == ChannelKind.EMAIL else "",
            title=title,
            body=body,
            url=url,
        )
        for channel in channels
        if channel.hears(category)
    ]


def enqueue_deliveries(ids) -> None:
    from houqin.core.tasks import deliver_task

    for delivery_id in ids:
        deliver_task.enqueue(delivery_id)


# ------------------------------------------------------------------ delivering


def attempt_delivery(delivery_id: int, *, now=None) -> str:
    """Send one delivery if it is due; return its status afterwards."""
    now = now or timezone.now()
    delivery = Delivery.objects.select_related("channel").filter(pk=delivery_id).first()
    if delivery is None:
        return "missing"
    if delivery.status != Delivery.Status.PENDING:
        return delivery.status
    if delivery.next_attempt_at and delivery.next_attempt_at > now:
        return delivery.status
    # Claim this attempt: a second worker holding the same task id finds nothing to update.
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.PENDING, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE)
    if not claimed:
        return "claimed"
    delivery.attempts += 1
    channel = delivery.channel
    if channel is not None and not channel.is_active:
        _finish(delivery, status=Delivery.Status.SKIPPED, error="channel turned off")
        return delivery.status
    try:
        with translation.override(settings.LANGUAGE_CODE):
            _send(delivery)
    except Exception as exc:  # noqa: BLE001 - any failure of an outside service is retried
        error = f"{type(exc).__name__}: {exc}" if not isinstance(exc, ChannelError) else str(exc)
        if delivery.attempts >= MAX_ATTEMPTS:
            _finish(delivery, status=Delivery.Status.FAILED, error=error)
            logger.warning(
                "delivery %s gave up after %s attempts: %s", delivery.pk, delivery.attempts, error
            )
        else:
            delivery.last_error = error[:2000]
            delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
            delivery.save(update_fields=["last_error", "next_attempt_at", "updated_at"])
        return delivery.status
    delivery.sent_at = now
    _finish(delivery, status=Delivery.Status.SENT, error="")
    return delivery.status


def _finish(delivery: Delivery, *, status: str, error: str) -> None:
    delivery.status = status
    delivery.next_attempt_at = None
    if error:
        delivery.last_error = error[:2000]
    delivery.save(
        update_fields=["status", "next_attempt_at", "last_error", "sent_at", "updated_at"]
    )


def _send(delivery: Delivery) -> None:
    if delivery.kind == ChannelKind.EMAIL:
        text = delivery.body
        if delivery.url:
            text = f"{text}\n\n{absolute_url(delivery.url)}".strip()
        send_mail(
            subject=delivery.title,
            message=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[delivery.target],
            fail_silently=False,
        )
        return
    channel = delivery.channel
    send_webhook(
        delivery.kind,
        webhook_url=channel.webhook_url if channel else "",
        secret=channel.secret if channel else "",
        title=delivery.title,
        body=delivery.body,
        url=delivery.url,
    )


def due_deliveries(now=None):
    """Pending deliveries whose retry time has come (including abandoned claims)."""
    now = now or timezone.now()
    return Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)


def retry_due_deliveries(now=None, limit: int = 500) -> int:
    """Enqueue a task for every due delivery; the claim in ``attempt_delivery`` dedupes."""
    ids = list(due_deliveries(now).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    enqueue_deliveries(ids)
    return len(ids)


# ------------------------------------------------------------------ inbox


def inbox_for(user):
    """The user's own notifications in their current school, newest first."""
    return (
        Notification.objects.restrict(user, "view")
        .filter(recipient=user)
        .order_by("-created_at", "-pk")
    )


def unread_count(user) -> int:
    """Unread notifications for the navigation badge: one indexed COUNT."""
    if not getattr(user, "is_authenticated", False):
        return 0
    access = access_for(user)
    if not access.is_member:
        return 0
    return Notification.objects.filter(
        recipient=user, school_id=access.school_id, read_at__isnull=True
    ).count()


def mark_read(notification_id: int, *, by) -> Notification:
    """Mark one of the user's own notifications read (idempotent)."""
    notification = inbox_for(by).get(pk=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        inbox_for(by).filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(*, by) -> int:
    return inbox_for(by).filter(read_at__isnull=True).update(read_at=timezone.now())


def preference_for(user) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.get_or_create(user=user)
    return pref


@transaction.atomic
def update_preferences(*, by, email_enabled: bool, muted_categories=()) -> NotificationPreference:
    """Change the acting user's own delivery preferences (history is kept)."""
    pref = preference_for(by)
    pref.email_enabled = bool(email_enabled)
    pref.muted_categories = sorted({str(c) for c in muted_categories if c})
    pref.full_clean()
    pref.save()
    return pref


def prune_read_notifications(*, older_than: timedelta = timedelta(days=180), now=None) -> int:
    """Delete read notifications and finished deliveries older than ``older_than``."""
    now = now or timezone.now()
    cutoff = now - older_than
    deleted, _detail = Notification.objects.filter(
        read_at__isnull=False, read_at__lt=cutoff
    ).delete()
    Delivery.objects.filter(
        status__in=[Delivery.Status.SENT, Delivery.Status.SKIPPED], updated_at__lt=cutoff
    ).delete()
    return deleted

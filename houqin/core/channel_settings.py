"""A school's notification channels: which webhook addresses are valid for each kind of group
bot, how they are shown masked, and sending a test message (a service the settings pages call)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import errors
from houqin.core.channels import ChannelError, send_webhook
from houqin.core.models import ChannelKind, Delivery, SchoolChannel
from houqin.core.scoping import can

BOT_KINDS = (ChannelKind.WECOM, ChannelKind.DINGTALK, ChannelKind.FEISHU)
# kind -> (accepted hosts, path the key lives under, query parameter holding the key or None
# when the key is the last path segment). Only these hosts are allowed, so the server never
# posts to an address of the user's choosing (nor to the school's intranet).
WEBHOOKS = {
    ChannelKind.WECOM: (("qyapi.weixin.qq.com",), "/cgi-bin/webhook/send", "key"),
    ChannelKind.DINGTALK: (("oapi.dingtalk.com",), "/robot/send", "access_token"),
    ChannelKind.FEISHU: (
        ("open.feishu.cn", "open.larksuite.com"),
        "/open-apis/bot/v2/hook/",
        None,
    ),
}
EXAMPLES = {
    ChannelKind.WECOM: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
    ChannelKind.DINGTALK: "https://oapi.dingtalk.com/robot/send?access_token=…",
    ChannelKind.FEISHU: "https://open.feishu.cn/open-apis/bot/v2/hook/…",
}
MASK = "••••"
# Shorter values are not blanked out of error text: they would mangle ordinary words.
MIN_SCRUB_LENGTH = 6


def webhook_key(kind: str, url: str) -> str:
    """The key part of a bot's webhook URL (``""`` when the URL is not that bot's)."""
    if kind not in WEBHOOKS or not url:
        return ""
    hosts, path, param = WEBHOOKS[kind]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    if (
        parts.scheme != "https"
        or (parts.hostname or "").lower() not in hosts
        or port not in (None, 443)
        or parts.username
        or parts.password
    ):
        return ""
    if param is None:
        if not parts.path.startswith(path):
            return ""
        key = parts.path[len(path) :]
        return key if key and "/" not in key else ""
    if parts.path != path:
        return ""
    values = parse_qs(parts.query).get(param, [])
    return values[0] if len(values) == 1 else ""


def masked_webhook(channel: SchoolChannel) -> str:
    """``qyapi.weixin.qq.com ••••ab12``: the host and the key's last 4 characters, no more."""
    if channel.kind == ChannelKind.EMAIL:
        return channel.email
    if not channel.webhook_url:
        return ""
    host = (urlsplit(channel.webhook_url).hostname or "").lower()
    key = webhook_key(channel.kind, channel.webhook_url)
    # A key of 8 characters or fewer would be half given away by its last 4.
    tail = key[-4:] if len(key) > 8 else ""
    return f"{host} {MASK}{tail}".strip()


def scrub(text: str, channel: SchoolChannel) -> str:
    """Error text with the channel's key and secret blanked (network errors quote the URL)."""
    text = str(text or "")
    for value in (webhook_key(channel.kind, channel.webhook_url), channel.secret):
        if len(value) >= MIN_SCRUB_LENGTH:
            text = text.replace(value, MASK)
    return text


@dataclass(frozen=True)
class ChannelTestOutcome:
    ok: bool
    error: str = ""


def send_test_message(*, channel: SchoolChannel, by) -> ChannelTestOutcome:
    """Post one test message through ``channel`` now and log it as a delivery."""
    if not can(by, "change", channel):
        raise errors.PermissionDenied()
    school = channel.school
    title = str(_("Test message from Houqin"))
    body = str(
        _(
            "%(person)s sent this test from the channel settings of %(school)s. "
            "It reached “%(channel)s”."
        )
        % {"person": by.get_full_name() or by.get_username(), "school": school, "channel": channel}
    )
    error = ""
    # The outside call is made outside any transaction: a slow bot must not hold the database.
    try:
        if channel.kind == ChannelKind.EMAIL:
            send_mail(title, body, None, [channel.email], fail_silently=False)
        else:
            send_webhook(
                channel.kind,
                webhook_url=channel.webhook_url,
                secret=channel.secret,
                title=title,
                body=body,
            )
    except ChannelError as exc:
        error = scrub(str(exc), channel)
    except Exception as exc:  # noqa: BLE001 - any failure of a mail server is shown, not raised
        error = scrub(f"{type(exc).__name__}: {exc}", channel)
    _log_test(channel=channel, title=title, body=body, error=error)
    return ChannelTestOutcome(ok=not error, error=error)


@transaction.atomic
def _log_test(*, channel, title, body, error) -> Delivery:
    now = timezone.now()
    # Finished at once (no next attempt), so the retry job never sends a test twice.
    return Delivery.objects.create(
        school_id=channel.school_id,
        kind=channel.kind,
        channel=channel,
        target=channel.email if channel.kind == ChannelKind.EMAIL else "",
        title=title,
        body=body,
        status=Delivery.Status.FAILED if error else Delivery.Status.SENT,
        attempts=1,
        last_error=error[:2000],
        next_attempt_at=None,
        sent_at=None if error else now,
    )

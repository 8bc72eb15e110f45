"""Group-bot webhooks in the formats WeCom, DingTalk and Feishu actually accept.

- WeCom (企业微信) group robot: POST ``{"msgtype": "markdown", "markdown": {"content": ...}}``
  to the webhook URL (it carries ``?key=``); success is ``errcode == 0``.
- DingTalk (钉钉) custom robot: POST ``{"msgtype": "markdown", "markdown": {"title", "text"}}``;
  with a signing secret, ``sign = urlencode(base64(HMAC-SHA256(key=secret,
  msg=f"{timestamp_ms}\\n{secret}")))`` is appended as ``&timestamp=..&sign=..``;
  success is ``errcode == 0``.
- Feishu (飞书) custom bot: POST ``{"msg_type": "text", "content": {"text": ...}}``; with a
  secret, ``sign = base64(HMAC-SHA256(key=f"{timestamp_s}\\n{secret}", msg=b""))`` and
  ``timestamp``/``sign`` go in the JSON body; success is ``code == 0``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

import requests
from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 5
# WeCom refuses markdown content over 4096 bytes; DingTalk and Feishu allow more.
WECOM_MAX_BYTES = 4096


class ChannelError(Exception):
    """The webhook refused the message or could not be reached; the delivery is retried."""


def current_time() -> float:
    """Seconds since the epoch (a seam for tests that check signatures)."""
    return time.time()


def absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    base = getattr(settings, "HOUQIN_SITE_URL", "").rstrip("/")
    return f"{base}{url}" if base else url


def _clip_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", errors="ignore") + "…"


# ------------------------------------------------------------------ payloads


def wecom_payload(*, title: str, body: str = "", url: str = "") -> dict:
    lines = [f"**{title}**"]
    if body:
        lines.append(body)
    if url:
        lines.append("[{}]({})".format(_("Open in Houqin"), absolute_url(url)))
    return {
        "msgtype": "markdown",
        "markdown": {"content": _clip_utf8("\n".join(lines), WECOM_MAX_BYTES)},
    }


def dingtalk_payload(*, title: str, body: str = "", url: str = "") -> dict:
    parts = [f"### {title}"]
    if body:
        parts.append(body)
    if url:
        parts.append("[{}]({})".format(_("Open in Houqin"), absolute_url(url)))
    return {"msgtype": "markdown", "markdown": {"title": title, "text": "\n\n".join(parts)}}


def feishu_payload(*, title: str, body: str = "", url: str = "") -> dict:
    parts = [title]
    if body:
        parts.append(body)
    if url:
        parts.append(absolute_url(url))
    return {"msg_type": "text", "content": {"text": "\n".join(parts)}}


# ------------------------------------------------------------------ signatures


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The URL-encoded DingTalk signature of ``timestamp_ms``."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def dingtalk_signed_url(webhook_url: str, secret: str, timestamp_ms: int) -> str:
    joiner = "&" if "?" in webhook_url else "?"
    return (
        f"{webhook_url}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"
    )


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu signs an empty message with the key ``timestamp + "\\n" + secret``."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


# ------------------------------------------------------------------ sending


def _post(url: str, payload: dict) -> dict:
    try:
        response = requests.post(url, json=payload, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        raise ChannelError(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code >= 400:
        raise ChannelError(f"HTTP {response.status_code}: {response.text[:300]}")
    try:
        return response.json()
    except ValueError as exc:
        raise ChannelError(f"not JSON: {response.text[:300]}") from exc


def send_wecom(*, webhook_url: str, title: str, body: str = "", url: str = "") -> None:
    answer = _post(webhook_url, wecom_payload(title=title, body=body, url=url))
    if answer.get("errcode") != 0:
        raise ChannelError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


def send_dingtalk(
    *, webhook_url: str, secret: str = "", title: str, body: str = "", url: str = ""
) -> None:
    target = webhook_url
    if secret:
        target = dingtalk_signed_url(webhook_url, secret, int(round(current_time() * 1000)))
    answer = _post(target, dingtalk_payload(title=title, body=body, url=url))
    if answer.get("errcode") != 0:
        raise ChannelError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


def send_feishu(
    *, webhook_url: str, secret: str = "", title: str, body: str = "", url: str = ""
) -> None:
    payload = feishu_payload(title=title, body=body, url=url)
    if secret:
        timestamp = int(current_time())
        payload = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **payload}
    answer = _post(webhook_url, payload)
    # Older Feishu bots answer {"StatusCode": 0}; current ones {"code": 0}.
    code = answer.get("code", answer.get("StatusCode"))
    if code != 0:
        raise ChannelError(f"code {code}: {answer.get('msg', answer.get('StatusMessage', ''))}")


SENDERS = {"wecom": send_wecom, "dingtalk": send_dingtalk, "feishu": send_feishu}


def send_webhook(
    kind: str, *, webhook_url: str, secret: str = "", title: str, body: str = "", url: str = ""
) -> None:
    """Post one message to a group bot; raise ``ChannelError`` when it is not accepted."""
    if not webhook_url:
        raise ChannelError("no webhook URL configured")
    sender = SENDERS[kind]
    if kind == "wecom":
        sender(webhook_url=webhook_url, title=title, body=body, url=url)
    else:
        sender(webhook_url=webhook_url, secret=secret, title=title, body=body, url=url)

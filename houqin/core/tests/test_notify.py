import base64
import hashlib
import hmac
from unittest import mock
from urllib.parse import quote_plus

import pytest
import requests
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from houqin.core import channels, notify
from houqin.core.jobs import retry_deliveries
from houqin.core.models import Delivery, Notification, NotificationPreference, SchoolChannel

WECOM_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test-key"
DINGTALK_URL = "https://oapi.dingtalk.com/robot/send?access_token=test-token"
FEISHU_URL = "https://open.feishu.cn/open-apis/bot/v2/hook/test-hook"


@pytest.fixture(autouse=True)
def english_and_site(settings):
    settings.LANGUAGE_CODE = "en"
    settings.HOUQIN_SITE_URL = "https://houqin.example.cn"


@pytest.fixture
def post():
    """requests.post as the channels module sees it; every bot answers success by default."""
    with mock.patch.object(channels.requests, "post") as fake:
        fake.return_value = _answer({"errcode": 0, "errmsg": "ok"})
        yield fake


def _answer(payload, status=200):
    response = mock.Mock(status_code=status, text=str(payload))
    response.json.return_value = payload
    return response


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(channels, "current_time", lambda: 1700000000.123)


def _notify(school, recipients, **kwargs):
    defaults = {
        "title": "Work order WX-2026-00042 assigned",
        "body": "Room 101: projector",
        "url": "/m/42/",
    }
    return notify.notify(recipients=recipients, school=school, **{**defaults, **kwargs})


def test_in_app_row_is_written_at_once(school, teacher, post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        rows = _notify(school, [teacher])

    assert [n.title for n in Notification.objects.filter(recipient=teacher)] == [
        "Work order WX-2026-00042 assigned"
    ]
    assert rows[0].read_at is None
    assert notify.unread_count(teacher) == 1
    assert callbacks == []  # no e-mail, no channel: nothing to deliver


def test_group_bots_are_posted_only_after_commit(
    school, teacher, post, django_capture_on_commit_callbacks
):
    SchoolChannel.objects.create(school=school, name="后勤群", kind="wecom", webhook_url=WECOM_URL)

    with django_capture_on_commit_callbacks() as callbacks:
        _notify(school, [teacher])
        assert not post.called
    for callback in callbacks:
        callback()

    assert post.call_count == 1
    assert Delivery.objects.get().status == "sent"


def test_nothing_is_sent_when_the_transaction_rolls_back(
    school, teacher, post, django_capture_on_commit_callbacks
):
    SchoolChannel.objects.create(school=school, name="后勤群", kind="wecom", webhook_url=WECOM_URL)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify(school, [teacher])
        raise RuntimeError("the service failed after notifying")

    assert not post.called
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_wecom_gets_the_markdown_payload(school, teacher, post, django_capture_on_commit_callbacks):
    SchoolChannel.objects.create(school=school, name="后勤群", kind="wecom", webhook_url=WECOM_URL)

    with django_capture_on_commit_callbacks(execute=True):
        _notify(school, [teacher])

    post.assert_called_once_with(
        WECOM_URL,
        json={
            "msgtype": "markdown",
            "markdown": {
                "content": "**Work order WX-2026-00042 assigned**\nRoom 101: projector\n"
                "[Open in Houqin](https://houqin.example.cn/m/42/)"
            },
        },
        timeout=channels.TIMEOUT_SECONDS,
    )


def test_dingtalk_is_signed_in_the_url(
    school, teacher, post, fixed_clock, django_capture_on_commit_callbacks
):
    secret = "SEC0123456789abcdef"
    SchoolChannel.objects.create(
        school=school, name="钉钉群", kind="dingtalk", webhook_url=DINGTALK_URL, secret=secret
    )

    with django_capture_on_commit_callbacks(execute=True):
        _notify(school, [teacher])

    timestamp = "1700000000123"
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    expected_sign = quote_plus(base64.b64encode(digest).decode())
    post.assert_called_once_with(
        f"{DINGTALK_URL}&timestamp={timestamp}&sign={expected_sign}",
        json={
            "msgtype": "markdown",
            "markdown": {
                "title": "Work order WX-2026-00042 assigned",
                "text": "### Work order WX-2026-00042 assigned\n\nRoom 101: projector\n\n"
                "[Open in Houqin](https://houqin.example.cn/m/42/)",
            },
        },
        timeout=channels.TIMEOUT_SECONDS,
    )


def test_dingtalk_signature_is_url_encoded_base64():
    sign = channels.dingtalk_sign("secret", 1700000000123)
    assert "+" not in sign and "/" not in sign and "=" not in sign
    assert base64.b64decode(requests.utils.unquote(sign))


def test_feishu_is_signed_in_the_body(
    school, teacher, post, fixed_clock, django_capture_on_commit_callbacks
):
    post.return_value = _answer({"code": 0, "msg": "success", "data": {}})
    secret = "feishu-secret"
    SchoolChannel.objects.create(
        school=school, name="飞书群", kind="feishu", webhook_url=FEISHU_URL, secret=secret
    )

    with django_capture_on_commit_callbacks(execute=True):
        _notify(school, [teacher])

    key = f"1700000000\n{secret}".encode()
    expected_sign = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    post.assert_called_once_with(
        FEISHU_URL,
        json={
            "timestamp": "1700000000",
            "sign": expected_sign,
            "msg_type": "text",
            "content": {
                "text": "Work order WX-2026-00042 assigned\nRoom 101: projector\nhttps://houqin.example.cn/m/42/"
            },
        },
        timeout=channels.TIMEOUT_SECONDS,
    )
    assert Delivery.objects.get().status == "sent"


def test_unsigned_feishu_sends_no_signature_fields(
    school, teacher, post, django_capture_on_commit_callbacks
):
    post.return_value = _answer({"code": 0, "msg": "success"})
    SchoolChannel.objects.create(
        school=school, name="飞书群", kind="feishu", webhook_url=FEISHU_URL
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify(school, [teacher])
    assert set(post.call_args.kwargs["json"]) == {"msg_type", "content"}


def test_channels_hear_only_their_categories(
    school, teacher, post, django_capture_on_commit_callbacks
):
    SchoolChannel.objects.create(
        school=school, name="安全群", kind="wecom", webhook_url=WECOM_URL, categories=["safety"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify(school, [teacher], category="maintenance")
        _notify(school, [teacher], category="safety")
    assert post.call_count == 1


def test_other_schools_channels_are_not_used(
    school, other_school, teacher, post, django_capture_on_commit_callbacks
):
    SchoolChannel.objects.create(
        school=other_school, name="乙校群", kind="wecom", webhook_url=WECOM_URL
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify(school, [teacher])
    assert not post.called


def test_email_is_sent_when_the_person_allows_it(
    school, make_member, django_capture_on_commit_callbacks
):
    person = make_member(school, "staff", username="li", email="li@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(school, [person])
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Work order WX-2026-00042 assigned", ["li@example.cn"])
    ]
    assert "https://houqin.example.cn/m/42/" in mail.outbox[0].body


def test_no_email_when_turned_off_or_category_muted(
    school, make_member, django_capture_on_commit_callbacks
):
    off = make_member(school, "staff", username="off", email="off@example.cn")
    muted = make_member(school, "staff", username="muted", email="muted@example.cn")
    NotificationPreference.objects.create(user=off, email_enabled=False)
    NotificationPreference.objects.create(user=muted, muted_categories=["hygiene"])

    with django_capture_on_commit_callbacks(execute=True):
        _notify(school, [off, muted], category="hygiene")

    assert mail.outbox == []
    assert Notification.objects.count() == 2  # the inbox always gets it


def test_failing_webhook_is_retried_and_given_up_after_five_attempts(
    school, teacher, post, django_capture_on_commit_callbacks
):
    post.side_effect = requests.ConnectionError("connection refused")
    SchoolChannel.objects.create(school=school, name="后勤群", kind="wecom", webhook_url=WECOM_URL)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(school, [teacher])

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at > timezone.now()

    # Not due yet: the retry job leaves it alone.
    retry_deliveries(timezone.now())
    assert post.call_count == 1

    for _ in range(6):
        Delivery.objects.filter(status="pending").update(
            next_attempt_at=timezone.now() - timezone.timedelta(seconds=1)
        )
        retry_deliveries(timezone.now())

    delivery.refresh_from_db()
    assert post.call_count == notify.MAX_ATTEMPTS == 5
    assert (delivery.status, delivery.attempts) == ("failed", 5)
    assert "connection refused" in delivery.last_error
    assert delivery.next_attempt_at is None


def test_backoff_grows_between_attempts(school, teacher, post, django_capture_on_commit_callbacks):
    post.return_value = _answer({"errcode": 93000, "errmsg": "invalid webhook url"})
    SchoolChannel.objects.create(school=school, name="后勤群", kind="wecom", webhook_url=WECOM_URL)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(school, [teacher])
    delivery = Delivery.objects.get()
    first_wait = delivery.next_attempt_at - delivery.updated_at

    now = delivery.next_attempt_at
    notify.attempt_delivery(delivery.pk, now=now)
    delivery.refresh_from_db()

    assert "errcode 93000" in delivery.last_error
    assert delivery.next_attempt_at - now > first_wait


def test_a_delivery_is_sent_once_even_if_its_task_runs_twice(
    school, teacher, post, django_capture_on_commit_callbacks
):
    SchoolChannel.objects.create(school=school, name="后勤群", kind="wecom", webhook_url=WECOM_URL)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(school, [teacher])
    notify.attempt_delivery(Delivery.objects.get().pk)
    assert post.call_count == 1


# ------------------------------------------------------------------ inbox pages


def test_unread_count_counts_only_my_unread_in_this_school(school, other_school, teacher, director):
    _notify(school, [teacher, director])
    _notify(other_school, [teacher])
    assert notify.unread_count(teacher) == 1
    notify.mark_all_read(by=teacher)
    assert notify.unread_count(teacher) == 0
    assert notify.unread_count(director) == 1


def test_inbox_lists_my_notifications_only(
    client, school, teacher, director, django_assert_max_num_queries
):
    for i in range(12):
        _notify(school, [teacher], title=f"mine {i}")
    _notify(school, [director], title="not yours")
    client.force_login(teacher)
    client.get(reverse("notification_list"))

    with django_assert_max_num_queries(20):
        response = client.get(reverse("notification_list"))

    html = response.content.decode()
    assert "mine 11" in html and "not yours" not in html


def test_marking_read_and_opening(client, school, teacher):
    (row,) = _notify(school, [teacher])
    client.force_login(teacher)

    response = client.post(reverse("notification_read", args=[row.pk]), {"open": "1"})

    assert response.status_code == 302 and response["Location"] == "/m/42/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_cannot_mark_someone_elses_notification(client, school, teacher, director):
    (row,) = _notify(school, [director])
    client.force_login(teacher)
    assert client.post(reverse("notification_read", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read(client, school, teacher):
    _notify(school, [teacher])
    _notify(school, [teacher])
    client.force_login(teacher)
    response = client.post(reverse("notification_read_all"))
    assert response.status_code == 302
    assert notify.unread_count(teacher) == 0


def test_preferences_page_saves_my_choices(client, teacher):
    notify.register_category("maintenance", "Repairs")
    client.force_login(teacher)
    assert client.get(reverse("notification_preferences")).status_code == 200

    response = client.post(
        reverse("notification_preferences"), {"muted_categories": ["maintenance"]}
    )

    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=teacher)
    assert pref.email_enabled is False and pref.muted_categories == ["maintenance"]


def test_prune_drops_only_old_read_notifications(school, teacher):
    old, recent, unread = (
        _notify(school, [teacher]) + _notify(school, [teacher]) + _notify(school, [teacher])
    )
    now = timezone.now()
    Notification.objects.filter(pk=old.pk).update(read_at=now - timezone.timedelta(days=400))
    Notification.objects.filter(pk=recent.pk).update(read_at=now)

    notify.prune_read_notifications(now=now)

    assert set(Notification.objects.values_list("pk", flat=True)) == {recent.pk, unread.pk}

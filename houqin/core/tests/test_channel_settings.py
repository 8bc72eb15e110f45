"""A logistics director sets up the school's group bots in the product: list, add, edit,
delete and send a test message; the signing secret and the full webhook key are never shown."""

from unittest import mock

import pytest
import requests
from django.core import mail
from django.urls import reverse
from django.utils import translation

from houqin.core import channels
from houqin.core.models import Delivery, SchoolChannel

WECOM_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0a1b2c3d-wecom-key-9f8e"
DINGTALK_URL = "https://oapi.dingtalk.com/robot/send?access_token=dt0123456789tokenZ7Q1"
FEISHU_URL = "https://open.feishu.cn/open-apis/bot/v2/hook/fs-0123-4567-hookK9W2"
SECRET = "SECd0n0tsh0wthis5ecret"


def _answer(payload, status=200):
    response = mock.Mock(status_code=status, text=str(payload))
    response.json.return_value = payload
    return response


@pytest.fixture
def post():
    """requests.post as the channels module sees it; the bot accepts by default."""
    with mock.patch.object(channels.requests, "post") as fake:
        fake.return_value = _answer({"errcode": 0, "errmsg": "ok"})
        yield fake


@pytest.fixture
def principal(school, make_member):
    return make_member(school, "principal", username="principal")


def _channel(school, **fields):
    defaults = {"name": "后勤群", "kind": "dingtalk", "webhook_url": DINGTALK_URL}
    return SchoolChannel.objects.create(school=school, **{**defaults, **fields})


def _form(**fields):
    data = {"name": "后勤群", "kind": "wecom", "webhook_url": WECOM_URL, "is_active": "on"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def _html(response):
    return response.content.decode()


# ---------------------------------------------------------------- the list


def test_director_sees_each_channel_with_kind_masked_address_and_last_delivery(
    client, director, school
):
    channel = _channel(school, secret=SECRET, categories=["maintenance"])
    Delivery.objects.create(
        school=school,
        kind="dingtalk",
        channel=channel,
        title="t",
        status="failed",
        last_error="errcode 310000: sign not match",
    )
    client.force_login(director)

    html = _html(client.get(reverse("channel_list")))

    assert "后勤群" in html
    assert "DingTalk group robot" in html
    assert "oapi.dingtalk.com ••••Z7Q1" in html
    assert "Failed" in html and "sign not match" in html
    assert "Repairs" in html


def test_channel_list_never_shows_the_secret_or_the_whole_key(client, director, school):
    _channel(school, secret=SECRET)
    _channel(school, name="维修群", kind="wecom", webhook_url=WECOM_URL)
    _channel(school, name="总务群", kind="feishu", webhook_url=FEISHU_URL, secret=SECRET)
    client.force_login(director)

    html = _html(client.get(reverse("channel_list")))

    assert SECRET not in html
    for key in ("dt0123456789tokenZ7Q1", "0a1b2c3d-wecom-key-9f8e", "fs-0123-4567-hookK9W2"):
        assert key not in html
    assert "qyapi.weixin.qq.com ••••9f8e" in html
    assert "open.feishu.cn ••••K9W2" in html


@pytest.mark.chinese
def test_channel_kind_is_shown_by_its_chinese_name(client, director, school):
    _channel(school)
    client.force_login(director)

    with translation.override("zh-hans"):
        html = _html(client.get(reverse("channel_list"), HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert "钉钉群机器人" in html


def test_channel_list_runs_the_same_queries_for_many_channels(
    client, director, school, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            channel = _channel(school, name=f"群{SchoolChannel.objects.count()}-{i}")
            Delivery.objects.create(
                school=school, kind="dingtalk", channel=channel, title="t", status="sent"
            )

    client.force_login(director)
    add(2)
    with django_assert_max_num_queries(12) as first:
        assert client.get(reverse("channel_list")).status_code == 200
    add(6)
    with django_assert_max_num_queries(len(first)):
        assert client.get(reverse("channel_list")).status_code == 200


def test_last_delivery_error_is_shown_without_the_webhook_key(client, director, school):
    channel = _channel(school)
    Delivery.objects.create(
        school=school,
        kind="dingtalk",
        channel=channel,
        title="t",
        status="pending",
        last_error=f"ConnectionError: max retries exceeded with url: {DINGTALK_URL}&sign=x",
    )
    client.force_login(director)

    html = _html(client.get(reverse("channel_list")))

    assert "max retries exceeded" in html
    assert "dt0123456789tokenZ7Q1" not in html


# ---------------------------------------------------------------- add and edit


def test_director_adds_a_wecom_robot_to_their_own_school(client, director, school, other_school):
    client.force_login(director)

    response = client.post(reverse("channel_add"), _form())

    assert response.status_code == 302
    channel = SchoolChannel.objects.get()
    assert (channel.school, channel.kind, channel.webhook_url) == (school, "wecom", WECOM_URL)
    assert channel.is_active


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("wecom", WECOM_URL),
        ("dingtalk", DINGTALK_URL),
        ("feishu", FEISHU_URL),
        ("feishu", "https://open.larksuite.com/open-apis/bot/v2/hook/lark-hook-123456"),
    ],
)
def test_each_bot_accepts_its_own_webhook_address(client, director, kind, url):
    client.force_login(director)

    response = client.post(reverse("channel_add"), _form(kind=kind, webhook_url=url))

    assert response.status_code == 302
    assert SchoolChannel.objects.get().webhook_url == url


def test_plain_http_webhook_is_refused_with_a_clear_message(client, director):
    client.force_login(director)

    response = client.post(
        reverse("channel_add"), _form(webhook_url=WECOM_URL.replace("https://", "http://"))
    )

    assert response.status_code == 200
    assert "The webhook URL must start with https://." in _html(response)
    assert not SchoolChannel.objects.exists()


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("dingtalk", WECOM_URL),  # right bot, wrong kind chosen
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"),  # key missing
        ("wecom", "https://evil.example/cgi-bin/webhook/send?key=abc"),
        ("wecom", "https://qyapi.weixin.qq.com@evil.example/cgi-bin/webhook/send?key=abc"),
        ("wecom", "https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=abc"),
        ("wecom", "https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send?key=abc"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/other?access_token=abc"),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/"),
        ("feishu", "https://open.feishu.cn.example.com/open-apis/bot/v2/hook/abc"),
    ],
)
def test_webhook_on_the_wrong_host_or_path_for_its_kind_is_refused(client, director, kind, url):
    client.force_login(director)

    response = client.post(reverse("channel_add"), _form(kind=kind, webhook_url=url))

    assert response.status_code == 200
    assert "webhook URL" in _html(response)
    assert not SchoolChannel.objects.exists()


def test_wrong_host_message_names_the_kind_and_the_expected_address(client, director):
    client.force_login(director)

    response = client.post(reverse("channel_add"), _form(kind="dingtalk", webhook_url=WECOM_URL))

    html = _html(response)
    assert "This is not a DingTalk group robot webhook URL" in html
    assert "https://oapi.dingtalk.com/robot/send?access_token=" in html


def test_bot_without_a_webhook_url_is_refused(client, director):
    client.force_login(director)

    response = client.post(reverse("channel_add"), _form(webhook_url=""))

    assert "Paste the robot&#x27;s webhook URL." in _html(response)
    assert not SchoolChannel.objects.exists()


def test_email_channel_needs_an_address_and_keeps_no_webhook(client, director):
    client.force_login(director)

    refused = client.post(reverse("channel_add"), _form(kind="email", webhook_url=""))
    accepted = client.post(
        reverse("channel_add"),
        _form(kind="email", webhook_url=WECOM_URL, email="houqin@school.example.cn"),
    )

    assert "Give the e-mail address that receives the messages." in _html(refused)
    assert accepted.status_code == 302
    channel = SchoolChannel.objects.get()
    assert (channel.email, channel.webhook_url) == ("houqin@school.example.cn", "")


def test_secret_is_never_sent_back_to_the_browser(client, director, school):
    channel = _channel(school, secret=SECRET)
    client.force_login(director)

    edit_page = client.get(reverse("channel_edit", args=[channel.pk]))
    # A failed submit re-renders the form: the typed secret is not echoed either.
    failed = client.post(
        reverse("channel_edit", args=[channel.pk]),
        _form(kind="dingtalk", webhook_url="http://bad", secret="SECtypedbutrefused"),
    )

    assert SECRET not in _html(edit_page)
    assert "A signing secret is saved." in _html(edit_page)
    assert failed.status_code == 200
    assert "SECtypedbutrefused" not in _html(failed)


def test_empty_secret_on_edit_keeps_the_saved_one(client, director, school):
    channel = _channel(school, secret=SECRET)
    client.force_login(director)

    response = client.post(
        reverse("channel_edit", args=[channel.pk]),
        _form(name="后勤通知群", kind="dingtalk", webhook_url=DINGTALK_URL, secret=""),
    )

    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.secret) == ("后勤通知群", SECRET)


def test_typed_secret_on_edit_replaces_the_saved_one(client, director, school):
    channel = _channel(school, secret=SECRET)
    client.force_login(director)

    client.post(
        reverse("channel_edit", args=[channel.pk]),
        _form(kind="dingtalk", webhook_url=DINGTALK_URL, secret="SECnew"),
    )

    channel.refresh_from_db()
    assert channel.secret == "SECnew"


def test_saved_secret_can_be_removed_when_signing_is_turned_off(client, director, school):
    channel = _channel(school, secret=SECRET)
    client.force_login(director)

    client.post(
        reverse("channel_edit", args=[channel.pk]),
        _form(kind="dingtalk", webhook_url=DINGTALK_URL, clear_secret="on"),
    )

    channel.refresh_from_db()
    assert channel.secret == ""


def test_turning_a_channel_off_is_kept(client, director, school):
    channel = _channel(school)
    client.force_login(director)

    client.post(
        reverse("channel_edit", args=[channel.pk]),
        _form(kind="dingtalk", webhook_url=DINGTALK_URL, is_active=None),
    )

    channel.refresh_from_db()
    assert channel.is_active is False


def test_director_deletes_a_channel_by_post_only(client, director, school):
    channel = _channel(school)
    client.force_login(director)

    by_get = client.get(reverse("channel_delete", args=[channel.pk]))
    by_post = client.post(reverse("channel_delete", args=[channel.pk]))

    assert by_get.status_code == 405
    assert by_post.status_code == 302
    assert not SchoolChannel.objects.exists()


# ---------------------------------------------------------------- send a test message


def test_test_message_is_posted_now_and_success_is_shown(client, director, school, post):
    channel = _channel(school, secret=SECRET)
    client.force_login(director)

    response = client.post(reverse("channel_test", args=[channel.pk]), follow=True)

    assert post.call_count == 1
    assert post.call_args.args[0].startswith(DINGTALK_URL + "&timestamp=")
    assert "Test message from Houqin" in post.call_args.kwargs["json"]["markdown"]["title"]
    assert "The test message was sent to “后勤群”." in _html(response)
    delivery = Delivery.objects.get(channel=channel)
    assert (delivery.status, delivery.next_attempt_at) == ("sent", None)


def test_bots_refusal_is_shown_with_its_error_text(client, director, school, post):
    channel = _channel(school, secret=SECRET)
    post.return_value = _answer({"errcode": 310000, "errmsg": "sign not match"})
    client.force_login(director)

    response = client.post(reverse("channel_test", args=[channel.pk]), follow=True)

    html = _html(response)
    assert "did not accept the test message: errcode 310000: sign not match" in html
    assert SECRET not in html
    assert Delivery.objects.get(channel=channel).status == "failed"


def test_unreachable_bot_is_reported_without_revealing_the_key(client, director, school, post):
    channel = _channel(school, kind="wecom", webhook_url=WECOM_URL)
    post.side_effect = requests.ConnectionError(f"Max retries exceeded with url: {WECOM_URL}")
    client.force_login(director)

    response = client.post(reverse("channel_test", args=[channel.pk]), follow=True)

    html = _html(response)
    assert "did not accept the test message: ConnectionError" in html
    assert "0a1b2c3d-wecom-key-9f8e" not in html
    assert "0a1b2c3d-wecom-key-9f8e" not in Delivery.objects.get().last_error


def test_failed_test_message_is_never_retried(client, director, school, post):
    from houqin.core.notify import due_deliveries

    channel = _channel(school)
    post.return_value = _answer({"errcode": 300001, "errmsg": "token is not exist"})
    client.force_login(director)

    client.post(reverse("channel_test", args=[channel.pk]))

    assert not due_deliveries().exists()


def test_test_message_to_an_email_channel_sends_one_mail(client, director, school):
    channel = _channel(school, kind="email", webhook_url="", email="houqin@school.example.cn")
    client.force_login(director)

    client.post(reverse("channel_test", args=[channel.pk]))

    assert [m.to for m in mail.outbox] == [["houqin@school.example.cn"]]


# ---------------------------------------------------------------- who may


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("channel_list", "get"),
        ("channel_add", "get"),
        ("channel_add", "post"),
        ("channel_edit", "get"),
        ("channel_edit", "post"),
        ("channel_test", "post"),
        ("channel_delete", "post"),
    ],
)
def test_teacher_may_not_see_or_change_channels(client, teacher, school, post, name, method):
    channel = _channel(school)
    client.force_login(teacher)
    args = [channel.pk] if name not in ("channel_list", "channel_add") else []

    response = getattr(client, method)(
        reverse(name, args=args), _form() if method == "post" else {}
    )

    assert response.status_code in (403, 404)
    assert response.status_code == 403 or name not in ("channel_list", "channel_add")
    assert not post.called
    assert SchoolChannel.objects.get().name == "后勤群"


def test_principal_sees_channels_but_cannot_test_edit_or_delete(client, principal, school, post):
    channel = _channel(school)
    client.force_login(principal)

    page = client.get(reverse("channel_list"))
    tested = client.post(reverse("channel_test", args=[channel.pk]))
    edited = client.post(reverse("channel_edit", args=[channel.pk]), _form(name="改名"))
    deleted = client.post(reverse("channel_delete", args=[channel.pk]))

    assert page.status_code == 200
    assert reverse("channel_test", args=[channel.pk]) not in _html(page)
    assert (tested.status_code, edited.status_code, deleted.status_code) == (403, 403, 403)
    assert not post.called
    assert SchoolChannel.objects.get().name == "后勤群"


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("channel_edit", "get"),
        ("channel_edit", "post"),
        ("channel_test", "post"),
        ("channel_delete", "post"),
    ],
)
def test_another_schools_channel_is_not_found(client, director, other_school, post, name, method):
    theirs = _channel(other_school, name="乙校群")
    client.force_login(director)

    response = getattr(client, method)(reverse(name, args=[theirs.pk]), _form(name="改名"))

    assert response.status_code == 404
    assert not post.called
    assert SchoolChannel.objects.get().name == "乙校群"


def test_another_schools_channels_are_not_listed(client, director, school, other_school):
    _channel(other_school, name="乙校群")
    client.force_login(director)

    html = _html(client.get(reverse("channel_list")))

    assert "乙校群" not in html


def test_bots_error_text_is_not_mangled_by_a_short_secret(client, director, school):
    channel = _channel(school, secret="s")
    Delivery.objects.create(
        school=school,
        kind="dingtalk",
        channel=channel,
        title="t",
        status="failed",
        last_error="errcode 310000: sign not match",
    )
    client.force_login(director)

    html = _html(client.get(reverse("channel_list")))

    assert "errcode 310000: sign not match" in html

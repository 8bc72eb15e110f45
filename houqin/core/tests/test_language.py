import pytest
from django.test import RequestFactory

from houqin.core.middleware import choose_language


@pytest.mark.chinese
@pytest.mark.parametrize(
    ("accept", "cookie", "expected"),
    [
        ("", None, "zh-hans"),
        ("en-US,en;q=0.9", None, "zh-hans"),
        ("zh-CN,zh;q=0.9", None, "zh-hans"),
        ("zh-TW,zh;q=0.9,en;q=0.8", None, "zh-hant"),
        ("en-US,zh-HK;q=0.5", None, "zh-hant"),
        ("zh-CN", "en", "en"),
        ("zh-CN", "zh-hant", "zh-hant"),
        ("zh-CN", "xx", "zh-hans"),
    ],
)
def test_language_is_the_persons_choice_else_the_browsers_chinese_else_simplified(accept, cookie, expected):
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE=accept)
    if cookie:
        request.COOKIES["houqin_language"] = cookie
    assert choose_language(request) == expected

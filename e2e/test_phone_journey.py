"""A teacher of two schools, on a 360 px phone: log in, switch language, switch school, and open
the to-do inbox, in the system Chromium with the real CSP."""

import pytest

from houqin import factories as f
from houqin.core import todo
from houqin.core.todo import TodoItem, TodoSource

pytestmark = [pytest.mark.e2e, pytest.mark.chinese, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_school_teacher():
    a = f.SchoolFactory(code="donghu", name="东湖中学")
    b = f.SchoolFactory(code="nanhu", name="南湖小学")
    user = f.member(a, "staff", username="linyt", full_name="林雨婷")
    f.MembershipFactory(school=b, user=user)
    from houqin.org.models import Membership, RoleAssignment

    RoleAssignment.objects.create(membership=Membership.objects.get(school=b, user=user), role="staff")
    return user, a, b


@pytest.fixture
def school_specific_todo(monkeypatch):
    """A to-do source whose item names the school it was asked about."""

    def items(access, limit):
        from houqin.org.models import School

        name = School.objects.get(pk=access.school_id).name
        return [TodoItem(title=f"{name}：检查灭火器", url="/", source="e2e", module="安全", urgent=True)]

    monkeypatch.setitem(
        todo._SOURCES, "e2e", TodoSource(key="e2e", label="E2E", items=items, count=lambda a: 1)
    )


def test_phone_login_language_school_and_todo(live_server, phone, two_school_teacher, school_specific_todo):
    problems = []
    phone.on("console", lambda m: m.type == "error" and problems.append(m.text))
    phone.on("pageerror", lambda e: problems.append(str(e)))

    phone.goto(live_server.url + "/")
    phone.fill("input[name=username]", "linyt")
    phone.fill("input[name=password]", "pass-1234")
    phone.click("button[type=submit]")
    phone.wait_for_url(live_server.url + "/")
    # An English browser still gets the school's default language, Simplified Chinese.
    assert phone.get_attribute("html", "lang") == "zh-hans"
    assert phone.is_visible("text=我的待办")
    assert phone.is_visible("text=东湖中学：检查灭火器")

    # Language: the phone's user menu holds the language buttons.
    phone.click(".avatar")
    phone.locator("button[name=language][value=en]:visible").click()
    phone.wait_for_load_state("load")
    assert phone.get_attribute("html", "lang") == "en"
    assert phone.is_visible("text=My to-do")

    # School: the switcher in the top bar lists both schools.
    phone.click(".navbar-brand .dropdown-toggle")
    phone.locator("button[name=school]", has_text="南湖小学").click()
    phone.wait_for_load_state("load")
    assert "南湖小学" in phone.inner_text(".navbar-brand")

    # The to-do inbox now lists what waits in the second school.
    phone.click("a[title='To-do']")
    phone.wait_for_load_state("load")
    assert phone.is_visible("text=南湖小学：检查灭火器")
    assert not phone.is_visible("text=东湖中学：检查灭火器")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert problems == []

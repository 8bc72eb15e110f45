"""The shell in a real browser: no CSP violations, and usable on a 360 px phone."""

import pytest

from houqin.core import todo
from houqin.core.todo import TodoItem, TodoSource

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_page(phone):
    problems = []
    phone.on("console", lambda m: m.type == "error" and problems.append(m.text))
    phone.on("pageerror", lambda e: problems.append(str(e)))
    phone.problems = problems
    return phone


def test_phone_user_logs_in_and_reaches_the_to_do_list_without_csp_errors(
    live_server, phone_page, teacher, monkeypatch
):
    item = TodoItem(
        title="Check the fire extinguishers",
        url="/",
        source="test.browser",
        module="Safety",
        urgent=True,
    )
    monkeypatch.setitem(
        todo._SOURCES,
        "test.browser",
        TodoSource(
            key="test.browser", label="Browser", items=lambda a, limit: [item], count=lambda a: 1
        ),
    )
    page = phone_page
    page.goto(live_server.url + "/")
    page.fill("input[name=username]", "teacher")
    page.fill("input[name=password]", "pass-1234")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert page.is_visible("text=Check the fire extinguishers")
    # The to-do badge stays visible on a phone, outside the collapsed menu.
    assert page.is_visible("[data-testid=todo-count]")
    # Nothing sticks out sideways on a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The collapsed menu opens (Tabler's JS runs under the CSP).
    page.click(".navbar-toggler")
    page.wait_for_selector("#navbar-menu.show")
    assert page.problems == []

"""The shell: home/to-do page, navigation by role, school and language switchers, CSP."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from houqin.core import navigation, todo
from houqin.core.navigation import NavItem
from houqin.core.todo import TodoItem, TodoSource
from houqin.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_todo(monkeypatch):
    """A to-do source registered for one test only: two items, one urgent and overdue."""
    now = timezone.now()
    items = [
        TodoItem(
            title="Fix the projector in 302",
            url="/wo/1/",
            source="test.fake",
            module="Maintenance",
            number="WX-2026-00001",
            due=now + timedelta(days=2),
        ),
        TodoItem(
            title="Approve paper purchase",
            url="/pr/7/",
            source="test.fake",
            module="Purchasing",
            number="CG-2026-00007",
            due=now - timedelta(hours=1),
            urgent=True,
        ),
    ]
    source = TodoSource(
        key="test.fake",
        label="Fake inbox",
        items=lambda access, limit: items if access.is_member else [],
        count=lambda access: len(items) if access.is_member else 0,
    )
    monkeypatch.setitem(todo._SOURCES, source.key, source)
    return items


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_lands_on_home_with_the_to_do_list(client, teacher, fake_todo):
    response = client.post(
        reverse("login"), {"username": "teacher", "password": "pass-1234"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    html = response.content.decode()
    assert "Fix the projector in 302" in html
    assert "WX-2026-00001" in html
    # Urgent first, whatever the order the source gave.
    assert html.index("Approve paper purchase") < html.index("Fix the projector in 302")
    assert 'data-testid="todo-count">2<' in html


def test_home_shows_a_card_per_source_with_its_count(client, teacher, fake_todo):
    client.force_login(teacher)
    response = client.get("/")
    assert ("Fake inbox", 2) in [(s.label, n) for s, n in response.context["source_counts"]]


def test_home_says_nothing_waits_when_the_inbox_is_empty(client, teacher):
    client.force_login(teacher)
    response = client.get("/")
    assert response.status_code == 200
    assert list(response.context["items"]) == []
    assert "Nothing waiting for you" in response.content.decode()


def test_user_without_a_school_sees_a_friendly_page(client):
    loner = UserFactory(username="loner")
    client.force_login(loner)
    response = client.get("/")
    assert response.status_code == 200
    assert "core/shell/no_school.html" in [t.name for t in response.templates]


def _fake_source(n):
    items = [TodoItem(title=f"Task {i}", url=f"/t/{i}/", source="test.many") for i in range(n)]
    return TodoSource(
        key="test.many",
        label="Many",
        items=lambda access, limit: items[:limit],
        count=lambda access: n,
    )


def test_home_runs_a_bounded_number_of_queries(
    client, teacher, monkeypatch, django_assert_max_num_queries
):
    # Only the fake source, so the count is the shell's own: session, user, membership, roles,
    # school, the switcher's schools, and the unread-notification count.
    monkeypatch.setattr(todo, "_SOURCES", {"test.many": _fake_source(3)})
    client.force_login(teacher)
    with django_assert_max_num_queries(8):
        client.get("/")


def test_home_queries_do_not_grow_with_the_to_do_items(
    client, teacher, monkeypatch, django_assert_num_queries
):
    client.force_login(teacher)
    monkeypatch.setattr(todo, "_SOURCES", {"test.many": _fake_source(2)})
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    monkeypatch.setattr(todo, "_SOURCES", {"test.many": _fake_source(40)})
    with django_assert_num_queries(len(few.captured_queries)):
        assert "Task 39" in client.get("/").content.decode()


def test_navigation_shows_only_what_the_role_allows(client, director, teacher, monkeypatch):
    secret = NavItem(
        section="org",
        label="Manage rooms (test)",
        url_name="password_change",
        perm="org.add_room",
        order=1,
    )
    monkeypatch.setattr(navigation, "_ITEMS", [*navigation._ITEMS, secret])
    client.force_login(director)
    assert "Manage rooms (test)" in client.get("/").content.decode()
    client.force_login(teacher)
    assert "Manage rooms (test)" not in client.get("/").content.decode()


def test_school_switcher_switches_to_a_school_the_user_belongs_to(client, teacher, other_school):
    MembershipFactory(school=other_school, user=teacher)
    client.force_login(teacher)
    html = client.get("/").content.decode()
    assert other_school.name in html  # listed in the switcher
    response = client.post(reverse("switch_school"), {"school": other_school.pk}, follow=True)
    teacher.refresh_from_db()
    assert teacher.current_school == other_school
    assert response.context["current_school"] == other_school


def test_school_switcher_refuses_a_school_the_user_does_not_belong_to(
    client, teacher, school, other_school
):
    client.force_login(teacher)
    response = client.post(reverse("switch_school"), {"school": other_school.pk})
    assert response.status_code == 404
    teacher.refresh_from_db()
    assert teacher.current_school == school


def test_school_switcher_refuses_an_inactive_membership(client, teacher, school, other_school):
    MembershipFactory(school=other_school, user=teacher, is_active=False)
    client.force_login(teacher)
    assert client.post(reverse("switch_school"), {"school": other_school.pk}).status_code == 404
    teacher.refresh_from_db()
    assert teacher.current_school == school


def test_school_switch_needs_a_post(client, teacher, school):
    client.force_login(teacher)
    assert client.get(reverse("switch_school"), {"school": school.pk}).status_code == 405


@pytest.mark.chinese
def test_language_switch_changes_the_page_language(client, teacher):
    client.force_login(teacher)
    assert '<html lang="zh-hans">' in client.get("/").content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    assert '<html lang="zh-hant">' in client.get("/").content.decode()


def test_pages_carry_a_strict_csp_and_no_inline_script_or_style(client, teacher, fake_todo):
    client.force_login(teacher)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page loads its scripts"
    assert all("src=" in tag for tag in scripts), scripts
    assert not re.search(r"\sstyle=", html)
    assert "<style" not in html
    assert "hx-on" not in html
    assert '"includeIndicatorStyles": false' in html


def test_htmx_requests_carry_the_csrf_token(client, teacher):
    client.force_login(teacher)
    html = client.get("/").content.decode()
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"\w+\"\}'", html)


def test_only_the_closest_menu_entry_is_highlighted(client, director):
    client.force_login(director)
    html = client.get(reverse("approval_policy_list")).content.decode()
    policies = reverse("approval_policy_list")
    inbox = reverse("approval_inbox")
    assert f'class="dropdown-item active" href="{policies}"' in html
    assert f'class="dropdown-item active" href="{inbox}"' not in html

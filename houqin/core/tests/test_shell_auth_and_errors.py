"""Auth pages (login, lockout, password change) and the friendly error pages."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import include, path, reverse

from houqin.core.views.errors import server_error

CJK = re.compile(r"[\u4e00-\u9fff]")


def _forbidden(request):
    raise PermissionDenied


# The project's URLs plus one view that refuses everyone (used with @pytest.mark.urls).
urlpatterns = [path("forbidden/", _forbidden), path("", include("houqin.urls"))]
handler403 = "houqin.core.views.errors.permission_denied"


@pytest.mark.django_db
def test_login_page_names_the_school_of_a_single_school_installation(client, school):
    html = client.get(reverse("login")).content.decode()
    assert school.name in html
    assert 'autocomplete="username"' in html


@pytest.mark.django_db
def test_wrong_password_shows_an_error_and_stays_on_login(client, teacher):
    response = client.post(reverse("login"), {"username": "teacher", "password": "wrong"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failed_logins_show_the_lockout_page(client, teacher, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "teacher", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "teacher", "password": "pass-1234"})
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(client, teacher):
    client.force_login(teacher)
    html = client.get("/").content.decode()
    assert f'<form method="post" action="{reverse("logout")}">' in html
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_password_change_works_and_keeps_the_user_logged_in(client, teacher):
    client.force_login(teacher)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pass-1234",
            "new_password1": "Xq7-lanterns-81",
            "new_password2": "Xq7-lanterns-81",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    teacher.refresh_from_db()
    assert teacher.check_password("Xq7-lanterns-81")
    assert client.get(reverse("password_change_done")).status_code == 200


@pytest.mark.chinese
@pytest.mark.django_db
def test_404_page_renders_in_chinese_by_default(client, teacher):
    client.force_login(teacher)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert "页面不存在" in heading or CJK.search(heading), heading


@pytest.mark.django_db
def test_404_page_for_anonymous_users_offers_login(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert reverse("login") in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_403_page_is_friendly(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "errors/403.html" in [t.name for t in response.templates]


def test_500_page_renders_without_the_database():
    # No django_db mark: any query here would fail the test.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"500" in response.content
    assert b"<script" not in response.content

"""The API base: token auth, the acting school, JSON errors, schema and docs."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from houqin.core.errors import Conflict, DomainError
from houqin.factories import CampusFactory, SchoolFactory, member

CAMPUSES = "api:org:campus-list"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # The token throttle counts in the cache; each test starts with a clean count.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def token_for(user):
    return Token.objects.create(user=user).key


# ------------------------------------------------------------------ tokens


def test_token_endpoint_gives_a_token_for_good_credentials(api, teacher):
    response = api.post(reverse("api:token"), {"username": "teacher", "password": "pass-1234"})
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=teacher).key


def test_token_endpoint_refuses_a_wrong_password(api, teacher):
    response = api.post(reverse("api:token"), {"username": "teacher", "password": "wrong"})
    assert response.status_code == 400
    assert not Token.objects.filter(user=teacher).exists()


def test_token_user_acts_in_their_current_school(api, school, other_school, teacher):
    CampusFactory(school=school, name="本部")
    CampusFactory(school=other_school, name="别校")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(teacher)}")
    response = api.get(reverse(CAMPUSES))
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["results"]] == ["本部"]


def test_invalid_token_is_401(api, teacher):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get(reverse(CAMPUSES))
    assert response.status_code == 401


def test_anonymous_api_request_is_401_and_names_the_token_scheme(api, school):
    response = api.get(reverse(CAMPUSES))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


@override_settings(HOUQIN_API_TOKEN_RATE="3/minute")
def test_token_endpoint_is_throttled(api, teacher):
    url = reverse("api:token")
    codes = [
        api.post(url, {"username": "teacher", "password": f"guess-{i}"}).status_code
        for i in range(4)
    ]
    assert codes[:3] == [400, 400, 400]
    assert codes[3] == 429


# ------------------------------------------------------------------ X-Houqin-School


@pytest.fixture
def two_school_teacher(school, other_school):
    from houqin.factories import MembershipFactory
    from houqin.org.models import RoleAssignment

    user = member(school, "staff", username="both")
    membership = MembershipFactory(school=other_school, user=user)
    RoleAssignment.objects.create(membership=membership, role="staff")
    return user


def test_school_header_switches_school_for_a_member(api, school, other_school, two_school_teacher):
    CampusFactory(school=school, name="本部")
    CampusFactory(school=other_school, name="别校")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(two_school_teacher)}")
    response = api.get(reverse(CAMPUSES), HTTP_X_HOUQIN_SCHOOL=other_school.code)
    assert [c["name"] for c in response.json()["results"]] == ["别校"]


def test_school_header_lasts_one_request_only(api, school, other_school, two_school_teacher):
    CampusFactory(school=school, name="本部")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(two_school_teacher)}")
    api.get(reverse(CAMPUSES), HTTP_X_HOUQIN_SCHOOL=other_school.code)
    two_school_teacher.refresh_from_db()
    assert two_school_teacher.current_school == school
    assert [c["name"] for c in api.get(reverse(CAMPUSES)).json()["results"]] == ["本部"]


def test_school_header_works_with_a_session_login_too(
    client, school, other_school, two_school_teacher
):
    CampusFactory(school=other_school, name="别校")
    client.force_login(two_school_teacher)
    response = client.get(reverse(CAMPUSES), HTTP_X_HOUQIN_SCHOOL=other_school.code)
    assert [c["name"] for c in response.json()["results"]] == ["别校"]


def test_school_header_of_a_school_the_user_is_not_in_is_403(api, school, other_school, teacher):
    CampusFactory(school=other_school, name="别校")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(teacher)}")
    response = api.get(reverse(CAMPUSES), HTTP_X_HOUQIN_SCHOOL=other_school.code)
    assert response.status_code == 403
    assert "别校" not in response.content.decode()


def test_school_header_of_an_unknown_school_is_403_too(api, school, teacher):
    api.force_authenticate(teacher)
    response = api.get(reverse(CAMPUSES), HTTP_X_HOUQIN_SCHOOL="no-such-school")
    assert response.status_code == 403


def test_director_creates_in_the_school_named_by_the_header(api, school, other_school):
    from houqin.factories import MembershipFactory
    from houqin.org.models import Campus, RoleAssignment

    director = member(school, "director", username="dual-director")
    RoleAssignment.objects.create(
        membership=MembershipFactory(school=other_school, user=director), role="director"
    )
    api.force_authenticate(director)
    response = api.post(
        reverse(CAMPUSES), {"name": "新校区"}, HTTP_X_HOUQIN_SCHOOL=other_school.code
    )
    assert response.status_code == 201
    assert Campus.objects.get(name="新校区").school == other_school


# ------------------------------------------------------------------ errors


class _Refusing(APIView):
    error: Exception = DomainError()

    def get(self, request):
        raise self.error


def _call(error, user):
    from django.utils import translation
    from rest_framework.test import force_authenticate

    request = APIRequestFactory().get("/")
    force_authenticate(request, user=user)
    with translation.override("en"):
        response = _Refusing.as_view(error=error)(request)
        response.render()
    return response


def test_domain_error_becomes_a_clear_json_message(teacher):
    response = _call(Conflict(), teacher)
    assert response.status_code == 409
    assert response.data == {
        "detail": "Someone else changed this document first. Reload and try again.",
        "code": "Conflict",
    }


def test_domain_error_keeps_its_own_message_and_code(teacher):
    response = _call(DomainError("The budget is spent.", code="budget_spent"), teacher)
    assert response.status_code == 400
    assert response.data == {"detail": "The budget is spent.", "code": "budget_spent"}


def test_django_validation_error_is_a_400_with_field_errors(teacher):
    response = _call(ValidationError({"end_date": ["Ends before it starts."]}), teacher)
    assert response.status_code == 400
    assert response.data == {"end_date": ["Ends before it starts."]}


def test_deleting_a_place_still_in_use_is_409_and_deletes_nothing(api, school, director):
    from houqin.factories import BuildingFactory

    building = BuildingFactory(campus__school=school)
    api.force_authenticate(director)
    response = api.delete(reverse("api:org:campus-detail", args=[building.campus_id]))
    assert response.status_code == 409
    assert response.json()["code"] == "protected"
    assert type(building.campus).objects.filter(pk=building.campus_id).exists()


# ------------------------------------------------------------------ schema and docs


def test_schema_is_valid_openapi(api, teacher):
    from drf_spectacular.validation import validate_schema

    api.force_authenticate(teacher)
    response = api.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert "/api/org/rooms/" in schema["paths"]


def test_schema_needs_a_login(api, school):
    assert api.get(reverse("api:schema")).status_code == 401


def test_docs_page_sends_anonymous_visitors_to_login(client, school):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("login"))


def test_docs_page_runs_no_inline_script(client, teacher):
    import re

    client.force_login(teacher)
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert scripts, "the docs page loads Swagger UI"
    assert all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert "cdn" not in html.lower()


def test_docs_page_script_is_served_as_javascript(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("api:docs"), {"script": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert reverse("api:schema") in response.content.decode()


def test_docs_page_allows_only_its_own_style_block(client, teacher):
    client.force_login(teacher)
    policy = client.get(reverse("api:docs"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert "'sha256-" in directives["style-src"]
    assert "unsafe-inline" not in policy
    assert directives["script-src"] == "'self'"


def test_a_user_of_no_school_sees_no_rows(api, school):
    from houqin.factories import UserFactory

    CampusFactory(school=school)
    api.force_authenticate(UserFactory())
    assert api.get(reverse(CAMPUSES)).json()["results"] == []


def test_schools_endpoint_lists_only_the_users_schools(api, school, other_school, teacher):
    SchoolFactory(code="school-c")
    api.force_authenticate(teacher)
    body = api.get(reverse("api:org:school-list")).json()
    assert [(s["code"], s["is_current"]) for s in body["results"]] == [("school-a", True)]


def test_api_writes_are_recorded_in_history_with_the_token_user(api, school, director):
    from houqin.org.models import Campus

    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(director)}")
    response = api.post(reverse(CAMPUSES), {"name": "东校区"})
    assert response.status_code == 201
    assert Campus.objects.get(name="东校区").history.get().history_user == director

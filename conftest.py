import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _messages_in_english(request, settings):
    """Tests read messages in the source language (English) unless marked ``chinese``;
    the Chinese default and catalogues have tests of their own."""
    if request.node.get_closest_marker("chinese"):
        yield
        return
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def school(db):
    from houqin.factories import SchoolFactory

    return SchoolFactory(code="school-a", name="宁波市甲中学")


@pytest.fixture
def other_school(db):
    from houqin.factories import SchoolFactory

    return SchoolFactory(code="school-b", name="宁波市乙中学")


@pytest.fixture
def make_member(db):
    from houqin.factories import member

    return member


@pytest.fixture
def director(school, make_member):
    return make_member(school, "director", username="director")


@pytest.fixture
def teacher(school, make_member):
    return make_member(school, "staff", username="teacher")


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are skipped on SQLite, with the reason shown."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)

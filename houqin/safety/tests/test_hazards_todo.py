"""To-dos: hazards to assign (director, clerk), to rectify (the owner), to verify (those who
may verify, never the fixer) — counted in the page's one statement."""

import pytest

from houqin.core import todo
from houqin.org.access import access_for

from .hazards_support import assigned, reported, to_verify


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def counts(user):
    access = access_for(user)
    access.__dict__.pop("_todo_counts", None)
    return {k: v for k, v in todo.counts(access).items() if k.startswith("safety.hazards_")}


def test_each_person_sees_their_own_hazard_to_dos(school, teacher, director, make_member):
    clerk = make_member(school, "clerk", username="clerk")
    inspector = make_member(school, "inspector", username="insp")
    reported(school, teacher)
    assigned(reported(school, teacher), director, clerk)
    to_verify(reported(school, teacher), director, clerk)

    assert counts(director) == {
        "safety.hazards_to_assign": 1,
        "safety.hazards_to_rectify": 0,
        "safety.hazards_to_verify": 1,
    }
    # The clerk fixed the one waiting: theirs to rectify, not to verify.
    assert counts(clerk) == {
        "safety.hazards_to_assign": 1,
        "safety.hazards_to_rectify": 1,
        "safety.hazards_to_verify": 0,
    }
    assert counts(inspector)["safety.hazards_to_verify"] == 1
    assert sum(counts(teacher).values()) == 0
    items = todo.collect(access_for(inspector))
    assert any("Verify hazard" in item.title for item in items)

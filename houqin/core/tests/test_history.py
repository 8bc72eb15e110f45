from django.urls import reverse

from houqin.core.history import history_for, models_missing_history
from houqin.factories import DepartmentFactory, RoomFactory


def _rename(room, name, by):
    room.name = name
    room._history_user = by
    room.save()


def test_history_shows_who_renamed_a_room_from_what_to_what(school, director):
    room = RoomFactory(floor__building__campus__school=school, name="物理实验室")
    _rename(room, "化学实验室", director)

    latest, created = history_for(room)

    assert latest.who == director and latest.change_type == "~"
    assert [(c.field, c.old, c.new) for c in latest.changes] == [
        ("name", "物理实验室", "化学实验室")
    ]
    assert created.change_type == "+"


def test_foreign_key_changes_show_names_not_ids(school, director):
    old, new = (
        DepartmentFactory(school=school, name="总务处"),
        DepartmentFactory(school=school, name="教务处"),
    )
    room = RoomFactory(floor__building__campus__school=school, department=old)
    room.department = new
    room.save()

    change = history_for(room)[0].changes[0]

    assert (change.label, change.old, change.new) == ("department in charge", "总务处", "教务处")


def test_history_page_shows_before_and_after(client, school, director, teacher):
    room = RoomFactory(floor__building__campus__school=school, name="Old name")
    _rename(room, "New name", director)
    client.force_login(teacher)

    response = client.get(reverse("object_history", args=["org", "room", room.pk]))

    assert response.status_code == 200
    table = response.content.decode().split("<tbody>", 1)[1]
    assert table.index("Old name") < table.index("New name")
    assert str(director) in table


def test_history_page_is_404_for_another_schools_record(client, school, other_school, make_member):
    room = RoomFactory(floor__building__campus__school=school)
    client.force_login(make_member(other_school, "director", username="outsider"))

    response = client.get(reverse("object_history", args=["org", "room", room.pk]))

    assert response.status_code == 404


def test_history_page_is_404_for_models_without_scoping(client, teacher):
    client.force_login(teacher)
    assert (
        client.get(reverse("object_history", args=["org", "user", teacher.pk])).status_code == 404
    )


def test_history_page_reads_a_bounded_number_of_queries(
    client, school, director, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    room = RoomFactory(floor__building__campus__school=school, name="v0")
    url = reverse("object_history", args=["org", "room", room.pk])
    client.force_login(director)
    _rename(room, "v1", director)
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(2, 30):
        _rename(room, f"v{i}", director)
    # the page shell, the room and its place for the title, one query for all history rows
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


# Models of other parts still being integrated; the lead empties this set (see the report).
KNOWN_MISSING: set[str] = set()


def test_every_model_keeps_history_unless_it_says_why_not():
    # Append-only rows (ledgers, timeline, notifications, counters) set history_exempt_reason.
    assert set(models_missing_history()) - KNOWN_MISSING == set(), (
        "Add `history = HistoricalRecords()` to these models, or a `history_exempt_reason` "
        "if they are append-only"
    )


def test_history_guard_notices_a_model_without_history():
    from simple_history.models import registered_models

    from houqin.org.models import Room

    registered = registered_models.pop(Room._meta.db_table)
    try:
        assert "org.Room" in models_missing_history()
    finally:
        registered_models[Room._meta.db_table] = registered

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from houqin.core import timeline
from houqin.core.errors import DomainError
from houqin.core.models import TimelineEntry
from houqin.core.views.timeline import render_timeline_panel
from houqin.factories import RoomFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def room(school):
    return RoomFactory(floor__building__campus__school=school)


def test_state_change_is_recorded_with_who_when_and_states(room, director):
    entry = timeline.record(
        room, by=director, kind="state_change", from_state="draft", to_state="submitted"
    )

    entry.refresh_from_db()
    assert entry.actor == director
    assert entry.created_at is not None
    assert (entry.from_state, entry.to_state) == ("draft", "submitted")
    assert entry.school_id == room.school_id
    assert entry.document == room


def test_comment_is_recorded_in_order_after_earlier_entries(room, director, teacher):
    timeline.record(room, by=director, kind="event", text="Opened")
    timeline.comment(room, by=teacher, text="The projector in 101 is broken")

    entries = list(timeline.entries_for(room))
    assert [(e.kind, e.actor, e.text) for e in entries] == [
        ("event", director, "Opened"),
        ("comment", teacher, "The projector in 101 is broken"),
    ]


def test_empty_comment_is_refused_and_nothing_is_written(room, teacher):
    with pytest.raises(DomainError):
        timeline.comment(room, by=teacher, text="   ")
    assert not TimelineEntry.objects.exists()


def test_system_entries_have_no_actor(room):
    entry = timeline.record(room, by=None, kind="event", text="Reminder sent")
    assert entry.actor is None


def test_entries_of_another_document_are_not_mixed_in(school, room, teacher):
    other = RoomFactory(floor__building__campus__school=school)
    timeline.comment(other, by=teacher, text="elsewhere")
    assert list(timeline.entries_for(room)) == []


def test_timeline_reads_a_fixed_number_of_queries(room, teacher, django_assert_max_num_queries):
    from django.core.files.uploadedfile import SimpleUploadedFile

    for i in range(6):
        timeline.comment(
            room,
            by=teacher,
            text=f"note {i}",
            files=[SimpleUploadedFile(f"n{i}.txt", b"hello", content_type="text/plain")],
        )
    ContentType.objects.clear_cache()
    # content type, entries with actors, attachments
    with django_assert_max_num_queries(3):
        entries = list(timeline.entries_for(room))
        names = [a.original_name for e in entries for a in e.attachments.all()]
        actors = [str(e.actor) for e in entries]
    assert len(names) == 6 and len(actors) == 6


def test_member_comments_on_a_document_they_can_see(client, room, teacher):
    client.force_login(teacher)
    url = reverse("timeline_comment", args=["org", "room", room.pk])

    response = client.post(url, {"text": "Light is flickering"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Light is flickering" in response.content.decode()
    assert TimelineEntry.objects.get().actor == teacher


def test_comment_without_htmx_goes_back_to_the_page(client, room, teacher):
    client.force_login(teacher)
    url = reverse("timeline_comment", args=["org", "room", room.pk])
    response = client.post(url, {"text": "ok", "next": "/org/"})
    assert response.status_code == 302
    assert response["Location"] == "/org/"


def test_comment_on_another_schools_document_is_404(client, other_school, room, make_member):
    outsider = make_member(other_school, "director", username="outsider")
    client.force_login(outsider)
    url = reverse("timeline_comment", args=["org", "room", room.pk])

    response = client.post(url, {"text": "hello"})

    assert response.status_code == 404
    assert not TimelineEntry.objects.exists()


def test_refused_comment_shows_the_reason_in_the_panel(client, room, teacher):
    client.force_login(teacher)
    url = reverse("timeline_comment", args=["org", "room", room.pk])
    response = client.post(url, {"text": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()


def test_panel_shows_entries_and_a_comment_form(rf, room, director):
    timeline.record(room, by=director, kind="state_change", from_state="open", to_state="closed")
    request = rf.get("/")
    request.user = director
    html = render_timeline_panel(request, room)
    assert str(director) in html
    assert reverse("timeline_comment", args=["org", "room", room.pk]) in html
    assert "closed" in html


def test_panel_url_is_404_for_unknown_models(client, teacher):
    client.force_login(teacher)
    assert client.get("/timeline/nope/thing/1/").status_code == 404

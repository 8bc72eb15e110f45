"""Regulations and emergency plans: seed titles, versions that supersede each other, the review
rule, acknowledgements once per person and version, the to-do, and review reminders."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from houqin.core import compliance, todo
from houqin.core.errors import PermissionDenied
from houqin.core.models import Notification
from houqin.core.scoping import access_for
from houqin.org.access import forget_access
from houqin.safety import services_documents as services
from houqin.safety.models.documents import (
    DocumentAcknowledgement,
    SafetyDocument,
    SafetyDocumentKind,
)

from .documents_support import safety_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(school):
    return safety_school(school)


def _version(doc, by, label="2026版", days_ago=10, **kw):
    today = timezone.localdate()
    kw.setdefault("text", "第一条 ……")
    return services.add_version(
        doc, by=by, label=label, effective_date=today - timedelta(days=days_ago), **kw
    )


def test_seed_titles_are_loaded_once(s):
    assert services.ensure_regulations(s.school) == 11
    assert services.ensure_regulations(s.school) == 0
    titles = set(SafetyDocument.objects.filter(school=s.school).values_list("title", flat=True))
    assert {"门卫制度", "空调使用制度", "校园安全紧急预案"} <= titles
    plans = SafetyDocument.objects.filter(school=s.school, kind=SafetyDocumentKind.EMERGENCY_PLAN)
    assert set(plans.values_list("title", flat=True)) == {
        "课外文体活动安全预案",
        "校园安全紧急预案",
    }


def test_list_page_preloads_the_seed_for_a_new_school(client, s):
    client.force_login(s.teacher)
    response = client.get(reverse("safety:document_list"))
    assert response.status_code == 200
    assert "门卫制度" in response.content.decode()


def test_a_new_version_supersedes_the_current_one(s):
    doc = services.create_document(school=s.school, by=s.director, title="实验室安全制度")
    first = _version(doc, s.director, label="V1", days_ago=200)
    second = _version(doc, s.director, label="V2")
    first.refresh_from_db()
    assert not first.is_current and first.superseded_at is not None
    assert second.is_current
    assert doc.versions.filter(is_current=True).count() == 1


def test_review_date_beyond_the_rule_is_refused(s):
    doc = services.create_document(school=s.school, by=s.director, title="实验室安全制度")
    today = timezone.localdate()
    with pytest.raises(ValidationError) as err:
        services.add_version(
            doc,
            by=s.director,
            label="V1",
            text="…",
            effective_date=today,
            review_by=today + timedelta(days=400),
        )
    assert "review_by" in err.value.message_dict
    assert not doc.versions.exists()


def test_review_date_defaults_to_the_school_figure(s):
    compliance.set_value(s.school, "safety.regulation_review_months", 6, by=s.director)
    doc = services.create_document(school=s.school, by=s.director, title="实验室安全制度")
    today = timezone.localdate()
    version = services.add_version(doc, by=s.director, label="V1", text="…", effective_date=today)
    assert version.review_by == services.add_months(today, 6)


def test_a_teacher_cannot_add_a_version_but_the_owner_can(s):
    doc = services.create_document(school=s.school, by=s.director, title="实验室安全制度")
    with pytest.raises(PermissionDenied):
        _version(doc, s.teacher)
    services.update_document(doc, by=s.director, owner=s.teacher, title=doc.title)
    assert _version(doc, s.teacher).is_current


def test_acknowledging_twice_records_once(s):
    doc = services.create_document(school=s.school, by=s.director, title="实验室安全制度")
    version = _version(doc, s.director)
    first = services.acknowledge(version, by=s.teacher)
    again = services.acknowledge(version, by=s.teacher)
    assert first.pk == again.pk
    assert DocumentAcknowledgement.objects.filter(version=version).count() == 1


def test_a_superseded_version_cannot_be_acknowledged(s):
    doc = services.create_document(school=s.school, by=s.director, title="实验室安全制度")
    old = _version(doc, s.director, label="V1", days_ago=100)
    _version(doc, s.director, label="V2")
    old.refresh_from_db()
    with pytest.raises(Exception, match="superseded"):
        services.acknowledge(old, by=s.teacher)


def test_unread_current_versions_are_on_the_staff_to_do(s):
    doc = services.create_document(school=s.school, by=s.director, title="实验室安全制度")
    version = _version(doc, s.director)
    source = next(x for x in todo.sources() if x.key == "safety.regulations_to_read")
    access = access_for(s.teacher, s.school)
    assert todo.counts(access)[source.key] == 1
    items = source.items(access, 10)
    assert items[0].url == reverse("safety:document_detail", args=[doc.pk])
    services.acknowledge(version, by=s.teacher)
    forget_access(s.teacher)  # the counts are kept for one request
    assert todo.counts(access_for(s.teacher, s.school))[source.key] == 0
    # An auditor oversees: nothing to read.
    assert todo.counts(access_for(s.auditor, s.school))[source.key] == 0


def test_one_click_acknowledgement_on_the_page(client, s):
    doc = services.create_document(school=s.school, by=s.director, title="实验室安全制度")
    version = _version(doc, s.director)
    client.force_login(s.teacher)
    url = reverse("safety:document_acknowledge", args=[doc.pk])
    client.post(url)
    client.post(url)
    assert DocumentAcknowledgement.objects.filter(version=version, user=s.teacher).count() == 1
    page = client.get(doc.get_absolute_url()).content.decode()
    assert "You read this version" in page


def test_the_owner_sees_who_has_and_has_not_read(client, s, django_assert_max_num_queries):
    from houqin import factories as f

    doc = services.create_document(
        school=s.school, by=s.director, title="实验室安全制度", owner=s.teacher
    )
    version = _version(doc, s.director)
    people = [f.member(s.school, "staff") for _ in range(15)]
    for person in people[:5]:
        services.acknowledge(version, by=person)
    client.force_login(s.teacher)
    url = reverse("safety:document_readers", args=[doc.pk])
    with django_assert_max_num_queries(16):
        response = client.get(url)
    rows = response.context["rows"]
    assert response.context["done"] == 5
    assert not any(r["user"] == s.auditor for r in rows)
    unread = client.get(url + "?unread=1").context["rows"]
    assert len(unread) == len(rows) - 5
    client.force_login(s.colleague)
    assert client.get(url).status_code == 403


def test_review_reminders_go_to_the_owner_once(s):
    doc = services.create_document(
        school=s.school, by=s.director, title="实验室安全制度", owner=s.clerk
    )
    today = timezone.localdate()
    services.add_version(
        doc,
        by=s.director,
        label="V1",
        text="…",
        effective_date=today - timedelta(days=300),
        review_by=today + timedelta(days=20),
    )
    assert services.send_review_reminders(today) == 1
    assert services.send_review_reminders(today) == 0
    assert Notification.objects.filter(recipient=s.clerk).count() == 1
    # Once passed, one more reminder.
    assert services.send_review_reminders(today + timedelta(days=21)) == 1
    assert services.send_review_reminders(today + timedelta(days=22)) == 0


def test_documents_of_another_school_are_not_reachable(client, s, other_school):
    other = safety_school(other_school, tag="乙")
    doc = services.create_document(school=other.school, by=other.director, title="乙校制度")
    client.force_login(s.director)
    assert client.get(doc.get_absolute_url()).status_code == 404
    assert client.get(reverse("safety:document_readers", args=[doc.pk])).status_code == 404
    assert client.post(reverse("safety:document_acknowledge", args=[doc.pk])).status_code == 404


def test_document_list_queries_are_bounded(client, s, django_assert_max_num_queries):
    services.ensure_regulations(s.school)
    for doc in SafetyDocument.objects.filter(school=s.school)[:8]:
        v = _version(doc, s.director)
        services.acknowledge(v, by=s.teacher)
    client.force_login(s.director)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("safety:document_list"))
    assert response.status_code == 200
    export = client.get(reverse("safety:document_list") + "?export=xlsx")
    assert export.status_code == 200


def test_regulation_register_prints(client, s):
    services.ensure_regulations(s.school)
    doc = SafetyDocument.objects.get(school=s.school, title="门卫制度")
    _version(doc, s.director, label="V1", days_ago=200)
    _version(doc, s.director, label="V2")
    client.force_login(s.auditor)
    response = client.get(reverse("safety:document_register"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="sheet ledger-sheet"') == 1
    assert "V1" in html and "V2" in html and "Signature" in html


def test_document_and_version_forms(client, s):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(s.director)
    assert client.get(reverse("safety:document_add")).status_code == 200
    response = client.post(
        reverse("safety:document_add"),
        {"title": "实验室安全制度", "kind": "regulation", "is_active": "on"},
    )
    doc = SafetyDocument.objects.get(school=s.school, title="实验室安全制度")
    assert response.status_code == 302
    url = reverse("safety:document_version_add", args=[doc.pk])
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    late = client.post(
        url,
        {
            "label": "V1",
            "text": "…",
            "effective_date": today.isoformat(),
            "review_by": (today + timedelta(days=400)).isoformat(),
        },
    )
    assert late.status_code == 200 and "at the latest" in late.content.decode()
    upload = SimpleUploadedFile("制度.txt", "第一条 ……".encode(), content_type="text/plain")
    ok = client.post(url, {"label": "V1", "effective_date": today.isoformat(), "file": upload})
    assert ok.status_code == 302
    page = client.get(doc.get_absolute_url()).content.decode()
    assert "制度.txt" in page
    client.force_login(s.teacher)
    assert client.get(url).status_code == 403


def test_teachers_get_no_add_button_and_detail_queries_are_bounded(
    client, s, django_assert_max_num_queries
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    doc = services.create_document(
        school=s.school, by=s.director, title="实验室安全制度", owner=s.clerk
    )
    for n in range(6):
        upload = SimpleUploadedFile(f"v{n}.txt", f"第{n}版".encode(), content_type="text/plain")
        _version(doc, s.director, label=f"V{n}", days_ago=60 - n, files=[upload])
    client.force_login(s.teacher)
    assert client.get(reverse("safety:document_list")).context["add_url"] is None
    with django_assert_max_num_queries(22):
        response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    assert "v5.txt" in response.content.decode() and "v0.txt" in response.content.decode()

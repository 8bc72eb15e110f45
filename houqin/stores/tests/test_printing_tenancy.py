"""No print job or quota of another school is reachable, by any role, through any print shop
URL (pages and API); the same walk as core's tenancy test, limited to this area."""

import pytest
from django.urls import reverse

from houqin import factories as f
from houqin.org.roles import Role
from houqin.stores import services_printing as printing
from houqin.stores.models.printing import PrintJob, PrintJobStatus, PrintQuota

from .printing_support import job, print_room

JOB_URLS = [
    ("stores:printjob_detail", {}),
    ("stores:printjob_edit", {}),
    ("stores:printjob_slip", {}),
    ("stores:printjob_action", {"action": "cancel"}),
    ("stores:printjob_action", {"action": "finish"}),
    ("api:stores:printjob-detail", {}),
    ("api:stores:printjob-start", {}),
    ("api:stores:printjob-finish", {}),
    ("api:stores:printjob-collect", {}),
    ("api:stores:printjob-cancel", {}),
    ("api:stores:printjob-resubmit", {}),
]
QUOTA_URLS = ["stores:printquota_edit", "stores:printquota_delete"]


@pytest.fixture
def theirs(other_school):
    other = print_room(other_school, tag="乙")
    secret = job(other, title="乙校专属试卷", is_confidential=True)
    quota = printing.set_quota(
        by=other.director, school=other_school, department=other.maths, term=other.term, pages=9
    )
    return secret, quota


def test_no_role_reaches_another_schools_job_or_quota(client, school, theirs):
    secret, quota = theirs
    for role in Role.values:
        client.force_login(f.member(school, role, username=f"a-{role}"))
        urls = [reverse(name, kwargs={"pk": secret.pk, **extra}) for name, extra in JOB_URLS]
        urls += [reverse(name, args=[quota.pk]) for name in QUOTA_URLS]
        for url in urls:
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code in (403, 404, 405), (role, method, url)
    assert PrintJob.objects.get(pk=secret.pk).status == PrintJobStatus.QUEUED
    assert PrintQuota.objects.filter(pk=quota.pk).exists()


def test_no_list_or_report_shows_another_schools_jobs(client, school, theirs):
    print_room(school)
    names = [
        "stores:printjob_mine",
        "stores:printjob_list",
        "stores:printjob_queue",
        "stores:printjob_report",
        "stores:printquota_list",
        "stores:printshop_settings",
        "api:stores:printjob-list",
    ]
    for role in Role.values:
        client.force_login(f.member(school, role, username=f"l-{role}"))
        for name in names:
            for query in ("", "?export=csv"):
                response = client.get(reverse(name) + query)
                if response.status_code >= 300:
                    continue
                assert "乙校专属" not in response.content.decode("utf-8", "replace"), (role, name)

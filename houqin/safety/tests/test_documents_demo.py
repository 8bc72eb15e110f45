"""The demo schools' regulations and drills: the seed's titles with a version each, most staff
have read them, a term of monthly drills with one missed month, one slow evacuation and a
finding that raised a hazard; idempotent."""

import pytest
from django.utils import timezone

from houqin.core import compliance
from houqin.org import terms as org_terms
from houqin.org.demo import build_demo
from houqin.safety import demo_documents
from houqin.safety.models.documents import (
    DocumentAcknowledgement,
    Drill,
    DrillFinding,
    SafetyDocument,
)


@pytest.mark.django_db
def test_demo_documents_and_drills():
    """One test (building the demo takes a while)."""
    schools = build_demo()
    demo_documents.build(schools)
    school = schools["donghu"]
    documents = SafetyDocument.objects.filter(school=school)
    assert documents.count() == 11
    assert all(d.versions.filter(is_current=True).exists() for d in documents)
    assert DocumentAcknowledgement.objects.filter(school=school).count() > 50
    drills = Drill.objects.filter(school=school)
    assert drills.filter(is_slow=True).count() == 1
    assert DrillFinding.objects.filter(school=school, hazard__isnull=False).exists()
    today = timezone.localdate()
    term = org_terms.term_on(school, today)
    rows = {r.rule.key: r for r in compliance.overview(school, term, today, area="safety")}
    if rows["safety.drill_months"].status.due > 2:
        assert rows["safety.drill_months"].status.missed == 1
    assert rows["safety.evacuation_seconds"].status.late == 1
    assert rows["safety.regulation_review_months"].status.open == 1
    count = drills.count()
    demo_documents.build(schools)
    assert Drill.objects.filter(school=school).count() == count

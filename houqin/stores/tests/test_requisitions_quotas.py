"""Quotas per department per term: a requisition that would pass one is refused, saying what is
left (issued plus approved-not-yet-issued this term)."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from houqin import factories as f
from houqin.core import approvals
from houqin.core.errors import DomainError, PermissionDenied
from houqin.stores import services_requisitions as reqs
from houqin.stores.models.requisitions import RequisitionStatus

from .counts_support import D, category_of, department_with_head, stocked, term_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(school):
    return f.member(school, "keeper", username="keeper")


@pytest.fixture
def boss(school):
    return f.member(school, "director", username="boss")


@pytest.fixture
def office(school):
    return department_with_head(school, "教务处", "head")[0]


@pytest.fixture
def asker(school, office):
    return f.member(school, "staff", department=office, username="asker")


@pytest.fixture
def paper(school, keeper):
    return stocked(
        school, keeper, "A4复印纸", 100, "25.00", unit="包", category=category_of(school, "纸张")
    )


@pytest.fixture
def term(school):
    return term_of(school, start=date(2026, 9, 1), end=date(2027, 1, 31))


@pytest.fixture(autouse=True)
def in_the_term(monkeypatch):
    moment = timezone.make_aware(datetime(2026, 10, 15, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _ask(asker, office, item, quantity):
    return reqs.create(
        by=asker, department=office, purpose="复印", lines=[(item, quantity)], submit_now=True
    )


def test_requisition_over_the_item_quota_is_refused_saying_what_is_left(
    school, asker, office, paper, term, boss, keeper
):
    reqs.save_quota(by=boss, department=office, term=term, item=paper, quantity=10)
    first = _ask(asker, office, paper, 4)
    approvals.approve(first, by=office.head)
    reqs.issue(first, {first.lines.get().pk: 2}, by=keeper)  # 2 issued, 2 back-ordered
    with pytest.raises(DomainError, match=r"6 包 left, 7 包 asked for"):
        _ask(asker, office, paper, 7)
    assert reqs.Requisition.objects.count() == 1
    second = _ask(asker, office, paper, 6)
    assert second.status == RequisitionStatus.PENDING


def test_category_quota_counts_every_item_of_the_category(
    school, asker, office, paper, term, boss, keeper
):
    a3 = stocked(
        school, keeper, "A3复印纸", 50, "40.00", unit="包", category=category_of(school, "纸张")
    )
    reqs.save_quota(
        by=boss, department=office, term=term, category=category_of(school, "纸张"), quantity=5
    )
    first = _ask(asker, office, paper, 3)
    approvals.approve(first, by=office.head)
    with pytest.raises(DomainError, match="Over the quota"):
        _ask(asker, office, a3, 3)


def test_quota_is_checked_again_on_approval(school, asker, office, paper, term, boss):
    reqs.save_quota(by=boss, department=office, term=term, item=paper, quantity=10)
    first = _ask(asker, office, paper, 6)
    second = _ask(asker, office, paper, 6)  # both within the quota while neither is approved
    approvals.approve(first, by=office.head)
    with pytest.raises(DomainError, match="4 包 left, 6 包 asked for"):
        approvals.approve(second, by=office.head)
    second.refresh_from_db()
    assert second.status == RequisitionStatus.PENDING


def test_other_departments_and_other_terms_do_not_use_the_quota(
    school, asker, office, paper, term, boss
):
    reqs.save_quota(by=boss, department=office, term=term, item=paper, quantity=5)
    other, other_head = department_with_head(school, "总务处", "other_head")
    someone = f.member(school, "staff", department=other, username="someone")
    approvals.approve(_ask(someone, other, paper, 20), by=other_head)
    assert _ask(asker, office, paper, 5).status == RequisitionStatus.PENDING


def test_only_the_director_sets_quotas(school, office, paper, term, keeper):
    with pytest.raises(PermissionDenied):
        reqs.save_quota(by=keeper, department=office, term=term, item=paper, quantity=5)


def test_a_quota_names_an_item_or_a_category(school, office, paper, term, boss):
    with pytest.raises(DomainError):
        reqs.save_quota(
            by=boss, department=office, term=term, item=paper,
            category=category_of(school, "纸张"), quantity=5,
        )  # fmt: skip
    quota = reqs.save_quota(by=boss, department=office, term=term, item=paper, quantity=D(5))
    assert quota.target == paper


def test_quota_list_shows_what_is_drawn_and_left_in_one_query_per_page(
    client, school, asker, office, paper, term, boss, keeper, django_assert_max_num_queries
):
    from django.urls import reverse

    from .counts_support import item_of

    quota = reqs.save_quota(by=boss, department=office, term=term, item=paper, quantity=10)
    for n in range(5):
        reqs.save_quota(by=boss, department=office, term=term, item=item_of(school, f"物{n}"), quantity=1)
    first = _ask(asker, office, paper, 4)
    approvals.approve(first, by=office.head)
    reqs.issue(first, {first.lines.get().pk: 1}, by=keeper)
    _ask(asker, office, paper, 2)  # waiting for approval: not counted yet
    annotated = reqs.with_usage(reqs.RequisitionQuota.objects.filter(pk=quota.pk)).get()
    assert annotated.used == D(4) == reqs.quota_used(quota)
    client.force_login(boss)
    with django_assert_max_num_queries(18):
        page = client.get(reverse("stores:quota_list"))
    assert page.status_code == 200
    assert ">6<" in page.content.decode().replace(" ", "")

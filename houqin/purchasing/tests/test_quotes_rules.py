"""Quotes (询价比价): from the school's threshold, three quotes from different vendors and a
choice (with a reason unless it is the cheapest) before anything is ordered."""

from decimal import Decimal

import pytest

from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.factories import CompanyFactory
from houqin.purchasing import services_requests as requests
from houqin.purchasing.models import PurchasingSettings

from .requests_support import approve_all, budget, draft, make_people, service_line, submitted
from .requests_support import vendors as make_vendors

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(school):
    people = make_people(school)
    budget(people, "100000")
    return people


@pytest.fixture
def approved_big(people):
    request, _flow = submitted(people, service_line("8000"))
    approve_all(request, people.head, people.director)
    return request


def test_an_order_below_the_threshold_needs_no_quotes(people):
    request, _flow = submitted(people, service_line("4999"))
    approve_all(request, people.head)

    assert requests.quotes_complete(request)
    requests.check_ready_to_order(request)  # does not raise


def test_ordering_without_enough_quotes_is_refused_with_the_count(people, approved_big):
    first, *_rest = make_vendors(people.school)
    requests.add_quote(approved_big, by=people.clerk, vendor=first, amount="7800")

    assert not requests.quotes_complete(approved_big)
    with pytest.raises(DomainError) as refused:
        requests.check_ready_to_order(approved_big)
    assert refused.value.code == "QuotesMissing"
    assert "needs 3 quotes from different vendors" in str(refused.value.message)
    assert "1 recorded" in str(refused.value.message)


def test_three_quotes_and_the_cheapest_chosen_make_it_ready(people, approved_big):
    a, b, c = make_vendors(people.school)
    cheapest = requests.add_quote(approved_big, by=people.clerk, vendor=a, amount="7600")
    requests.add_quote(approved_big, by=people.clerk, vendor=b, amount="7900")
    requests.add_quote(approved_big, by=people.clerk, vendor=c, amount="8100")

    with pytest.raises(DomainError) as refused:
        requests.check_ready_to_order(approved_big)  # none chosen yet
    assert "choose one" in str(refused.value.message)
    requests.choose_quote(approved_big, by=people.clerk, quote=cheapest)

    assert requests.quotes_complete(approved_big)
    requests.check_ready_to_order(approved_big)


def test_choosing_a_dearer_quote_needs_a_reason_which_is_kept(people, approved_big):
    a, b, c = make_vendors(people.school)
    requests.add_quote(approved_big, by=people.clerk, vendor=a, amount="7600")
    dearer = requests.add_quote(approved_big, by=people.clerk, vendor=b, amount="7900")
    requests.add_quote(approved_big, by=people.clerk, vendor=c, amount="8100")

    with pytest.raises(DomainError) as refused:
        requests.choose_quote(approved_big, by=people.clerk, quote=dearer)
    assert refused.value.code == "ReasonRequired"
    requests.choose_quote(approved_big, by=people.clerk, quote=dearer, reason="售后上门服务")
    approved_big.refresh_from_db()

    assert approved_big.chosen_quote == dearer
    assert approved_big.choice_reason == "售后上门服务"


def test_two_quotes_from_one_vendor_count_once(people, approved_big):
    vendor = CompanyFactory(school=people.school)
    requests.add_quote(approved_big, by=people.clerk, vendor=vendor, amount="7600")

    with pytest.raises(DomainError) as refused:
        requests.add_quote(approved_big, by=people.clerk, vendor=vendor, amount="7500")
    assert refused.value.code == "DuplicateVendor"
    assert requests.quote_count(approved_big) == 1


def test_the_school_sets_the_threshold_and_the_number_of_quotes(people):
    requests.save_settings(
        by=people.director, school=people.school, quote_threshold="1000", quotes_required=2
    )
    request, _flow = submitted(people, service_line("1500"))
    approve_all(request, people.head)
    a, b = make_vendors(people.school, 2)
    requests.add_quote(request, by=people.clerk, vendor=a, amount="1400")

    with pytest.raises(DomainError) as refused:
        requests.check_ready_to_order(request)
    assert "needs 2 quotes" in str(refused.value.message)
    best = requests.add_quote(request, by=people.clerk, vendor=b, amount="1300")
    requests.choose_quote(request, by=people.clerk, quote=best)
    requests.check_ready_to_order(request)
    assert PurchasingSettings.for_school(people.school).quote_threshold == Decimal("1000.00")


def test_a_teacher_cannot_record_quotes_or_change_the_rules(people, approved_big):
    vendor = CompanyFactory(school=people.school)
    with pytest.raises(PermissionDenied):
        requests.add_quote(approved_big, by=people.teacher, vendor=vendor, amount="1")
    with pytest.raises(PermissionDenied):
        requests.save_settings(
            by=people.teacher, school=people.school, quote_threshold="1", quotes_required=1
        )


def test_a_vendor_of_another_school_is_refused(people, approved_big, other_school):
    stranger = CompanyFactory(school=other_school)
    with pytest.raises(DomainError):
        requests.add_quote(approved_big, by=people.clerk, vendor=stranger, amount="7000")


def test_a_draft_is_not_ready_to_order(people):
    request = draft(people, service_line("100"))
    with pytest.raises(IllegalTransition) as refused:
        requests.check_ready_to_order(request)
    assert refused.value.code == "NotApproved"
    with pytest.raises(IllegalTransition):
        requests.add_quote(
            request, by=people.clerk, vendor=CompanyFactory(school=people.school), amount="90"
        )

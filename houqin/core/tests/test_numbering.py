import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from houqin.core.numbering import NumberingOutsideTransaction, next_number, next_values
from houqin.factories import SchoolFactory
from houqin.testdocs.models import SampleRequest
from houqin.testdocs.testing import make_people, new_request


def number(school, doc_type="maintenance.workorder", prefix="WX", year=2026):
    with transaction.atomic():
        return next_number(school=school, doc_type=doc_type, prefix=prefix, year=year)


def test_numbers_have_prefix_year_and_five_digit_sequence(school):
    assert number(school) == "WX-2026-00001"
    assert number(school) == "WX-2026-00002"


def test_each_school_type_and_year_counts_on_its_own(school, other_school):
    number(school)
    number(school)
    assert number(other_school) == "WX-2026-00001"
    assert number(school, doc_type="purchasing.request", prefix="CG") == "CG-2026-00001"
    assert number(school, year=2027) == "WX-2027-00001"
    assert number(school) == "WX-2026-00003"


def test_year_defaults_to_this_year_in_the_schools_time_zone(school):
    with transaction.atomic():
        got = next_number(school=school, doc_type="x", prefix="WX")
    assert got == f"WX-{timezone.localdate().year}-00001"


def test_rolled_back_creation_does_not_consume_a_number(school):
    assert number(school) == "WX-2026-00001"
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number(school=school, doc_type="maintenance.workorder", prefix="WX", year=2026)
        raise RuntimeError("the document failed to save")
    assert number(school) == "WX-2026-00002"


@pytest.mark.django_db(transaction=True)
def test_numbering_outside_a_transaction_is_refused():
    school = SchoolFactory()
    with pytest.raises(NumberingOutsideTransaction):
        next_number(school=school, doc_type="maintenance.workorder", prefix="WX", year=2026)


@pytest.mark.django_db(transaction=True)
def test_a_failed_transaction_leaves_no_gap():
    school = SchoolFactory()
    with pytest.raises(ValueError), transaction.atomic():
        next_number(school=school, doc_type="d", prefix="WX", year=2026)
        raise ValueError
    assert number(school, doc_type="d") == "WX-2026-00001"


def test_documents_get_their_schools_next_number(school, other_school):
    people = make_people(school)
    others = make_people(other_school, prefix="b")
    first = new_request(people, 100)
    second = new_request(people, 100)
    elsewhere = new_request(others, 100)
    year = date.today().year
    assert (first.number, second.number) == (f"SQ-{year}-00001", f"SQ-{year}-00002")
    assert elsewhere.number == f"SQ-{year}-00001"


def test_two_documents_of_a_school_cannot_share_a_number(school):
    people = make_people(school)
    first = new_request(people, 100)
    clash = SampleRequest(school=school, requester=people.teacher, title="x", number=first.number)
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_creators_get_twenty_consecutive_numbers():
    school = SchoolFactory()
    people = make_people(school)
    barrier = threading.Barrier(20)
    numbers, errors = [], []

    def create():
        try:
            barrier.wait(timeout=30)
            numbers.append(new_request(people, 100).number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    year = date.today().year
    assert sorted(numbers) == [f"SQ-{year}-{n:05d}" for n in range(1, 21)]


def test_a_batch_takes_a_run_of_consecutive_numbers_after_the_last_one(school):
    assert number(school, doc_type="assets.asset") == "WX-2026-00001"
    with transaction.atomic():
        batch = next_values(school=school, doc_type="assets.asset", year=2026, count=30)
    assert list(batch) == list(range(2, 32))
    assert number(school, doc_type="assets.asset") == "WX-2026-00032"


def test_a_first_batch_starts_at_one_and_an_empty_batch_is_refused(school):
    with transaction.atomic():
        assert next_values(school=school, doc_type="assets.asset", year=0, count=5) == range(1, 6)
        with pytest.raises(ValueError):
            next_values(school=school, doc_type="assets.asset", year=0, count=0)

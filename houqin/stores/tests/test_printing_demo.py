"""The demo schools' print jobs: a term before and the current term, every state, paper use
going down, paper drawn equal to the sheets, idempotent."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from houqin.org.demo import build_demo
from houqin.stores import demo_catalogue, demo_printing, ledger
from houqin.stores import services_printing as printing
from houqin.stores.models import MoveKind, StockMove
from houqin.stores.models.printing import PrintJob, PrintJobStatus

S = PrintJobStatus


@pytest.mark.django_db
def test_demo_print_jobs_a_term_of_work_in_every_state():
    """One test (building the demo takes a while)."""
    schools = build_demo()
    demo_catalogue.build(schools)
    demo_printing.build(schools)
    school = schools["donghu"]
    jobs = PrintJob.objects.filter(school=school)
    count = jobs.count()
    assert count > 100
    assert set(jobs.values_list("status", flat=True)) == set(S.values)
    assert (
        jobs.filter(is_confidential=True, status=S.COLLECTED).exclude(collected_by_id=None).exists()
    )
    assert jobs.filter(is_outside=True, status=S.COLLECTED).exists()

    # Paper drawn equals the sheets of the jobs that drew it, sheet for sheet.
    for job in jobs.filter(stock_move__isnull=False).select_related("stock_move", "paper_item")[
        :50
    ]:
        assert -job.stock_move.quantity == printing.paper_quantity(job.sheets_used, job.paper_item)
        assert job.stock_move.kind == MoveKind.PRINT_JOB
    moves = StockMove.objects.filter(school=school, kind=MoveKind.PRINT_JOB)
    assert moves.count() == jobs.filter(stock_move__isnull=False).count()
    # The ledger still adds up in the print room.
    store = printing.print_room_store(school.pk)
    for item_id in moves.values_list("item_id", flat=True).distinct():
        item = moves.filter(item_id=item_id).first().item
        # (SQLite sums decimals as floating point: compare to the ledger's three places.)
        derived = ledger.derived_balance(item, store)[0].quantize(Decimal("0.001"))
        assert derived == ledger.on_hand(item, store)
        assert ledger.on_hand(item, store) >= 0

    # Printing goes down term on term (per school week: the current term is not over).
    current = printing.term_of(school.pk)
    if current is not None:
        rows, total, before = printing.print_volume(current)
        assert before is not None and total.previous_pages > 0
        weeks_now = max(1, (min(current.end_date, _today()) - current.start_date).days // 7)
        weeks_before = max(1, (before.end_date - before.start_date).days // 7)
        assert total.pages / weeks_now < total.previous_pages / weeks_before

    # Idempotent.
    demo_printing.build(schools)
    assert PrintJob.objects.filter(school=school).count() == count
    assert jobs.aggregate(pages=Sum("pages"))["pages"] > 0


def _today():
    from django.utils import timezone

    return timezone.localdate()

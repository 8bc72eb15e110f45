"""The numbering service: gapless human numbers per school, document type and year.

``next_number`` increments a counter row with a conditional ``UPDATE ... SET value = value + 1``
inside the caller's transaction. On PostgreSQL the UPDATE holds the row lock until the caller
commits, so concurrent creators queue and each sees the previous one's value; on SQLite the
IMMEDIATE transaction mode serialises writers. A rolled-back caller rolls back its increment,
so no number is ever skipped.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from houqin.core.models.numbering import NumberCounter

SEQUENCE_DIGITS = 5


class NumberingOutsideTransaction(RuntimeError):
    """next_number was called outside transaction.atomic(): the number could be lost."""


def format_number(prefix: str, year: int, value: int) -> str:
    return (
        f"{prefix}-{year}-{value:0{SEQUENCE_DIGITS}d}"
        if prefix
        else f"{year}-{value:0{SEQUENCE_DIGITS}d}"
    )


def current_year(school=None) -> int:
    """The calendar year today, in the school's time zone when it has one."""
    tz_name = getattr(school, "time_zone", None)
    return timezone.localdate(timezone=ZoneInfo(tz_name) if tz_name else None).year


def next_number(*, school, doc_type: str, prefix: str, year: int | None = None) -> str:
    """The next number (``WX-2026-00042``) for this school, document type and year.

    Must run inside ``transaction.atomic()``; the number is consumed only if that commits.
    """
    if year is None:
        year = current_year(school if hasattr(school, "pk") else None)
    values = next_values(school=school, doc_type=doc_type, year=year)
    return format_number(prefix, year, values.start)


def next_values(*, school, doc_type: str, year: int, count: int = 1) -> range:
    """Reserve ``count`` consecutive sequence values for (school, doc_type, year).

    For documents that format their own numbers, and for batches that take a run of numbers
    at once (30 computers received get 30 consecutive asset numbers). Same rules as
    ``next_number``: inside ``transaction.atomic()``, gapless, safe under concurrency.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if not transaction.get_connection().in_atomic_block:
        raise NumberingOutsideTransaction(
            "next_number() must be called inside transaction.atomic() so that a failed "
            "save does not consume a number."
        )
    school_id = getattr(school, "pk", school)
    counter = NumberCounter.objects.filter(school_id=school_id, doc_type=doc_type, year=year)
    for _attempt in range(5):
        if counter.update(value=F("value") + count):
            break
        try:
            # The savepoint keeps the caller's transaction usable when a racing creator wins.
            with transaction.atomic():
                NumberCounter.objects.create(
                    school_id=school_id, doc_type=doc_type, year=year, value=count
                )
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - needs five lost races in a row
        raise RuntimeError(f"could not allocate a number for {doc_type} {year}")
    last = counter.values_list("value", flat=True).get()
    return range(last - count + 1, last + 1)

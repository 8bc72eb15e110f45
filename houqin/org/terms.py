"""Which term a day belongs to: every report and compliance status is by term (学期)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def school_terms(school) -> list:
    """The school's terms, latest first."""
    from houqin.org.models import Term

    return list(
        Term.objects.filter(school_id=getattr(school, "pk", school))
        .only("pk", "name", "start_date", "end_date", "school_id")
        .order_by("-start_date", "-pk")
    )


def current_term(terms, today: date):
    """The term ``today`` lies in, else the latest that has started, else the first to come."""
    for term in terms:
        if term.start_date <= today <= term.end_date:
            return term
    started = [t for t in terms if t.start_date <= today]
    if started:
        return max(started, key=lambda t: t.start_date)
    return min(terms, key=lambda t: t.start_date) if terms else None


def term_on(school, today: date):
    """``current_term`` of the school's terms (one query)."""
    return current_term(school_terms(school), today)


def previous_term(terms, term):
    """The term that started before ``term`` (None for the first)."""
    earlier = [t for t in terms if t.start_date < term.start_date]
    return max(earlier, key=lambda t: t.start_date) if earlier else None


def school_tz(school) -> ZoneInfo:
    return ZoneInfo(getattr(school, "time_zone", "") or settings.TIME_ZONE)


def term_window(term, tz) -> tuple[datetime, datetime]:
    """From the first day's midnight to the midnight after the last day, in ``tz``."""
    start = datetime.combine(term.start_date, time.min, tzinfo=tz)
    end = datetime.combine(term.end_date + timedelta(days=1), time.min, tzinfo=tz)
    return start, end

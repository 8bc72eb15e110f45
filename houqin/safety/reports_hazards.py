"""Hazard figures: the yearly register (隐患排查整改台账) and the compliance statuses.

Both read a period's hazards in a bounded number of queries: the register one query for the
rows (people and places joined) plus one for the verifiers' names; a status one aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import compliance
from houqin.core.compliance import RuleStatus
from houqin.org.terms import school_tz, term_window

from .models.hazards import OPEN_HAZARD_STATUSES, Hazard, HazardStatus

REGISTER_RELATED = (
    "room__floor__building", "owner", "department", "fixed_by", "verified_by", "work_order",
)  # fmt: skip


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def term_period(term) -> Period:
    return Period(term.start_date, term.end_date, term.name)


def _window(school, period: Period):
    tz = school_tz(school)
    start = datetime.combine(period.start, time.min, tzinfo=tz)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def register_rows(school, period: Period, queryset=None):
    """Every hazard found in the period (cancelled ones left out), oldest first."""
    start, end = _window(school, period)
    rows = (queryset if queryset is not None else Hazard.objects.all()).filter(
        school_id=getattr(school, "pk", school), found_at__gte=start, found_at__lt=end
    )
    return (
        rows.exclude(status=HazardStatus.CANCELLED)
        .select_related(*REGISTER_RELATED)
        .order_by("found_at", "pk")
    )


def register_headers() -> list[str]:
    return [
        str(h)
        for h in (
            _("Number"),
            _("Found on"),
            _("Place"),
            _("Hazard"),
            _("Level"),
            _("Responsible person"),
            _("Deadline"),
            _("Temporary control measures"),
            _("Rectified on"),
            _("Rectified by"),
            _("Verified by"),
            _("Closed on"),
            _("Status"),
        )
    ]


def _day(value):
    return timezone.localtime(value).date() if value else None


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def register_values(hazard: Hazard) -> list:
    text = hazard.title + (f"：{hazard.description}" if hazard.description else "")
    return [
        hazard.number,
        _day(hazard.found_at),
        hazard.place_label,
        text,
        hazard.get_level_display(),
        _name(hazard.owner) or (hazard.department.name if hazard.department_id else ""),
        hazard.deadline,
        hazard.control_measures,
        _day(hazard.fixed_at),
        _name(hazard.fixed_by),
        _name(hazard.verified_by),
        _day(hazard.closed_at),
        hazard.get_status_display(),
    ]


def register_summary(rows) -> dict:
    rows = list(rows)
    closed = sum(1 for h in rows if h.status == HazardStatus.CLOSED)
    return {
        "total": len(rows),
        "closed": closed,
        "open": sum(1 for h in rows if h.status in OPEN_HAZARD_STATUSES),
        "major": sum(1 for h in rows if h.is_major),
        "overdue": sum(1 for h in rows if h.is_overdue),
    }


# ---------------------------------------------------------------- compliance statuses


def _list_url(**params) -> str:
    try:
        url = reverse("safety:hazard_list")
    except NoReverseMatch:
        return ""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{url}?{query}" if query else url


def report_hours_status(school, term, today) -> RuleStatus:
    """Hazards of the term taken in hand (assigned) within the school's hours of their report;
    open hazards past their deadline count as ``open``."""
    hours = int(compliance.value(school, "safety.hazard_report_hours"))
    start, end = term_window(term, school_tz(school))
    now = timezone.now()
    limit = timedelta(hours=hours)
    waited = ExpressionWrapper(F("assigned_at") - F("created_at"), output_field=DurationField())
    figures = (
        Hazard.objects.filter(
            school_id=getattr(school, "pk", school), created_at__gte=start, created_at__lt=end
        )
        .exclude(status=HazardStatus.CANCELLED)
        .annotate(waited=waited)
        .aggregate(
            due=Count("pk"),
            done=Count("pk", filter=Q(assigned_at__isnull=False, waited__lte=limit)),
            late=Count("pk", filter=Q(assigned_at__isnull=False, waited__gt=limit)),
            missed=Count("pk", filter=Q(assigned_at__isnull=True, created_at__lt=now - limit)),
            open=Count(
                "pk",
                filter=Q(
                    status__in=(HazardStatus.REPORTED, HazardStatus.RECTIFYING),
                    deadline__lt=today,
                ),
            ),
        )
    )
    detail = (
        _(
            "%(due)d hazards reported; %(late)d taken in hand late, %(missed)d still waiting, "
            "%(open)d past their deadline."
        )
        % figures
    )
    return RuleStatus(
        due=figures["due"],
        done=figures["done"],
        late=figures["late"],
        missed=figures["missed"],
        open=figures["open"],
        detail=str(detail),
        url=_list_url(open=1),
    )


def verified_by_other_status(school, term, today) -> RuleStatus:
    """Hazards closed in the term: verified by someone other than their fixer (violations
    should be zero; the service refuses them)."""
    start, end = term_window(term, school_tz(school))
    figures = Hazard.objects.filter(
        school_id=getattr(school, "pk", school),
        status=HazardStatus.CLOSED,
        closed_at__gte=start,
        closed_at__lt=end,
    ).aggregate(
        due=Count("pk"),
        missed=Count(
            "pk",
            filter=Q(verified_by__isnull=True)
            | Q(fixed_by__isnull=False, verified_by_id=F("fixed_by_id")),
        ),
    )
    done = figures["due"] - figures["missed"]
    detail = _("%(done)d of %(due)d closed hazards verified by someone other than the fixer.") % {
        "done": done,
        "due": figures["due"],
    }
    return RuleStatus(
        due=figures["due"],
        done=done,
        missed=figures["missed"],
        detail=str(detail),
        url=_list_url(status=HazardStatus.CLOSED),
    )

"""The monthly depreciation run (计提折旧): set-based, idempotent, one summary per category ×
department × funding source and month — never one journal line per asset.

``run_depreciation(school=…, month=…, by=…)`` does, in one transaction (a school's runs queue
behind a lock on its asset settings row):

1. one UPDATE over the school's depreciating assets sets ``accumulated_depreciation`` and
   ``depreciated_through`` from the SQL form of the rules (``houqin.assets.depreciation``),
   writing only the rows whose figures change; one more UPDATE clears them on assets that are
   not depreciated (a category switched off, a low-value item). The figures are as at the
   latest month run so far, so running an old month again never winds assets back;
2. one GROUP BY query sums the month's charge per category, department and funding source;
   the month's ``DepreciationEntry`` rows are brought in line with it (unchanged rows stay);
3. the month's ``DepreciationRun`` (one per school and month) gets the totals, and a timeline
   entry records who ran it.

Running a month twice changes no figure; running it again after an asset was added (or its
acquisition date corrected) fixes that month. A month that has not begun is refused.

``request_run`` is the page's and the API's way in: the same run, made at once — or, for a
school of more than ``BACKGROUND_FROM`` assets, queued for the task worker after commit
(a run writes every depreciating asset: minutes at a million, too long for a web request).

``catch_up(school=…)`` is what the scheduler runs every night (``jobs_ledger``): the previous
month once it has ended, and any month missing since the last run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, DateField, Exists, F, Max, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from houqin.core import timeline
from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.scoping import access_for

from . import depreciation as rules
from .models import Asset, AssetCategory, AssetSettings, DepreciationEntry, DepreciationRun

logger = logging.getLogger(__name__)

DEPRECIATE_PERM = "assets.depreciate_asset"
# From this many assets a run asked for on a page or in the API goes to the task queue.
BACKGROUND_FROM = 50_000
# Stands in for "no month" so that NULL compares equal to NULL.
NO_MONTH = Value(date(1, 1, 1), output_field=DateField())


class FutureMonth(DomainError):
    default_message = _("That month has not begun yet: depreciation runs for past months.")


# ---------------------------------------------------------------- dates


def school_today(school, now=None) -> date:
    """Today in the school's time zone."""
    tz = ZoneInfo(getattr(school, "time_zone", "") or settings.TIME_ZONE)
    return timezone.localdate(now or timezone.now(), timezone=tz)


def _school(school):
    if hasattr(school, "time_zone"):
        return school
    from houqin.org.models import School

    return School.objects.get(pk=school)


# ---------------------------------------------------------------- the run


def check_run(*, school, month: date, by=None, now=None) -> date:
    """The month's first day, if ``by`` may run it now (else a DomainError)."""
    month = rules.month_start(month)
    if by is not None:
        access = access_for(by, school.pk)
        if not access.is_member or not access.has_perm(DEPRECIATE_PERM):
            raise PermissionDenied(_("You may not run depreciation."))
    if month > rules.month_start(school_today(school, now)):
        raise FutureMonth()
    return month


def run_depreciation(*, school, month: date, by=None, now=None) -> DepreciationRun:
    """Depreciate ``school``'s assets for ``month`` (any day of it) and post its summaries.

    ``by`` is the acting user (needs ``assets.depreciate_asset``); None for the scheduler."""
    school = _school(school)
    month = check_run(school=school, month=month, by=by, now=now)

    with transaction.atomic():
        _lock(school)
        latest = DepreciationRun.objects.filter(school=school).aggregate(m=Max("period"))["m"]
        lives = _category_lives(school)
        _store_accumulated(school, max(month, latest or month), lives)
        summaries = _summaries(school, month, lives)
        run = _post(school, month, summaries, by=by)
    return run


def _lock(school) -> None:
    """One run at a time per school (runs of different months touch the same assets)."""
    settings_row = AssetSettings.for_school(school)
    AssetSettings.objects.select_for_update().filter(pk=settings_row.pk).first()


def _category_lives(school) -> dict[int, list[int]]:
    """The school's depreciating categories grouped by life: years → category ids."""
    lives: dict[int, list[int]] = defaultdict(list)
    rows = AssetCategory.objects.filter(
        school=school, depreciates=True, useful_life_years__gt=0
    ).values_list("pk", "useful_life_years")
    for pk, years in rows:
        lives[years].append(pk)
    return dict(lives)


def _depreciating(school, lives) -> tuple:
    """The school's depreciating assets (no join: categories by id) and their life CASE."""
    ids = [pk for group in lives.values() for pk in group]
    rows = Asset.objects.filter(
        school=school, kind=rules.FIXED, acquired_on__isnull=False, category_id__in=ids
    )
    return rows, rules.category_life_case(lives)


def _store_accumulated(school, through: date, lives) -> int:
    """Set every asset's accumulated depreciation as at the end of ``through``; returns how
    many rows changed. Rows already right are not written (a re-run writes nothing)."""
    changed = 0
    ids = [pk for group in lives.values() for pk in group]
    if ids:
        rows, life = _depreciating(school, lives)
        accumulated = rules.Yuan(
            rules.accumulated_cents_sql(through, category_life=life, only_depreciating=False)
        )
        last_month = rules.depreciated_through_sql(through, category_life=life)
        same = Q(accumulated_depreciation=accumulated) & Q(
            Exact(Coalesce(F("depreciated_through"), NO_MONTH), Coalesce(last_month, NO_MONTH))
        )
        changed += rows.exclude(same).update(
            accumulated_depreciation=accumulated, depreciated_through=last_month
        )
    # Everything else carries no depreciation (a category switched off, a low-value item,
    # an asset whose acquisition date was removed).
    depreciating = Q(kind=rules.FIXED, acquired_on__isnull=False, category_id__in=ids)
    changed += (
        Asset.objects.filter(school=school)
        .exclude(depreciating)
        .filter(Q(accumulated_depreciation__gt=0) | Q(depreciated_through__isnull=False))
        .update(accumulated_depreciation=Decimal("0"), depreciated_through=None)
    )
    return changed


def _summaries(school, month: date, lives) -> dict[tuple, tuple[int, Decimal]]:
    """The month's charge per (category, department, funding source): (assets, amount)."""
    if not lives:
        return {}
    rows, life = _depreciating(school, lives)
    charge = rules.accumulated_cents_sql(
        month, category_life=life, only_depreciating=False
    ) - rules.accumulated_cents_sql(
        rules.add_months(month, -1), category_life=life, only_depreciating=False
    )
    grouped = (
        rows.filter(acquired_on__lte=rules.month_end(month))
        .filter(Q(disposed_on__isnull=True) | Q(disposed_on__gte=rules.add_months(month, 1)))
        .annotate(charge=charge)
        .filter(charge__gt=0)
        .order_by()
        .values("category_id", "department_id", "funding_source")
        .annotate(assets=Count("pk"), cents=Sum("charge"))
    )
    return {
        (row["category_id"], row["department_id"], row["funding_source"]): (
            row["assets"],
            (Decimal(row["cents"]) / 100).quantize(rules.CENT),
        )
        for row in grouped
    }


def _post(school, month: date, summaries, *, by) -> DepreciationRun:
    """The month's run and entries, made equal to ``summaries`` (unchanged entries stay)."""
    asset_count = sum(count for count, _amount in summaries.values())
    total = sum((amount for _count, amount in summaries.values()), Decimal("0.00"))
    try:
        with transaction.atomic():
            run = DepreciationRun.objects.create(school=school, period=month)
    except IntegrityError:
        run = DepreciationRun.objects.get(school=school, period=month)
    run.asset_count = asset_count
    run.total_amount = total
    run.ran_by = by if getattr(by, "is_authenticated", False) else None
    run.save(update_fields=["asset_count", "total_amount", "ran_by", "ran_at", "updated_at"])

    existing = {
        (e.category_id, e.department_id, e.funding_source): e
        for e in DepreciationEntry.objects.filter(run=run)
    }
    stale = [e.pk for key, e in existing.items() if key not in summaries]
    if stale:
        DepreciationEntry.objects.filter(pk__in=stale).delete()
    changed, new = [], []
    for key, (count, amount) in summaries.items():
        entry = existing.get(key)
        if entry is None:
            category_id, department_id, funding_source = key
            new.append(
                DepreciationEntry(
                    school=school,
                    run=run,
                    category_id=category_id,
                    department_id=department_id,
                    funding_source=funding_source,
                    asset_count=count,
                    amount=amount,
                )
            )
        elif (entry.asset_count, entry.amount) != (count, amount):
            entry.asset_count, entry.amount = count, amount
            changed.append(entry)
    DepreciationEntry.objects.bulk_create(new, batch_size=500)
    DepreciationEntry.objects.bulk_update(changed, ["asset_count", "amount"], batch_size=500)

    timeline.record(
        run,
        by=by,
        kind=timeline.Kind.EVENT,
        text=str(
            _("Depreciation for %(month)s: %(count)d assets, ¥%(amount)s.")
            % {"month": f"{month:%Y-%m}", "count": asset_count, "amount": total}
        ),
        data={"assets": asset_count, "amount": str(total), "entries": len(summaries)},
    )
    return run


# ---------------------------------------------------------------- from a page or the API


def runs_in_background(school) -> bool:
    """A school this big has its runs queued rather than made during a web request (a run
    writes every depreciating asset: minutes at a million assets). The count stops at the
    limit, so asking costs little."""
    limit = BACKGROUND_FROM
    return Asset.objects.filter(school=school).order_by()[:limit].count() >= limit


def request_run(*, school, month: date, by) -> DepreciationRun | None:
    """ "Run depreciation for month X" from a page or the API: the run, made now; or None
    when it was queued for the task worker (a big school), to appear in the list when done.
    Refusals (rights, a month not begun) come at once either way."""
    school = _school(school)
    month = check_run(school=school, month=month, by=by)
    if not runs_in_background(school):
        return run_depreciation(school=school, month=month, by=by)
    args = (school.pk, month.isoformat(), getattr(by, "pk", None))
    transaction.on_commit(lambda: run_depreciation_task.enqueue(*args))
    return None


@task()
def run_depreciation_task(school_id: int, month: str, user_id: int | None) -> int:
    """The queued form of ``run_depreciation`` (JSON arguments); returns the run's id."""
    from houqin.org.models import User

    by = User.objects.filter(pk=user_id).first() if user_id else None
    return run_depreciation(school=school_id, month=date.fromisoformat(month), by=by).pk


# ---------------------------------------------------------------- catch-up


def months_due(school, today: date) -> list[date]:
    """The months the scheduler should run: every month after the last run up to the one
    before ``today``'s; the previous month again when its run was made before it ended (so
    assets registered late in the month count); just the previous month for a school that
    has never run."""
    previous = rules.add_months(today, -1)
    runs = DepreciationRun.objects.filter(school=school)
    latest = runs.order_by("-period").values("period", "ran_at").first()
    if latest is None:
        return [previous]
    months = []
    month = rules.add_months(latest["period"], 1)
    while month <= previous:
        months.append(month)
        month = rules.add_months(month, 1)
    if latest["period"] == previous:
        ran_on = school_today(school, latest["ran_at"])
        if ran_on <= rules.month_end(previous):
            months.append(previous)
    return months


def catch_up(*, school, now=None) -> list[DepreciationRun]:
    """Run the months ``months_due`` for one school (the scheduler's work)."""
    school = _school(school)
    return [
        run_depreciation(school=school, month=month, now=now)
        for month in months_due(school, school_today(school, now))
    ]


def catch_up_all(now=None) -> int:
    """Every active school with assets; one school's failure does not stop the others."""
    from houqin.org.models import School

    has_assets = Exists(Asset.objects.filter(school_id=OuterRef("pk")))
    done = 0
    for school in School.objects.filter(has_assets, is_active=True).order_by("pk"):
        try:
            done += len(catch_up(school=school, now=now))
        except Exception:  # noqa: BLE001 - one school must not stop the others
            logger.exception("depreciation catch-up failed for school %s", school.pk)
    return done

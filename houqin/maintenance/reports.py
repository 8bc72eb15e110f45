"""Repair figures per term for the dashboard, aggregated in the database.

Every figure is about the work orders *reported* in a term (``created_at`` within the term's
dates, in the school's time zone), compared with the term that started before it:

- response time: ``responded_at - created_at``; fix time: ``done_at - created_at`` — wall-clock
  hours (nights and weekends count), as median and 90th percentile (``percentile_cont``:
  linear interpolation between the two nearest values);
- SLA met: of the orders that were fixed and had due times, the share fixed by ``fix_due`` and
  answered by ``response_due``;
- satisfaction: the average rating (1–5) and how many orders were rated;
- cost: outside cost plus parts (quantity × unit cost); labour minutes are not money.

The page runs a small, fixed number of queries whatever the number of orders, each a single
pass over the two terms' orders with one FILTER per term (no sorting but the durations'):

1. per category and room (grouped by ids only, no joins): every count the figures need;
   totals, categories, buildings and recurring faults are added up here from those few
   thousand groups;
2. the median and p90 durations (PostgreSQL ``percentile_cont``; elsewhere — SQLite in tests
   and development — computed here from one school's durations) and a count per week;
3. parts cost per room;

then two small queries name the categories and rooms found.

On PostgreSQL the three are one statement (``one_pass``): the two terms' orders are read once
into a materialized CTE and each figure is aggregated from it, grouped by term (a term is
``created_at >= <current term's start>``) rather than FILTERed per term or per week — with
500,000 orders (95,000 in two terms) 435 ms of SQL became ~320 ms (docs/performance.md). The
three queries above remain for other databases, for overlapping terms, and as the reference
the tests compare ``one_pass`` with.

Every query filters on ``school`` and the two terms' ``created_at`` ranges (not the gap
between them). An index on (school, created_at) serves the ranges; ``status IN (every
status)`` lets the (school, status, -created_at) index serve them too where there is none.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.db import connections, transaction
from django.db.models import (
    Aggregate,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    Sum,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import PartUsage, RepairCategory, Status, WorkOrder

CENT = Decimal("0.01")
RECURRING_LIMIT = 10
# Every status: filtering on all of them lets the (school, status, -created_at) index serve a
# created_at range (one descent per status) although no status is excluded.
ALL_STATUSES = tuple(Status.values)

RESPONSE = ExpressionWrapper(F("responded_at") - F("created_at"), output_field=DurationField())
FIX = ExpressionWrapper(F("done_at") - F("created_at"), output_field=DurationField())
# Fixed orders with due times, and of those the ones on time.
SLA_BASE = Q(done_at__isnull=False, fix_due__isnull=False)
SLA_MET = Q(done_at__lte=F("fix_due")) & (
    Q(response_due__isnull=True) | Q(responded_at__lte=F("response_due"))
)
MONEY = DecimalField(max_digits=18, decimal_places=2)
PART_COST = ExpressionWrapper(
    F("quantity") * F("unit_cost"), output_field=DecimalField(max_digits=22, decimal_places=4)
)


class PercentileCont(Aggregate):
    """PostgreSQL ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``.

    Aggregates with the same ordering and filter share one sort (PostgreSQL shares the
    transition state of ordered-set aggregates), so a median and a p90 cost one sort."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction, **extra):
        fraction = float(fraction)
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=repr(fraction), **extra)


def percentile(values, fraction: float):
    """``percentile_cont`` in Python: linear interpolation between the nearest ranks (numbers
    or timedeltas)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# ---------------------------------------------------------------- terms

# One home for "which term": org.terms (re-exported here for the dashboard).
from houqin.org.terms import (  # noqa: E402,F401
    current_term,
    previous_term,
    school_terms,
    school_tz,
    term_window,
)


def _in(window) -> Q:
    return Q(created_at__gte=window[0], created_at__lt=window[1])


def _orders(school, windows):
    """The school's orders reported in any of the windows (not between them)."""
    reported = Q()
    for window in windows:
        reported |= _in(window)
    return WorkOrder.objects.filter(
        reported, school_id=getattr(school, "pk", school), status__in=ALL_STATUSES
    ).order_by()


def _is_postgres() -> bool:
    return connections[WorkOrder.objects.db].vendor == "postgresql"


def _hours(value) -> float | None:
    """Hours of a duration (a timedelta; a number is taken as seconds)."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds() / 3600
    return float(value) / 3600


# ---------------------------------------------------------------- the passes over the orders


def place_counts(school, windows: dict) -> list[dict]:
    """The main pass: per category and room, for each term, how many orders were reported,
    answered, fixed, fixed within the SLA, rated (and the ratings' sum), their outside cost
    and the last report. Grouped by ids only (no joins), one FILTER per term, so PostgreSQL
    hashes a few thousand groups; names, buildings and totals come after.

    Returns one row per (term, category, room) with orders: {"term", "category_id", ...}."""
    measures = {
        "orders": lambda where: Count("pk", filter=where),
        "responded": lambda where: Count("responded_at", filter=where),
        "fixed": lambda where: Count("done_at", filter=where),
        "sla_base": lambda where: Count("pk", filter=where & SLA_BASE),
        "sla_met": lambda where: Count("pk", filter=where & SLA_BASE & SLA_MET),
        "rating_sum": lambda where: Sum("rating", filter=where),
        "rating_count": lambda where: Count("rating", filter=where),
        "outside": lambda where: Sum("outside_cost", filter=where, output_field=MONEY),
        "last": lambda where: Max("created_at", filter=where),
    }
    aggregates = {
        f"{key}__{name}": make(_in(window))
        for key, window in windows.items()
        for name, make in measures.items()
    }
    rows = _orders(school, windows.values()).values("category_id", "room_id").annotate(
        **aggregates
    )
    result = []
    for row in rows:
        for key in windows:
            if not row[f"{key}__orders"]:
                continue
            pair = {name: row[f"{key}__{name}"] or 0 for name in measures}
            pair.update(
                term=key,
                category_id=row["category_id"],
                room_id=row["room_id"],
                last=row[f"{key}__last"],
                outside=Decimal(row[f"{key}__outside"] or 0).quantize(CENT),
            )
            result.append(pair)
    return result


def _week_starts(window, tz, count: int) -> list[datetime]:
    """The Mondays (midnight, school time) of the first ``count`` weeks of a term."""
    monday = _monday(window[0].astimezone(tz).date())
    return [
        datetime.combine(monday + timedelta(weeks=i), time.min, tzinfo=tz)
        for i in range(count + 1)
    ]


_TIMES = [
    (f"{what}_{label}", what, fraction)
    for what in ("response", "fix")
    for label, fraction in (("median", 0.5), ("p90", 0.9))
]
_TIME_NAMES = [name for name, _what, _fraction in _TIMES]


def _weeks_so_far(term, today: date) -> int:
    """The weeks of ``term`` shown: from its first Monday to today's (or its last) week."""
    if term.start_date > today:
        return 0
    first = _monday(term.start_date)
    return (_monday(min(term.end_date, today)) - first).days // 7 + 1


def times_and_weeks(school, term, windows: dict, tz, today: date) -> tuple[dict, dict]:
    """The second pass: median and p90 of response and fix durations per term
    ({key: {name: timedelta}}), and orders per week of term (the current term's weeks up to
    today, every other term lined up by week of term).

    One aggregate query: ``percentile_cont`` per term on PostgreSQL (a median and a p90 of one
    duration share one sort) and a FILTERed count per week — no GROUP BY, so nothing to sort
    but the durations. On other databases the percentiles come from the durations, in Python
    (one more query; one school's two terms)."""
    keys = list(windows)
    postgres = _is_postgres()
    n_weeks = _weeks_so_far(term, today)
    names = _TIMES
    expressions = {"response": RESPONSE, "fix": FIX}
    only = {"response": Q(responded_at__isnull=False), "fix": Q(done_at__isnull=False)}
    aggregates = {}
    starts = {}
    for key, window in windows.items():
        starts[key] = _week_starts(window, tz, n_weeks)
        for i in range(n_weeks):
            # Weeks clipped to the term: the query's rows are the terms' rows only.
            week = (max(starts[key][i], window[0]), min(starts[key][i + 1], window[1]))
            if week[0] < week[1]:
                aggregates[f"{key}__week_{i}"] = Count("pk", filter=_in(week))
        if postgres:
            for name, what, fraction in names:
                aggregates[f"{key}__{name}"] = PercentileCont(
                    expressions[what], fraction, filter=_in(window) & only[what],
                    output_field=DurationField(),
                )
    orders = _orders(school, windows.values())
    row = orders.aggregate(**aggregates) if aggregates else {}
    times = {key: {name: row.get(f"{key}__{name}") for name, _w, _f in names} for key in keys}
    if not postgres:
        times = _python_times(orders, windows, names)
    weeks = {
        "labels": [start.date().isoformat() for start in starts[keys[0]][:n_weeks]],
        **{key: [row.get(f"{key}__week_{i}") or 0 for i in range(n_weeks)] for key in keys},
    }
    return times, weeks


def _python_times(orders, windows: dict, names) -> dict:
    durations = {key: {"response": [], "fix": []} for key in windows}
    rows = orders.filter(Q(responded_at__isnull=False) | Q(done_at__isnull=False)).values_list(
        "created_at", "responded_at", "done_at"
    )
    for created, responded, done in rows:
        for key, (start, end) in windows.items():
            if start <= created < end:
                if responded is not None:
                    durations[key]["response"].append(responded - created)
                if done is not None:
                    durations[key]["fix"].append(done - created)
                break
    return {
        key: {name: percentile(durations[key][what], fraction) for name, what, fraction in names}
        for key in windows
    }


def parts_cost(school, windows: dict) -> dict:
    """Parts cost (quantity × unit cost) by room id, per term: {room_id: {key: ¥}}."""
    reported = Q()
    sums = {}
    for key, window in windows.items():
        within = Q(order__created_at__gte=window[0], order__created_at__lt=window[1])
        reported |= within
        sums[key] = Sum(PART_COST, filter=within)
    rows = (
        PartUsage.objects.filter(
            reported,
            school_id=getattr(school, "pk", school),
            order__school_id=getattr(school, "pk", school),
            order__status__in=ALL_STATUSES,
        )
        .order_by()
        .values("order__room_id")
        .annotate(**sums)
    )
    return {
        row["order__room_id"]: {key: Decimal(row[key] or 0).quantize(CENT) for key in windows}
        for row in rows
    }


# ---------------------------------------------------------------- PostgreSQL: one pass


def _overlap(windows: dict) -> bool:
    spans = sorted(windows.values())
    return any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False))


# The terms' orders are read once (a MATERIALIZED CTE) and every figure is aggregated from that
# copy: per category and room, per week, the durations' percentiles per term and the parts cost
# per room. The term of a row is ``created_at >= <current term's start>`` (the windows do not
# overlap and the previous term starts first). One row per result, told apart by ``kind``.
ONE_PASS_SQL = """
WITH o AS MATERIALIZED (
    SELECT {id} AS id, {created} >= %(current_start)s AS cur, {category} AS category_id,
           {room} AS room_id, {created} AS created_at, {responded} AS responded_at,
           {done} AS done_at, {fix_due} AS fix_due, {response_due} AS response_due,
           {rating} AS rating, {outside} AS outside_cost
    FROM {orders}
    WHERE {school} = %(school)s AND ({windows})
)
SELECT 0 AS kind, cur, category_id, room_id, NULL::timestamp AS week,
       COUNT(*) AS orders, COUNT(responded_at) AS responded, COUNT(done_at) AS fixed,
       COUNT(*) FILTER (WHERE done_at IS NOT NULL AND fix_due IS NOT NULL) AS sla_base,
       COUNT(*) FILTER (WHERE done_at IS NOT NULL AND fix_due IS NOT NULL
                        AND done_at <= fix_due
                        AND (response_due IS NULL OR responded_at <= response_due)) AS sla_met,
       SUM(rating) AS rating_sum, COUNT(rating) AS rating_count,
       SUM(outside_cost) AS outside,
       (EXTRACT(EPOCH FROM MAX(created_at)) * 1000000)::bigint AS last_us,
       NULL::numeric AS parts,
       NULL::interval AS response_median, NULL::interval AS response_p90,
       NULL::interval AS fix_median, NULL::interval AS fix_p90
FROM o GROUP BY cur, category_id, room_id
UNION ALL
SELECT 1, cur, NULL,
       CASE WHEN cur THEN WIDTH_BUCKET(created_at, %(current_weeks)s::timestamptz[])
            ELSE WIDTH_BUCKET(created_at, %(previous_weeks)s::timestamptz[]) END,
       NULL, COUNT(*),
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM o GROUP BY 2, 4
UNION ALL
SELECT 2, o.cur, NULL, o.room_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       SUM({quantity} * {unit_cost}), NULL, NULL, NULL, NULL
FROM o JOIN {parts} ON {part_order} = o.id
WHERE {part_school} = %(school)s AND {part_order} >= (SELECT MIN(id) FROM o)
GROUP BY o.cur, o.room_id
{percentiles}"""
# Per term, without GROUP BY (which would sort every row by term first); a median and a p90
# of the same durations share one sort.
PERCENTILES_SQL = """UNION ALL
SELECT 3, {cur}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY responded_at - created_at)
           FILTER (WHERE responded_at IS NOT NULL),
       PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY responded_at - created_at)
           FILTER (WHERE responded_at IS NOT NULL),
       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY done_at - created_at)
           FILTER (WHERE done_at IS NOT NULL),
       PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY done_at - created_at)
           FILTER (WHERE done_at IS NOT NULL)
FROM o WHERE cur = {cur}
"""


def _one_pass_sql(n_windows: int) -> str:
    def column(model, name):
        return connections[WorkOrder.objects.db].ops.quote_name(
            model._meta.get_field(name).column
        )

    def table(model):
        return connections[WorkOrder.objects.db].ops.quote_name(model._meta.db_table)

    created = column(WorkOrder, "created_at")
    windows = " OR ".join(
        f"({created} >= %(start_{i})s AND {created} < %(end_{i})s)" for i in range(n_windows)
    )
    return ONE_PASS_SQL.format(
        orders=table(WorkOrder), parts=table(PartUsage), windows=windows, created=created,
        **{
            key: column(WorkOrder, name)
            for key, name in (
                ("id", "id"), ("category", "category"), ("room", "room"),
                ("responded", "responded_at"), ("done", "done_at"), ("fix_due", "fix_due"),
                ("response_due", "response_due"), ("rating", "rating"),
                ("outside", "outside_cost"), ("school", "school"),
            )
        },
        quantity=f"{table(PartUsage)}.{column(PartUsage, 'quantity')}",
        unit_cost=f"{table(PartUsage)}.{column(PartUsage, 'unit_cost')}",
        part_order=f"{table(PartUsage)}.{column(PartUsage, 'order')}",
        part_school=f"{table(PartUsage)}.{column(PartUsage, 'school')}",
        percentiles="".join(
            PERCENTILES_SQL.format(cur=cur) for cur in ("TRUE", "FALSE")[:n_windows]
        ),
    )


def one_pass_query(school, term, windows: dict, tz, today: date):
    """The statement of ``one_pass``, its parameters, the terms' week starts and weeks."""
    n_weeks = _weeks_so_far(term, today)
    # Week i of a term: from its i-th Monday (midnight, school time) to the next;
    # WIDTH_BUCKET gives i + 1 (0 before the first Monday, n_weeks + 1 after the last week).
    starts = {key: _week_starts(window, tz, n_weeks) for key, window in windows.items()}
    params = {"school": getattr(school, "pk", school), "current_start": windows["current"][0],
              "current_weeks": starts["current"], "previous_weeks": starts.get("previous", [])}
    for i, window in enumerate(windows.values()):
        params[f"start_{i}"], params[f"end_{i}"] = window
    return _one_pass_sql(len(windows)), params, starts, n_weeks


def one_pass(school, term, windows: dict, tz, today: date):
    """PostgreSQL: what ``place_counts``, ``times_and_weeks`` and ``parts_cost`` return, from
    one statement that reads the terms' orders once (for two terms of ~95,000 orders: one
    index scan instead of three, and no FILTER per term or per week on every row).

    ``jit`` is off and ``work_mem`` 32 MB for this statement (``SET LOCAL``, in a transaction
    of its own unless the caller is already in one). JIT: the cost estimate grows with the
    orders and passes PostgreSQL's ``jit_above_cost`` long before the query is slow, and
    compiling it then takes longer (100–400 ms measured on similar statements) than running
    it. work_mem: see below."""
    keys = list(windows)
    sql, params, starts, n_weeks = one_pass_query(school, term, windows, tz, today)
    using = WorkOrder.objects.db
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        # SET LOCAL, both in one statement. work_mem: the CTE (~10 MB for two terms of 95,000
        # orders) stays in memory instead of a temporary file read back by five aggregates.
        cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)")
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    def term_of(cur):
        return "current" if cur else "previous"

    pairs, parts = [], {}
    times = {key: dict.fromkeys(_TIME_NAMES) for key in keys}
    weeks = {key: [0] * n_weeks for key in keys}
    for row in rows:
        kind, cur = row[0], row[1]
        key = term_of(cur)
        if kind == 0:
            (orders, responded, fixed, sla_base, sla_met, rating_sum, rating_count, outside,
             last) = row[5:14]
            pairs.append({
                "orders": orders, "responded": responded, "fixed": fixed,
                "sla_base": sla_base, "sla_met": sla_met, "rating_sum": rating_sum or 0,
                "rating_count": rating_count, "outside": Decimal(outside or 0).quantize(CENT),
                # Microseconds since 1970 (4,000 datetimes cost more to load than to count);
                # ``breakdown`` turns the few it shows into times.
                "last": None, "last_us": last, "term": key, "category_id": row[2],
                "room_id": row[3],
            })
        elif kind == 1:
            if 0 < row[3] <= n_weeks:
                weeks[key][row[3] - 1] = row[5]
        elif kind == 2:
            cost = parts.setdefault(row[3], dict.fromkeys(keys, Decimal(0)))
            cost[key] += row[14] or 0
        else:
            times[key] = dict(zip(_TIME_NAMES, row[15:19], strict=True))
    parts = {
        room: {key: Decimal(value).quantize(CENT) for key, value in cost.items()}
        for room, cost in parts.items()
    }
    labels = [start.date().isoformat() for start in starts["current"][:n_weeks]]
    return pairs, times, {"labels": labels, **weeks}, parts


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())



# ---------------------------------------------------------------- adding up


def _rooms(room_ids) -> dict:
    """Place names and buildings of the given rooms: {room_id: {...}}."""
    from houqin.org.models import Room

    rows = Room.objects.filter(pk__in=[pk for pk in room_ids if pk is not None]).values(
        "pk", "number", "name", "floor__building_id", "floor__building__name",
        "floor__building__campus__name",
    )
    return {row["pk"]: row for row in rows}


def _categories(category_ids) -> dict:
    return {
        row["pk"]: row
        for row in RepairCategory.objects.filter(pk__in=category_ids).values("pk", "name", "order")
    }


def _building_label(name, campus, duplicated: set) -> str:
    if name is None:
        return str(_("No building (place described)"))
    return f"{name} ({campus})" if name in duplicated and campus else name


def headline(pairs: list[dict], times: dict, keys) -> dict:
    """Headline figures per term, added up from ``place_counts`` rows and ``percentiles``."""
    figures = {}
    fields = ("orders", "responded", "fixed", "sla_base", "sla_met", "rating_count",
              "rating_sum")
    totals = {key: dict.fromkeys(fields, 0) for key in keys}
    outside = {key: [] for key in keys}
    for pair in pairs:
        if pair["term"] not in totals:
            continue
        sums = totals[pair["term"]]
        for field in fields:
            sums[field] += pair[field] or 0
        outside[pair["term"]].append(pair["outside"])
    for key in keys:

        def total(field, key=key):
            return totals[key][field]

        base, met, rated = total("sla_base"), total("sla_met"), total("rating_count")
        figures[key] = {
            "orders": total("orders"),
            "responded": total("responded"),
            "fixed": total("fixed"),
            **{name: _hours(value) for name, value in times[key].items()},
            "sla_base": base,
            "sla_met": met,
            "sla_met_pct": met * 100 / base if base else None,
            "rating_avg": total("rating_sum") / rated if rated else None,
            "rating_count": rated,
            "outside_cost": sum(outside[key], start=Decimal("0.00")),
        }
    return figures


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _last(pair) -> datetime:
    """The last report of a ``place_counts`` (or ``one_pass``) row."""
    if pair["last"] is None and pair.get("last_us") is not None:
        pair["last"] = EPOCH + timedelta(microseconds=pair["last_us"])
    return pair["last"]


def breakdown(pairs: list[dict], parts: dict, keys) -> dict:
    """Orders by category and by building, cost by building (outside + parts), and the
    recurring faults of the first term, from ``place_counts`` and ``parts_cost``."""
    rooms = _rooms({p["room_id"] for p in pairs} | set(parts))
    names = _categories({p["category_id"] for p in pairs})
    zero = Decimal("0.00")
    categories: dict = {}
    buildings: dict = {}

    by_room: dict = {}  # room id -> its building's row (thousands of pairs, a few rooms)

    def building_row(room_id):
        if room_id in by_room:
            return by_room[room_id]
        room = rooms.get(room_id, {})
        building_id = room.get("floor__building_id")
        if building_id not in buildings:
            buildings[building_id] = {
                "id": building_id,
                "name": room.get("floor__building__name"),
                "campus": room.get("floor__building__campus__name"),
                **dict.fromkeys(keys, 0),
                **{f"{key}_outside": zero for key in keys},
                **{f"{key}_parts": zero for key in keys},
            }
        by_room[room_id] = buildings[building_id]
        return by_room[room_id]

    outside_keys = {key: f"{key}_outside" for key in keys}
    for pair in pairs:
        row = categories.get(pair["category_id"])
        if row is None:
            category = names.get(pair["category_id"], {"name": "", "order": 0})
            row = categories[pair["category_id"]] = {
                "id": pair["category_id"], "name": category["name"],
                "order": category["order"], **dict.fromkeys(keys, 0),
            }
        building = building_row(pair["room_id"])
        row[pair["term"]] += pair["orders"]
        building[pair["term"]] += pair["orders"]
        building[outside_keys[pair["term"]]] += pair["outside"]
    for room_id, cost in parts.items():
        building = building_row(room_id)
        for key in keys:
            building[f"{key}_parts"] += cost[key]
    labels = [b["name"] for b in buildings.values() if b["name"] is not None]
    duplicated = {n for n in labels if labels.count(n) > 1}
    for building in buildings.values():
        building["label"] = _building_label(building["name"], building["campus"], duplicated)

    repeated = sorted(
        (p for p in pairs if p["term"] == keys[0] and p["room_id"] is not None
         and p["orders"] >= 2),
        key=lambda p: (-p["orders"], -_last(p).timestamp(), p["room_id"], p["category_id"]),
    )[:RECURRING_LIMIT]
    recurring = []
    for pair in repeated:
        room = rooms.get(pair["room_id"], {})
        place = " ".join(
            part
            for part in (
                room.get("floor__building__name"),
                room.get("number"),
                room.get("name") if room.get("name") != room.get("number") else "",
            )
            if part
        )
        recurring.append(
            {
                "room_id": pair["room_id"],
                "place": place,
                "category_id": pair["category_id"],
                "category": names.get(pair["category_id"], {}).get("name", ""),
                "count": pair["orders"],
                "last": _last(pair),
            }
        )
    return {"categories": categories, "buildings": buildings, "recurring": recurring}


# ---------------------------------------------------------------- the whole page


def change(current, previous) -> dict | None:
    """Current minus previous, and as a percentage of previous (None when not comparable)."""
    if current is None or previous is None:
        return None
    delta = current - previous
    pct = float(delta) * 100 / float(previous) if previous else None
    return {"delta": delta, "pct": pct}


def list_url(**params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse('maintenance:workorder_list')}?{query}"


def dashboard(school, term, previous=None, *, today: date) -> dict:
    """Everything the dashboard shows for ``term`` of ``school``, compared with ``previous``
    (plain dicts and lists)."""
    tz = school_tz(school)
    windows = {"current": term_window(term, tz)}
    if previous is not None:
        windows["previous"] = term_window(previous, tz)
    keys = list(windows)

    if _is_postgres() and not _overlap(windows):
        pairs, times, weeks, parts = one_pass(school, term, windows, tz, today)
    else:
        pairs = place_counts(school, windows)
        times, weeks = times_and_weeks(school, term, windows, tz, today)
        parts = parts_cost(school, windows)
    figures = headline(pairs, times, keys)
    split = breakdown(pairs, parts, keys)

    for key in keys:
        figures[key]["parts_cost"] = sum(
            (b[f"{key}_parts"] for b in split["buildings"].values()), start=Decimal("0.00")
        )
        figures[key]["cost"] = figures[key]["outside_cost"] + figures[key]["parts_cost"]
    current = figures["current"]
    before = figures.get("previous")

    term_params = {
        "created_after": term.start_date.isoformat(),
        "created_before": term.end_date.isoformat(),
    }
    categories = sorted(
        split["categories"].values(), key=lambda c: (-c["current"], c["order"], c["id"])
    )
    for row in categories:
        row["change"] = change(row["current"], row.get("previous"))
        row["url"] = list_url(category=row["id"], **term_params)
    buildings = sorted(
        split["buildings"].values(), key=lambda b: (-b["current"], b["name"] is None, b["label"])
    )
    for row in buildings:
        row["parts"] = row["current_parts"]
        row["outside"] = row["current_outside"]
        row["cost"] = row["parts"] + row["outside"]
        if "previous" in windows:
            row["previous_cost"] = row["previous_parts"] + row["previous_outside"]
            row["cost_change"] = change(row["cost"], row["previous_cost"])
        row["change"] = change(row["current"], row.get("previous"))
        row["url"] = list_url(building=row["id"], **term_params) if row["id"] else None
    faults = split["recurring"]
    for fault in faults:
        fault["url"] = list_url(
            room=fault["room_id"], category=fault["category_id"], **term_params
        )

    metrics = [
        ("orders", _("Repairs reported"), "count", None),
        ("response_median", _("Median response"), "hours", False),
        ("response_p90", _("90% answered within"), "hours", False),
        ("fix_median", _("Median fix time"), "hours", False),
        ("fix_p90", _("90% fixed within"), "hours", False),
        ("sla_met_pct", _("SLA met"), "percent", True),
        ("rating_avg", _("Satisfaction"), "rating", True),
        ("cost", _("Total cost"), "money", False),
    ]
    cards = []
    for key, label, kind, higher_is_better in metrics:
        value = current[key]
        old = before[key] if before else None
        delta = change(value, old)
        if delta is not None:
            delta["better"] = (
                None
                if higher_is_better is None or not delta["delta"]
                else (delta["delta"] > 0) == higher_is_better
            )
        cards.append(
            {"key": key, "label": label, "kind": kind, "value": value, "previous": old,
             "change": delta}
        )

    return {
        "term": term,
        "previous_term": previous,
        "figures": figures,
        "cards": cards,
        "categories": categories,
        "buildings": buildings,
        "buildings_by_cost": sorted(buildings, key=lambda b: (-b["cost"], b["label"])),
        "weekly": weeks,
        "recurring": faults,
        "ongoing": term.start_date <= today <= term.end_date,
        "today": today,
    }


def chart_data(data: dict) -> dict:
    """The numbers the charts need (for ``json_script``): names and counts, no objects."""
    by_cost = data["buildings_by_cost"]
    return {
        "categories": {
            "names": [c["name"] for c in data["categories"]],
            "current": [c["current"] for c in data["categories"]],
            "previous": [c.get("previous", 0) for c in data["categories"]]
            if data["previous_term"]
            else None,
        },
        "buildings": {
            "names": [b["label"] for b in data["buildings"]],
            "current": [b["current"] for b in data["buildings"]],
            "previous": [b.get("previous", 0) for b in data["buildings"]]
            if data["previous_term"]
            else None,
        },
        "cost": {
            "names": [b["label"] for b in by_cost],
            "parts": [float(b["parts"]) for b in by_cost],
            "outside": [float(b["outside"]) for b in by_cost],
        },
        "weekly": data["weekly"],
    }

"""Hygiene rankings: a class's score for a slot, a week and a term; ranks, praise, criticism
and the rotating red flag (流动红旗). Reads only; the rules are in ``models/scores.py``:

- slot score = (weighted) average of the class's sheets in the slot;
- week score = average of the class's slot scores that week, rounded to 0.01 (slots without a
  sheet are left out). Only classes inspected that week are ranked; the others are listed as
  "not inspected" and get no rank, flag, praise or criticism;
- term total = sum of the week scores over the weeks of the term in which the school inspected
  at all; for a week in which a class was not inspected, the class counts the base score;
- ranks are competition ranks (1, 1, 3) per grade and across the school; within a tie, classes
  are listed in class order (grade, then number: Class 2 before Class 10);
- each week the classes ranked first in their grade hold the red flag (all of them on a tie).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from houqin.org.models import SchoolClass

from .models.scores import HygieneSettings, ScoreSheet, SlotMode, WeekResult

CENT = Decimal("0.01")


def settings_for(school) -> HygieneSettings:
    """The school's settings, or the defaults (unsaved) when it never changed them."""
    school_id = getattr(school, "pk", school)
    found = HygieneSettings.objects.filter(school_id=school_id).first()
    return found or HygieneSettings(school_id=school_id)


def week_of(day: date) -> date:
    """The Monday of the week ``day`` falls in."""
    return day - timedelta(days=day.weekday())


def slot_of(day: date, mode: str) -> date:
    return week_of(day) if mode == SlotMode.WEEKLY else day


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def average(values) -> Decimal:
    values = list(values)
    return sum(values, Decimal("0")) / len(values)


def slot_score(sheets, settings: HygieneSettings) -> Decimal:
    """(Weighted) average of ``sheets``: (total, inspector_kind) pairs of one class and slot."""
    weights = [(total, settings.weight_of(kind)) for total, kind in sheets]
    weight = sum((w for _t, w in weights), Decimal("0"))
    if not weight:
        return average(t for t, _w in weights)
    return sum((t * w for t, w in weights), Decimal("0")) / weight


def week_scores(rows, settings) -> dict[tuple[int, date], tuple[Decimal, int]]:
    """``rows``: dicts with school_class_id, week, slot, total, inspector_kind →
    {(class id, week): (week score rounded, slots inspected)}."""
    slots: dict[tuple[int, date], dict[date, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        slots[(row["school_class_id"], row["week"])][row["slot"]].append(
            (row["total"], row["inspector_kind"])
        )
    return {
        key: (
            round2(average(slot_score(sheets, settings) for sheets in by_slot.values())),
            len(by_slot),
        )
        for key, by_slot in slots.items()
    }


def class_order(klass) -> tuple:
    return (klass.grade, klass.number, klass.pk)


def competition_ranks(rows, score, group=None, attr="rank") -> None:
    """Set ``attr`` on each row: 1 + the number of rows (of the same group) that scored more."""
    groups = defaultdict(list)
    for row in rows:
        groups[group(row) if group else None].append(row)
    for members in groups.values():
        members.sort(key=lambda r: (-score(r), class_order(r.school_class)))
        for i, row in enumerate(members):
            if i and score(members[i - 1]) == score(row):
                setattr(row, attr, getattr(members[i - 1], attr))
            else:
                setattr(row, attr, i + 1)


@dataclass
class WeekRow:
    school_class: SchoolClass
    score: Decimal | None
    slots: int
    grade_rank: int | None = None
    school_rank: int | None = None
    red_flag: bool = False
    praised: bool = False
    criticised: bool = False

    @property
    def inspected(self) -> bool:
        return self.slots > 0


@dataclass
class WeekRanking:
    week: date
    rows: list[WeekRow]
    settings: HygieneSettings
    published: bool = False

    @property
    def end(self) -> date:
        return self.week + timedelta(days=6)

    @property
    def inspected(self) -> bool:
        return any(r.inspected for r in self.rows)

    def by_grade(self) -> list[tuple[int, list[WeekRow]]]:
        grades = defaultdict(list)
        for row in self.rows:
            grades[row.school_class.grade].append(row)
        return sorted(grades.items())

    @property
    def praise(self) -> list[WeekRow]:
        return [r for r in self.rows if r.praised]

    @property
    def criticism(self) -> list[WeekRow]:
        return [r for r in self.rows if r.criticised]

    @property
    def flags(self) -> list[WeekRow]:
        return [r for r in self.rows if r.red_flag]


def _classes(school_id, class_ids=()):
    """Active classes, plus inactive ones that have sheets in the period."""
    from django.db.models import Q

    return list(
        SchoolClass.objects.filter(
            Q(is_active=True) | Q(pk__in=list(class_ids)), school_id=school_id
        )
        .select_related("class_teacher")
        .order_by("grade", "number")
    )


def _sheet_rows(school_id, **filters):
    return list(
        ScoreSheet.objects.filter(school_id=school_id, **filters).values(
            "school_class_id", "week", "slot", "total", "inspector_kind"
        )
    )


def compute_week(school, week: date) -> WeekRanking:
    """The live ranking of ``week`` from its sheets (three queries)."""
    school_id = getattr(school, "pk", school)
    week = week_of(week)
    settings = settings_for(school_id)
    scores = week_scores(_sheet_rows(school_id, week=week), settings)
    classes = _classes(school_id, {cid for cid, _w in scores})
    rows = []
    for klass in classes:
        score, slots = scores.get((klass.pk, week), (None, 0))
        rows.append(WeekRow(school_class=klass, score=score, slots=slots))
    ranked = [r for r in rows if r.inspected]
    competition_ranks(
        ranked, lambda r: r.score, group=lambda r: r.school_class.grade, attr="grade_rank"
    )
    competition_ranks(ranked, lambda r: r.score, attr="school_rank")
    for row in ranked:
        row.red_flag = row.grade_rank == 1
        row.praised = row.grade_rank <= settings.praise_top
        row.criticised = row.score < settings.criticise_below
    rows.sort(key=lambda r: (r.school_class.grade, r.grade_rank or 10_000, r.school_class.number))
    return WeekRanking(week=week, rows=rows, settings=settings)


def published_week(school, week: date) -> WeekRanking | None:
    """The frozen ranking of a published week (None if not published)."""
    school_id = getattr(school, "pk", school)
    week = week_of(week)
    results = list(
        WeekResult.objects.filter(school_id=school_id, week=week).select_related(
            "school_class__class_teacher"
        )
    )
    if not results:
        from .models.scores import WeekPublication

        if not WeekPublication.objects.filter(school_id=school_id, week=week).exists():
            return None
    rows = [
        WeekRow(
            school_class=r.school_class,
            score=r.score,
            slots=r.slots,
            grade_rank=r.grade_rank,
            school_rank=r.school_rank,
            red_flag=r.red_flag,
            praised=r.praised,
            criticised=r.criticised,
        )
        for r in results
    ]
    rows.sort(key=lambda r: (r.school_class.grade, r.grade_rank or 10_000, r.school_class.number))
    return WeekRanking(week=week, rows=rows, settings=settings_for(school_id), published=True)


# ---------------------------------------------------------------- the term


@dataclass
class TermRow:
    school_class: SchoolClass
    weeks: list[Decimal | None] = field(default_factory=list)  # None: not inspected (base counted)
    total: Decimal = Decimal("0")
    inspected_weeks: int = 0
    red_flags: int = 0
    grade_rank: int | None = None
    school_rank: int | None = None


@dataclass
class TermRanking:
    term: object
    weeks: list[date]
    rows: list[TermRow]
    settings: HygieneSettings

    def by_grade(self) -> list[tuple[int, list[TermRow]]]:
        grades = defaultdict(list)
        for row in self.rows:
            grades[row.school_class.grade].append(row)
        return sorted(grades.items())


def compute_term(school, term, *, published_only: bool = False) -> TermRanking:
    """Term totals of every class (four queries, whatever the number of weeks and classes);
    ``published_only``: only the weeks whose ranking is published (what the school sees)."""
    from .models.scores import WeekPublication

    school_id = getattr(school, "pk", school)
    settings = settings_for(school_id)
    filters = {"term": term}
    if published_only:
        filters["week__in"] = WeekPublication.objects.filter(school_id=school_id).values("week")
    scores = week_scores(_sheet_rows(school_id, **filters), settings)
    weeks = sorted({w for _cid, w in scores})
    classes = _classes(school_id, {cid for cid, _w in scores})
    flags = dict(
        WeekResult.objects.filter(
            school_id=school_id,
            red_flag=True,
            week__gte=week_of(term.start_date),
            week__lte=term.end_date,
        )
        .values("school_class_id")
        .annotate(n=Count("pk"))
        .values_list("school_class_id", "n")
    )
    rows = []
    for klass in classes:
        row = TermRow(school_class=klass, red_flags=flags.get(klass.pk, 0))
        for week in weeks:
            found = scores.get((klass.pk, week))
            row.weeks.append(found[0] if found else None)
            row.total += found[0] if found else settings.base_score
            row.inspected_weeks += 1 if found else 0
        row.total = round2(row.total)
        rows.append(row)
    competition_ranks(
        rows, lambda r: r.total, group=lambda r: r.school_class.grade, attr="grade_rank"
    )
    competition_ranks(rows, lambda r: r.total, attr="school_rank")
    rows.sort(key=lambda r: (r.school_class.grade, r.grade_rank, r.school_class.number))
    return TermRanking(term=term, weeks=weeks, rows=rows, settings=settings)

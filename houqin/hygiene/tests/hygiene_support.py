"""Fixtures for the hygiene tests: a term around fixed past weeks, a score sheet, classes."""

from datetime import date
from decimal import Decimal

from houqin import factories as f
from houqin.hygiene import services_scores as services
from houqin.hygiene.models.scores import ScoreItem
from houqin.org.models import AcademicYear, Term

D = Decimal
MON = date(2026, 10, 12)  # a Monday inside the test term (in the past)
MON2 = date(2026, 10, 19)


def term_of(school) -> Term:
    year, _ = AcademicYear.objects.get_or_create(
        school=school,
        name="2026-2027",
        defaults={"start_date": date(2026, 8, 1), "end_date": date(2027, 7, 31)},
    )
    term, _ = Term.objects.get_or_create(
        school=school,
        year=year,
        number=1,
        defaults={
            "name": "2026-2027 第一学期",
            "start_date": date(2026, 9, 1),
            "end_date": date(2027, 1, 25),
        },
    )
    return term


def items_of(school) -> dict[str, ScoreItem]:
    term_of(school)
    out = {}
    for order, (name, full) in enumerate(
        [("Floor", 10), ("Windows", 5), ("Desks", 5), ("Waste", 5)]
    ):
        out[name], _ = ScoreItem.objects.get_or_create(
            school=school, name=name, defaults={"full_marks": D(full), "order": order}
        )
    return out


def klass(school, grade, number, teacher=None):
    return f.SchoolClassFactory(school=school, grade=grade, number=number, class_teacher=teacher)


def score(inspector, school_class, day, *, off=(), bonus=0, reason="", kind=None):
    """A sheet: ``off`` is ((item name, points), …)."""
    items = items_of(school_class.school)
    deductions = [
        services.DeductionInput(item=items[name], points=D(str(points)), reason="dirty")
        for name, points in off
    ]
    return services.create_sheet(
        by=inspector,
        school_class=school_class,
        inspected_on=day,
        deductions=deductions,
        bonus=D(str(bonus)),
        bonus_reason=reason or ("good" if bonus else ""),
        inspector_kind=kind,
    )

"""Shared set-up of the canteen tests: a school with a canteen manager, a principal, a teacher,
the caterer and its handlers checked fit, a current term, and helpers to record meals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from houqin import factories as f
from houqin.canteen import services_food, services_handlers
from houqin.canteen.models.food import Meal, MealKind
from houqin.canteen.models.staff import FoodHandler
from houqin.org.models import AcademicYear, Term


@dataclass
class Canteen:
    school: object
    manager: object
    principal: object
    director: object
    teacher: object
    caterer: object
    handlers: list
    term: Term


def canteen(school, *, handlers=3, tag="") -> Canteen:
    manager = f.member(school, "canteen_manager", full_name=f"食堂管理员{tag}")
    principal = f.member(school, "principal", full_name=f"校长{tag}")
    director = f.member(school, "director", full_name=f"后勤主任{tag}")
    teacher = f.member(school, "staff", full_name=f"老师{tag}")
    caterer = f.CompanyFactory(school=school, name=f"福乐娃餐饮{tag}")
    today = timezone.localdate()
    year = AcademicYear.objects.create(
        school=school,
        name=f"学年{tag}",
        start_date=today - timedelta(days=200),
        end_date=today + timedelta(days=160),
    )
    term = Term.objects.create(
        school=school, year=year, number=1, name=f"本学期{tag}",
        start_date=today - timedelta(days=60), end_date=today + timedelta(days=60),
    )  # fmt: skip
    people = [
        FoodHandler.objects.create(
            school=school,
            name=f"厨师{tag}{i}",
            company=caterer,
            job="厨师",
            certificate_number=f"JK{i:04d}",
            certificate_issued=today - timedelta(days=200),
            certificate_expires=today + timedelta(days=165),
        )  # fmt: skip
        for i in range(handlers)
    ]
    return Canteen(school, manager, principal, director, teacher, caterer, people, term)


def meal(
    c: Canteen,
    *,
    day: date | None = None,
    kind=MealKind.LUNCH,
    dishes=("红烧肉", "番茄炒蛋", "米饭"),
) -> Meal:
    return services_food.record_meal(
        c.school, by=c.manager, date=day or timezone.localdate(), kind=kind, dishes=dishes
    )


def complete(c: Canteen, m: Meal, grams="150") -> Meal:
    """Every record the meal needs: a sample of each dish, 陪餐, disinfection."""
    services_food.take_samples(m, by=c.manager, weights={d.pk: grams for d in m.dishes.all()})
    services_food.record_accompanied_meal(m, by=c.principal, rating=5)
    services_food.record_disinfection(
        m, by=c.manager, method="steam", items="餐盘", minutes=15, temperature="100"
    )
    return m


def check_all(c: Canteen, day=None):
    return [
        services_handlers.record_check(h, by=c.manager, date=day, temperature="36.5")
        for h in c.handlers
    ]


def tenancy_objects(school, *, by, tag: str) -> dict:
    """One record of every canteen model for ``school`` (names carry ``tag``), written directly:
    for the core tenancy walk (``houqin/core/tests/test_tenancy_walk.py``)."""
    from houqin.canteen.models.food import (
        AccompaniedMeal,
        CanteenSettings,
        Dish,
        Disinfection,
        FoodSample,
        MealDish,
    )
    from houqin.canteen.models.goods import GoodsCheck, SupplierLicence
    from houqin.canteen.models.staff import DutyRecord, MorningCheck
    from houqin.canteen.models.water import (
        Dispenser,
        EducationCampaign,
        FilterChange,
        WaterContract,
        WaterTest,
    )

    now, today = timezone.now(), timezone.localdate()
    company = f.CompanyFactory(school=school, name=f"{tag}餐饮")
    m = Meal.objects.create(
        school=school, date=today, kind=MealKind.LUNCH, note=tag, recorded_by=by
    )
    dish = MealDish.objects.create(school=school, meal=m, name=f"{tag}菜")
    handler = FoodHandler.objects.create(
        school=school, name=f"{tag}厨师", company=company, certificate_expires=today
    )
    dispenser = Dispenser.objects.create(school=school, location=f"{tag}饮水点")
    rows = [
        CanteenSettings.objects.create(school=school, caterer=company),
        Dish.objects.create(school=school, name=f"{tag}菜单"),
        m,
        dish,
        FoodSample.objects.create(
            school=school,
            meal=m,
            meal_dish=dish,
            grams=150,
            taken_at=now,
            taken_by=by,
            dispose_after=now,
            container=tag,
        ),
        Disinfection.objects.create(
            school=school, meal=m, method="steam", items=tag, minutes=10, done_at=now, done_by=by
        ),
        AccompaniedMeal.objects.create(
            school=school, meal=m, leader=by, rating=5, problems=tag, recorded_by=by
        ),
        handler,
        MorningCheck.objects.create(
            school=school,
            handler=handler,
            date=today,
            checked_at=now,
            checked_by=by,
            other_symptoms=tag,
        ),
        DutyRecord.objects.create(school=school, handler=handler, date=today, recorded_by=by),
        GoodsCheck.objects.create(
            school=school,
            date=today,
            supplier_name=tag,
            goods=f"{tag}米",
            quantity=1,
            keep_until=today,
            checked_by=by,
        ),
        SupplierLicence.objects.create(
            school=school, supplier_name=tag, kind="business", licence_number=tag
        ),
        WaterContract.objects.create(
            school=school, company=company, title=f"{tag}合同", start_date=today, end_date=today
        ),
        dispenser,
        FilterChange.objects.create(
            school=school,
            dispenser=dispenser,
            date=today,
            done_by_name=tag,
            next_due=today,
            recorded_by=by,
        ),
        WaterTest.objects.create(
            school=school,
            date=today,
            place=tag,
            tested_by=tag,
            results=tag,
            passed=False,
            recorded_by=by,
        ),
        EducationCampaign.objects.create(
            school=school, date=today, topic=f"{tag}宣传", audience=tag, recorded_by=by
        ),
    ]
    return {type(row): row for row in rows}

"""Demo records: a term of the canteen so far — lunch every school day and breakfast on Mondays
and Wednesdays, with samples, 陪餐 and disinfection; twelve handlers of the caterer with their
morning checks and duty (one excluded day, one certificate about to expire); goods checks and
supplier licences. A few violations are left for the compliance page: a meal without 陪餐, a
dish without a sample, a meal without disinfection, an old light sample (before the rule).

Written with bulk_create (the records are the past; no timelines). Idempotent: a school that
already has meals is left alone."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from houqin.org.models import Company, Holiday, Membership
from houqin.org.roles import Role
from houqin.org.terms import term_on

from .models.food import (
    AccompaniedMeal,
    CanteenSettings,
    Dish,
    Disinfection,
    FoodSample,
    Meal,
    MealDish,
    MealKind,
)
from .models.goods import GoodsCheck, LicenceKind, SupplierLicence
from .models.staff import DutyRecord, FoodHandler, MorningCheck

SEED = "houqin-canteen-demo"
DISHES = [
    "红烧肉", "番茄炒蛋", "清炒青菜", "糖醋里脊", "土豆烧牛肉", "麻婆豆腐", "宫保鸡丁", "清蒸鱼", "西兰花炒虾仁",
    "青椒肉丝", "冬瓜排骨汤", "紫菜蛋花汤", "米饭", "红烧鸡腿", "香菇青菜", "鱼香茄子",
]  # fmt: skip
BREAKFAST = ["小米粥", "肉包", "鸡蛋", "豆浆", "花卷"]
HANDLERS = [
    ("王建国", "厨师长"), ("李秀英", "厨师"), ("张伟", "厨师"), ("刘芳", "面点师"), ("陈静", "帮厨"), ("杨洋", "帮厨"),
    ("赵磊", "切配"), ("黄敏", "打菜员"), ("周杰", "打菜员"), ("吴霞", "洗消员"), ("徐丽", "洗消员"), ("孙强", "采购验收"),
]  # fmt: skip
GOODS = [
    ("大米", "kg", None),
    ("猪肉", "kg", 3),
    ("鸡蛋", "kg", 30),
    ("青菜", "kg", 2),
    ("食用油", "L", 540),
    ("牛奶", "箱", 30),
    ("食盐", "kg", None),
]


def build(schools, *, today=None) -> None:
    for school in schools.values() if isinstance(schools, dict) else schools:
        build_school(school, today=today)


def _holder(school, *roles):
    m = (
        Membership.objects.filter(school=school, is_active=True, roles__role__in=roles)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return m.user if m else None


def _at(tz, day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def _school_days(school, start, end):
    holidays = list(
        Holiday.objects.filter(school=school, end_date__gte=start, start_date__lte=end).values_list(
            "start_date", "end_date"
        )
    )
    day = start
    while day <= end:
        if day.weekday() < 5 and not any(a <= day <= b for a, b in holidays):
            yield day
        day += timedelta(days=1)


@transaction.atomic
def build_school(school, *, today=None) -> None:
    if Meal.objects.filter(school=school).exists():
        return
    today = today or timezone.localdate()
    term = term_on(school, today)
    manager = _holder(school, Role.CANTEEN_MANAGER) or _holder(school, Role.DIRECTOR)
    if term is None or manager is None:
        return
    leaders = [u for u in (_holder(school, Role.PRINCIPAL), _holder(school, Role.DIRECTOR)) if u]
    if not leaders:
        return
    rng = random.Random(f"{SEED}-{school.code}")
    tz = timezone.get_current_timezone()
    caterer = Company.objects.filter(
        school=school, name__contains="餐饮"
    ).first() or Company.objects.create(school=school, name="福乐娃餐饮管理有限公司")
    CanteenSettings.objects.get_or_create(
        school=school, defaults={"serves_breakfast": True, "serves_lunch": True, "caterer": caterer}
    )
    Dish.objects.bulk_create(
        [Dish(school=school, name=n) for n in DISHES + BREAKFAST], ignore_conflicts=True
    )

    handlers = FoodHandler.objects.bulk_create(
        [
            FoodHandler(
                school=school,
                name=name,
                company=caterer,
                job=job,
                phone=f"1390574{i:04d}",
                certificate_number=f"330203{2025000 + i}",
                certificate_issued=today - timedelta(days=300 - i * 7),
                certificate_expires=today + timedelta(days=12)
                if i == 4
                else today + timedelta(days=65 + i * 7),
            )  # fmt: skip
            for i, (name, job) in enumerate(HANDLERS)
        ]
    )
    start, end = term.start_date, min(term.end_date, today)
    days = list(_school_days(school, start, end))
    meals = []
    for day in days:
        meals.append(
            Meal(
                school=school,
                date=day,
                kind=MealKind.LUNCH,
                diners=rng.randint(880, 960),
                recorded_by=manager,
            )
        )
        if day.weekday() in (0, 2):
            meals.append(
                Meal(
                    school=school,
                    date=day,
                    kind=MealKind.BREAKFAST,
                    diners=rng.randint(300, 360),
                    recorded_by=manager,
                )
            )
    meals = Meal.objects.bulk_create(meals)
    dishes = []
    for meal in meals:
        names = (
            rng.sample(BREAKFAST, 3)
            if meal.kind == MealKind.BREAKFAST
            else rng.sample(DISHES[:12], 3) + ["米饭"]
        )
        dishes += [
            MealDish(school=school, meal=meal, name=n, position=i) for i, n in enumerate(names)
        ]
    dishes = MealDish.objects.bulk_create(dishes)

    past = [m for m in meals if m.date < today]
    # The violations the compliance page shows (in the past, so they count as missed).
    no_sample = past[len(past) // 3] if past else None
    no_company = past[len(past) // 2] if past else None
    no_disinfection = past[(2 * len(past)) // 3] if past else None
    light_meal = past[1] if len(past) > 1 else None
    samples, accompaniments, disinfections = [], [], []
    first_dish_of = {}
    for dish in dishes:
        first_dish_of.setdefault(dish.meal_id, dish)
    by_meal = {m.pk: m for m in meals}
    for dish in dishes:
        meal = by_meal[dish.meal_id]
        if meal.date == today or (meal is no_sample and first_dish_of[meal.pk] is dish):
            continue
        taken = _at(tz, meal.date, 7 if meal.kind == MealKind.BREAKFAST else 11, rng.randint(0, 25))
        grams = (
            Decimal(110)
            if meal is light_meal and first_dish_of[meal.pk] is dish
            else Decimal(rng.choice([130, 150, 160, 180]))
        )
        disposed = (
            taken + timedelta(hours=49)
            if taken + timedelta(hours=49) < timezone.now() - timedelta(days=1)
            else None
        )
        samples.append(FoodSample(
            school=school, meal=meal, meal_dish=dish, grams=grams, minimum_grams=Decimal(125 if grams >= 125 else 100),
            taken_at=taken, taken_by=manager, container="留样冰箱1号", dispose_after=taken + timedelta(hours=48),
            disposed_at=disposed, disposed_by=manager if disposed else None,
        ))  # fmt: skip
    for i, meal in enumerate(m for m in meals if m.date < today):
        if meal is not no_company:
            problems = rng.random() < 0.12
            accompaniments.append(AccompaniedMeal(
                school=school, meal=meal, leader=leaders[i % len(leaders)], rating=3 if problems else rng.choice([4, 5, 5]),
                problems="青菜偏咸" if problems else "", action="已告知厨师长，下餐调整" if problems else "", recorded_by=manager,
            ))  # fmt: skip
        if meal is not no_disinfection:
            steam = rng.random() < 0.7
            disinfections.append(Disinfection(
                school=school, meal=meal, method="steam" if steam else "chemical", items="餐盘、碗、勺",
                temperature=Decimal(100) if steam else None, concentration=None if steam else Decimal(250),
                minutes=20 if steam else 15, done_at=_at(tz, meal.date, 13 if meal.kind == MealKind.LUNCH else 8, 30),
                done_by=manager, done_by_name="吴霞",
            ))  # fmt: skip
    FoodSample.objects.bulk_create(samples)
    AccompaniedMeal.objects.bulk_create(accompaniments)
    Disinfection.objects.bulk_create(disinfections)

    checks, duties = [], []
    sick_day = days[len(days) // 2] if days else None
    for day in days:
        for h in handlers:
            excluded = day == sick_day and h is handlers[5]
            checks.append(MorningCheck(
                school=school, handler=h, date=day, temperature=Decimal("37.9") if excluded else Decimal(rng.choice(["36.2", "36.4", "36.5", "36.7"])),
                fever=excluded, fit=not excluded, exclusion_reason="发热" if excluded else "",
                checked_at=_at(tz, day, 6, 40), checked_by=manager,
            ))  # fmt: skip
            if not excluded:
                duties.append(DutyRecord(school=school, handler=h, date=day, recorded_by=manager))
    MorningCheck.objects.bulk_create(checks)
    DutyRecord.objects.bulk_create(duties)

    goods = []
    for n, day in enumerate(d for d in days if d.weekday() in (0, 3)):
        for name, unit, shelf in rng.sample(GOODS, 3):
            best = day + timedelta(days=shelf) if shelf else None
            keep = (
                (best + timedelta(days=183))
                if best
                else date(day.year + 2, day.month, min(day.day, 28))
            )
            goods.append(GoodsCheck(
                school=school, date=day, company=caterer if name != "大米" else None, supplier_name="" if name != "大米" else "宁波粮油批发公司",
                goods=name, quantity=Decimal(rng.choice([20, 30, 50])), unit=unit, batch=f"{day:%Y%m%d}-{n}",
                production_date=day - timedelta(days=1) if shelf else None, shelf_life_days=shelf, best_before=best,
                licence_seen=True, certificate_seen=not (n == 3 and name == "猪肉"), accepted=True, keep_until=keep, checked_by=manager,
            ))  # fmt: skip
    GoodsCheck.objects.bulk_create(goods)
    SupplierLicence.objects.bulk_create([
        SupplierLicence(school=school, company=caterer, kind=LicenceKind.FOOD_BUSINESS, licence_number="JY33302030012345",
                        issued=today - timedelta(days=700), expires=today + timedelta(days=1100)),
        SupplierLicence(school=school, supplier_name="宁波粮油批发公司", kind=LicenceKind.BUSINESS, licence_number="91330203MA2H3X7K1Q",
                        issued=today - timedelta(days=1500), expires=today + timedelta(days=20)),
    ])  # fmt: skip

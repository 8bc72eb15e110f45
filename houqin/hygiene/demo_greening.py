"""Demo records: green plots with their plants and a term of care tasks by the property
company — most accepted, a few waiting for the check, one sent back, some overdue."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from houqin.org.models import Company, Membership
from houqin.org.terms import term_on

from .models.greening import CareKind, CareStatus, CareTask, GreenPlot, Plant

PLOTS = [
    ("南草坪", "操场南侧", 1200, [("马尼拉草", 1), ("香樟", 12)]),
    ("校门花坛", "正门两侧", 160, [("月季", 80), ("红花檵木", 40)]),
    ("教学楼绿篱", "教学楼东侧", 300, [("海桐", 120), ("桂花", 10)]),
    ("生物园", "实验楼北侧", 450, [("银杏", 6), ("茶花", 30), ("杜鹃", 60)]),
]
PLAN = [
    (CareKind.WATERING, 7),
    (CareKind.MOWING, 14),
    (CareKind.PRUNING, 30),
    (CareKind.PEST_CONTROL, 45),
    (CareKind.FERTILISING, 60),
]


def build(schools) -> None:
    for school in schools.values() if isinstance(schools, dict) else schools:
        build_school(school)


@transaction.atomic
def build_school(school) -> int:
    if GreenPlot.objects.filter(school=school).exists():
        return 0
    today = timezone.localdate()
    term = term_on(school, today)
    company = Company.objects.filter(school=school, name__contains="物业").order_by("pk").first()
    if term is None or company is None:
        return 0
    gardener = (
        Membership.objects.filter(school=school, company=company, roles__role="contractor")
        .select_related("user")
        .order_by("pk")
        .first()
    )
    checker = (
        Membership.objects.filter(school=school, roles__role="director")
        .select_related("user")
        .first()
    )
    rng = random.Random(school.pk * 104729)
    tasks = []
    for name, where, size, plants in PLOTS:
        plot = GreenPlot.objects.create(
            school=school, name=name, location=where, size_m2=Decimal(size), company=company
        )
        Plant.objects.bulk_create(
            [Plant(school=school, plot=plot, species=s, count=n) for s, n in plants]
        )
        for kind, every in PLAN:
            if kind == CareKind.MOWING and "草" not in name:
                continue
            day = term.start_date + timedelta(days=rng.randrange(every))
            while day <= term.end_date:
                task = CareTask(school=school, plot=plot, company=company, kind=kind, due_on=day)
                if day < today - timedelta(days=7):
                    if rng.random() < 0.06:
                        pass  # overdue: never done
                    else:
                        task.status = CareStatus.ACCEPTED
                elif day < today:
                    task.status = rng.choice(
                        [CareStatus.DONE, CareStatus.ACCEPTED, CareStatus.PLANNED]
                    )
                if task.status in (CareStatus.DONE, CareStatus.ACCEPTED):
                    task.done_at = timezone.make_aware(datetime.combine(day, time(15)))
                    task.done_by = gardener.user if gardener else None
                    task.done_note = "已完成"
                if task.status == CareStatus.ACCEPTED:
                    task.checked_at = task.done_at + timedelta(days=1)
                    task.checked_by = checker.user if checker else None
                tasks.append(task)
                day += timedelta(days=every)
    done = [t for t in tasks if t.status == CareStatus.DONE]
    if done:
        done[0].status = CareStatus.REDO
        done[0].redo_count = 1
        done[0].check_note = "修剪不到位，边角需补修"
    CareTask.objects.bulk_create(tasks, batch_size=500)
    return len(tasks)

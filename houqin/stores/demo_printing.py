"""Demo print jobs for each demo school: the term before and the current term so far, through
the print shop's services (numbers, approvals, timelines, paper drawn from the 文印室 store).

- handouts and worksheets from every subject group, week by week;
- exam papers (confidential) before mid-terms and finals, collected by the group's head;
- outside jobs (community, parents' committee) approved by the director, one rejected, one
  returned for changes, one waiting;
- in the current term a few jobs still queued, one printing, two done and waiting to be
  collected, a few cancelled; a quota for each subject group.

The current term prints about ``CUT`` fewer pages a week than the term before, so the print
volume report shows paper use going down. Paper (the heavier plain paper of each size: the
catalogue's weekly-issue A4 keeps its plan) is drawn from the print room's store by the sheets
used, dated when each job was done; a job for which the store has no paper of its size
is recorded as done without a draw. Idempotent: a school that has print jobs is left alone.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from houqin.core import approvals
from houqin.core.errors import DomainError
from houqin.org.models import Department, DepartmentKind, Membership, Term

from . import ledger
from . import services_printing as printing
from .models.printing import PrintJob

SEED = "houqin-print-demo"
CUT = Decimal("0.15")
HANDOUTS = ["课堂练习", "单元测验", "复习提纲", "课后作业", "阅读材料", "实验报告单", "周末练习"]
EXAMS = ["期中考试试卷", "期末考试试卷", "月考试卷"]
OUTSIDE = [
    ("社区居委会", "社区防疫宣传单"),
    ("家长委员会", "家长会通知"),
    ("区教育局", "教研活动资料"),
]


def build(schools, *, today=None) -> None:
    for school in schools.values() if isinstance(schools, dict) else schools:
        build_school(school, today=today)


def _holder(school, role):
    membership = (
        Membership.objects.filter(school=school, is_active=True, roles__role=role)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@transaction.atomic
def build_school(school, *, today=None) -> int:
    """The school's demo print jobs; returns how many (0: skipped)."""
    if PrintJob.objects.filter(school=school).exists():
        return 0
    keeper, director = _holder(school, "keeper"), _holder(school, "director")
    today = today or timezone.localdate()
    terms = list(
        Term.objects.filter(school=school, start_date__lte=today).order_by("-start_date")[:2]
    )
    groups = list(
        Department.objects.filter(school=school, kind=DepartmentKind.SUBJECT, is_active=True)
        .select_related("head")
        .order_by("pk")
    )
    if keeper is None or director is None or not terms or not groups:
        return 0
    teachers = {
        group.pk: [
            m.user
            for m in Membership.objects.filter(school=school, department=group, is_active=True)
            .select_related("user")
            .order_by("pk")
        ]
        for group in groups
    }
    groups = [g for g in groups if teachers[g.pk]]
    if not groups:
        return 0
    rng = random.Random(f"{SEED}-{school.code}")
    maker = _Maker(school, keeper, director, rng, today)
    current, *earlier = terms
    if earlier:
        maker.term(earlier[0], groups, teachers, scale=Decimal(1), finished=True)
    for group in groups:
        printing.set_quota(
            by=director, school=school, department=group, term=current, pages=60_000,
            note="本学期文印额度",
        )  # fmt: skip
    maker.term(current, groups, teachers, scale=1 - CUT, finished=False)
    return PrintJob.objects.filter(school=school).count()


class _Maker:
    def __init__(self, school, keeper, director, rng, today):
        self.school, self.keeper, self.director = school, keeper, director
        self.rng, self.today = rng, today
        self.now = timezone.now()

    def term(self, term, groups, teachers, *, scale, finished):
        """A job or two per group each school week, exam papers mid-term and before the end,
        outside jobs now and then; done in the order they came in."""
        last = min(term.end_date, self.today - timedelta(days=1))
        week = term.start_date + timedelta(days=7 - term.start_date.weekday())
        exam_weeks = (
            term.start_date + (term.end_date - term.start_date) / 2,
            term.end_date - timedelta(days=14),
        )
        planned = []
        while week <= last:
            for group in groups:
                for _n in range(1 + (self.rng.random() < 0.5)):
                    day = week + timedelta(days=self.rng.randint(0, 4))
                    if day <= last:
                        planned.append((day, group.pk, "handout", group))
            if any(abs((week - exam).days) <= 3 for exam in exam_weeks):
                planned += [(week + timedelta(days=1), g.pk, "exam", g) for g in groups]
            week += timedelta(days=7)
        for i in range(len(OUTSIDE)):
            day = term.start_date + timedelta(days=20 + 25 * i)
            if day <= last:
                planned.append((day, -1, f"outside{i}", groups[i % len(groups)]))
        planned.sort(key=lambda p: (p[0], p[1], p[2]))
        for index, (day, _pk, kind, group) in enumerate(planned):
            if kind.startswith("outside"):
                self.outside(day, group, teachers, int(kind[7:]), finished)
                continue
            recent = not finished and (last - day).days <= 2
            self.job(day, group, teachers[group.pk], kind, scale, recent=recent, index=index)
        if not finished:
            self.open_jobs(groups, teachers)

    def _later(self, when):
        """Work is recorded in time order, so each paper draw follows the one before it."""
        previous = getattr(self, "clock", None)
        self.clock = when if previous is None else max(previous + timedelta(minutes=1), when)
        return self.clock

    def _submit(self, day, requester, **fields):
        submitted = _at(day, 8 + self.rng.randint(0, 8), self.rng.randint(0, 59))
        job = printing.submit_job(
            by=requester, school=self.school, when=submitted,
            needed_by=submitted + timedelta(days=1 + self.rng.randint(0, 2)), **fields,
        )  # fmt: skip
        PrintJob.objects.filter(pk=job.pk).update(created_at=submitted)
        return job

    def job(self, day, group, people, kind, scale, *, recent, index):
        requester = self.rng.choice(people)
        if kind == "exam":
            fields = {
                "title": f"{group.name}{self.rng.choice(EXAMS)}",
                "pages": self.rng.choice([4, 6, 8]),
                "copies": int(self.rng.randint(280, 420) * scale),
                "sides": "double",
                "paper_size": self.rng.choice(["8K", "B4", "A4"]),
                "is_confidential": True,
            }
        else:
            fields = {
                "title": f"{group.name}{self.rng.choice(HANDOUTS)}",
                "pages": self.rng.choice([1, 2, 2, 4, 6]),
                "copies": max(1, int(self.rng.randint(40, 160) * scale)),
                "sides": self.rng.choice(["double", "double", "single"]),
                "colour": self.rng.random() < 0.05,
            }
        try:
            job = self._submit(day, requester, **fields)
        except DomainError:
            return None  # over the quota: the teacher would have printed fewer
        if index % 41 == 7 and not recent:
            printing.cancel(job, by=requester, reason="考试安排调整，不再需要")
            return job
        if recent:
            return job  # still in the queue
        done = self._later(job.submitted_at + timedelta(hours=self.rng.randint(2, 20)))
        self._finish(job, done)
        collector = group.head if kind == "exam" and group.head_id else None
        if collector is not None and collector.pk == job.requester_id:
            collector = None
        printing.collect(job, by=self.keeper, collector=collector,
                         when=done + timedelta(hours=self.rng.randint(1, 6)))  # fmt: skip
        return job

    def _finish(self, job, when):
        extra = self.rng.choice([0, 0, 0, 2, 5])
        sheets = job.expected_sheets + extra
        store = printing.print_room_store(self.school.pk)
        items = list(printing.paper_items(self.school.pk, job.paper_size)) if store else []
        if not items:
            # No paper of this size in the catalogue: recorded as done without a draw.
            PrintJob.objects.filter(pk=job.pk).update(
                status="done", sheets_used=sheets, done_at=when, done_by=self.keeper
            )
            job.refresh_from_db()
            return
        # The print room prints on the heavier paper of the size (the catalogue's last plain
        # one), which leaves the weekly-issue paper's consumption plan as the catalogue made it.
        plain = [item for item in items if "彩色" not in item.name] or items
        paper = plain[-1]
        need = printing.paper_quantity(sheets, paper)
        if ledger.on_hand(paper, store) < need:
            # The print room buys paper as it runs short (received just before).
            ledger.receive(
                item=paper, store=store, quantity=need.to_integral_value() + 40,
                unit_cost=paper.reference_price or 25, by=self.keeper,
                note="文印室补充用纸", when=when - timedelta(seconds=30),
            )  # fmt: skip
        printing.finish(
            job, by=self.keeper, sheets_used=sheets, paper_item=paper, store=store, when=when
        )

    def outside(self, day, group, teachers, i, finished):
        whom, title = OUTSIDE[i]
        requester = teachers[group.pk][0]
        job = self._submit(
            day, requester, title=title, pages=1, copies=200, sides="single",
            is_outside=True, outside_for=whom,
        )  # fmt: skip
        if i == 1:
            approvals.reject(job, by=self.director, reason="非学校业务，请自行联系打印店")
            return
        if i == 2 and not finished:
            approvals.return_for_changes(job, by=self.director, reason="请减少份数后再提交")
            return
        approvals.approve(job, by=self.director, comment="同意")
        job.refresh_from_db()
        done = self._later(job.submitted_at + timedelta(hours=6))
        self._finish(job, done)
        printing.collect(job, by=self.keeper, when=done + timedelta(hours=2))

    def open_jobs(self, groups, teachers):
        """The queue as the print room finds it this morning."""
        today = self.today
        people = [p for g in groups for p in teachers[g.pk]]
        printing_now = self._submit(today, people[0], title="课堂练习", pages=2, copies=90)
        printing.start(printing_now, by=self.keeper)
        for n in range(2):
            ready = self._submit(today, people[(n + 1) % len(people)], title="复习提纲",
                                 pages=4, copies=50)  # fmt: skip
            self._finish(ready, self._later(timezone.now()))
        self._submit(
            today, people[-1], title="运动会秩序册", pages=12, copies=60, is_outside=True,
            outside_for="区体育协会",
        )  # fmt: skip

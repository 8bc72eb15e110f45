"""The print shop (文印): the only way print jobs and quotas change.

A job is submitted (with its file on its timeline) and goes through the approval engine: the
default policy ("stores.printjob", see ``registry_printing``) has one step, the logistics
director, limited to outside jobs, so the school's own jobs are approved at once and queued.
The print room (keeper role) prints it, marks it done with the sheets used — the paper is drawn
from the print room's store through ``houqin.stores.ledger.issue`` in the same transaction, so
a job is never done without its paper — and hands it over, recording who collected it.

Quotas (pages × copies per department and term) are checked when a job is submitted or
resubmitted, with the quota row locked so that two jobs cannot both take the last pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import approvals, timeline
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.notify import notify
from houqin.core.scoping import access_for
from houqin.core.states import StateMachine, Transition, any_of, has_perm, is_user, needs_reason

from . import ledger
from .models import Item, MoveKind, PaperSize, StockBalance, Store
from .models.printing import (
    COUNTED_STATUSES,
    PRINTED_STATUSES,
    RUN_PERM,
    PrintJob,
    PrintJobStatus,
    PrintQuota,
    PrintShopSettings,
    PrintSides,
    default_sheets,
)

S = PrintJobStatus
MILLI = Decimal("0.001")
MAX_PAGES = 10_000
MAX_COPIES = 5_000
OUTSIDE = "outside"
SHEETS_PER_REAM = Decimal("500")


def _requester_may_cancel(access, obj) -> bool:
    # Once the paper is on the machine, only the print room stops a job.
    return obj.requester_id == getattr(access.user, "pk", None) and obj.status != S.PRINTING


MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition("approve", source={S.PENDING}, target=S.QUEUED, system_only=True,
                   label=_("Approved: queued")),
        Transition("reject", source={S.PENDING}, target=S.REJECTED, system_only=True,
                   label=_("Rejected")),
        Transition("return", source={S.PENDING}, target=S.RETURNED, system_only=True,
                   label=_("Returned for changes")),
        Transition("resubmit", source={S.RETURNED}, target=S.PENDING,
                   allowed=is_user("requester"), label=_("Resubmit")),
        Transition("start", source={S.QUEUED}, target=S.PRINTING,
                   allowed=has_perm(RUN_PERM), label=_("Start printing")),
        Transition("finish", source={S.QUEUED, S.PRINTING}, target=S.DONE,
                   allowed=has_perm(RUN_PERM), label=_("Mark done")),
        Transition("collect", source={S.DONE}, target=S.COLLECTED,
                   allowed=has_perm(RUN_PERM), label=_("Record collection")),
        Transition("cancel", source={S.RETURNED, S.QUEUED, S.PRINTING}, target=S.CANCELLED,
                   allowed=any_of(has_perm(RUN_PERM), _requester_may_cancel),
                   guard=needs_reason, label=_("Cancel the job")),
    ],
)  # fmt: skip


# ---------------------------------------------------------------- small helpers


def _school_id(school) -> int:
    return getattr(school, "pk", school)


def _lock(job: PrintJob) -> PrintJob:
    query = PrintJob.objects.filter(pk=job.pk)
    if connection.features.has_select_for_update:
        query = query.select_for_update(of=("self",))
    fresh = query.get()
    for field in fresh._meta.concrete_fields:
        setattr(job, field.attname, getattr(fresh, field.attname))
    return job


def term_of(school_id: int, day=None):
    """The school's term containing ``day`` (today), or None between terms."""
    from houqin.org.models import Term

    day = day or timezone.localdate()
    return (
        Term.objects.filter(school_id=school_id, start_date__lte=day, end_date__gte=day)
        .order_by("-start_date")
        .first()
    )


def _count(value, *, label, maximum) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(_("%(field)s must be a whole number.") % {"field": label}) from None
    if number < 1:
        raise DomainError(_("%(field)s must be at least 1.") % {"field": label})
    if number > maximum:
        raise DomainError(
            _("%(field)s can be at most %(max)s.") % {"field": label, "max": f"{maximum:,}"}
        )
    return number


def _department(access, department, school_id):
    """The job's department: the requester's own (or one they head); the print room any."""
    if department is None:
        membership = getattr(access, "membership", None)
        department = getattr(membership, "department", None) if membership else None
        if department is None:
            raise DomainError(_("Choose the department the job is for."), code="NoDepartment")
    if department.school_id != school_id:
        raise DomainError(_("Choose a department of this school."))
    if access.has_perm(RUN_PERM):
        return department
    own = {access.department_id, *getattr(access, "headed_department_ids", ())}
    if department.pk not in own:
        raise PermissionDenied(
            _("You may ask for print jobs for your own department only."), code="WrongDepartment"
        )
    return department


def _requester(access, by, requester, school_id):
    """Whoever asks; the print room may enter a job for a teacher who walks in."""
    if requester is None or getattr(requester, "pk", None) == getattr(by, "pk", None):
        return by
    if not access.has_perm(RUN_PERM):
        raise PermissionDenied(_("Only the print room may enter a job for someone else."))
    if not access_for(requester, school_id).is_member:
        raise DomainError(_("The requester is not a member of this school."))
    return requester


def _clean(job: PrintJob, *, title, description, pages, copies, sides, paper_size, colour,
           needed_by, is_confidential, is_outside, outside_for) -> None:  # fmt: skip
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        raise DomainError(_("Give the job a title."), code="TitleRequired")
    if sides not in PrintSides.values:
        raise DomainError(_("Choose single- or double-sided."))
    if paper_size not in PaperSize.values:
        raise DomainError(_("Choose a paper size."))
    if needed_by is None:
        raise DomainError(_("Say when the job is needed."), code="NeededByRequired")
    if timezone.is_naive(needed_by):
        needed_by = timezone.make_aware(needed_by)
    if is_confidential and is_outside:
        raise DomainError(
            _("A confidential job (exam papers) cannot be an outside job."),
            code="ConfidentialOutside",
        )
    outside_for = (outside_for or "").strip() if is_outside else ""
    if is_outside and not outside_for:
        raise DomainError(_("Say whom the outside job is for."), code="OutsideForRequired")
    job.title = title[:120]
    job.description = description
    job.pages = _count(pages, label=_("Pages"), maximum=MAX_PAGES)
    job.copies = _count(copies, label=_("Copies"), maximum=MAX_COPIES)
    job.sides = sides
    job.paper_size = paper_size
    job.colour = bool(colour)
    job.needed_by = needed_by
    job.is_confidential = bool(is_confidential)
    job.is_outside = bool(is_outside)
    job.outside_for = outside_for[:100]


# ---------------------------------------------------------------- quotas


def pages_used(department_id: int, term_id: int, *, exclude=None) -> int:
    """Printed pages (pages × copies) of the department's jobs in the term, not withdrawn."""
    jobs = PrintJob.objects.filter(
        department_id=department_id, term_id=term_id, status__in=COUNTED_STATUSES
    )
    if exclude is not None:
        jobs = jobs.exclude(pk=exclude)
    return jobs.aggregate(total=Sum(F("pages") * F("copies")))["total"] or 0


def quota_left(department, term) -> int | None:
    """Pages the department has left this term; None when it has no quota."""
    if term is None:
        return None
    quota = PrintQuota.objects.filter(department=department, term=term).first()
    if quota is None:
        return None
    return max(0, quota.pages - pages_used(department.pk, term.pk))


def _check_quota(job: PrintJob) -> None:
    """Refuse a job that takes the department over its quota (the quota row is locked)."""
    if job.term_id is None:
        return
    quotas = PrintQuota.objects.filter(department_id=job.department_id, term_id=job.term_id)
    if connection.features.has_select_for_update:
        quotas = quotas.select_for_update()
    quota = quotas.first()
    if quota is None:
        return
    used = pages_used(job.department_id, job.term_id, exclude=job.pk)
    left = max(0, quota.pages - used)
    if job.printed_pages > left:
        raise DomainError(
            _(
                "%(department)s has %(left)s of its %(quota)s pages left this term; this job "
                "needs %(needed)s (%(pages)s pages × %(copies)s copies). Print fewer copies, or "
                "ask the logistics office to raise the quota."
            )
            % {
                "department": job.department,
                "left": f"{left:,}",
                "quota": f"{quota.pages:,}",
                "needed": f"{job.printed_pages:,}",
                "pages": job.pages,
                "copies": job.copies,
            },
            code="QuotaExceeded",
        )


@transaction.atomic
def set_quota(*, by, school, department, term, pages, note="") -> PrintQuota:
    """Create or change a department's quota for a term."""
    school_id = _school_id(school)
    access = access_for(by, school_id)
    if not (
        access.has_perm("stores.add_printquota") and access.has_perm("stores.change_printquota")
    ):
        raise PermissionDenied(_("You may not set print quotas."))
    if department.school_id != school_id or term.school_id != school_id:
        raise DomainError(_("Choose a department and a term of this school."))
    pages = _count(pages, label=_("Pages"), maximum=100_000_000)
    quota, _created = PrintQuota.objects.update_or_create(
        school_id=school_id,
        department=department,
        term=term,
        defaults={"pages": pages, "note": (note or "").strip()[:200]},
    )
    return quota


# ---------------------------------------------------------------- submitting


@transaction.atomic
def submit_job(*, by, school, title, pages, copies, needed_by, department=None, requester=None,
               description="", sides=PrintSides.DOUBLE, paper_size=PaperSize.A4, colour=False,
               is_confidential=False, is_outside=False, outside_for="", files=(),
               when=None) -> PrintJob:  # fmt: skip
    """A new job, sent on at once: queued, or waiting for approval when the school's policy
    asks (by default: outside jobs). ``files`` (the original to print) go on its timeline.
    ``when`` (default now) records a job submitted earlier (demo data, imports)."""
    school_id = _school_id(school)
    access = access_for(by, school_id)
    if not access.is_member or not access.has_perm("stores.add_printjob"):
        raise PermissionDenied(_("You may not ask for print jobs in this school."))
    job = PrintJob(school_id=school_id, status=S.PENDING)
    _clean(
        job, title=title, description=description, pages=pages, copies=copies, sides=sides,
        paper_size=paper_size, colour=colour, needed_by=needed_by,
        is_confidential=is_confidential, is_outside=is_outside, outside_for=outside_for,
    )  # fmt: skip
    job.requester = _requester(access, by, requester, school_id)
    if access.has_perm(RUN_PERM):
        department = department or _home(job.requester, school_id)
    job.department = _department(access, department, school_id)
    job.submitted_at = when or timezone.now()
    job.term = term_of(school_id, timezone.localdate(job.submitted_at))
    _check_quota(job)
    job.assign_number()
    job.full_clean()
    job.save()
    timeline.record(
        job,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        text=str(_("Print job submitted.")),
        to_state=S.PENDING,
    )
    files = [f for f in (files or ()) if f]
    if files:
        timeline.attach(job, by=by, files=files, text=str(_("File to print")))
    approvals.start(job, by=by)
    return job


def _home(user, school_id):
    """A member's own department (for jobs the print room enters on their behalf)."""
    access = access_for(user, school_id)
    membership = getattr(access, "membership", None)
    return getattr(membership, "department", None) if membership else None


@transaction.atomic
def update_job(job: PrintJob, *, by, **fields) -> PrintJob:
    """Change a job returned for changes (the requester); resubmit it with ``resubmit``."""
    job = _lock(job)
    if job.requester_id != getattr(by, "pk", None):
        raise PermissionDenied(_("Only the requester can change this job."))
    if job.status != S.RETURNED:
        raise IllegalTransition(_("A job can be changed only when it was returned for changes."))
    current = {
        name: getattr(job, name)
        for name in ("title", "description", "pages", "copies", "sides", "paper_size", "colour",
                     "needed_by", "is_confidential", "is_outside", "outside_for")
    }  # fmt: skip
    unknown = set(fields) - set(current) - {"department"}
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    department = fields.pop("department", None)
    current.update(fields)
    _clean(job, **current)
    if department is not None:
        job.department = _department(access_for(by, job.school_id), department, job.school_id)
    job.version += 1
    job.full_clean()
    job.save()
    timeline.record(job, by=by, kind=timeline.Kind.EVENT, text=str(_("Job changed.")))
    return job


@transaction.atomic
def resubmit(job: PrintJob, *, by) -> PrintJob:
    """A returned job sent again: the quota is checked again and a new approval round starts."""
    job = _lock(job)
    transition = MACHINE.get("resubmit")
    if not transition.applies_from(job.status) or not MACHINE.is_allowed(transition, job, by):
        MACHINE.perform(job, "resubmit", by=by)  # raises the right error
    _check_quota(job)
    MACHINE.perform(job, "resubmit", by=by, values={"submitted_at": timezone.now()})
    approvals.resubmit(job, by=by)
    return job


# ---------------------------------------------------------------- the engine's handlers


def approval_granted(job: PrintJob, *, flow, by) -> None:
    MACHINE.perform(job, "approve", by=by, system=True)


def approval_refused(job: PrintJob, *, flow, by, reason) -> None:
    MACHINE.perform(job, "reject", by=by, system=True, note=reason)


def approval_returned(job: PrintJob, *, flow, by, reason) -> None:
    MACHINE.perform(job, "return", by=by, system=True, note=reason)


# ---------------------------------------------------------------- the print room


def print_room_store(school_id: int) -> Store | None:
    """The store paper is drawn from: the one the print shop settings name; else a store
    called 文印 or "print"; else the school's default store."""
    settings = (
        PrintShopSettings.objects.filter(school_id=school_id, store__is_active=True)
        .select_related("store")
        .first()
    )
    if settings is not None and settings.store is not None:
        return settings.store
    stores = Store.objects.filter(school_id=school_id, is_active=True)
    named = stores.filter(Q(name__contains="文印") | Q(name__icontains="print")).first()
    return named or stores.filter(is_default=True).first()


def paper_quantity(sheets: int, item: Item) -> Decimal:
    """Units of ``item`` (reams, boxes) that ``sheets`` take, to three places (at least 0.001)."""
    quantity = (Decimal(sheets) / Decimal(item.sheets_per_unit)).quantize(
        MILLI, rounding=ROUND_HALF_UP
    )
    return max(quantity, MILLI)


def paper_items(school_id: int, paper_size: str):
    return Item.objects.filter(
        school_id=school_id, paper_size=paper_size, sheets_per_unit__gt=0, is_active=True
    ).order_by("sheets_per_unit", "code")


def choose_paper(job: PrintJob, store: Store, sheets: int) -> Item:
    """The paper of the job's size to draw: the first (reams before boxes) with enough in the
    store. When none has enough, the ledger's refusal names the one with the most."""
    items = list(paper_items(job.school_id, job.paper_size))
    if not items:
        raise DomainError(
            _(
                "No %(size)s paper is in the catalogue: add it as an item with its sheets per "
                "unit and paper size, then mark the job done."
            )
            % {"size": job.get_paper_size_display()},
            code="NoPaper",
        )
    on_hand = dict(
        StockBalance.objects.filter(store=store, item__in=items).values_list("item_id", "quantity")
    )
    for item in items:
        if on_hand.get(item.pk, Decimal("0")) >= paper_quantity(sheets, item):
            return item
    return max(items, key=lambda i: on_hand.get(i.pk, Decimal("0")) * i.sheets_per_unit)


@transaction.atomic
def start(job: PrintJob, *, by) -> PrintJob:
    job = _lock(job)
    return MACHINE.perform(job, "start", by=by)


@transaction.atomic
def finish(job: PrintJob, *, by, sheets_used=None, paper_item: Item | None = None,
           store: Store | None = None, when=None) -> PrintJob:  # fmt: skip
    """Mark the job done: the sheets used (default: pages, halved when double-sided, × copies)
    are drawn from the print room's paper of the job's size; the requester is told. Without
    enough paper nothing changes and the message says how much there is. ``when`` (default
    now) dates the draw and the job for work recorded afterwards (demo data)."""
    job = _lock(job)
    transition = MACHINE.get("finish")
    if not transition.applies_from(job.status) or not MACHINE.is_allowed(transition, job, by):
        MACHINE.perform(job, "finish", by=by)  # raises the right error
    if sheets_used in (None, ""):
        sheets = job.expected_sheets
    else:
        sheets = _count(sheets_used, label=_("Sheets used"), maximum=MAX_PAGES * MAX_COPIES)
    store = store or print_room_store(job.school_id)
    if store is None or store.school_id != job.school_id:
        raise DomainError(
            _("No store is set up for the print room: choose one in the print shop settings."),
            code="NoStore",
        )
    if paper_item is None:
        paper_item = choose_paper(job, store, sheets)
    elif paper_item.school_id != job.school_id or not paper_item.sheets_per_unit:
        raise DomainError(_("Choose paper of this school (an item with sheets per unit)."))
    move = ledger.issue(
        item=paper_item,
        store=store,
        quantity=paper_quantity(sheets, paper_item),
        by=by,
        document=job,
        department=job.department,
        note=_("%(sheets)s sheets") % {"sheets": sheets},
        kind=MoveKind.PRINT_JOB,
        when=when,
    )
    MACHINE.perform(
        job,
        "finish",
        by=by,
        note=str(
            _("Done: %(sheets)s sheets of %(paper)s drawn.")
            % {"sheets": sheets, "paper": paper_item}
        ),
        values={
            "sheets_used": sheets,
            "paper_item": paper_item,
            "stock_move": move,
            "done_at": when or timezone.now(),
            "done_by": by,
        },
    )
    notify(
        recipients=[job.requester],
        title=_("Your print job %(number)s is ready to collect") % {"number": job.number},
        body=str(_("Collect it at the print room.")),
        url=job.get_absolute_url(),
        category="stores",
        school=job.school_id,
        source=job,
    )
    return job


@transaction.atomic
def collect(job: PrintJob, *, by, collector=None, collector_name="", when=None) -> PrintJob:
    """Hand the job over. Nobody named: the requester collected it. Someone else collecting a
    confidential job must be named (their account or their name); it is shown on the job."""
    job = _lock(job)
    transition = MACHINE.get("collect")
    if not transition.applies_from(job.status) or not MACHINE.is_allowed(transition, job, by):
        MACHINE.perform(job, "collect", by=by)  # raises the right error
    name = (collector_name or "").strip()[:60]
    if collector is not None:
        if not access_for(collector, job.school_id).is_member:
            raise DomainError(_("The collector is not a member of this school."))
        name = name or str(collector)
    elif not name:
        collector = job.requester
        name = str(job.requester)
    someone_else = getattr(collector, "pk", None) != job.requester_id
    if job.is_confidential and someone_else and not name:
        raise DomainError(
            _("Name whoever collects a confidential job for the requester."),
            code="CollectorRequired",
        )
    if someone_else:
        note = _("Collected by %(name)s for %(requester)s.") % {
            "name": name,
            "requester": job.requester,
        }
    else:
        note = _("Collected by the requester.")
    return MACHINE.perform(
        job,
        "collect",
        by=by,
        note=str(note),
        values={
            "collected_at": when or timezone.now(),
            "collected_by": collector,
            "collected_by_name": name,
        },
    )


@transaction.atomic
def cancel(job: PrintJob, *, by, reason) -> PrintJob:
    """Withdraw a job (a reason is required); the paper of a done job is not given back."""
    job = _lock(job)
    reason = (reason or "").strip()
    return MACHINE.perform(job, "cancel", by=by, note=reason, reason=reason)


# ---------------------------------------------------------------- settings


@transaction.atomic
def set_print_room_store(*, by, school, store: Store | None) -> PrintShopSettings:
    school_id = _school_id(school)
    access = access_for(by, school_id)
    if not access.has_perm("stores.change_printshopsettings"):
        raise PermissionDenied(_("You may not change the print shop settings."))
    if store is not None and store.school_id != school_id:
        raise DomainError(_("Choose a store of this school."))
    settings, _created = PrintShopSettings.objects.update_or_create(
        school_id=school_id, defaults={"store": store}
    )
    return settings


# ---------------------------------------------------------------- reading: print volume


@dataclass
class VolumeRow:
    """One department's printing in a term, against the term before."""

    department_id: int | None
    department: str
    jobs: int = 0
    pages: int = 0
    sheets: int = 0
    previous_pages: int = 0
    previous_sheets: int = 0

    @property
    def reams(self) -> Decimal:
        return (Decimal(self.sheets) / SHEETS_PER_REAM).quantize(Decimal("0.1"))

    @property
    def previous_reams(self) -> Decimal:
        return (Decimal(self.previous_sheets) / SHEETS_PER_REAM).quantize(Decimal("0.1"))

    @property
    def pages_change(self) -> Decimal | None:
        return _change(self.pages, self.previous_pages)

    @property
    def sheets_change(self) -> Decimal | None:
        return _change(self.sheets, self.previous_sheets)


def _change(now: int, before: int) -> Decimal | None:
    """Percentage change against the term before (None when there was nothing to compare)."""
    if not before:
        return None
    return (Decimal(now - before) * 100 / Decimal(before)).quantize(Decimal("0.1"))


def previous_term(term):
    from houqin.org.models import Term

    return (
        Term.objects.filter(school_id=term.school_id, start_date__lt=term.start_date)
        .order_by("-start_date")
        .first()
    )


def print_volume(term) -> tuple[list[VolumeRow], VolumeRow, object]:
    """Pages (pages × copies) and sheets printed per department in ``term`` (done or collected
    jobs, confidential ones included: only numbers), with the term before. Two queries."""
    from houqin.org.models import Department

    before = previous_term(term)
    terms = [term.pk] + ([before.pk] if before is not None else [])
    figures = (
        PrintJob.objects.filter(
            school_id=term.school_id, term_id__in=terms, status__in=PRINTED_STATUSES
        )
        .values("department_id", "term_id")
        .annotate(
            jobs=Count("pk"),
            pages=Sum(F("pages") * F("copies")),
            sheets=Sum(Coalesce("sheets_used", 0)),
        )
        .order_by()
    )
    rows: dict[int, VolumeRow] = {}
    for figure in figures:
        row = rows.setdefault(figure["department_id"], VolumeRow(figure["department_id"], ""))
        if figure["term_id"] == term.pk:
            row.jobs, row.pages, row.sheets = figure["jobs"], figure["pages"], figure["sheets"]
        else:
            row.previous_pages, row.previous_sheets = figure["pages"], figure["sheets"]
    names = dict(Department.objects.filter(pk__in=list(rows)).values_list("pk", "name"))
    for row in rows.values():
        row.department = names.get(row.department_id, "")
    ordered = sorted(rows.values(), key=lambda r: (-r.pages, r.department))
    total = VolumeRow(None, str(_("Total")))
    for row in ordered:
        total.jobs += row.jobs
        total.pages += row.pages
        total.sheets += row.sheets
        total.previous_pages += row.previous_pages
        total.previous_sheets += row.previous_sheets
    return ordered, total, before


__all__ = [
    "MACHINE",
    "approval_granted",
    "approval_refused",
    "approval_returned",
    "cancel",
    "choose_paper",
    "collect",
    "default_sheets",
    "finish",
    "pages_used",
    "paper_quantity",
    "previous_term",
    "print_room_store",
    "print_volume",
    "quota_left",
    "resubmit",
    "set_print_room_store",
    "set_quota",
    "start",
    "submit_job",
    "term_of",
    "update_job",
]

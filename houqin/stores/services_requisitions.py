"""Requisitions (领用申请) and their quotas: the only way they change.

A member asks for catalogue items for a department they belong to (or head; keepers may ask
for any department); ``submit`` checks the department's quotas for the term and starts the
approval engine (document type "stores.requisition", registered in ``registry_requisitions``:
by default the requester's department head, the logistics director when there is no other
head; nobody approves their own). Approved, the keepers are told; the keeper ``issue``s what
is on hand (each issue is one ``ledger.issue_many`` for the requisition's department, all or
nothing), the rest stays back-ordered until issued or closed (``close_rest``); the requester
``confirm``s receipt, or the daily job confirms it ``AUTO_CONFIRM_DAYS`` after the last issue.

Quotas (per department and term, of an item or of a category): what a department has drawn
in the term (issued) plus what is approved and not yet issued, plus this request, may not
pass the quota; the refusal says what is left. Checked on submission and again on approval.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Case, DecimalField, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import approvals, timeline
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.notify import notify
from houqin.core.scoping import access_for
from houqin.core.states import StateMachine, Transition, any_of, has_perm, is_user, needs_reason

from . import ledger
from .models import Item, StockBalance, Store
from .models.common import ZERO
from .models.requisitions import (
    TO_ISSUE,
    Requisition,
    RequisitionLine,
    RequisitionQuota,
    RequisitionStatus,
)

Status = RequisitionStatus
MANAGE_PERM = "stores.change_requisition"
ISSUE_PERM = "stores.issue_stock"
QUOTA_PERM = "stores.change_requisitionquota"
AUTO_CONFIRM_DAYS = 7
CENT = Decimal("0.01")
MAX_LINES = 100
# Requisitions that use up a quota: approved (issued or still to issue).
COUNTED_FOR_QUOTA = (
    Status.APPROVED,
    Status.PARTIAL,
    Status.ISSUED,
    Status.RECEIVED,
    Status.CLOSED,
)


MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition(
            "submit",
            source={Status.DRAFT},
            target=Status.PENDING,
            allowed=is_user("requested_by"),
            label=_("Submit for approval"),
        ),
        Transition(
            "approve", source={Status.PENDING}, target=Status.APPROVED, system_only=True,
            label=_("Approved"),
        ),  # fmt: skip
        Transition(
            "reject", source={Status.PENDING}, target=Status.REJECTED, system_only=True,
            label=_("Rejected"),
        ),  # fmt: skip
        Transition(
            "return", source={Status.PENDING}, target=Status.DRAFT, system_only=True,
            label=_("Returned for changes"),
        ),  # fmt: skip
        Transition(
            "issue_part", source=set(TO_ISSUE), target=Status.PARTIAL, system_only=True,
            label=_("Partly issued"),
        ),  # fmt: skip
        Transition(
            "issue_all", source=set(TO_ISSUE), target=Status.ISSUED, system_only=True,
            label=_("Issued"),
        ),  # fmt: skip
        Transition(
            "close_rest",
            source={Status.PARTIAL},
            target=Status.ISSUED,
            allowed=has_perm(ISSUE_PERM),
            guard=needs_reason,
            label=_("Close the rest (no more to issue)"),
        ),
        Transition(
            "close",
            source={Status.APPROVED},
            target=Status.CLOSED,
            allowed=has_perm(ISSUE_PERM),
            guard=needs_reason,
            label=_("Close without issuing"),
        ),
        Transition(
            "confirm",
            source={Status.ISSUED},
            target=Status.RECEIVED,
            allowed=is_user("requested_by"),
            label=_("Confirm receipt"),
        ),
        Transition(
            "cancel",
            source={Status.DRAFT},
            target=Status.CANCELLED,
            allowed=any_of(is_user("requested_by"), has_perm(MANAGE_PERM)),
            label=_("Cancel the requisition"),
        ),
    ],
)


# ---------------------------------------------------------------- who may


def may_request_for(access, department) -> bool:
    """Members ask for their own department, heads for the departments they head, the
    stores' managers for any."""
    if not access.is_member or department is None or department.school_id != access.school_id:
        return False
    if access.has_perm(MANAGE_PERM):
        return True
    return department.pk == access.department_id or department.pk in access.headed_department_ids


def may_edit(access, requisition: Requisition) -> bool:
    return access.is_member and (
        requisition.requested_by_id == getattr(access.user, "pk", None)
        or access.has_perm(MANAGE_PERM)
    )


def _access(by, school_id):
    access = access_for(by, school_id)
    if not access.is_member:
        raise PermissionDenied()
    return access


def _lock(requisition: Requisition) -> Requisition:
    rows = Requisition.objects.select_related("department", "store", "requested_by")
    if connection.features.has_select_for_update:
        rows = rows.select_for_update(of=("self",))
    return rows.get(pk=requisition.pk)


# ---------------------------------------------------------------- writing a request


@dataclass(frozen=True)
class LineInput:
    item: Item
    quantity: Decimal
    note: str = ""


def _check_lines(school_id: int, lines: Iterable) -> list[LineInput]:
    checked: list[LineInput] = []
    seen: set[int] = set()
    for line in lines:
        if not isinstance(line, LineInput):
            line = LineInput(*line)
        item = line.item
        if item is None or item.school_id != school_id:
            raise PermissionDenied(_("Choose items of this school's catalogue."))
        if not item.is_active:
            raise DomainError(_("%(item)s is no longer issued.") % {"item": item})
        if item.pk in seen:
            raise DomainError(_("%(item)s is listed twice: give it once.") % {"item": item})
        seen.add(item.pk)
        quantity = ledger.quantity_of(line.quantity)
        checked.append(LineInput(item, quantity, str(line.note or "").strip()[:200]))
    if not checked:
        raise DomainError(_("Ask for at least one item."))
    if len(checked) > MAX_LINES:
        raise DomainError(_("At most %(count)d items on one requisition.") % {"count": MAX_LINES})
    return checked


def default_store(school_id: int) -> Store | None:
    return (
        Store.objects.filter(school_id=school_id, is_active=True)
        .order_by("-is_default", "name")
        .first()
    )


def _store_of(school_id: int, store: Store | None) -> Store:
    store = store or default_store(school_id)
    if store is None:
        raise DomainError(_("The school has no store to issue from yet."))
    if store.school_id != school_id:
        raise PermissionDenied()
    if not store.is_active:
        raise DomainError(_("%(store)s is not in use.") % {"store": store})
    return store


def _write_lines(requisition: Requisition, lines: list[LineInput]) -> None:
    requisition.lines.all().delete()
    RequisitionLine.objects.bulk_create(
        [
            RequisitionLine(
                school_id=requisition.school_id,
                requisition=requisition,
                item=line.item,
                quantity=line.quantity,
                note=line.note,
            )
            for line in lines
        ]
    )


@transaction.atomic
def create(*, by, department, purpose: str, lines, store: Store | None = None,
           needed_by: date | None = None, submit_now: bool = False) -> Requisition:  # fmt: skip
    """A new requisition (a draft, or sent for approval at once with ``submit_now``)."""
    access = _access(by, department.school_id)
    if not access.has_perm("stores.add_requisition"):
        raise PermissionDenied(_("You may not ask for items from the stores."))
    if not may_request_for(access, department):
        raise PermissionDenied(
            _("You may ask for items only for your own department."), code="WrongDepartment"
        )
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError(_("Say what the items are for."))
    checked = _check_lines(department.school_id, lines)
    requisition = Requisition(
        school_id=department.school_id,
        department=department,
        requested_by=by,
        store=_store_of(department.school_id, store),
        purpose=purpose[:200],
        needed_by=needed_by,
    )
    requisition.assign_number()
    requisition.full_clean()
    requisition.save()
    _write_lines(requisition, checked)
    timeline.record(requisition, by=by, kind="event", text=_("Requisition written."))
    if submit_now:
        submit(requisition, by=by)
        requisition.refresh_from_db()
    return requisition


@transaction.atomic
def update(requisition: Requisition, *, by, department=None, purpose=None, lines=None,
           store: Store | None = None, needed_by=None) -> Requisition:  # fmt: skip
    """Change a draft (also one returned for changes); ``lines`` replaces every line."""
    requisition = _lock(requisition)
    access = _access(by, requisition.school_id)
    if not may_edit(access, requisition):
        raise PermissionDenied(_("Only the requester can change this requisition."))
    if requisition.status != Status.DRAFT:
        raise IllegalTransition(
            _("A requisition can be changed only while it is a draft (or returned for changes).")
        )
    if department is not None and department.pk != requisition.department_id:
        if not may_request_for(access, department):
            raise PermissionDenied(
                _("You may ask for items only for your own department."), code="WrongDepartment"
            )
        requisition.department = department
    if purpose is not None:
        if not purpose.strip():
            raise DomainError(_("Say what the items are for."))
        requisition.purpose = purpose.strip()[:200]
    if store is not None:
        requisition.store = _store_of(requisition.school_id, store)
    requisition.needed_by = needed_by if needed_by is not None else requisition.needed_by
    if lines is not None:
        _write_lines(requisition, _check_lines(requisition.school_id, lines))
    requisition.version += 1
    requisition.full_clean()
    requisition.save()
    return requisition


# ---------------------------------------------------------------- quotas


def term_for(school_id: int, day: date):
    from houqin.org.models import Term

    return (
        Term.objects.filter(school_id=school_id, start_date__lte=day, end_date__gte=day)
        .order_by("-start_date")
        .first()
    )


def _outstanding_expr():
    return Case(
        When(
            requisition__status__in=TO_ISSUE,
            then=F("quantity") - F("issued"),
        ),
        default=Decimal("0"),
        output_field=DecimalField(max_digits=14, decimal_places=3),
    )


def quota_used(quota: RequisitionQuota, *, exclude: Requisition | None = None) -> Decimal:
    """Issued in the term plus approved and not yet issued, for the quota's department."""
    term = quota.term
    lines = RequisitionLine.objects.filter(
        requisition__school_id=quota.school_id,
        requisition__department_id=quota.department_id,
        requisition__status__in=COUNTED_FOR_QUOTA,
        requisition__submitted_at__date__gte=term.start_date,
        requisition__submitted_at__date__lte=term.end_date,
    )
    if quota.item_id:
        lines = lines.filter(item_id=quota.item_id)
    else:
        lines = lines.filter(item__category_id=quota.category_id)
    if exclude is not None and exclude.pk:
        lines = lines.exclude(requisition_id=exclude.pk)
    totals = lines.aggregate(issued_total=Sum("issued"), waiting_total=Sum(_outstanding_expr()))
    return (totals["issued_total"] or ZERO) + (totals["waiting_total"] or ZERO)


def with_usage(quotas):
    """Quotas annotated with ``used`` (issued plus approved-not-yet-issued in the term, as
    ``quota_used`` counts it), in the list's one query."""
    drawn = Case(
        When(requisition__status__in=TO_ISSUE, then=F("quantity")),
        default=F("issued"),
        output_field=DecimalField(max_digits=14, decimal_places=3),
    )
    lines = (
        RequisitionLine.objects.filter(
            requisition__school_id=OuterRef("school_id"),
            requisition__department_id=OuterRef("department_id"),
            requisition__status__in=COUNTED_FOR_QUOTA,
            requisition__submitted_at__date__gte=OuterRef("term__start_date"),
            requisition__submitted_at__date__lte=OuterRef("term__end_date"),
        )
        .filter(Q(item_id=OuterRef("item_id")) | Q(item__category_id=OuterRef("category_id")))
        .order_by()
        .values("requisition__department_id")
        .annotate(total=Sum(drawn))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=3)
    return quotas.annotate(
        used=Coalesce(Subquery(lines, output_field=money), Value(ZERO), output_field=money)
    )


def _plain(value) -> str:
    return format(Decimal(value).normalize(), "f")


def check_quotas(requisition: Requisition, *, day: date | None = None) -> None:
    """Refuse (DomainError) when this requisition would take its department past a quota."""
    stamp = requisition.submitted_at or timezone.now()
    term = term_for(requisition.school_id, day or timezone.localdate(stamp))
    if term is None:
        return
    lines = list(requisition.lines.select_related("item__category"))
    items = {line.item_id for line in lines}
    categories = {line.item.category_id for line in lines if line.item.category_id}
    quotas = RequisitionQuota.objects.filter(
        school_id=requisition.school_id, department_id=requisition.department_id, term=term
    ).filter(Q(item_id__in=items) | Q(category_id__in=categories)).select_related(
        "item", "category", "term", "department"
    )
    for quota in quotas:
        if quota.item_id:
            wanted = sum((ln.quantity for ln in lines if ln.item_id == quota.item_id), ZERO)
            unit = quota.item.unit
        else:
            wanted = sum(
                (ln.quantity for ln in lines if ln.item.category_id == quota.category_id), ZERO
            )
            unit = ""
        used = quota_used(quota, exclude=requisition)
        left = max(quota.quantity - used, ZERO)
        if wanted > left:
            raise DomainError(
                _(
                    "Over the quota: %(department)s may draw %(quota)s %(unit)s of %(target)s in "
                    "%(term)s; %(left)s %(unit)s left, %(wanted)s %(unit)s asked for."
                )
                % {
                    "department": quota.department,
                    "quota": _plain(quota.quantity),
                    "unit": unit,
                    "target": quota.target,
                    "term": term,
                    "left": _plain(left),
                    "wanted": _plain(wanted),
                },
                code="OverQuota",
            )


@transaction.atomic
def save_quota(*, by, department, term, quantity, item=None, category=None, note="",
               quota: RequisitionQuota | None = None) -> RequisitionQuota:  # fmt: skip
    """Set (or change) a department's quota for a term, of one item or one category."""
    school_id = department.school_id
    access = _access(by, school_id)
    perm = "stores.change_requisitionquota" if quota else "stores.add_requisitionquota"
    if not access.has_perm(perm):
        raise PermissionDenied(_("Only the logistics director sets quotas."))
    if (item is None) == (category is None):
        raise DomainError(_("Give either an item or a category, not both."))
    for obj in (term, item, category):
        if obj is not None and obj.school_id != school_id:
            raise PermissionDenied()
    quota = quota or RequisitionQuota(school_id=school_id)
    quota.department, quota.term = department, term
    quota.item, quota.category = item, category
    quota.quantity = ledger.quantity_of(quantity)
    quota.note = (note or "").strip()[:200]
    quota.full_clean()
    quota.save()
    return quota


@transaction.atomic
def delete_quota(quota: RequisitionQuota, *, by) -> None:
    access = _access(by, quota.school_id)
    if not access.has_perm("stores.delete_requisitionquota"):
        raise PermissionDenied(_("Only the logistics director sets quotas."))
    quota.delete()


# ---------------------------------------------------------------- approval


def estimate(requisition: Requisition) -> Decimal:
    """What the lines are worth at the store's average cost now (the reference price for an
    item not in stock): the approval amount, so a school may add a step above an amount."""
    lines = list(requisition.lines.select_related("item"))
    balances = {
        b.item_id: b
        for b in StockBalance.objects.filter(
            store_id=requisition.store_id, item_id__in=[line.item_id for line in lines]
        )
    }
    total = ZERO
    for line in lines:
        balance = balances.get(line.item_id)
        if balance is not None and balance.quantity:
            cost = balance.value / balance.quantity
        else:
            cost = line.item.reference_price or ZERO
        total += line.quantity * cost
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def submit(requisition: Requisition, *, by):
    """Draft → waiting for approval (a new round after a return). Quotas are checked first."""
    requisition = _lock(requisition)
    MACHINE.perform(
        requisition,
        "submit",
        by=by,
        values={"submitted_at": timezone.now(), "estimated_value": estimate(requisition)},
    )
    check_quotas(requisition)
    return approvals.start(requisition, by=by)


def _keepers(requisition: Requisition):
    from django.contrib.auth import get_user_model

    ids = approvals.directory().role_holder_ids(requisition.school_id, "keeper")
    if requisition.store.keeper_id:
        ids = {requisition.store.keeper_id}
    return list(get_user_model().objects.filter(pk__in=ids))


def approval_granted(requisition: Requisition, *, flow, by) -> None:
    """Approved: quotas are checked again (others may have been approved meanwhile), then the
    keepers are told there is something to issue."""
    requisition = Requisition.objects.select_related("store", "department").get(pk=requisition.pk)
    check_quotas(requisition)
    MACHINE.perform(
        requisition, "approve", by=by, system=True, values={"approved_at": timezone.now()}
    )
    notify(
        recipients=_keepers(requisition),
        title=_("To issue: %(title)s (%(department)s)")
        % {"title": requisition, "department": requisition.department},
        url=requisition.get_absolute_url(),
        category="stores",
        school=requisition.school_id,
    )


def approval_refused(requisition: Requisition, *, flow, by, reason: str) -> None:
    MACHINE.perform(requisition, "reject", by=by, system=True, note=reason)


def approval_returned(requisition: Requisition, *, flow, by, reason: str) -> None:
    MACHINE.perform(requisition, "return", by=by, system=True, note=reason)


# ---------------------------------------------------------------- issuing


@transaction.atomic
def issue(requisition: Requisition, quantities: dict, *, by, note: str = "") -> list:
    """Issue ``{line id: quantity}`` now (partial allowed). All lines or none: not enough on
    hand for one line (``ledger.InsufficientStock``) writes nothing. Returns the ledger moves."""
    requisition = _lock(requisition)
    access = _access(by, requisition.school_id)
    if not access.has_perm(ISSUE_PERM):
        raise PermissionDenied(_("Only the stores' keepers issue items."))
    if requisition.status not in TO_ISSUE:
        raise IllegalTransition(
            _("Nothing to issue: this requisition is %(status)s.")
            % {"status": requisition.get_status_display()}
        )
    lines = {line.pk: line for line in requisition.lines.select_related("item")}
    wanted: list[tuple[RequisitionLine, Decimal]] = []
    for key, value in quantities.items():
        if value in (None, "") or str(value).strip() in ("0", ""):
            continue
        try:
            line = lines[int(key)]
        except (KeyError, TypeError, ValueError):
            raise DomainError(_("Unknown line of the requisition.")) from None
        quantity = ledger.quantity_of(value)
        if quantity > line.outstanding:
            raise DomainError(
                _("%(item)s: %(left)s %(unit)s left to issue, not %(wanted)s.")
                % {
                    "item": line.item,
                    "left": _plain(line.outstanding),
                    "unit": line.item.unit,
                    "wanted": _plain(quantity),
                }
            )
        wanted.append((line, quantity))
    if not wanted:
        raise DomainError(_("Give the quantity to issue of at least one item."))
    moves = ledger.issue_many(
        [ledger.Line(line.item, requisition.store, quantity) for line, quantity in wanted],
        by=by,
        document=requisition,
        department=requisition.department,
        note=note or requisition.purpose,
    )
    for line, quantity in wanted:
        RequisitionLine.objects.filter(pk=line.pk).update(
            issued=F("issued") + quantity, updated_at=timezone.now()
        )
        line.issued += quantity
    rest = any(line.outstanding > 0 for line in lines.values())
    summary_text = "; ".join(
        f"{line.item} × {_plain(quantity)} {line.item.unit}" for line, quantity in wanted
    )
    MACHINE.perform(
        requisition,
        "issue_part" if rest else "issue_all",
        by=by,
        system=True,
        values={"issued_at": timezone.now()},
        note=str(_("Issued: %(lines)s") % {"lines": summary_text}),
    )
    notify(
        recipients=[requisition.requested_by],
        title=(
            _("Partly issued: %(title)s, the rest is back-ordered")
            if rest
            else _("Issued: %(title)s, please confirm receipt")
        )
        % {"title": requisition},
        body=summary_text,
        url=requisition.get_absolute_url(),
        category="stores",
        school=requisition.school_id,
    )
    return moves


@transaction.atomic
def close_rest(requisition: Requisition, *, by, reason: str) -> Requisition:
    """The keeper will not issue the rest: partly issued → issued (to confirm); nothing issued
    → closed."""
    requisition = _lock(requisition)
    _access(by, requisition.school_id)
    name = "close_rest" if requisition.status == Status.PARTIAL else "close"
    MACHINE.perform(
        requisition,
        name,
        by=by,
        reason=reason,
        note=(reason or "").strip(),
        values={"close_reason": (reason or "").strip()[:200]},
    )
    notify(
        recipients=[requisition.requested_by],
        title=_("Closed: %(title)s") % {"title": requisition},
        body=reason,
        url=requisition.get_absolute_url(),
        category="stores",
        school=requisition.school_id,
    )
    return requisition


@transaction.atomic
def confirm(requisition: Requisition, *, by) -> Requisition:
    """The requester confirms they received what was issued."""
    requisition = _lock(requisition)
    return MACHINE.perform(requisition, "confirm", by=by, values={"received_at": timezone.now()})


@transaction.atomic
def cancel(requisition: Requisition, *, by, reason: str = "") -> Requisition:
    requisition = _lock(requisition)
    return MACHINE.perform(requisition, "cancel", by=by, note=(reason or "").strip())


def auto_confirm(*, now=None, days: int = AUTO_CONFIRM_DAYS) -> int:
    """Confirm the requisitions issued in full ``days`` ago or more and never confirmed."""
    now = now or timezone.now()
    done = 0
    due = Requisition.objects.filter(status=Status.ISSUED, issued_at__lte=now - timedelta(days=days))
    for requisition in due.order_by("pk")[:1000]:
        with transaction.atomic():
            MACHINE.perform(
                requisition,
                "confirm",
                by=None,
                system=True,
                values={"received_at": now, "confirmed_automatically": True},
                note=str(
                    _("Confirmed automatically %(days)d days after the issue.") % {"days": days}
                ),
            )
        done += 1
    return done


# ---------------------------------------------------------------- reading


def requisitions_for(user):
    """Requisitions ``user`` may open: their own, their departments' (heads), every one for
    the stores' staff and readers, and those whose approval they decide or decided."""
    from django.contrib.contenttypes.models import ContentType

    from houqin.core.models import ApprovalFlow

    visible = Requisition.objects.restrict(user, "view")
    access = access_for(user)
    if not access.is_member or access.has_perm("stores.view_requisition"):
        return visible
    flows = ApprovalFlow.objects.filter(
        school_id=access.school_id,
        content_type=ContentType.objects.get_for_model(Requisition),
    ).filter(ApprovalFlow.owned_q(access, "view"))
    return Requisition.objects.filter(school_id=access.school_id).filter(
        Requisition.owned_q(access, "view") | Q(pk__in=flows.values("object_id"))
    )


def issue_moves(requisition: Requisition):
    """The ledger rows this requisition's issues wrote."""
    from houqin.core.documents import doc_type_of

    from .models import StockMove

    return (
        StockMove.objects.filter(
            school_id=requisition.school_id,
            document_type=doc_type_of(requisition),
            document_id=requisition.pk,
        )
        .select_related("item", "by")
        .order_by("occurred_at", "pk")
    )

"""Purchase requests (采购申请) and their quotes (询价比价): the only way they change.

A department's request (lines of catalogue items or free text) is drafted, submitted to the
approval engine (``documents_requests`` registers the type and its amount tiers), and either
approved, rejected or returned for changes (the requester edits and resubmits; every round
stays on the approval's record). At submission the request's ``over_budget`` is set from its
budget's figures (``selectors_budgets``): the policy's extra over-budget step then applies and
cannot be skipped. After approval, ordering and receiving move the status
(``houqin.purchasing.progress``).

From the school's quote threshold on, the buyer records quotes from different vendors and
chooses one (a reason is needed when it is not the cheapest) before anything is ordered:
``check_ready_to_order`` is what ordering calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import approvals, timeline
from houqin.core.attachments import validate_upload
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.scoping import access_for
from houqin.core.states import StateMachine, Transition, is_user, needs_reason

from . import selectors_budgets
from .models import (
    ZERO,
    Budget,
    BudgetCategory,
    LineKind,
    PurchaseRequest,
    PurchaseRequestLine,
    PurchasingSettings,
    Quote,
    RequestStatus,
)

CENT = Decimal("0.01")
MANAGE_PERM = "purchasing.change_purchaserequest"  # logistics: the director and the clerk
QUOTE_PERM = "purchasing.add_quote"
SETTINGS_PERM = "purchasing.change_purchasingsettings"
MAX_LINES = 200
MAX_FILES = 10
EDITABLE_STATUSES = (RequestStatus.DRAFT, RequestStatus.RETURNED)
# Quotes are gathered while the request waits or once it is approved, not after ordering.
QUOTABLE_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.APPROVED)
ORDERABLE_STATUSES = (
    RequestStatus.APPROVED,
    RequestStatus.ORDERED,
    RequestStatus.PARTLY_RECEIVED,
)


def _nothing_ordered(obj, **ctx):
    if obj.status == RequestStatus.APPROVED and obj.lines.filter(ordered_quantity__gt=0).exists():
        raise IllegalTransition(
            _("Part of this request is already ordered: cancel the order lines first.")
        )


def _cancel_guard(obj, reason="", **ctx):
    needs_reason(obj, reason=reason)
    _nothing_ordered(obj)


def _may_cancel(access, obj) -> bool:
    """The requester while it is theirs to change; logistics also once it is approved."""
    if obj.status == RequestStatus.APPROVED:
        return access.has_perm(MANAGE_PERM)
    return obj.requested_by_id == getattr(access.user, "pk", None) or access.has_perm(MANAGE_PERM)


# The one transition table of a request (the approval engine takes the system transitions;
# ordering and receiving move approved → ordered → received through ``progress``).
MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition(
            "submit",
            source=set(EDITABLE_STATUSES),
            target=RequestStatus.SUBMITTED,
            allowed=is_user("requested_by"),
            label=_("Submit for approval"),
        ),
        Transition(
            "approve",
            source={RequestStatus.SUBMITTED},
            target=RequestStatus.APPROVED,
            system_only=True,
            label=_("Approved"),
        ),
        Transition(
            "reject",
            source={RequestStatus.SUBMITTED},
            target=RequestStatus.REJECTED,
            system_only=True,
            label=_("Rejected"),
        ),
        Transition(
            "return",
            source={RequestStatus.SUBMITTED},
            target=RequestStatus.RETURNED,
            system_only=True,
            label=_("Returned for changes"),
        ),
        Transition(
            "cancel",
            source={*EDITABLE_STATUSES, RequestStatus.APPROVED},
            target=RequestStatus.CANCELLED,
            allowed=_may_cancel,
            guard=_cancel_guard,
            label=_("Cancel the request"),
        ),
    ],
)


# ---------------------------------------------------------------- small helpers


def _school_id(school) -> int:
    return getattr(school, "pk", school)


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(value, message) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(message) from None
    if not number.is_finite():
        raise DomainError(message)
    return number


def fmt(quantity: Decimal) -> str:
    """120.000 → "120", 2.500 → "2.5" (never "1E+2")."""
    return format(Decimal(quantity).normalize(), "f")


def budget_year_for(needed_by: date | None) -> int:
    """The budget a request counts against: the year it is needed in, else this year."""
    return (needed_by or timezone.localdate()).year


def settings_for(school) -> PurchasingSettings:
    return PurchasingSettings.for_school(_school_id(school))


def _check_files(files) -> list:
    files = [f for f in (files or ()) if f]
    if len(files) > MAX_FILES:
        raise DomainError(_("At most %(count)d files can be added.") % {"count": MAX_FILES})
    for upload in files:
        validate_upload(upload)
    return files


def may_edit(access, request: PurchaseRequest) -> bool:
    """The requester, or logistics, while the request is a draft or returned for changes."""
    return (
        access.is_member
        and request.status in EDITABLE_STATUSES
        and (
            request.requested_by_id == getattr(access.user, "pk", None)
            or access.has_perm(MANAGE_PERM)
        )
    )


def may_quote(access, request: PurchaseRequest) -> bool:
    return (
        access.is_member
        and access.has_perm(QUOTE_PERM)
        and request.status in QUOTABLE_STATUSES
        and request.school_id == access.school_id
    )


# ---------------------------------------------------------------- lines


@dataclass
class LineInput:
    """One line as a form or the API gives it (strings or values)."""

    item: object = None  # houqin.stores.models.Item
    description: str = ""
    specification: str = ""
    kind: str = LineKind.STOCK
    asset_category: object = None  # houqin.assets.models.AssetCategory
    quantity: object = None
    unit: str = ""
    estimated_price: object = None
    note: str = ""


def _as_input(line) -> LineInput:
    if isinstance(line, LineInput):
        return line
    if isinstance(line, dict):
        return LineInput(**line)
    raise TypeError(f"a request line must be a LineInput or a dict, not {type(line).__name__}")


def _check_line(school_id: int, number: int, raw) -> PurchaseRequestLine:
    line = _as_input(raw)
    where = _("Line %(number)d") % {"number": number}

    def refuse(message):
        raise DomainError(f"{where}: {message}", code="InvalidLine")

    item = line.item
    if item is not None and item.school_id != school_id:
        refuse(_("choose an item of this school's catalogue."))
    description = (line.description or "").strip() or (item.name if item is not None else "")
    if not description:
        refuse(_("choose a catalogue item or describe what to buy."))
    kind = line.kind or LineKind.STOCK
    if kind not in LineKind.values:
        refuse(_("choose what the line becomes (stock, asset or service)."))
    category = line.asset_category
    if kind == LineKind.ASSET:
        if category is None:
            refuse(_("an asset needs its asset category."))
        if category.school_id != school_id:
            refuse(_("choose an asset category of this school."))
    else:
        category = None
    if kind == LineKind.STOCK and item is None:
        refuse(_("stock is bought as a catalogue item; choose one, or make the line a service."))
    if line.quantity in (None, ""):
        refuse(_("give the quantity."))
    problem = _("the quantity must be a number.")
    quantity = _decimal(line.quantity, f"{where}: {problem}")
    if quantity <= 0:
        refuse(_("the quantity must be more than zero."))
    quantity = quantity.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    price = line.estimated_price
    if price in (None, "") and item is not None and item.reference_price is not None:
        price = item.reference_price
    if price in (None, ""):
        refuse(_("give the estimated unit price."))
    problem = _("the estimated price must be a number.")
    price = _decimal(price, f"{where}: {problem}")
    if price < 0:
        refuse(_("the estimated price cannot be negative."))
    unit = (line.unit or "").strip() or (item.unit if item is not None else "")
    if not unit:
        refuse(_("give the unit (个, 包, 台 …)."))
    return PurchaseRequestLine(
        school_id=school_id,
        item=item,
        description=description[:100],
        specification=((line.specification or "").strip() or getattr(item, "specification", ""))[
            :100
        ],
        kind=kind,
        asset_category=category,
        quantity=quantity,
        unit=unit[:10],
        estimated_price=price.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        note=(line.note or "").strip()[:200],
    )


def _check_lines(school_id: int, lines) -> list[PurchaseRequestLine]:
    lines = list(lines or ())
    if not lines:
        raise DomainError(_("Add at least one line: what to buy."), code="NoLines")
    if len(lines) > MAX_LINES:
        raise DomainError(
            _("At most %(count)d lines fit on one request: split it.") % {"count": MAX_LINES}
        )
    return [_check_line(school_id, n, line) for n, line in enumerate(lines, start=1)]


def _total(lines) -> Decimal:
    return sum((line.estimated_amount for line in lines), ZERO)


# ---------------------------------------------------------------- the request


def _check_department(access, department, school_id):
    """The requester's own department unless given; only logistics asks for any department."""
    if department is None:
        department = getattr(getattr(access, "membership", None), "department", None)
        if department is None:
            raise DomainError(
                _("Choose the department this request is for."), code="DepartmentRequired"
            )
    if department.school_id != school_id:
        raise DomainError(_("Choose a department of this school."))
    own = {access.department_id, *getattr(access, "headed_department_ids", ())}
    if department.pk not in own and not access.has_perm(MANAGE_PERM):
        raise PermissionDenied(
            _("You may ask to buy for your own department only."), code="WrongDepartment"
        )
    return department


def _check_category(category, school_id):
    if category is not None and category.school_id != school_id:
        raise DomainError(_("Choose a budget category of this school."))
    return category


def _check_text(title, reason) -> tuple[str, str]:
    title = (title or "").strip()
    reason = (reason or "").strip()
    if not title:
        raise DomainError(_("Give the request a title."), code="TitleRequired")
    if not reason:
        raise DomainError(_("Say why this is needed."), code="ReasonRequired")
    return title[:100], reason


@transaction.atomic
def create_request(
    *,
    by,
    school,
    title,
    reason,
    lines,
    department=None,
    needed_by=None,
    budget_category=None,
    files=(),
) -> PurchaseRequest:
    """A draft request of ``lines`` (``LineInput`` or dicts); files go on its timeline.
    Send it with ``submit``."""
    school_id = _school_id(school)
    access = access_for(by, school_id)
    if not access.is_member or not access.has_perm("purchasing.add_purchaserequest"):
        raise PermissionDenied(_("You may not ask to buy in this school."))
    title, reason = _check_text(title, reason)
    files = _check_files(files)
    request = PurchaseRequest(
        school_id=school_id,
        department=_check_department(access, department, school_id),
        requested_by=by,
        title=title,
        reason=reason,
        needed_by=needed_by,
        budget_category=_check_category(budget_category, school_id),
        budget_year=budget_year_for(needed_by),
    )
    checked = _check_lines(school_id, lines)
    request.estimated_total = _total(checked)
    request.assign_number()
    request.full_clean()
    request.save()
    for line in checked:
        line.request = request
    PurchaseRequestLine.objects.bulk_create(checked)
    timeline.record(
        request,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        text=str(
            _("Request drafted: %(count)d lines, ¥%(total)s.")
            % {"count": len(checked), "total": request.estimated_total}
        ),
        to_state=RequestStatus.DRAFT,
    )
    if files:
        timeline.attach(request, by=by, files=files, text=str(_("Attachments")))
    return request


def _lock(request: PurchaseRequest) -> PurchaseRequest:
    fresh = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
    for field in fresh._meta.concrete_fields:
        setattr(request, field.attname, getattr(fresh, field.attname))
    return request


_UNSET = object()


@transaction.atomic
def update_request(
    request: PurchaseRequest,
    *,
    by,
    title=None,
    reason=None,
    department=None,
    needed_by=_UNSET,
    budget_category=_UNSET,
    lines=None,
) -> PurchaseRequest:
    """Change a draft (also one returned for changes); ``lines`` replaces every line. The
    version goes up, so an approval of the earlier version is impossible."""
    request = _lock(request)
    access = access_for(by, request.school_id)
    if request.status not in EDITABLE_STATUSES:
        raise IllegalTransition(
            _("A request can be changed only while it is a draft or returned for changes."),
            code="NotEditable",
        )
    if not may_edit(access, request):
        raise PermissionDenied(_("Only the requester can change this request."))
    request.title, request.reason = _check_text(
        request.title if title is None else title, request.reason if reason is None else reason
    )
    if department is not None and department.pk != request.department_id:
        request.department = _check_department(access, department, request.school_id)
    if needed_by is not _UNSET:
        request.needed_by = needed_by
        request.budget_year = budget_year_for(needed_by)
    if budget_category is not _UNSET:
        request.budget_category = _check_category(budget_category, request.school_id)
    if lines is not None:
        checked = _check_lines(request.school_id, lines)
        PurchaseRequestLine.objects.filter(request=request).delete()
        for line in checked:
            line.request = request
        PurchaseRequestLine.objects.bulk_create(checked)
        request.estimated_total = _total(checked)
    request.version += 1
    request.full_clean()
    request.save()
    timeline.record(request, by=by, kind=timeline.Kind.EVENT, text=str(_("Request changed.")))
    return request


def budget_check(request: PurchaseRequest) -> tuple[bool, selectors_budgets.Figures]:
    """Would ``request`` overspend its budget? (over, the budget's figures now). Without a
    budget set for its department, category and year, the school's setting decides."""
    figures = selectors_budgets.figures_for(
        request.school_id, request.budget_year, request.department_id, request.budget_category_id
    )
    if not figures.has_budget:
        return settings_for(request.school_id).missing_budget_is_over, figures
    return request.estimated_total > figures.remaining, figures


def _lock_budget(request: PurchaseRequest) -> None:
    """Two requests against one budget are checked one after the other (PostgreSQL; SQLite's
    writer already holds the database)."""
    if not connection.features.has_select_for_update or request.budget_category_id is None:
        return
    list(
        Budget.objects.select_for_update()
        .filter(
            school_id=request.school_id,
            year=request.budget_year,
            department_id=request.department_id,
            category_id=request.budget_category_id,
        )
        .values_list("pk", flat=True)
    )


@transaction.atomic
def submit(request: PurchaseRequest, *, by):
    """Draft (or returned) → waiting for approval: the budget is checked now (``over_budget``),
    then the approval engine starts (a new round after a return). Returns the flow."""
    request = _lock(request)
    transition = MACHINE.get("submit")
    if not transition.applies_from(request.status) or not MACHINE.is_allowed(
        transition, request, by
    ):
        MACHINE.perform(request, "submit", by=by)  # raises the right error
    lines = list(request.lines.all())
    if not lines:
        raise DomainError(_("Add at least one line: what to buy."), code="NoLines")
    request.estimated_total = _total(lines)
    _lock_budget(request)
    over, figures = budget_check(request)
    if over:
        if figures.has_budget:
            text = _(
                "Over the budget: ¥%(total)s asked, ¥%(remaining)s left of ¥%(amount)s. "
                "The over-budget approval step applies."
            ) % {"total": request.estimated_total, "remaining": figures.remaining,
                 "amount": figures.amount}  # fmt: skip
        else:
            text = _("No budget is set for this department and category: it counts as over.")
        timeline.record(request, by=by, kind=timeline.Kind.EVENT, text=str(text))
    returned = request.status == RequestStatus.RETURNED
    MACHINE.perform(
        request,
        "submit",
        by=by,
        values={
            "estimated_total": request.estimated_total,
            "over_budget": over,
            "submitted_at": timezone.now(),
            "version": request.version + 1,
        },
    )
    flow = approvals.flow_for(request)
    if returned and flow is not None and flow.status == flow.Status.RETURNED:
        return approvals.resubmit(flow, by=by)
    return approvals.start(request, by=by)


@transaction.atomic
def cancel(request: PurchaseRequest, *, by, reason) -> PurchaseRequest:
    """Withdraw a request that is not under way (nothing is deleted once numbered)."""
    request = _lock(request)
    reason = (reason or "").strip()
    return MACHINE.perform(
        request,
        "cancel",
        by=by,
        note=str(_("Cancelled: %(reason)s") % {"reason": reason}) if reason else "",
        reason=reason,
    )


@transaction.atomic
def add_files(request: PurchaseRequest, *, by, files, text="") -> object:
    """Attachments (specifications, photos, a vendor's offer) on the request's timeline."""
    access = access_for(by, request.school_id)
    mine = request.requested_by_id == getattr(by, "pk", None)
    if not access.is_member or not (mine or access.has_perm(MANAGE_PERM)):
        raise PermissionDenied(_("Only the requester or logistics can add files here."))
    return timeline.attach(request, by=by, files=_check_files(files), text=text)


# ---------------------------------------------------------------- the engine's handlers


def approval_granted(request: PurchaseRequest, *, flow, by) -> None:
    """The last step approved: logistics may buy it (after quotes, from the threshold)."""
    MACHINE.perform(request, "approve", by=by, system=True, values={"approved_at": timezone.now()})


def approval_refused(request: PurchaseRequest, *, flow, by, reason) -> None:
    MACHINE.perform(request, "reject", by=by, system=True, note=reason)


def approval_returned(request: PurchaseRequest, *, flow, by, reason) -> None:
    MACHINE.perform(request, "return", by=by, system=True, note=reason)


# ---------------------------------------------------------------- quotes (询价比价)


def quotes_needed(request: PurchaseRequest) -> int:
    """How many quotes from different vendors ``request`` needs (0 below the threshold)."""
    rules = settings_for(request.school_id)
    if request.estimated_total < rules.quote_threshold:
        return 0
    return rules.quotes_required


def quote_count(request: PurchaseRequest) -> int:
    return request.quotes.values("vendor_id").distinct().count()


def _quote_problem(request: PurchaseRequest):
    needed = quotes_needed(request)
    if not needed:
        return None
    recorded = quote_count(request)
    if recorded < needed:
        return _(
            "%(number)s needs %(needed)d quotes from different vendors before it is ordered; "
            "%(recorded)d recorded."
        ) % {"number": request.number, "needed": needed, "recorded": recorded}
    if request.chosen_quote_id is None:
        return _("%(number)s: choose one of its quotes before it is ordered.") % {
            "number": request.number
        }
    return None


def quotes_complete(request: PurchaseRequest) -> bool:
    """Enough quotes from different vendors and one chosen (always, below the threshold)."""
    return _quote_problem(request) is None


def check_ready_to_order(request: PurchaseRequest) -> None:
    """Raise a DomainError saying what is missing before ``request`` may be ordered: its
    approval, or its quotes and the choice among them."""
    if request.status not in ORDERABLE_STATUSES:
        raise IllegalTransition(
            _("%(number)s is %(status)s: only an approved request is ordered.")
            % {"number": request.number, "status": request.get_status_display()},
            code="NotApproved",
        )
    problem = _quote_problem(request)
    if problem is not None:
        raise DomainError(problem, code="QuotesMissing")


def _check_quoter(request: PurchaseRequest, by):
    access = access_for(by, request.school_id)
    if not access.is_member or not access.has_perm(QUOTE_PERM):
        raise PermissionDenied(_("Only logistics records and chooses quotes."))
    if request.status not in QUOTABLE_STATUSES:
        raise IllegalTransition(
            _("Quotes are recorded while the request waits for approval or once it is approved.")
        )
    return access


@transaction.atomic
def add_quote(
    request: PurchaseRequest,
    *,
    by,
    vendor,
    amount,
    quoted_on=None,
    valid_until=None,
    note="",
    files=(),
) -> Quote:
    """A vendor's quote for the whole request; one per vendor. Files (the vendor's offer) go
    on the request's timeline."""
    request = _lock(request)
    _check_quoter(request, by)
    if vendor is None or vendor.school_id != request.school_id:
        raise DomainError(_("Choose a vendor of this school."))
    amount = _decimal(amount, _("The quoted amount must be a number."))
    if amount < 0:
        raise DomainError(_("The quoted amount cannot be negative."))
    quoted_on = quoted_on or timezone.localdate()
    if valid_until is not None and valid_until < quoted_on:
        raise DomainError(_("A quote cannot expire before it was given."))
    if request.quotes.filter(vendor=vendor).exists():
        raise DomainError(
            _("%(vendor)s already has a quote on this request: quotes must come from different "
              "vendors.") % {"vendor": vendor},
            code="DuplicateVendor",
        )  # fmt: skip
    files = _check_files(files)
    quote = Quote(
        school_id=request.school_id,
        request=request,
        vendor=vendor,
        amount=_money(amount),
        quoted_on=quoted_on,
        valid_until=valid_until,
        note=(note or "").strip()[:200],
        recorded_by=by,
    )
    quote.full_clean()
    quote.save()
    text = _("Quote from %(vendor)s: ¥%(amount)s.") % {"vendor": vendor, "amount": quote.amount}
    if files:
        timeline.attach(request, by=by, files=files, text=str(text))
    else:
        timeline.record(request, by=by, kind=timeline.Kind.EVENT, text=str(text))
    return quote


@transaction.atomic
def remove_quote(quote: Quote, *, by) -> None:
    """Take back a quote recorded by mistake (the choice goes with it if it was chosen)."""
    request = _lock(quote.request)
    _check_quoter(request, by)
    if request.chosen_quote_id == quote.pk:
        request.chosen_quote = None
        request.choice_reason = ""
        request.save(update_fields=["chosen_quote", "choice_reason", "updated_at"])
    text = _("Quote from %(vendor)s removed.") % {"vendor": quote.vendor}
    quote.delete()
    timeline.record(request, by=by, kind=timeline.Kind.EVENT, text=str(text))


@transaction.atomic
def choose_quote(request: PurchaseRequest, *, by, quote: Quote, reason="") -> PurchaseRequest:
    """The vendor to buy from, and why; a reason is required unless it is the cheapest."""
    request = _lock(request)
    _check_quoter(request, by)
    if quote.request_id != request.pk:
        raise DomainError(_("Choose one of this request's quotes."))
    reason = (reason or "").strip()
    cheapest = min(request.quotes.values_list("amount", flat=True))
    if quote.amount > cheapest and not reason:
        raise DomainError(
            _("%(vendor)s is not the cheapest quote (¥%(cheapest)s): give the reason for "
              "choosing it.") % {"vendor": quote.vendor, "cheapest": cheapest},
            code="ReasonRequired",
        )  # fmt: skip
    request.chosen_quote = quote
    request.choice_reason = reason
    request.save(update_fields=["chosen_quote", "choice_reason", "updated_at"])
    text = _("Chose %(vendor)s (¥%(amount)s).") % {"vendor": quote.vendor, "amount": quote.amount}
    if reason:
        text = f"{text} {reason}"
    timeline.record(request, by=by, kind=timeline.Kind.EVENT, text=str(text))
    return request


# ---------------------------------------------------------------- from the reorder list


@transaction.atomic
def request_from_reorder(*, by, school, lines, department=None) -> PurchaseRequest:
    """A draft request restocking ``lines`` ((item, quantity) pairs) at each item's reference
    price (else its last cost), for logistics' department unless given."""
    from houqin.stores import ledger

    school_id = _school_id(school)
    access = access_for(by, school_id)
    if department is None:
        department = _logistics_department(access, school_id)
    inputs = []
    for item, quantity in lines:
        price = item.reference_price
        if price is None:
            price = ledger.last_unit_cost(item) or ZERO
        inputs.append(
            LineInput(item=item, kind=LineKind.STOCK, quantity=quantity, estimated_price=price)
        )
    today = timezone.localdate()
    return create_request(
        by=by,
        school=school_id,
        department=department,
        title=str(_("Restock %(date)s") % {"date": today.isoformat()}),
        reason=str(_("Stock at or below the reorder level.")),
        lines=inputs,
        budget_category=_default_category(school_id),
    )


def _logistics_department(access, school_id):
    """The department of whoever restocks: theirs, else the one the logistics director heads."""
    membership = getattr(access, "membership", None)
    if membership is not None and membership.department_id:
        return membership.department
    Department = apps.get_model("org", "Department")
    director_ids = approvals.directory().role_holder_ids(school_id, "director")
    return (
        Department.objects.filter(school_id=school_id, head_id__in=director_ids)
        .order_by("pk")
        .first()
    )


def _default_category(school_id):
    return BudgetCategory.objects.filter(school_id=school_id).order_by("sort_order", "pk").first()


# ---------------------------------------------------------------- settings


@transaction.atomic
def save_settings(
    *, by, school, quote_threshold, quotes_required, missing_budget_is_over=False
) -> PurchasingSettings:
    """The school's purchasing rules (logistics)."""
    school_id = _school_id(school)
    access = access_for(by, school_id)
    if not access.is_member or not access.has_perm(SETTINGS_PERM):
        raise PermissionDenied(_("Only logistics changes the purchasing rules."))
    rules = settings_for(school_id)
    threshold = _decimal(quote_threshold, _("The quote threshold must be an amount."))
    if threshold < 0:
        raise DomainError(_("The quote threshold cannot be negative."))
    required = int(quotes_required)
    if not 1 <= required <= 10:
        raise DomainError(_("Ask for between 1 and 10 quotes."))
    rules.quote_threshold = _money(threshold)
    rules.quotes_required = required
    rules.missing_budget_is_over = bool(missing_budget_is_over)
    rules.full_clean()
    rules.save()
    return rules


__all__ = [
    "MACHINE",
    "LineInput",
    "add_files",
    "add_quote",
    "approval_granted",
    "approval_refused",
    "approval_returned",
    "budget_check",
    "cancel",
    "check_ready_to_order",
    "choose_quote",
    "create_request",
    "may_edit",
    "quotes_complete",
    "quotes_needed",
    "remove_quote",
    "request_from_reorder",
    "save_settings",
    "submit",
    "update_request",
]

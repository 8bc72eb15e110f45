"""Stock counts (物品盘点): the only way they change.

``start`` snapshots, for each item of the store (optionally of some categories), the quantity on
hand and its average cost; the keeper records what was found (``record_counts``, any number of
times while counting); ``submit`` sends the differences for approval (document type
"stores.stockcount", registered in ``registry_counts``); only when the engine approves does
``approval_granted`` write the adjustments, through ``houqin.stores.ledger.adjust``.

Stock may move while a count waits (issues, receipts): the count applies its *difference*
(counted − expected at the snapshot) as a delta on the balance of the moment of approval, so
moves made after the snapshot are kept, never overwritten. Should the delta take the balance
below zero (more was issued since the snapshot than was found), the balance goes to zero and
the line's note says so.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import approvals, timeline
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.core.scoping import access_for
from houqin.core.states import StateMachine, Transition, has_perm

from . import ledger
from .models import Item, ItemCategory, StockBalance, Store
from .models.common import ZERO
from .models.counts import StockCount, StockCountLine, StockCountStatus

COUNT_PERM = "stores.adjust_stock"
CENT = Decimal("0.01")
# A count is entered on a phone, one row per item: beyond this a store is counted by category.
MAX_LINES = 5000

Status = StockCountStatus

MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition(
            "submit",
            source={Status.COUNTING},
            target=Status.PENDING,
            allowed=has_perm(COUNT_PERM),
            label=_("Submit for approval"),
        ),
        Transition(
            "approve",
            source={Status.PENDING},
            target=Status.APPLIED,
            system_only=True,
            label=_("Approved: differences applied"),
        ),
        Transition(
            "reject",
            source={Status.PENDING},
            target=Status.REJECTED,
            system_only=True,
            label=_("Rejected"),
        ),
        Transition(
            "return",
            source={Status.PENDING},
            target=Status.COUNTING,
            system_only=True,
            label=_("Returned for recounting"),
        ),
        Transition(
            "cancel",
            source={Status.COUNTING},
            target=Status.CANCELLED,
            allowed=has_perm(COUNT_PERM),
            label=_("Cancel the count"),
        ),
    ],
)


def _check(by, school_id) -> None:
    access = access_for(by, school_id)
    if not access.is_member:
        raise PermissionDenied()
    if not access.has_perm(COUNT_PERM):
        raise PermissionDenied(_("Only the stores' keepers may count stock."))


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _counting(count: StockCount) -> None:
    if count.status != Status.COUNTING:
        raise IllegalTransition(
            _("Counts can be entered only while counting; this count is %(status)s.")
            % {"status": count.get_status_display()}
        )


# ---------------------------------------------------------------- starting


@transaction.atomic
def start(*, store: Store, by, categories=(), note: str = "") -> StockCount:
    """Open a count of ``store`` and snapshot every item kept there (of ``categories`` if
    given): the quantity on hand now and its average cost."""
    _check(by, store.school_id)
    categories = list(categories or ())
    if any(c.school_id != store.school_id for c in categories):
        raise PermissionDenied()
    if not store.is_active:
        raise DomainError(_("%(store)s is not in use.") % {"store": store})
    open_count = StockCount.objects.filter(
        store=store, status__in=(Status.COUNTING, Status.PENDING)
    ).first()
    if open_count is not None:
        raise DomainError(
            _("%(store)s is already being counted (%(number)s): finish that count first.")
            % {"store": store, "number": open_count.number}
        )
    balances = StockBalance.objects.filter(store=store, item__is_active=True).select_related(
        "item"
    )
    if categories:
        balances = balances.filter(item__category__in=categories)
    balances = list(balances.order_by("item__code")[: MAX_LINES + 1])
    if len(balances) > MAX_LINES:
        raise DomainError(
            _("More than %(limit)d items: count the store by category.") % {"limit": MAX_LINES}
        )
    now = timezone.now()
    count = StockCount(
        school_id=store.school_id, store=store, started_by=by, started_at=now, note=note.strip()
    )
    count.assign_number()
    count.full_clean()
    count.save()
    if categories:
        count.categories.set(categories)
    StockCountLine.objects.bulk_create(
        [
            StockCountLine(
                school_id=store.school_id,
                count=count,
                item=balance.item,
                expected=balance.quantity,
                unit_cost=balance.average_cost
                if balance.quantity
                else ledger.last_unit_cost(balance.item, store),
            )
            for balance in balances
        ]
    )
    timeline.record(
        count,
        by=by,
        kind="event",
        text=_("Count started: %(lines)d items snapshotted.") % {"lines": len(balances)},
    )
    return count


@transaction.atomic
def add_item(count: StockCount, *, item: Item, by, counted=None) -> StockCountLine:
    """Add an item found in the store but not on the count (expected: its balance at the
    snapshot, read from the ledger)."""
    _check(by, count.school_id)
    _counting(count)
    if item.school_id != count.school_id:
        raise PermissionDenied()
    if count.categories.exists() and not count.categories.filter(pk=item.category_id).exists():
        raise DomainError(_("%(item)s is not in the categories of this count.") % {"item": item})
    if count.lines.filter(item=item).exists():
        raise DomainError(_("%(item)s is already on this count.") % {"item": item})
    before = (
        item.moves.filter(store=count.store, occurred_at__lte=count.started_at)
        .order_by("-occurred_at", "-pk")
        .values_list("balance_quantity", "balance_value")
        .first()
    )
    expected, value = before or (ZERO, ZERO)
    unit_cost = (
        (value / expected).quantize(Decimal("0.0001")) if expected else ledger.last_unit_cost(item)
    )
    line = StockCountLine.objects.create(
        school_id=count.school_id, count=count, item=item, expected=expected, unit_cost=unit_cost
    )
    if counted not in (None, ""):
        record_counts(count, {line.pk: counted}, by=by)
        line.refresh_from_db()
    return line


# ---------------------------------------------------------------- counting


def _counted(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return ledger.quantity_of(value, allow_zero=True)


@transaction.atomic
def record_counts(count: StockCount, counts: dict, *, by, notes: dict | None = None) -> int:
    """Record what was found: ``{line id: quantity}`` (an empty value clears a line). Returns
    how many lines changed. Values are checked first: a bad one changes nothing."""
    _check(by, count.school_id)
    count = StockCount.objects.select_for_update().get(pk=count.pk) if _locks() else count
    _counting(count)
    notes = notes or {}
    parsed = {}
    for key, value in counts.items():
        try:
            parsed[int(key)] = _counted(value)
        except (TypeError, ValueError):
            raise DomainError(_("Unknown line of the count.")) from None
    lines = {line.pk: line for line in count.lines.filter(pk__in=list(parsed))}
    if len(lines) != len(parsed):
        raise DomainError(_("Unknown line of the count."))
    now = timezone.now()
    changed = []
    for pk, value in parsed.items():
        line = lines[pk]
        note = str(notes.get(pk, notes.get(str(pk), line.note)) or "")[:200]
        if line.counted == value and line.note == note:
            continue
        line.counted = value
        line.note = note
        line.counted_by = by if value is not None else None
        line.counted_at = now if value is not None else None
        changed.append(line)
    if changed:
        StockCountLine.objects.bulk_update(
            changed, ["counted", "note", "counted_by", "counted_at", "updated_at"]
        )
        StockCount.objects.filter(pk=count.pk).update(version=count.version + 1, updated_at=now)
        count.version += 1
    return len(changed)


def _locks() -> bool:
    return connection.features.has_select_for_update


def summary(count: StockCount) -> dict:
    """Counted lines, uncounted lines, lines with a difference, and their value."""
    lines = list(count.lines.only("expected", "counted", "unit_cost"))
    counted = [line for line in lines if line.counted is not None]
    differing = [line for line in counted if line.counted != line.expected]
    return {
        "lines": len(lines),
        "counted": len(counted),
        "uncounted": len(lines) - len(counted),
        "differing": len(differing),
        "value": _money(sum((abs(line.difference_value) for line in differing), ZERO)),
        "gain": _money(sum((line.difference_value for line in differing if line.difference > 0), ZERO)),
        "loss": _money(sum((-line.difference_value for line in differing if line.difference < 0), ZERO)),
    }


# ---------------------------------------------------------------- approval


@transaction.atomic
def submit(count: StockCount, *, by, uncounted_as_expected: bool = False) -> StockCount:
    """Send the count for approval (amount: the value of its differences). Every line must be
    counted, unless ``uncounted_as_expected`` says the rest was found as expected."""
    _check(by, count.school_id)
    _counting(count)
    missing = count.lines.filter(counted__isnull=True)
    if uncounted_as_expected:
        now = timezone.now()
        for line in missing:
            line.counted, line.counted_by, line.counted_at = line.expected, by, now
            line.save(update_fields=["counted", "counted_by", "counted_at", "updated_at"])
    else:
        left = missing.count()
        if left:
            raise DomainError(
                _(
                    "%(count)d items are not counted yet. Count them, or submit with the rest "
                    "taken as found as expected."
                )
                % {"count": left},
                code="Uncounted",
            )
    count.difference_value = summary(count)["value"]
    count.version += 1
    MACHINE.perform(
        count,
        "submit",
        by=by,
        values={
            "submitted_at": timezone.now(),
            "difference_value": count.difference_value,
            "version": count.version,
        },
    )
    approvals.start(count, by=by)
    return count


def approval_granted(count: StockCount, *, flow, by) -> None:
    """The count is approved: apply each difference to the ledger (see the module docstring)."""
    count = StockCount.objects.select_related("store").get(pk=count.pk)
    applied = apply_differences(count, by=by)
    MACHINE.perform(
        count,
        "approve",
        by=by,
        system=True,
        values={"applied_at": timezone.now()},
        note=str(_("Approved: %(count)d adjustments written to the ledger.") % {"count": applied}),
    )


def apply_differences(count: StockCount, *, by) -> int:
    """Write one adjustment per line whose count differs, as a delta on today's balance."""
    lines = list(
        count.lines.filter(counted__isnull=False)
        .exclude(counted=F("expected"))
        .filter(adjustment__isnull=True)
        .select_related("item")
        .order_by("item_id")
    )
    applied = 0
    for line in lines:
        balance = ledger.lock_balance(line.item, count.store)
        delta = line.counted - line.expected
        target = balance.quantity + delta
        note = _("Stock count %(number)s: counted %(counted)s, expected %(expected)s.") % {
            "number": count.number,
            "counted": _plain(line.counted),
            "expected": _plain(line.expected),
        }
        if target < 0:
            target = ZERO
            line.note = str(
                _("More was issued since the count than was found: the balance went to zero.")
            )[:200]
        move = ledger.adjust(
            item=line.item, store=count.store, counted=target, by=by, document=count, note=note
        )
        if move is not None:
            line.adjustment = move
            applied += 1
        line.save(update_fields=["adjustment", "note", "updated_at"])
    return applied


def _plain(value) -> str:
    return format(Decimal(value).normalize(), "f")


def approval_refused(count: StockCount, *, flow, by, reason: str) -> None:
    MACHINE.perform(count, "reject", by=by, system=True, note=reason)


def approval_returned(count: StockCount, *, flow, by, reason: str) -> None:
    """Back to counting: the keeper recounts and submits again (a new approval round)."""
    MACHINE.perform(count, "return", by=by, system=True, note=reason)


@transaction.atomic
def cancel(count: StockCount, *, by, reason: str = "") -> StockCount:
    _check(by, count.school_id)
    return MACHINE.perform(count, "cancel", by=by, note=reason or "")


# ---------------------------------------------------------------- reading


def counts_for(user):
    return StockCount.objects.restrict(user, "view")


def lines_matching(count: StockCount, query: str = "", only: str = ""):
    """The count's lines, searched by code, name or specification; ``only`` = "uncounted" or
    "differing"."""
    lines = count.lines.select_related("item", "item__category").order_by("item__code")
    query = (query or "").strip()
    if query:
        lines = lines.filter(
            Q(item__code__icontains=query)
            | Q(item__name__icontains=query)
            | Q(item__specification__icontains=query)
        )
    if only == "uncounted":
        lines = lines.filter(counted__isnull=True)
    elif only == "differing":
        lines = lines.filter(counted__isnull=False).exclude(counted=F("expected"))
    return lines


def categories_of(count: StockCount) -> list[ItemCategory]:
    return list(count.categories.all())

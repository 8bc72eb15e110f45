"""Depreciation (折旧) of fixed assets: the calculation, once in Python and once in SQL.

The rules are those of 政府会计准则第3号——固定资产 (财会〔2016〕12号) and its 应用指南
(财会〔2017〕4号), as a school's books apply them (docs/assets-depreciation.md has the
worked examples):

- **Method**: straight line (年限平均法), monthly, no salvage value (不考虑预计净残值): the whole
  original value (``total_value``) is spread over the useful life.
- **Life**: the asset's own ``useful_life_years`` when set (and not 0), else its category's;
  in months, years × 12.
- **Start**: the month of acquisition is charged in full (当月增加的当月计提), whatever the day:
  bought on 1 March or on 31 March, March is the first month.
- **Stop**: the month of disposal is not charged (当月减少的当月不再计提): disposed of on any day
  of June, May is the last month. An asset disposed of early gets no catch-up (不再补提).
- **Fully depreciated** (提足折旧): after ``life`` months nothing more, even while still in use.
- **Not depreciated**: categories with ``depreciates`` off (文物和陈列品, 图书和档案, 特种动植物,
  单独计价入账的土地); low-value items (低值易耗品, ``kind`` low-value): in public-sector
  accounts they are stock expensed when issued (一次转销 or 五五摊销), not fixed assets, so
  they are kept in the register for custody only; and assets without an acquisition date
  (nothing to start from — the ledger page counts them so they get fixed).
- **Amounts**: Decimal to the cent. The monthly charge is value ÷ life months rounded half
  up to the cent; the last month of the life takes the remainder, so the charges add up to
  the value exactly: ¥10,000.00 over 72 months is 71 × ¥138.89 + ¥138.81. When rounding up
  would carry the charges past the value before the last month (tiny values over long
  lives), the months that would pass it are cut short: the sum never exceeds the value.
- **Net book value on a date** is the value less the depreciation through the month of that
  date (as in that month's closing books); nothing before acquisition, and nothing from the
  disposal date on (the asset has left the books).

Out of scope (the schedule is always recomputed from the current value and life, as if they
had always been so): later changes of value or life (改扩建 extending the life, revaluation),
the workload method (工作量法), and assets measured at a nominal ¥1 (以名义金额计量) — give
those a category that is not depreciated.

The arithmetic is done in whole cents (integers) both here and in SQL, so that PostgreSQL,
SQLite and Python agree to the cent: ``charge = (2 × value + life) // (2 × life)`` is
value ÷ life rounded half up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, NullIf
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
FIXED = "fixed"  # AssetKind.FIXED (kept literal: this module imports no models)


# ---------------------------------------------------------------- months


def month_start(day: date) -> date:
    """The first day of ``day``'s month (the key of a month everywhere in the ledger)."""
    return day.replace(day=1)


def month_index(day: date) -> int:
    """Months since year 0: consecutive months differ by one (the same in SQL)."""
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s (negative: before)."""
    return month_from_index(month_index(day) + months)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return add_months(day, 1) - timedelta(days=1)


# ---------------------------------------------------------------- Python


def life_months(asset) -> int | None:
    """Months over which ``asset`` depreciates; None when it is not depreciated at all."""
    if getattr(asset, "kind", FIXED) != FIXED or asset.acquired_on is None:
        return None
    months = asset.life_months
    return months or None


def _cents(amount) -> int:
    return int((Decimal(amount) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def _yuan(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def _monthly_cents(value_cents: int, life: int) -> int:
    # value / life rounded half up, in integers (no float, no Decimal context).
    return (2 * value_cents + life) // (2 * life)


def months_charged(asset, month: date) -> int:
    """How many months of ``asset``'s life are charged up to and including ``month``."""
    life = life_months(asset)
    if life is None:
        return 0
    last = month_index(month)
    if asset.disposed_on is not None:
        last = min(last, month_index(asset.disposed_on) - 1)
    return max(0, min(last - month_index(asset.acquired_on) + 1, life))


def _accumulated_cents(value_cents: int, life: int, months: int) -> int:
    if months >= life:
        return value_cents
    return min(months * _monthly_cents(value_cents, life), value_cents)


def monthly_amount(asset) -> Decimal:
    """The regular monthly charge (the last month of the life may differ): value ÷ life
    months, rounded half up to the cent; 0.00 for what is not depreciated."""
    life = life_months(asset)
    if life is None:
        return ZERO
    return _yuan(_monthly_cents(_cents(asset.total_value), life))


def accumulated_through(asset, month: date) -> Decimal:
    """Accumulated depreciation at the end of ``month`` (any day of it)."""
    life = life_months(asset)
    if life is None:
        return ZERO
    return _yuan(_accumulated_cents(_cents(asset.total_value), life, months_charged(asset, month)))


def charge_for_month(asset, month: date) -> Decimal:
    """The depreciation charged in ``month`` (what that month's run posts for the asset)."""
    return accumulated_through(asset, month) - accumulated_through(asset, add_months(month, -1))


def net_book_value(asset, on_date: date) -> Decimal:
    """净值 on ``on_date``: value less depreciation through that month; 0.00 when the asset
    was not on the books that day (not yet acquired, or already disposed of)."""
    if asset.acquired_on is None or asset.acquired_on > on_date:
        return ZERO
    if asset.disposed_on is not None and asset.disposed_on <= on_date:
        return ZERO
    return Decimal(asset.total_value).quantize(CENT) - accumulated_through(asset, on_date)


def depreciated_through(asset, month: date) -> date | None:
    """The last month charged so far as at ``month`` (None when none is)."""
    months = months_charged(asset, month)
    if not months:
        return None
    return add_months(asset.acquired_on, months - 1)


# ---------------------------------------------------------------- SQL
#
# The same rules as database expressions, for the monthly run (one UPDATE over every asset)
# and the ledger reports (GROUP BY sums). Each returns cents as a big integer.

BIG = BigIntegerField()
INT = IntegerField()
MONEY = DecimalField(max_digits=18, decimal_places=2)


def _int(expression, field=BIG):
    return ExpressionWrapper(expression, output_field=field)


class _Repeating(Func):
    """A function whose SQL uses its one argument more than once (params repeat with it)."""

    templates: dict[str, str] = {}
    uses = 1

    def _render(self, compiler, connection, vendor):
        sql, params = compiler.compile(self.source_expressions[0])
        template = self.templates.get(vendor, self.templates["default"])
        return template.format(x=sql), tuple(params) * template.count("{x}")

    def as_sql(self, compiler, connection, **extra):
        return self._render(compiler, connection, connection.vendor)

    def as_sqlite(self, compiler, connection, **extra):
        return self._render(compiler, connection, "sqlite")


class MonthIndex(_Repeating):
    """SQL ``month_index(date)``: year × 12 + month − 1."""

    output_field = INT
    templates = {
        "default": "(CAST(EXTRACT(YEAR FROM {x}) AS integer) * 12"
        " + CAST(EXTRACT(MONTH FROM {x}) AS integer) - 1)",
        # SQLite keeps dates as 'YYYY-MM-DD' text.
        "sqlite": "(CAST(substr({x}, 1, 4) AS INTEGER) * 12 + CAST(substr({x}, 6, 2) AS INTEGER) - 1)",
    }


class MonthFromIndex(_Repeating):
    """SQL ``month_from_index(index)``: the first day of that month."""

    output_field = DateField()
    templates = {
        "default": "make_date(({x}) / 12, mod({x}, 12) + 1, 1)",
        "sqlite": "date('0000-01-01', '+' || ({x}) || ' months')",
    }


class Cents(_Repeating):
    """A money column in whole cents (exact: the column has two decimal places)."""

    output_field = BIG
    templates = {
        "default": "CAST(ROUND({x} * 100) AS bigint)",
        "sqlite": "CAST(ROUND({x} * 100) AS INTEGER)",
    }


class Yuan(_Repeating):
    """Cents back to money."""

    output_field = MONEY
    templates = {
        "default": "(CAST({x} AS numeric) / 100)",
        "sqlite": "(({x}) / 100.0)",
    }


@dataclass(frozen=True)
class Columns:
    """Where the expressions find an asset's figures: on the asset itself, or through a
    relation (a disposal line's slice of a batch card has its own value and disposal date)."""

    value: str = "total_value"
    acquired: str = "acquired_on"
    disposed: str = "disposed_on"
    own_life: str = "useful_life_years"
    category_life: str = "category__useful_life_years"
    kind: str = "kind"
    depreciates: str = "category__depreciates"


ASSET = Columns()


def depreciating_q(columns: Columns = ASSET) -> Q:
    """Rows that depreciate at all: fixed, with an acquisition date, in a depreciating
    category (a join on the category: an UPDATE limits its categories by id instead)."""
    return Q(
        **{
            columns.kind: FIXED,
            f"{columns.acquired}__isnull": False,
            columns.depreciates: True,
        }
    )


def life_months_sql(category_life=None, columns: Columns = ASSET):
    """Life in months: the asset's own years (0 counts as unset), else the category's.

    ``category_life`` is an expression for the category's years: by default a join
    (``category__useful_life_years``); an UPDATE, which cannot join, passes a CASE over the
    category ids instead (``category_life_case``)."""
    if category_life is None:
        category_life = F(columns.category_life)
    years = Coalesce(NullIf(F(columns.own_life), Value(0)), category_life, output_field=INT)
    return _int(years * Value(12), INT)


def category_life_case(lives: dict[int, list[int]]):
    """``CASE WHEN category_id IN (…) THEN years …``: one branch per distinct life."""
    whens = [When(category_id__in=ids, then=Value(years)) for years, ids in sorted(lives.items())]
    return Case(*whens, default=Value(None), output_field=INT)


def months_charged_sql(month: date, life, columns: Columns = ASSET):
    """SQL ``months_charged``: charged months up to and including ``month``, 0 … life."""
    last = Value(month_index(month))
    disposed_last = _int(MonthIndex(F(columns.disposed)) - Value(1), INT)
    last = Least(last, Coalesce(disposed_last, last, output_field=INT), output_field=INT)
    span = _int(last - MonthIndex(F(columns.acquired)) + Value(1), INT)
    return Greatest(Least(span, life, output_field=INT), Value(0), output_field=INT)


def accumulated_cents_sql(
    month: date, *, category_life=None, only_depreciating=True, columns: Columns = ASSET
):
    """SQL ``accumulated_through`` in cents at the end of ``month``.

    With ``only_depreciating`` (the default) the expression itself yields 0 for rows that
    are not depreciated, so it can be summed over any selection; without, the caller has
    already limited the rows to depreciating assets."""
    life = life_months_sql(category_life, columns)
    months = months_charged_sql(month, life, columns)
    value = Cents(F(columns.value))
    monthly = _int((Value(2) * value + life) / (Value(2) * life))
    accumulated = Case(
        When(GreaterThanOrEqual(months, life), then=value),
        default=Least(_int(months * monthly), value, output_field=BIG),
        output_field=BIG,
    )
    if not only_depreciating:
        return accumulated
    return Case(When(depreciating_q(columns), then=accumulated), default=Value(0), output_field=BIG)


def depreciated_through_sql(month: date, *, category_life=None, columns: Columns = ASSET):
    """SQL ``depreciated_through``: the last month charged, NULL when none is (for rows
    already limited to depreciating assets)."""
    life = life_months_sql(category_life, columns)
    months = months_charged_sql(month, life, columns)
    last = _int(MonthIndex(F(columns.acquired)) + months - Value(1), INT)
    return Case(
        When(GreaterThan(months, Value(0)), then=MonthFromIndex(last)),
        default=Value(None),
        output_field=DateField(),
    )

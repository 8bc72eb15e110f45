"""Compliance rules (SPEC §6) as data: a figure or duty, whom it binds, and its source.

A domain app declares its rules in its ``rules.py`` (imported by its ``AppConfig.ready``)::

    SAMPLE_GRAMS = compliance.register(Rule(
        key="canteen.sample_grams", area="canteen", kind=Kind.MINIMUM, default=125,
        unit=_("g"), title=_("Weight of each food sample"),
        source="学校食品安全与营养健康管理规定 (2019); GB 31654-2021",
        text="每餐次、每个品种留样不少于125克 …", roles=("canteen_manager",),
    ))

and reads the school's figure where it validates, schedules or alerts::

    compliance.value(school, "canteen.sample_grams")   # Decimal("200") if the school raised it

A school may tighten a rule, never loosen it: a minimum can only be raised, a maximum only
lowered, a duty only switched on (``set_value`` refuses the rest with a message). The compliance
page asks each rule's ``status`` for this term (what was due, done, missed, overdue), which the
rule's app registers with ``register_status``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from houqin.core.errors import DomainError


class Kind(models.TextChoices):
    MINIMUM = "minimum", _("At least")  # a school may raise it
    MAXIMUM = "maximum", _("At most")  # a school may lower it
    DUTY = "duty", pgettext_lazy("compliance duty", "Required")  # 1 = on; a school may switch it on, never off


@dataclass(frozen=True)
class RuleStatus:
    """Where a school stands on one rule over a period (usually the current term)."""

    due: int = 0  # occurrences or records the rule asked for so far
    done: int = 0  # done in time
    late: int = 0  # done, but after their time
    missed: int = 0  # their time has passed, never done
    open: int = 0  # still open and overdue (hazards past their deadline, expired certificates…)
    detail: str = ""  # one line for the page ("3 meals without a sample")
    url: str = ""  # where the records are

    @property
    def ok(self) -> bool:
        return not (self.missed or self.open or self.late)


@dataclass(frozen=True)
class Rule:
    key: str  # "<area>.<name>", stable: stored in ComplianceSetting.rule
    area: str  # "safety", "canteen", "hygiene", "assets", "maintenance" …
    title: object  # lazy translated text
    kind: str  # Kind
    default: Decimal | int | bool
    source: str  # the regulation, as published (not translated)
    text: str = ""  # what the source says, as published (not translated)
    unit: object = ""  # lazy translated text: "g", "hours", "days" …
    roles: tuple[str, ...] = ()  # the roles it binds (org.roles.Role values)
    order: int = 100
    status: Callable | None = field(default=None, compare=False)

    def allows(self, value) -> bool:
        """Whether ``value`` is at least as strict as the national default."""
        default = Decimal(int(self.default) if isinstance(self.default, bool) else self.default)
        if self.kind == Kind.MINIMUM:
            return value >= default
        if self.kind == Kind.MAXIMUM:
            return value <= default
        return value in (Decimal(0), Decimal(1)) and value >= default


_RULES: dict[str, Rule] = {}
_STATUS: dict[str, Callable] = {}


def register(rule: Rule) -> Rule:
    if rule.kind not in Kind.values:
        raise ValueError(f"unknown rule kind {rule.kind!r}")
    _RULES[rule.key] = rule
    return rule


def register_status(key: str, func: Callable) -> None:
    """``func(school, term, today) -> RuleStatus | None``: how the school stands on this rule over
    the term up to ``today``, in a bounded number of queries."""
    if key not in _RULES:
        raise KeyError(f"no compliance rule {key!r}")
    _STATUS[key] = func


def status_of(key: str) -> Callable | None:
    return _STATUS.get(key)


def get(key: str) -> Rule:
    try:
        return _RULES[key]
    except KeyError:
        raise KeyError(f"no compliance rule {key!r}") from None


def rules(area: str | None = None) -> list[Rule]:
    found = [r for r in _RULES.values() if area is None or r.area == area]
    return sorted(found, key=lambda r: (r.area, r.order, r.key))


def _as_value(rule: Rule, raw: Decimal):
    if rule.kind == Kind.DUTY or isinstance(rule.default, bool):
        return bool(raw)
    if isinstance(rule.default, int) and raw == raw.to_integral_value():
        return int(raw)
    return raw


def values(school) -> dict[str, object]:
    """Every rule's figure for this school (its own where it set one), in one query."""
    from houqin.core.models import ComplianceSetting

    school_id = getattr(school, "pk", school)
    own = dict(ComplianceSetting.objects.filter(school_id=school_id).values_list("rule", "value"))
    found = {}
    for key, rule in _RULES.items():
        raw = own.get(key)
        found[key] = rule.default if raw is None or not rule.allows(raw) else _as_value(rule, raw)
    return found


def value(school, key: str):
    """This school's figure for one rule: its own where it tightened it, else the default."""
    from houqin.core.models import ComplianceSetting

    rule = get(key)
    raw = (
        ComplianceSetting.objects.filter(school_id=getattr(school, "pk", school), rule=key)
        .values_list("value", flat=True)
        .first()
    )
    # A stored figure looser than the default (the default was raised since) never applies.
    return rule.default if raw is None or not rule.allows(raw) else _as_value(rule, raw)


def parse(rule: Rule, raw) -> Decimal:
    """A submitted figure as a Decimal, or a clear error."""
    if rule.kind == Kind.DUTY:
        if isinstance(raw, str):
            raw = raw.strip().lower() in ("1", "true", "on", "yes")
        return Decimal(1 if raw else 0)
    try:
        number = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter a number.")) from None
    if not number.is_finite() or number < 0:
        raise DomainError(_("Enter a number that is not negative."))
    return number


@transaction.atomic
def set_value(school, key: str, raw, *, by, note: str = ""):
    """Set the school's figure for a rule: refused when looser than the national default."""
    from houqin.core.models import ComplianceSetting

    rule = get(key)
    number = parse(rule, raw)
    if not rule.allows(number):
        if rule.kind == Kind.MINIMUM:
            message = _("A school may raise this figure, not lower it below %(default)s.")
        elif rule.kind == Kind.MAXIMUM:
            message = _("A school may lower this figure, not raise it above %(default)s.")
        else:
            message = _("This duty is required by %(source)s and cannot be switched off.")
        raise DomainError(message % {"default": rule.default, "source": rule.source})
    school_id = getattr(school, "pk", school)
    setting = ComplianceSetting.objects.filter(school_id=school_id, rule=key).first()
    if setting is None:
        setting = ComplianceSetting(school_id=school_id, rule=key)
    setting.value = number
    setting.note = (note or "").strip()[:200]
    setting.set_by = by if getattr(by, "is_authenticated", False) else None
    # The change history names who made it, also outside a request (API tokens, shell).
    setting._history_user = setting.set_by
    setting.save()
    return setting


CHANGE_PERM = "core.change_compliancesetting"
VIEW_PERM = "core.view_compliancesetting"


def tighten(school, key: str, raw, *, by, note: str = ""):
    """``set_value`` for a person: only those who may change the school's figures (the
    logistics director, a school admin)."""
    from houqin.core.errors import PermissionDenied
    from houqin.core.scoping import access_for

    access = access_for(by, school)
    if not access.is_member or not access.has_perm(CHANGE_PERM):
        raise PermissionDenied(
            _(
                "Only the logistics director or a school admin may change the "
                "school's compliance figures."
            )
        )
    return set_value(school, key, raw, by=by, note=note)


def overrides(school) -> dict:
    """The school's own settings by rule key, with who set them (one query)."""
    from houqin.core.models import ComplianceSetting

    rows = ComplianceSetting.objects.filter(school_id=getattr(school, "pk", school)).select_related(
        "set_by"
    )
    return {row.rule: row for row in rows}


@dataclass
class RuleRow:
    """One line of the compliance page."""

    rule: Rule
    value: object  # the school's figure
    setting: object | None  # its ComplianceSetting when the school set one
    status: RuleStatus | None  # None: not tracked
    error: bool = False  # the status function failed

    @property
    def tightened(self) -> bool:
        return self.setting is not None and self.value != self.rule.default

    @property
    def badge(self) -> str:
        """done / missed / overdue / nothing_due / not_tracked."""
        status = self.status
        if status is None:
            return "not_tracked"
        if status.missed:
            return "missed"
        if status.open or status.late:
            return "overdue"
        if not status.due:
            return "nothing_due"
        return "done"


def overview(school, term, today, area: str | None = None) -> list[RuleRow]:
    """Every rule with the school's figure and its status over ``term`` up to ``today``: two
    queries of our own, plus whatever each area's status function needs."""
    import logging

    own = overrides(school)
    figures = values(school)
    rows = []
    for rule in rules(area):
        func = _STATUS.get(rule.key)
        status, error = None, False
        if func is not None and term is not None:
            try:
                status = func(school, term, today)
            except Exception:  # one area's bug must not take the whole page down
                logging.getLogger(__name__).exception("compliance status of %s failed", rule.key)
                error = True
        rows.append(RuleRow(rule, figures[rule.key], own.get(rule.key), status, error))
    return rows

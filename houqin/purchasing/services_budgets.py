"""Budgets and budget categories: the only way they change (finance and logistics).

A budget is an amount per department, category and year; what is committed, spent and left is
derived (``selectors_budgets``). Changing an amount is kept in the budget's history.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.scoping import access_for

from .models import Budget, BudgetCategory

CENT = Decimal("0.01")
BUDGET_PERM = "purchasing.change_budget"
CATEGORY_PERM = "purchasing.add_budgetcategory"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _school_id(school) -> int:
    return getattr(school, "pk", school)


def may_manage(access) -> bool:
    return access.is_member and access.has_perm(BUDGET_PERM)


def check_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_("The budget amount must be a number.")) from None
    if not amount.is_finite() or amount < 0:
        raise DomainError(_("The budget amount must be zero or more."))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def check_year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("The year must be a number such as 2026.")) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(_("The year must be a number such as 2026."))
    return year


@transaction.atomic
def set_budget(*, by, school, year, department, category, amount, note="") -> Budget:
    """Create or change the budget of ``department`` × ``category`` for ``year``."""
    school_id = _school_id(school)
    if not may_manage(access_for(by, school_id)):
        raise PermissionDenied(_("Only finance and logistics set budgets."))
    if department is None or department.school_id != school_id:
        raise DomainError(_("Choose a department of this school."))
    if category is None or category.school_id != school_id:
        raise DomainError(_("Choose a budget category of this school."))
    year = check_year(year)
    budget = (
        Budget.objects.select_for_update()
        .filter(school_id=school_id, year=year, department=department, category=category)
        .first()
    ) or Budget(school_id=school_id, year=year, department=department, category=category)
    budget.amount = check_amount(amount)
    budget.note = (note or "").strip()[:200]
    budget.full_clean()
    budget.save()
    return budget


@transaction.atomic
def update_budget(budget: Budget, *, by, amount, note=None) -> Budget:
    if not may_manage(access_for(by, budget.school_id)):
        raise PermissionDenied(_("Only finance and logistics set budgets."))
    budget.amount = check_amount(amount)
    if note is not None:
        budget.note = note.strip()[:200]
    budget.full_clean()
    budget.save()
    return budget


@transaction.atomic
def create_category(*, by, school, name, code="", sort_order=0) -> BudgetCategory:
    school_id = _school_id(school)
    access = access_for(by, school_id)
    if not access.is_member or not access.has_perm(CATEGORY_PERM):
        raise PermissionDenied(_("Only finance and logistics add budget categories."))
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the category a name."))
    if BudgetCategory.objects.filter(school_id=school_id, name=name).exists():
        raise DomainError(_("A budget category called %(name)s exists.") % {"name": name})
    category = BudgetCategory(
        school_id=school_id, name=name[:60], code=(code or "").strip()[:20], sort_order=sort_order
    )
    category.full_clean()
    category.save()
    return category

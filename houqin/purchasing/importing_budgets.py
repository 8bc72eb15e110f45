"""Budgets from Excel (年度, 部门, 类别, 金额): every row checked, all rows written or none.

A row names its department and category by name (or code). An unknown category is an error,
not a new category: a typo ("办工用品") would otherwise quietly split a budget in two, and the
categories are few and set once a year on their own page. The natural key is (year,
department, category): importing the same file twice changes nothing; a changed amount
updates the budget (its history keeps the old amount).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from houqin.core.importing import Column, Importer, Outcome, Row, cells, set_fields
from houqin.core.importing.cells import normalize_key

from .models import Budget, BudgetCategory
from .services_budgets import BUDGET_PERM, FIRST_YEAR, LAST_YEAR


def _key(value) -> str:
    return normalize_key(value or "")


class BudgetImporter(Importer):
    key = "budgets"
    title = _("Budgets")
    permission = BUDGET_PERM
    columns = [
        Column(
            "year",
            ["年度", "年份", "预算年度", "year"],
            required=True,
            parse=cells.integer(FIRST_YEAR, LAST_YEAR, units="年 年度"),
            example="2026",
        ),
        Column(
            "department",
            ["部门", "处室", "部门名称", "department"],
            required=True,
            parse=cells.text(60),
            example="教务处",
            help=_("The department's name or code, as in the school's departments."),
        ),
        Column(
            "category",
            ["类别", "预算类别", "科目", "category"],
            required=True,
            parse=cells.text(60),
            example="办公用品",
            help=_("An existing budget category (name or code); add new ones on their page."),
        ),
        Column(
            "amount",
            ["金额", "预算金额", "金额（元）", "amount"],
            required=True,
            parse=cells.decimal(16, 2, min_value=0, units="元"),
            example="50000",
        ),
        Column("note", ["备注", "说明", "note"], parse=cells.text(200), example=""),
    ]
    natural_key = ("year", "department", "category")

    def prepare(self, rows):
        from houqin.org.models import Department

        school = self.school
        self.departments = {}
        for department in Department.objects.filter(school=school):
            self.departments[_key(department.name)] = department
            if department.code:
                self.departments.setdefault(_key(department.code), department)
        self.categories = {}
        for category in BudgetCategory.objects.filter(school=school):
            self.categories[_key(category.name)] = category
            if category.code:
                self.categories.setdefault(_key(category.code), category)
        years = {row.get("year") for row in rows if row.get("year")}
        self.budgets = {
            (b.year, b.department_id, b.category_id): b
            for b in Budget.objects.filter(school=school, year__in=years)
        }

    def clean_row(self, row: Row):
        if row.get("department"):
            department = self.departments.get(_key(row.get("department")))
            if department is None:
                row.error("department", _("No department of this school has this name or code."))
            row.resolved["department"] = department
        if row.get("category"):
            category = self.categories.get(_key(row.get("category")))
            if category is None:
                row.error(
                    "category",
                    _("No budget category has this name or code. Add it on the budget "
                      "categories page first (a typo must not become a new category)."),
                )  # fmt: skip
            row.resolved["category"] = category

    def save_row(self, row: Row) -> Outcome:
        department = row.resolved["department"]
        category = row.resolved["category"]
        key = (row.get("year"), department.pk, category.pk)
        values = {"amount": Decimal(row.get("amount"))}
        if row.has("note"):
            values["note"] = row.get("note") or ""
        budget = self.budgets.get(key)
        if budget is None:
            budget = Budget(
                school=self.school, year=key[0], department=department, category=category
            )
            set_fields(budget, values)
            budget.full_clean()
            budget.save()
            self.budgets[key] = budget
            return Outcome.CREATED
        if not set_fields(budget, values):
            return Outcome.UNCHANGED
        budget.full_clean()
        budget.save()
        return Outcome.UPDATED


def budget_export_rows(budgets):
    """Rows in the import's column layout (export, edit in Excel, import back)."""
    for budget in budgets:
        yield [
            budget.year,
            budget.department.name,
            budget.category.name,
            budget.amount,
            budget.note,
        ]

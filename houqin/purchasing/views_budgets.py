"""Budget pages: a year's grid (departments × categories: budget, committed, spent, remaining,
each cell drilling into its requests) with Excel export, the list of budget rows with add and
edit, the Excel import, and the budget categories. Writes go through ``services_budgets``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.excel import export_response
from houqin.core.importing.views import ImportView, report_response, template_response
from houqin.core.views.generic import ObjectListView, ScopedViewMixin, add_validation_error

from . import forms_requests as forms
from . import selectors_budgets, services_budgets
from .filters_requests import BudgetFilterSet
from .importing_budgets import BudgetImporter, budget_export_rows
from .models import Budget, BudgetCategory
from .tables_requests import BudgetTable


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return (
        year
        if services_budgets.FIRST_YEAR <= year <= services_budgets.LAST_YEAR
        else (timezone.localdate().year)
    )


class BudgetGridView(ScopedViewMixin, View):
    """``/purchasing/budgets/?year=2026``: the year's budgets with their derived figures.
    Finance, logistics and readers see every department; a department head sees theirs."""

    model = Budget
    template_name = "purchasing/budgets/grid.html"

    def get(self, request):
        if not self.may("view"):
            raise PermissionDenied
        access = self.access
        year = _year(request)
        departments = None
        if not access.has_perm("purchasing.view_budget"):
            from houqin.org.models import Department

            departments = Department.objects.filter(
                pk__in=list(getattr(access, "headed_department_ids", ()))
            )
        grid = selectors_budgets.grid(access.school_id, year, departments=departments)
        if request.GET.get("export") in ("xlsx", "csv"):
            return self.export(grid, request.GET["export"])
        link = reverse("purchasing:request_list")
        rows = []
        for department, cells, total in grid.rows():
            rows.append(
                {
                    "department": department,
                    "cells": [
                        (
                            cell,
                            f"{link}?"
                            + urlencode(
                                {
                                    "department": department.pk,
                                    "budget_category": category.pk,
                                    "budget_year": year,
                                }
                            ),
                        )
                        for cell, category in zip(cells, grid.categories, strict=True)
                    ],
                    "total": total,
                    "requests_url": f"{link}?"
                    + urlencode({"department": department.pk, "budget_year": year}),
                }
            )
        context = {
            "title": _("Budgets %(year)d") % {"year": year},
            "year": year,
            "years": [year - 1, year, year + 1],
            "grid": grid,
            "rows": rows,
            "column_totals": grid.column_totals(),
            "total": grid.total(),
            "may_manage": services_budgets.may_manage(access),
            "list_url": reverse("purchasing:budget_list") + f"?year={year}",
        }
        return render(request, self.template_name, context)

    def export(self, grid, fmt):
        headers = [_("department")]
        for category in grid.categories:
            for part in (_("budget"), _("committed"), _("spent"), _("remaining")):
                headers.append(f"{category} · {part}")
        headers += [_("total budget"), _("total committed"), _("total spent"), _("total left")]

        def values(cell):
            if cell is None:
                return ["", "", "", ""]
            return [cell.amount, cell.committed, cell.spent, cell.remaining]

        rows = []
        for department, cells, total in grid.rows():
            row = [department.name]
            for cell in cells:
                row += values(cell)
            rows.append(row + values(total))
        return export_response(f"{_('Budgets')}-{grid.year}", headers, rows, fmt)


class BudgetListView(ObjectListView):
    queryset = Budget.objects.select_related("department", "category")
    filterset_class = BudgetFilterSet
    table_class = BudgetTable
    route_prefix = "purchasing:budget"
    template_name = "purchasing/budgets/budget_list.html"
    title = _("Budget lines")

    def get_extra_context(self):
        return {
            "grid_url": reverse("purchasing:budget_grid"),
            "import_url": reverse("purchasing:budget_import")
            if services_budgets.may_manage(self.access)
            else None,
        }


class BudgetEditView(ScopedViewMixin, View):
    """Add (no ``pk``) or change a budget line."""

    model = Budget
    template_name = "purchasing/budgets/budget_form.html"

    def get_object(self, pk):
        if not services_budgets.may_manage(self.access):
            raise PermissionDenied
        if pk is None:
            return None
        return get_object_or_404(self.restricted("view").select_related("department"), pk=pk)

    def get(self, request, pk=None):
        budget = self.get_object(pk)
        initial = {"year": timezone.localdate().year}
        if budget is not None:
            initial = {
                "year": budget.year,
                "department": budget.department_id,
                "category": budget.category_id,
                "amount": budget.amount,
                "note": budget.note,
            }
        return self.render_form(
            budget, forms.BudgetForm(initial=initial, school_id=self.access.school_id)
        )

    def post(self, request, pk=None):
        budget = self.get_object(pk)
        form = forms.BudgetForm(request.POST, school_id=self.access.school_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if budget is None:
                    budget = services_budgets.set_budget(
                        by=request.user, school=self.access.school_id, **data
                    )
                else:
                    if (data["year"], data["department"].pk, data["category"].pk) != (
                        budget.year,
                        budget.department_id,
                        budget.category_id,
                    ):
                        raise DomainError(
                            _("A budget line keeps its year, department and category: add "
                              "another line instead.")
                        )  # fmt: skip
                    services_budgets.update_budget(
                        budget, by=request.user, amount=data["amount"], note=data["note"]
                    )
            except DomainError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, _("%(budget)s was saved.") % {"budget": budget})
                return redirect(reverse("purchasing:budget_grid") + f"?year={budget.year}")
        return self.render_form(budget, form)

    def render_form(self, budget, form):
        context = {
            "form": form,
            "object": budget,
            "title": _("Add a budget line")
            if budget is None
            else _("Edit %(budget)s") % {"budget": budget},
            "cancel_url": reverse("purchasing:budget_list"),
        }
        return render(self.request, self.template_name, context)


class BudgetImportView(ImportView):
    importer_class = BudgetImporter
    template_url = ("purchasing:budget_import_template",)
    report_url_name = "purchasing:budget_import_report"
    export_url_name = "purchasing:budget_export"


@login_required
def budget_import_template(request):
    if not services_budgets.may_manage(request.access):
        raise PermissionDenied
    return template_response(BudgetImporter)


@login_required
def budget_import_report(request, token):
    if not services_budgets.may_manage(request.access):
        raise PermissionDenied
    return report_response(request, token)


@login_required
def budget_export(request):
    """Every budget line in the import's layout (edit in Excel, import back)."""
    access = request.access
    if not access.is_member or not access.has_perm("purchasing.view_budget"):
        raise PermissionDenied
    budgets = (
        Budget.objects.restrict(request.user, "view")
        .select_related("department", "category")
        .order_by("-year", "department__name", "category__sort_order")
    )
    headers = [c.header for c in BudgetImporter.columns]
    return export_response(str(_("Budgets")), headers, budget_export_rows(budgets))


class CategoryListView(ScopedViewMixin, View):
    """The budget categories, with a form to add one."""

    model = BudgetCategory
    template_name = "purchasing/budgets/categories.html"

    def get(self, request):
        return self.render_page(forms.CategoryForm())

    def post(self, request):
        form = forms.CategoryForm(request.POST)
        if form.is_valid():
            try:
                services_budgets.create_category(
                    by=request.user,
                    school=self.access.school_id,
                    name=form.cleaned_data["name"],
                    code=form.cleaned_data["code"],
                    sort_order=form.cleaned_data["sort_order"] or 0,
                )
            except DomainError as exc:
                if exc.status_code == 403:
                    raise PermissionDenied from exc
                add_validation_error(form, exc)
            else:
                messages.success(request, _("The category was added."))
                return redirect("purchasing:budget_categories")
        return self.render_page(form)

    def render_page(self, form):
        if not self.may("view"):
            raise PermissionDenied
        access = self.access
        context = {
            "title": _("Budget categories"),
            "categories": list(BudgetCategory.objects.filter(school_id=access.school_id)),
            "form": form if access.has_perm(services_budgets.CATEGORY_PERM) else None,
        }
        return render(self.request, self.template_name, context)

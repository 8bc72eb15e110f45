"""Budget pages: the year's grid with drill-down and export, adding and editing a line, the
Excel import (all rows or none; unknown categories refused), the categories page."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from houqin.purchasing.importing_budgets import BudgetImporter
from houqin.purchasing.models import Budget, BudgetCategory

from .requests_support import YEAR, budget, make_people, service_line, submitted

pytestmark = pytest.mark.django_db

HEADER = ["年度", "部门", "类别", "金额（元）", "备注"]


@pytest.fixture
def people(school):
    return make_people(school)


def xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("budgets.xlsx", out.getvalue())


def test_the_grid_shows_budget_committed_and_remaining_and_links_to_the_requests(client, people):
    budget(people, "10000")
    submitted(people, service_line("2500"))
    client.force_login(people.finance)

    response = client.get(reverse("purchasing:budget_grid") + f"?year={YEAR}")

    content = response.content.decode()
    assert response.status_code == 200
    assert "10000" in content
    assert "2500.00" in content
    assert "7500.00" in content  # left
    assert f"budget_category={people.category.pk}" in content


def test_the_grid_runs_a_bounded_number_of_queries(client, people, django_assert_max_num_queries):
    for n in range(6):
        dept = people.department if n % 2 else people.other_department
        cat = BudgetCategory.objects.create(school=people.school, name=f"类别{n}")
        budget(people, 1000 + n, department=dept, category=cat)
    client.force_login(people.finance)
    client.get(reverse("purchasing:budget_grid"))
    # 10 for the layout (session, user, access, menu badges) + 5 for the grid.
    with django_assert_max_num_queries(16):
        assert client.get(reverse("purchasing:budget_grid") + f"?year={YEAR}").status_code == 200


def test_a_department_head_sees_only_their_departments_row(client, people):
    budget(people, "10000")
    budget(people, "777", department=people.other_department)
    client.force_login(people.head)
    response = client.get(reverse("purchasing:budget_grid") + f"?year={YEAR}")
    content = response.content.decode()
    assert people.department.name in content
    assert people.other_department.name not in content


def test_the_grid_exports_to_excel(client, people):
    budget(people, "10000")
    client.force_login(people.finance)
    response = client.get(reverse("purchasing:budget_grid") + f"?year={YEAR}&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == people.department.name
    assert Decimal(str(rows[1][1])) == Decimal("10000")


def test_finance_adds_and_edits_a_budget_line(client, people):
    client.force_login(people.finance)
    data = {
        "year": YEAR,
        "department": people.department.pk,
        "category": people.category.pk,
        "amount": "30000",
    }
    assert client.post(reverse("purchasing:budget_add"), data).status_code == 302
    line = Budget.objects.get()
    client.post(reverse("purchasing:budget_edit", args=[line.pk]), {**data, "amount": "32000"})
    line.refresh_from_db()
    assert line.amount == Decimal("32000.00")


def test_a_teacher_cannot_add_a_budget_line(client, people):
    client.force_login(people.teacher)
    assert client.get(reverse("purchasing:budget_add")).status_code == 403


def test_the_budget_lines_list_runs_bounded_queries(client, people, django_assert_max_num_queries):
    for n in range(8):
        cat = BudgetCategory.objects.create(school=people.school, name=f"类别{n}")
        budget(people, 100 + n, category=cat)
    client.force_login(people.finance)
    client.get(reverse("purchasing:budget_list"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("purchasing:budget_list"))
    assert response.status_code == 200


def test_budgets_import_from_excel_and_again_without_change(people):
    rows = [
        HEADER,
        [YEAR, "教务处", "办公用品", "12000", "含复印纸"],
        [f"{YEAR}年", "政教处", "办公用品", "¥8,000.50", None],
    ]
    first = BudgetImporter().run(xlsx(rows), school=people.school, by=people.finance)
    again = BudgetImporter().run(xlsx(rows), school=people.school, by=people.finance)

    assert first.ok and first.created == 2
    assert again.ok and again.unchanged == 2
    amounts = dict(Budget.objects.values_list("department__name", "amount"))
    assert amounts == {"教务处": Decimal("12000.00"), "政教处": Decimal("8000.50")}


def test_an_unknown_category_or_department_refuses_the_whole_file(people):
    rows = [
        HEADER,
        [YEAR, "教务处", "办公用品", "12000", None],
        [YEAR, "教务处", "办工用品", "500", None],  # a typo
        [YEAR, "不存在的处室", "办公用品", "500", None],
    ]
    result = BudgetImporter().run(xlsx(rows), school=people.school, by=people.finance)

    assert not result.ok
    assert {(e.row, e.key) for e in result.errors} == {(3, "category"), (4, "department")}
    assert not Budget.objects.exists()
    assert not BudgetCategory.objects.filter(name="办工用品").exists()


def test_the_import_page_runs_the_importer(client, people):
    client.force_login(people.finance)
    assert client.get(reverse("purchasing:budget_import")).status_code == 200
    response = client.post(
        reverse("purchasing:budget_import"),
        {"file": xlsx([HEADER, [YEAR, "教务处", "办公用品", "100", None]])},
    )
    assert response.status_code == 200
    assert Budget.objects.get().amount == Decimal("100.00")
    template = client.get(reverse("purchasing:budget_import_template"))
    assert template.status_code == 200


def test_a_teacher_cannot_import_budgets(client, people):
    client.force_login(people.teacher)
    assert client.get(reverse("purchasing:budget_import")).status_code == 403


def test_finance_adds_a_category_and_a_duplicate_is_refused(client, people):
    client.force_login(people.finance)
    client.post(reverse("purchasing:budget_categories"), {"name": "图书资料", "sort_order": "2"})
    response = client.post(reverse("purchasing:budget_categories"), {"name": "图书资料"})
    assert "exists" in response.content.decode()
    assert BudgetCategory.objects.filter(name="图书资料").count() == 1


def test_the_budgets_menu_item_reaches_heads_and_finance_not_teachers(client, people):
    """A department head reads their departments' budgets: the menu leads there."""
    grid = reverse("purchasing:budget_grid")
    for user, shown in ((people.head, True), (people.teacher, False)):
        client.force_login(user)
        page = client.get(reverse("purchasing:request_list")).content.decode()
        assert (f'href="{grid}"' in page) is shown, user

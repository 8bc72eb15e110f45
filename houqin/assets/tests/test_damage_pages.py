"""Damage pages: recording (class teachers in their class), the list with its export, the detail
page's actions (payment, waiver, repair order) and the per-class term totals in Excel."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from houqin.assets import services_damage as damage
from houqin.assets.models import DamageCause, DamageRecord, DamageStatus
from houqin.factories import RoomFactory, SchoolClassFactory
from houqin.org.models import AcademicYear, Term

from .factories import AssetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(school, make_member):
    return make_member(school, "clerk", username="clerk")


@pytest.fixture
def class_teacher(school, make_member):
    return make_member(school, "class_teacher", "staff", username="banzhuren")


@pytest.fixture
def own_class(school, class_teacher):
    return SchoolClassFactory(school=school, grade=7, number=3, class_teacher=class_teacher)


@pytest.fixture
def other_class(school, make_member):
    teacher = make_member(school, "class_teacher", username="other")
    return SchoolClassFactory(school=school, grade=8, number=1, class_teacher=teacher)


@pytest.fixture
def desk(school):
    return AssetFactory(school=school, name="课桌", unit_price=Decimal("300"))


def record(by, school, **kw):
    kw.setdefault("description", "桌腿断了")
    return damage.create_damage(by=by, school=school, **kw)


def test_a_class_teacher_records_damage_in_their_class_from_the_form(
    client, class_teacher, school, desk, own_class, other_class
):
    client.force_login(class_teacher)
    page = client.get(reverse("assets:damage_add") + f"?asset={desk.pk}")
    form = page.context["form"]
    assert form.initial["asset_number"] == desk.number
    assert list(form.fields["school_class"].queryset) == [own_class]

    response = client.post(
        reverse("assets:damage_add"),
        {
            "asset_number": desk.number,
            "occurred_on": date.today().isoformat(),
            "description": "桌腿断了",
            "cause": "deliberate",
            "school_class": own_class.pk,
            "responsible_name": "王同学",
        },
    )

    made = DamageRecord.objects.get()
    assert response.status_code == 302
    assert made.assessed_amount == Decimal("600.00")  # deliberate: double
    assert made.recorded_by == class_teacher


def test_a_class_teacher_cannot_pick_another_class(
    client, class_teacher, school, desk, other_class
):
    client.force_login(class_teacher)
    response = client.post(
        reverse("assets:damage_add"),
        {
            "asset_number": desk.number,
            "occurred_on": date.today().isoformat(),
            "description": "x",
            "cause": "negligence",
            "school_class": other_class.pk,
        },
    )
    assert response.status_code == 200
    assert not DamageRecord.objects.exists()


def test_an_unknown_asset_number_is_a_form_error(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("assets:damage_add"),
        {"asset_number": "NOPE", "occurred_on": "2024-01-01", "description": "x", "cause": "wear"},
    )
    assert response.status_code == 200 and response.context["form"].errors["asset_number"]


def test_a_class_teacher_lists_only_their_classs_records(
    client, clerk, class_teacher, school, desk, own_class, other_class
):
    mine = record(clerk, school, asset=desk, school_class=own_class)
    theirs = record(clerk, school, asset=desk, school_class=other_class)
    client.force_login(class_teacher)

    rows = client.get(reverse("assets:damage_list")).context["table"].data
    assert [r.pk for r in rows] == [mine.pk]
    assert client.get(reverse("assets:damage_detail", args=[theirs.pk])).status_code == 404
    page = client.get(reverse("assets:damage_detail", args=[mine.pk]))
    assert page.status_code == 200 and page.context["actions"] == []


def test_a_teacher_named_responsible_sees_that_record(client, clerk, teacher, school, desk):
    made = record(clerk, school, asset=desk, responsible_user=teacher)
    client.force_login(teacher)
    assert client.get(reverse("assets:damage_detail", args=[made.pk])).status_code == 200


def test_the_clerk_records_a_payment_and_a_waiver_from_the_page(
    client, clerk, school, desk, own_class
):
    paid = record(clerk, school, asset=desk, school_class=own_class)
    waived = record(clerk, school, asset=desk, school_class=own_class)
    client.force_login(clerk)

    client.post(
        reverse("assets:damage_action", args=[paid.pk, "pay"]),
        {"pay-amount": "300", "pay-paid_on": date.today().isoformat()},
    )
    client.post(
        reverse("assets:damage_action", args=[waived.pk, "waive"]), {"waive-reason": "家庭困难"}
    )

    assert DamageRecord.objects.get(pk=paid.pk).status == DamageStatus.PAID
    assert DamageRecord.objects.get(pk=waived.pk).status == DamageStatus.WAIVED


def test_a_repair_order_is_reported_from_the_damage_page(client, director, school):
    from houqin.maintenance import services as maintenance

    room = RoomFactory(floor__building__campus__school=school)
    made = record(director, school, room=room, responsible_name="王同学", repair_cost="80")
    category = maintenance.ensure_categories(school)[0]
    client.force_login(director)

    client.post(
        reverse("assets:damage_action", args=[made.pk, "report_repair"]),
        {"report_repair-category": category.pk, "report_repair-description": ""},
    )

    made.refresh_from_db()
    assert made.work_order is not None and made.work_order.room == room
    assert client.get(reverse("assets:damage_detail", args=[made.pk])).status_code == 200


def test_another_schools_record_is_unreachable(client, clerk, school, other_school, make_member):
    other_clerk = make_member(other_school, "clerk", username="clerk-b")
    theirs = record(
        other_clerk,
        other_school,
        room=RoomFactory(floor__building__campus__school=other_school),
        responsible_name="x",
    )
    client.force_login(clerk)
    assert client.get(reverse("assets:damage_detail", args=[theirs.pk])).status_code == 404
    client.post(reverse("assets:damage_action", args=[theirs.pk, "waive"]), {"waive-reason": "x"})
    assert DamageRecord.objects.get(pk=theirs.pk).status == DamageStatus.OPEN
    assert list(client.get(reverse("assets:damage_list")).context["table"].data) == []


def test_the_list_exports_to_excel(client, clerk, school, desk, own_class):
    record(clerk, school, asset=desk, school_class=own_class)
    client.force_login(clerk)
    response = client.get(reverse("assets:damage_list") + "?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_term_totals_per_class_export_to_excel(
    client, clerk, class_teacher, school, desk, own_class, other_class
):
    year = AcademicYear.objects.create(
        school=school, name="2025-2026", start_date=date(2025, 9, 1), end_date=date(2026, 8, 31)
    )
    term = Term.objects.create(
        school=school,
        year=year,
        number=1,
        name="2025秋",
        start_date=date(2025, 9, 1),
        end_date=date(2026, 1, 31),
    )
    in_term = date(2025, 10, 8)
    record(clerk, school, asset=desk, school_class=own_class, occurred_on=in_term)
    record(
        clerk,
        school,
        asset=desk,
        school_class=other_class,
        occurred_on=in_term,
        cause=DamageCause.UNKNOWN,
    )
    record(clerk, school, asset=desk, school_class=own_class, occurred_on=date(2025, 3, 1))

    client.force_login(clerk)
    url = reverse("assets:damage_class_totals") + f"?term={term.pk}"
    page = client.get(url)
    assert [r["records"] for r in page.context["rows"]] == [1, 1]

    response = client.get(url + "&export=xlsx")
    sheet = load_workbook(filename=__import__("io").BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # header + two classes
    assert rows[2][-1] == 1  # the unknown culprit's class lost a point

    client.force_login(class_teacher)
    mine = client.get(url).context["rows"]
    assert [r["school_class"] for r in mine] == [own_class]


def test_the_list_runs_a_fixed_number_of_queries(
    client, clerk, school, desk, own_class, django_assert_max_num_queries
):
    for _ in range(3):
        record(clerk, school, asset=desk, school_class=own_class)
    client.force_login(clerk)
    url = reverse("assets:damage_list")
    client.get(url)
    with django_assert_max_num_queries(20) as first:
        client.get(url)
    for _ in range(6):
        record(
            clerk,
            school,
            room=RoomFactory(floor__building__campus__school=school),
            responsible_name="x",
        )
    with django_assert_max_num_queries(len(first)):
        client.get(url)

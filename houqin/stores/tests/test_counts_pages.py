"""Stock count pages: start, count on a phone row by row, submit, print, export; who may."""

import pytest
from django.urls import reverse

from houqin import factories as f
from houqin.stores import ledger
from houqin.stores import services_counts as counts
from houqin.stores.models.counts import StockCount, StockCountStatus

from .counts_support import D, stocked, store_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(school):
    return f.member(school, "keeper", username="keeper")


@pytest.fixture
def shelf(school, keeper):
    return [stocked(school, keeper, f"物品{n}", 10, "2.00") for n in range(3)]


def test_keeper_starts_a_count_and_counts_row_by_row(client, school, keeper, shelf):
    client.force_login(keeper)
    response = client.post(reverse("stores:count_add"), {"store": store_of(school).pk})
    count = StockCount.objects.get()
    assert response.status_code == 302
    assert response["Location"] == count.get_absolute_url()

    page = client.get(count.get_absolute_url())
    assert page.status_code == 200
    assert "物品1" in page.content.decode()

    line = count.lines.get(item=shelf[1])
    row = client.post(
        reverse("stores:count_lines", args=[count.pk]),
        {f"c-{line.pk}": "7"},
        HTTP_HX_REQUEST="true",
    )
    assert row.status_code == 200
    assert f'id="line-{line.pk}"' in row.content.decode()
    line.refresh_from_db()
    assert line.counted == D(7)


def test_keeper_saves_all_counts_and_submits(client, school, keeper, shelf):
    count = counts.start(store=store_of(school), by=keeper)
    client.force_login(keeper)
    data = {f"c-{line.pk}": "10" for line in count.lines.all()}
    client.post(reverse("stores:count_lines", args=[count.pk]), data)
    assert count.lines.filter(counted=D(10)).count() == 3
    response = client.post(reverse("stores:count_action", args=[count.pk, "submit"]))
    assert response.status_code == 302
    count.refresh_from_db()
    assert count.status == StockCountStatus.PENDING


def test_submitting_with_uncounted_items_shows_why_and_changes_nothing(
    client, school, keeper, shelf
):
    count = counts.start(store=store_of(school), by=keeper)
    client.force_login(keeper)
    response = client.post(reverse("stores:count_action", args=[count.pk, "submit"]), follow=True)
    assert "3 items are not counted yet" in response.content.decode()
    count.refresh_from_db()
    assert count.status == StockCountStatus.COUNTING


def test_a_bad_quantity_on_a_row_is_shown_on_that_row(client, school, keeper, shelf):
    count = counts.start(store=store_of(school), by=keeper)
    line = count.lines.first()
    client.force_login(keeper)
    row = client.post(
        reverse("stores:count_lines", args=[count.pk]),
        {f"c-{line.pk}": "-1"},
        HTTP_HX_REQUEST="true",
    )
    assert "greater than zero" in row.content.decode() or "number" in row.content.decode()
    line.refresh_from_db()
    assert line.counted is None


def test_count_sheet_prints_and_result_exports(client, school, keeper, shelf):
    count = counts.start(store=store_of(school), by=keeper)
    client.force_login(keeper)
    sheet = client.get(reverse("stores:count_print", args=[count.pk]))
    assert sheet.status_code == 200
    assert count.number in sheet.content.decode()
    blind = client.get(reverse("stores:count_print", args=[count.pk]) + "?blind=1")
    assert blind.status_code == 200
    export = client.get(count.get_absolute_url() + "?export=xlsx")
    assert export.status_code == 200
    assert export["Content-Disposition"].endswith(".xlsx")


def test_teacher_cannot_see_counts(client, school, keeper, shelf):
    count = counts.start(store=store_of(school), by=keeper)
    client.force_login(f.member(school, "staff", username="t"))
    assert client.get(reverse("stores:count_list")).status_code == 403
    assert client.get(count.get_absolute_url()).status_code == 404
    assert client.get(reverse("stores:count_add")).status_code == 403
    response = client.post(
        reverse("stores:count_lines", args=[count.pk]), {f"c-{count.lines.first().pk}": "1"}
    )
    assert response.status_code == 404


def test_keeper_of_another_school_cannot_reach_the_count(
    client, school, other_school, keeper, shelf
):
    count = counts.start(store=store_of(school), by=keeper)
    client.force_login(f.member(other_school, "keeper", username="stranger"))
    assert client.get(count.get_absolute_url()).status_code == 404
    assert client.get(reverse("stores:count_print", args=[count.pk])).status_code == 404
    client.post(reverse("stores:count_action", args=[count.pk, "cancel"]))
    count.refresh_from_db()
    assert count.status == StockCountStatus.COUNTING


def test_count_list_runs_a_bounded_number_of_queries(
    client, school, keeper, django_assert_max_num_queries
):
    for n in range(6):
        store = store_of(school, f"仓库{n}")
        stocked(school, keeper, f"物品{n}", 5, "1.00", store=store)
        counts.start(store=store, by=keeper)
    client.force_login(keeper)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("stores:count_list"))
    assert response.status_code == 200
    assert response.content.decode().count("PD-") >= 6


def test_approved_count_page_shows_the_adjustments(client, school, keeper, shelf):
    from houqin.core import approvals

    boss = f.member(school, "director", username="boss")
    count = counts.start(store=store_of(school), by=keeper)
    counts.record_counts(count, {count.lines.first().pk: 9}, by=keeper)
    counts.submit(count, by=keeper, uncounted_as_expected=True)
    client.force_login(boss)
    page = client.get(count.get_absolute_url())
    assert page.status_code == 200
    approvals.approve(count, by=boss)
    assert ledger.on_hand(shelf[0]) + ledger.on_hand(shelf[1]) + ledger.on_hand(shelf[2]) == D(29)
    assert client.get(count.get_absolute_url()).status_code == 200


def test_saved_row_keeps_saving_and_a_found_item_is_added_on_the_page(
    client, school, keeper, shelf
):
    from .counts_support import item_of

    count = counts.start(store=store_of(school), by=keeper)
    line = count.lines.first()
    client.force_login(keeper)
    row = client.post(
        reverse("stores:count_lines", args=[count.pk]), {f"c-{line.pk}": "3"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'hx-post="{reverse("stores:count_lines", args=[count.pk])}"' in row

    found = item_of(school, "订书机")
    client.post(
        reverse("stores:count_action", args=[count.pk, "add_item"]),
        {"item": found.pk, "counted": "2"},
    )
    added = count.lines.get(item=found)
    assert (added.expected, added.counted) == (D(0), D(2))

"""The work-order list with very many orders: a capped count, stable pages, fast searches and
date ranges, and a bounded number of queries whatever the filters (docs/performance.md).

Run on SQLite by default; with DATABASE_URL=postgres://… the PostgreSQL search path (the
character index of migration 0004) is exercised too."""

import re
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from houqin.core.testing import count_queries, load_baseline
from houqin.maintenance import filters, services, tables
from houqin.maintenance.api import WorkOrderPagination
from houqin.maintenance.models import WorkOrder
from houqin.maintenance.tests.test_pages import make_order, make_room
from houqin.maintenance.views import WorkOrderListView

pytestmark = pytest.mark.django_db
BASELINE = load_baseline(__file__.rpartition("/")[0])
LIST = "maintenance:workorder_list"
API_LIST = "api:maintenance:workorder-list"


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 2 rows, counted up to 3: five orders are "more than the limit"."""
    monkeypatch.setattr(WorkOrderListView, "paginate_by", 2)
    monkeypatch.setattr(WorkOrderListView, "count_limit", 3)


def numbers_on(client, url) -> list[str]:
    body = client.get(url).content.decode()
    return [n for n in WorkOrder.objects.values_list("number", flat=True) if f">{n}<" in body]


def test_list_says_there_are_more_orders_than_it_counts(
    client, school, teacher, director, small_pages
):
    for _ in range(5):
        make_order(school, teacher)
    client.force_login(director)

    body = client.get(reverse(LIST)).content.decode()

    assert "More than 3 rows" in body
    assert "5 rows" not in body


def test_list_counts_exactly_below_its_limit(client, school, teacher, director, small_pages):
    make_order(school, teacher)
    make_order(school, teacher)
    client.force_login(director)

    body = client.get(reverse(LIST)).content.decode()

    assert "2 rows" in body
    assert "More than" not in body


def test_pages_stop_at_the_limit_and_a_deeper_page_shows_the_last_one(
    client, school, teacher, director, small_pages
):
    orders = [make_order(school, teacher) for _ in range(5)]
    newest_first = [o.number for o in sorted(orders, key=lambda o: (o.created_at, o.pk))][::-1]
    client.force_login(director)

    deep = numbers_on(client, reverse(LIST) + "?page=9")

    # Three rows are counted, so page 2 (the last) holds the third newest only.
    assert deep == [newest_first[2]]
    # ... counted once, as for the last page itself.
    past, _response = count_queries(client, reverse(LIST) + "?page=9")
    last, _response = count_queries(client, reverse(LIST) + "?page=2")
    assert past == last


def test_pages_neither_repeat_nor_skip_orders_reported_at_the_same_moment(
    client, school, teacher, director, monkeypatch
):
    monkeypatch.setattr(WorkOrderListView, "paginate_by", 2)
    room = make_room(school)
    orders = [make_order(school, teacher, room=room) for _ in range(5)]
    WorkOrder.objects.update(created_at=timezone.now() - timedelta(days=1))
    client.force_login(director)

    for sort in ("", "&sort=status", "&sort=-category", "&sort=room", "&sort=number"):
        seen = []
        for page in (1, 2, 3):
            seen += numbers_on(client, reverse(LIST) + f"?page={page}{sort}")
        assert sorted(seen) == sorted(o.number for o in orders), sort


def test_search_finds_an_order_by_its_number(client, school, teacher, director):
    wanted = make_order(school, teacher)
    other = make_order(school, teacher)
    client.force_login(director)

    found = numbers_on(client, reverse(LIST) + f"?q={wanted.number.lower()}")

    assert found == [wanted.number]
    assert other.number not in found


@pytest.mark.parametrize("text", ["漏水", "漏", "龙头漏"])
def test_search_finds_short_chinese_words_in_the_description(
    client, school, teacher, director, text
):
    leak = make_order(school, teacher, description="水龙头漏水")
    aircon = make_order(school, teacher, description="空调不制冷")
    client.force_login(director)

    found = numbers_on(client, reverse(LIST) + f"?q={text}")

    assert found == [leak.number]
    assert aircon.number not in found


def test_search_of_two_characters_ignores_case(client, school, teacher, director):
    projector = make_order(school, teacher, description="投影仪 HDMI 接口松了")
    make_order(school, teacher, description="门锁坏了")
    client.force_login(director)

    assert numbers_on(client, reverse(LIST) + "?q=hd") == [projector.number]


def test_reported_between_takes_whole_days_in_the_local_time_zone(
    client, school, teacher, director
):
    late = make_order(school, teacher)
    early = make_order(school, teacher)
    day = timezone.localdate() - timedelta(days=10)
    tz = timezone.get_current_timezone()
    WorkOrder.objects.filter(pk=late.pk).update(
        created_at=datetime(day.year, day.month, day.day, 23, 50, tzinfo=tz)
    )
    WorkOrder.objects.filter(pk=early.pk).update(
        created_at=datetime(day.year, day.month, day.day, 0, 5, tzinfo=tz) + timedelta(days=1)
    )
    client.force_login(director)
    url = reverse(LIST)

    assert numbers_on(client, f"{url}?created_before={day.isoformat()}") == [late.number]
    assert numbers_on(
        client, f"{url}?created_after={day.isoformat()}&created_before={day.isoformat()}"
    ) == [late.number]
    next_day = (day + timedelta(days=1)).isoformat()
    assert numbers_on(client, f"{url}?created_after={next_day}") == [early.number]


FILTERED = [
    "?status=submitted&status=assigned&sort=-urgency",
    "?open_only=true&q=漏水",
    "?q=WX-&sort=number",
    "?overdue=false&sort=room",
    "?sort=assignee&page=2",
]


@pytest.mark.parametrize("query", FILTERED)
def test_list_queries_stay_bounded_whatever_the_filters(
    client, school, teacher, director, make_member, query
):
    worker = make_member(school, "worker", username="fixer")

    def make(n):
        for _ in range(n):
            order = make_order(school, teacher, description="水管漏水")
            services.assign(order, by=director, worker=worker)

    make(3)
    client.force_login(director)
    url = reverse(LIST) + query
    client.get(url)
    first, response = count_queries(client, url)
    assert response.status_code == 200
    assert first <= BASELINE[LIST] + 1  # +1: the selected place or assignee, when filtered

    make(6)
    again, _response = count_queries(client, url)

    assert again == first


@pytest.mark.parametrize(
    "query",
    ["?status=submitted&status=assigned", "?open_only=true&q=漏水", "?q=WX-", "?overdue=false"],
)
def test_api_list_queries_stay_bounded_whatever_the_filters(
    school, teacher, director, make_member, query
):
    api = APIClient()
    worker = make_member(school, "worker", username="fixer")

    def make(n):
        for _ in range(n):
            order = make_order(school, teacher, description="水管漏水")
            services.assign(order, by=director, worker=worker)

    make(3)
    api.force_authenticate(director)
    url = reverse(API_LIST) + query
    api.get(url)
    first, response = count_queries(api, url)
    assert response.status_code == 200
    assert first <= BASELINE[API_LIST]

    make(6)
    again, _response = count_queries(api, url)

    assert again == first


def test_api_list_tells_when_its_count_is_capped(school, teacher, director, monkeypatch):
    monkeypatch.setattr(WorkOrderPagination, "count_limit", 3)
    api = APIClient()
    api.force_authenticate(director)
    make_order(school, teacher)
    make_order(school, teacher)

    exact = api.get(reverse(API_LIST)).json()
    assert (exact["count"], exact["count_capped"]) == (2, False)

    make_order(school, teacher)
    make_order(school, teacher)
    capped = api.get(reverse(API_LIST)).json()

    assert (capped["count"], capped["count_capped"]) == (3, True)
    assert len(capped["results"]) == 3


def _markup(html: str) -> str:
    """The page's markup without the layout whitespace and the per-request CSRF token."""
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r"\s+", " ", html).replace("<td >", "<td>").replace("<tbody >", "<tbody>")
    return re.sub(r">\s+<", "><", html)


def test_list_rows_show_what_the_generic_table_shows(
    client, school, teacher, director, make_member, monkeypatch
):
    worker = make_member(school, "worker", username="fixer", full_name="王师傅")
    noted = make_order(school, teacher, title="Tap <b>&</b> sink", location_note="靠窗")
    services.assign(noted, by=director, worker=worker)
    described = make_order(school, teacher)
    WorkOrder.objects.filter(pk=described.pk).update(room=None, location_note="操场东侧")
    make_order(school, teacher)
    client.force_login(director)
    urls = [reverse(LIST), reverse(LIST) + "?sort=room", reverse(LIST) + "?q=nothing-like-it"]
    htmx = {"headers": {"HX-Request": "true", "HX-Target": "object-table"}}

    plain = [_markup(client.get(url).content.decode()) for url in urls]
    plain_fragment = _markup(client.get(urls[1], **htmx).content.decode())
    monkeypatch.setattr(tables.WorkOrderTable._meta, "template_name", "core/generic/table.html")
    generic = [_markup(client.get(url).content.decode()) for url in urls]
    generic_fragment = _markup(client.get(urls[1], **htmx).content.decode())

    assert "Tap &lt;b&gt;&amp;&lt;/b&gt; sink" in plain[0] and "靠窗" in plain[0]
    assert "操场东侧" not in plain[0]  # no place: "—", as django-tables2 shows it
    assert "Nothing found." in plain[2]
    assert plain == generic
    assert plain_fragment == generic_fragment and "<html" not in plain_fragment


def test_place_and_assignee_filters_offer_the_options_django_would(
    client, school, teacher, director, make_member, monkeypatch
):
    worker = make_member(school, "worker", username="fixer", full_name="王师傅")
    make_member(school, "worker", username="nameless", full_name="")
    room = make_room(school, number="101", name="Lab")
    make_room(school, number="102", name="102")
    order = make_order(school, teacher, room=room)
    services.assign(order, by=director, worker=worker)
    client.force_login(director)
    url = reverse(LIST) + f"?room={room.pk}&assignee={worker.pk}"

    fast = _markup(client.get(url).content.decode())
    monkeypatch.setattr(filters.PlainSelect, "_plain_choices", lambda self: None)
    slow = _markup(client.get(url).content.decode())

    assert f'<option value="{room.pk}" selected>' in fast
    assert f'<option value="{worker.pk}" selected>王师傅</option>' in fast
    assert ">nameless</option>" in fast
    assert fast == slow


def test_deep_pages_read_their_ids_first_and_show_the_same_orders(
    client, school, teacher, director, monkeypatch
):
    monkeypatch.setattr(WorkOrderListView, "paginate_by", 2)
    for _ in range(5):
        make_order(school, teacher)
    client.force_login(director)
    urls = [reverse(LIST) + query for query in ("?page=2", "?page=3&sort=-number")]
    shallow = [numbers_on(client, url) for url in urls]
    shallow_queries, _response = count_queries(client, urls[0])

    monkeypatch.setattr(tables._DeepPages, "DEEP_OFFSET", 2)  # page 2 on is "deep"
    deep = [numbers_on(client, url) for url in urls]
    deep_queries, _response = count_queries(client, urls[0])

    assert deep == shallow and len(deep[0]) == 2 and len(deep[1]) == 1
    assert deep_queries == shallow_queries + 1  # the ids, then their orders


def test_an_export_past_the_limit_asks_to_filter_and_sends_no_file(
    client, school, director, make_member, monkeypatch
):
    from houqin.maintenance.tests.factories import make_order
    from houqin.maintenance.views import WorkOrderListView

    teacher = make_member(school, "staff", username="exporter-t")
    for _ in range(3):
        make_order(school, teacher)
    monkeypatch.setattr(WorkOrderListView, "export_limit", 2)
    client.force_login(director)
    url = reverse("maintenance:workorder_list")
    response = client.get(url, {"export": "xlsx", "urgency": "normal"})
    assert response.status_code == 302
    assert "export" not in response.url and "urgency=normal" in response.url
    page = client.get(response.url).content.decode()
    assert "More than 2 rows to export" in page
    monkeypatch.setattr(WorkOrderListView, "export_limit", 3)
    response = client.get(url, {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/")


def test_the_export_has_every_column_and_its_queries_do_not_grow(
    client, school, teacher, director, make_member
):
    """The list loads only the columns its table shows (tables.LIST_FIELDS): the export, which
    writes the same columns, reads no other field of an order (one query per row would)."""
    worker = make_member(school, "worker", username="fixer", full_name="王师傅")
    room = make_room(school, number="101", name="实验室")
    order = make_order(school, teacher, room=room, title="水龙头漏水", location_note="靠窗")
    services.assign(order, by=director, worker=worker)
    client.force_login(director)
    url = reverse(LIST) + "?export=csv"

    first, response = count_queries(client, url)
    text = response.content.decode("utf-8-sig")
    for _ in range(4):
        make_order(school, teacher)
    again, _response = count_queries(client, url)

    assert order.number in text and "水龙头漏水" in text and "王师傅" in text
    assert "101 实验室 靠窗" in text
    assert again == first


def test_the_filter_form_is_the_markup_django_writes(
    client, school, teacher, director, monkeypatch
):
    """Django's select widgets are rendered by their Python twins (core.filters.FAST_WIDGETS):
    the page is byte for byte the one Django's widget templates write."""
    from django import forms as django_forms

    from houqin.core import filters as core_filters

    make_order(school, teacher)
    client.force_login(director)
    url = reverse(LIST) + "?status=submitted&status=done&urgency=urgent&open_only=false"

    fast = client.get(url).content.decode()
    monkeypatch.setattr(core_filters, "FAST_WIDGETS", {})
    monkeypatch.setattr(core_filters.YesNoSelect, "render", django_forms.Select.render)
    django = client.get(url).content.decode()

    assert '<option value="submitted" selected>' in fast
    assert _markup(fast) == _markup(django)
    strip = re.compile(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]*"')
    assert strip.sub("", fast) == strip.sub("", django)


SHORT_TEXTS = {
    "漏": {"leak"},
    "漏水": {"leak"},
    "空调": {"aircon"},
    "hd": {"projector"},
    "%": {"percent"},
    "_": {"underscore"},
    "鑫": set(),
}


@pytest.mark.postgres
@pytest.mark.parametrize("common", [True, False], ids=["common-shape", "rare-shape"])
def test_short_texts_find_the_same_orders_in_both_query_shapes(
    client, school, other_school, teacher, director, make_member, monkeypatch, common
):
    """PostgreSQL: a one- or two-character text is searched in one of two shapes, chosen by how
    common the text is (filters.search_short_text); both find exactly the orders whose title or
    description contains it, in this school only, whatever the sort and other filters."""
    orders = {
        "leak": make_order(school, teacher, description="水龙头漏水"),
        "aircon": make_order(school, teacher, title="空调", description="不制冷"),
        "projector": make_order(school, teacher, description="投影仪 HDMI 接口松了"),
        "percent": make_order(school, teacher, description="灯亮度只有50%"),
        "underscore": make_order(school, teacher, description="网口 a_b 不通"),
    }
    stranger = make_member(other_school, "staff", username="stranger")
    elsewhere = make_order(other_school, stranger, description="水龙头漏水 空调 HDMI 50% a_b")
    # Common: every text is "common"; rare: none is.
    monkeypatch.setattr(filters, "COMMON_SHARE", -1.0 if common else 2.0)
    client.force_login(director)

    def found_on(url):
        body = client.get(url).content.decode()
        pks = re.findall(r'href="/repairs/(\d+)/"', body)
        return {int(pk) for pk in pks}

    for text, wanted in SHORT_TEXTS.items():
        for extra in ("", "&sort=room", "&sort=-number&open_only=true", "&sort=created_at"):
            found = found_on(reverse(LIST) + f"?q={quote(text)}{extra}")
            assert found == {orders[k].pk for k in wanted}, (text, extra)
            assert elsewhere.pk not in found

    shape = str(WorkOrder.objects.filter(filters.search_short_text("漏", common=common)).query)
    assert ("LIKE" in shape) is common and ("ANY(ARRAY" in shape) is not common


@pytest.mark.postgres
def test_the_share_of_a_short_text_is_the_planners_estimate(school, teacher):
    from django.db import connection

    make_order(school, teacher, description="水龙头漏水")

    share = filters.short_text_share("漏", connection.alias)

    assert 0.0 <= share <= 1.0

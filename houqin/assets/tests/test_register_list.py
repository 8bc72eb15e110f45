"""The register list and API list with many assets: a bounded number of queries whatever the
rows and filters, a capped count, stable pages, searches, and rows that show what the generic
table would (docs/performance-assets.md).

Runs on SQLite by default; with DATABASE_URL=postgres://… the trigram indexes of migration
0002_list_search are used too."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from houqin.assets import tables
from houqin.assets.api_register import AssetPagination
from houqin.assets.filters import PlainSelect
from houqin.assets.models import Asset, AssetStatus
from houqin.assets.tests.factories import AssetCategoryFactory, AssetFactory
from houqin.assets.views_register import AssetListView
from houqin.core.testing import assert_query_baseline, count_queries, load_baseline
from houqin.factories import DepartmentFactory, RoomFactory

pytestmark = pytest.mark.django_db
BASELINE = load_baseline(__file__.rpartition("/")[0])
LIST = "assets:asset_list"
API_LIST = "api:assets:asset-list"


@pytest.fixture
def site(school, make_member):
    """A computer category, two rooms, a department and a custodian to spread assets over."""
    return {
        "category": AssetCategoryFactory(school=school, code="A02010100", name="计算机"),
        "rooms": [RoomFactory(floor__building__campus__school=school) for _ in range(2)],
        "department": DepartmentFactory(school=school),
        "custodian": make_member(school, "staff", username="keeper-of-pcs", full_name="李老师"),
    }


def make_assets(school, site, n, start=0):
    for i in range(start, start + n):
        AssetFactory(
            school=school,
            number=f"ZC2026{i:06d}",
            name="台式计算机" if i % 2 else "投影仪",
            category=site["category"],
            room=site["rooms"][i % 2],
            department=site["department"],
            custodian=site["custodian"],
            unit_price=Decimal("4800") + i,
            total_value=Decimal("4800") + i,
            status=AssetStatus.IN_USE if i % 3 else AssetStatus.IDLE,
        )


def numbers_on(client, url) -> list[str]:
    body = client.get(url).content.decode()
    return re.findall(r">(ZC2026\d{6})<", body)


FILTERED = [
    "",
    "?status=in_use&status=idle&sort=-status",
    "?q=计算机",
    "?q=ZC2026&sort=number",
    "?sort=room&page=2",
    "?sort=-total_value&value_min=4000",
    "?acquired_after=2000-01-01&sort=acquired_on",
    "?sort=custodian",
    "?sort=name",
]


@pytest.mark.parametrize("query", FILTERED)
def test_list_queries_stay_bounded_whatever_the_filters(client, school, director, site, query):
    make_assets(school, site, 3)
    client.force_login(director)
    url = reverse(LIST) + query
    client.get(url)
    first, response = count_queries(client, url)
    assert response.status_code == 200
    assert first <= BASELINE[LIST]

    make_assets(school, site, 60, start=3)
    again, _response = count_queries(client, url)

    assert again == first


def test_filtered_list_with_selected_place_and_people_stays_in_the_baseline(
    client, school, director, site
):
    make_assets(school, site, 4)
    client.force_login(director)
    query = (
        f"?room={site['rooms'][0].pk}&department={site['department'].pk}"
        f"&custodian={site['custodian'].pk}&category={site['category'].pk}"
        f"&building={site['rooms'][0].floor.building_id}"
    )
    assert_query_baseline(client, reverse(LIST) + query, LIST, BASELINE)


@pytest.mark.parametrize(
    "query", ["", "?status=in_use", "?q=计算机", "?category=__cat__&sort=-total_value"]
)
def test_api_list_queries_stay_bounded_whatever_the_filters(school, director, site, query):
    api = APIClient()
    api.force_authenticate(director)
    query = query.replace("__cat__", str(site["category"].pk))
    make_assets(school, site, 3)
    url = reverse(API_LIST) + query
    api.get(url)
    first, response = count_queries(api, url)
    assert response.status_code == 200
    assert first <= BASELINE[API_LIST]

    make_assets(school, site, 20, start=3)
    again, _response = count_queries(api, url)

    assert again == first


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 2 rows, counted up to 3: five assets are "more than the limit"."""
    monkeypatch.setattr(AssetListView, "paginate_by", 2)
    monkeypatch.setattr(AssetListView, "count_limit", 3)


def test_list_says_there_are_more_assets_than_it_counts(
    client, school, director, site, small_pages
):
    make_assets(school, site, 5)
    client.force_login(director)

    body = client.get(reverse(LIST)).content.decode()

    assert "More than 3 rows" in body


def test_pages_neither_repeat_nor_skip_assets_that_share_a_value(
    client, school, director, site, monkeypatch
):
    monkeypatch.setattr(AssetListView, "paginate_by", 2)
    make_assets(school, site, 5)
    Asset.objects.update(total_value=Decimal("100"), name="同名", acquired_on="2024-01-01")
    client.force_login(director)

    for sort in (
        "",
        "&sort=-total_value",
        "&sort=name",
        "&sort=room",
        "&sort=-acquired_on",
        "&sort=status",
        "&sort=custodian",
    ):
        seen = []
        for page in (1, 2, 3):
            seen += numbers_on(client, reverse(LIST) + f"?active=&page={page}{sort}")
        assert sorted(seen) == [f"ZC2026{i:06d}" for i in range(5)], sort


def test_the_newest_numbers_come_first(client, school, director, site):
    make_assets(school, site, 3)
    client.force_login(director)

    assert numbers_on(client, reverse(LIST)) == ["ZC2026000002", "ZC2026000001", "ZC2026000000"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ZC2026000001", ["ZC2026000001"]),  # a whole number
        ("zc2026000001", ["ZC2026000001"]),  # any case
        ("投影", ["ZC2026000000", "ZC2026000002"]),  # two characters of a name
        ("影", ["ZC2026000000", "ZC2026000002"]),  # one
        ("HP-", ["ZC2026000001"]),  # the model
        ("SN-0001", ["ZC2026000001"]),  # the serial number
    ],
)
def test_search_finds_numbers_names_models_and_serials(
    client, school, director, site, text, expected
):
    make_assets(school, site, 3)
    Asset.objects.filter(number="ZC2026000001").update(model="HP-400 G9", serial_number="SN-0001")
    client.force_login(director)

    found = numbers_on(client, reverse(LIST) + f"?q={text}")

    assert sorted(found) == expected


def test_api_list_takes_the_page_filters_and_tells_when_its_count_is_capped(
    school, director, site, monkeypatch
):
    monkeypatch.setattr(AssetPagination, "count_limit", 3)
    make_assets(school, site, 5)  # four active and one disposed
    Asset.objects.filter(number="ZC2026000003").update(status=AssetStatus.DISPOSED)
    api = APIClient()
    api.force_authenticate(director)

    capped = api.get(reverse(API_LIST)).json()
    assert (capped["count"], capped["count_capped"]) == (3, True)

    disposed = api.get(reverse(API_LIST), {"status": "disposed"}).json()
    assert [a["number"] for a in disposed["results"]] == ["ZC2026000003"]
    assert disposed["count_capped"] is False


def _markup(html: str) -> str:
    """The page's markup without layout whitespace and per-request tokens."""
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r"\s+", " ", html).replace("<td >", "<td>").replace("<tbody >", "<tbody>")
    html = html.replace('<td class="text-end" >', '<td class="text-end">')
    return re.sub(r">\s+<", "><", html)


def test_list_rows_show_what_the_generic_table_shows(client, school, director, site, monkeypatch):
    make_assets(school, site, 3)
    Asset.objects.filter(number="ZC2026000001").update(
        name="Tap <b>&</b>", room=None, custodian=None, model="", acquired_on=None
    )
    Asset.objects.filter(number="ZC2026000002").update(quantity=Decimal("120"), unit="套")
    client.force_login(director)
    urls = [reverse(LIST), reverse(LIST) + "?sort=room", reverse(LIST) + "?q=nothing-like-it"]
    htmx = {"headers": {"HX-Request": "true", "HX-Target": "object-table"}}

    plain = [_markup(client.get(url).content.decode()) for url in urls]
    plain_fragment = _markup(client.get(urls[1], **htmx).content.decode())
    monkeypatch.setattr(tables.AssetTable._meta, "template_name", "core/generic/table.html")
    generic = [_markup(client.get(url).content.decode()) for url in urls]
    generic_fragment = _markup(client.get(urls[1], **htmx).content.decode())

    assert "Tap &lt;b&gt;&amp;&lt;/b&gt;" in plain[0] and "120 套" in plain[0]
    assert "Nothing found." in plain[2]
    assert plain == generic
    assert plain_fragment == generic_fragment and "<html" not in plain_fragment


def test_place_people_and_category_filters_offer_the_options_django_would(
    client, school, director, site, monkeypatch
):
    make_assets(school, site, 2)
    client.force_login(director)
    url = reverse(LIST) + (
        f"?room={site['rooms'][0].pk}&custodian={site['custodian'].pk}"
        f"&category={site['category'].pk}"
    )

    fast = _markup(client.get(url).content.decode())
    monkeypatch.setattr(PlainSelect, "_plain_choices", lambda self: None)
    slow = _markup(client.get(url).content.decode())

    assert f'<option value="{site["custodian"].pk}" selected>李老师</option>' in fast
    assert f'<option value="{site["category"].pk}" selected>A02010100 计算机</option>' in fast
    assert fast == slow


def test_deep_pages_show_the_same_assets(client, school, director, site, monkeypatch):
    from houqin.maintenance import tables as maintenance_tables

    monkeypatch.setattr(AssetListView, "paginate_by", 2)
    make_assets(school, site, 5)
    client.force_login(director)
    urls = [reverse(LIST) + q for q in ("?page=2&active=", "?page=3&sort=name&active=")]
    shallow = [numbers_on(client, url) for url in urls]

    monkeypatch.setattr(maintenance_tables._DeepPages, "DEEP_OFFSET", 2)
    deep = [numbers_on(client, url) for url in urls]

    assert deep == shallow and len(deep[0]) == 2 and len(deep[1]) == 1

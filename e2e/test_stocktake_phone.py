"""A stock-take counted on a 360 px phone, in the system Chromium with the real CSP.

The warehouse keeper opens the scan page, chooses room 301, types two asset codes (one that
belongs there, one that belongs in 302) and one code nobody knows, and watches the room's
counters move. Then the network drops: the next code waits on the phone and is sent by itself
when the network comes back. Screenshots go to ``e2e/artifacts/stocktake-*.png``.
"""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).parent / "artifacts"
WIDTH = 360
SCREENSHOTS = (
    "stocktake-01-room-chosen.png",
    "stocktake-02-scanned.png",
    "stocktake-03-offline.png",
    "stocktake-04-back-online.png",
)
SIDEWAYS_JS = "() => document.documentElement.scrollWidth"


@pytest.fixture
def counting(db):
    from houqin.assets.tests.test_stocktake_support import make_site, start

    site = make_site()
    stocktake = start(site, buildings=[site.teaching], name="Spring count")
    return site, stocktake


def test_keeper_counts_a_room_by_typing_codes_and_keeps_scans_while_offline(
    live_server, phone, counting
):
    from playwright.sync_api import expect

    from houqin.assets.models import ScanResult, StockTakeScan

    expect.set_options(timeout=20_000)
    site, stocktake = counting
    errors = []
    # A request that fails while offline is the browser's own console line, not the page's.
    phone.on(
        "console",
        lambda m: (
            m.type == "error"
            and "ERR_INTERNET_DISCONNECTED" not in m.text
            and errors.append(m.text)
        ),
    )
    phone.on("pageerror", lambda e: errors.append(str(e)))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name in SCREENSHOTS:
        (ARTIFACTS / name).unlink(missing_ok=True)
    sideways = []

    def shot(name):
        width = phone.evaluate(SIDEWAYS_JS)
        if width > WIDTH:
            sideways.append((name, width))
        phone.screenshot(path=str(ARTIFACTS / name), full_page=True)

    # The keeper logs in on the phone and opens the stock-take's scan page.
    phone.goto(live_server.url + "/")
    phone.fill("input[name=username]", site.keeper.username)
    phone.fill("input[name=password]", "pass-1234")
    phone.click("button[type=submit]")
    phone.wait_for_url(live_server.url + "/")
    phone.goto(f"{live_server.url}/assets/stocktakes/{stocktake.pk}/scan/")
    expect(phone.locator("h2.page-title")).to_contain_text(stocktake.number)

    # Room 301 expects the two computers: 0 of 2 found so far.
    phone.select_option("#scan-room", str(site.r301.pk))
    counters = phone.locator("#scan-progress")
    expect(counters).to_be_visible()
    expect(counters.locator("[data-progress=expected]")).to_have_text("2")
    expect(counters.locator("[data-progress=found]")).to_have_text("0")
    shot(SCREENSHOTS[0])

    code = phone.locator("#scan-code")
    rows = phone.locator("#scan-list li")

    # A computer of 301, typed by its number: found in place.
    code.fill(site.pc1.number)
    code.press("Enter")
    expect(rows.first.locator("[data-result]")).to_have_text("Found in place")
    expect(counters.locator("[data-progress=found]")).to_have_text("1")

    # The projector of 302, by its label's address: found elsewhere (moved in here).
    code.fill(f"{live_server.url}/a/{site.projector.qr_token}/")
    code.press("Enter")
    expect(rows.first.locator("[data-result]")).to_have_text("Found elsewhere")
    expect(rows.first).to_contain_text("expected in")
    expect(counters.locator("[data-progress=moved_in]")).to_have_text("1")

    # A label nobody knows: kept as surplus.
    code.fill("OLD-LABEL-0042")
    code.press("Enter")
    expect(rows.first.locator("[data-result]")).to_have_text("Surplus (not on the register)")
    expect(counters.locator("[data-progress=surplus]")).to_have_text("1")
    expect(rows).to_have_count(3)
    shot(SCREENSHOTS[1])

    # The network drops: the second computer waits on the phone.
    phone.context.set_offline(True)
    code.fill(site.pc2.number)
    code.press("Enter")
    expect(rows.first.locator("[data-result]")).to_have_text("Waiting to send")
    expect(phone.locator("[data-queue-count]")).to_have_text("1")
    expect(phone.locator("[data-network]")).to_contain_text("Offline")
    shot(SCREENSHOTS[2])
    assert stocktake.items.get(asset=site.pc2).result == ScanResult.PENDING

    # Back online: sent by itself, counted once.
    phone.context.set_offline(False)
    expect(rows.first.locator("[data-result]")).to_have_text("Found in place")
    expect(counters.locator("[data-progress=found]")).to_have_text("2")
    expect(phone.locator("[data-queue]")).to_be_hidden()
    shot(SCREENSHOTS[3])

    # The room's QR poster (…/r/<token>/) typed or scanned chooses the room: 302's counters.
    code.fill(f"{live_server.url}/r/{site.r302.qr_token}/")
    code.press("Enter")
    expect(phone.locator("#scan-room")).to_have_value(str(site.r302.pk))
    expect(counters.locator("[data-progress=expected]")).to_have_text("1")
    expect(counters.locator("[data-progress=moved_out]")).to_have_text("1")

    results = dict(stocktake.items.exclude(asset=None).values_list("asset_id", "result"))
    assert results == {
        site.pc1.pk: ScanResult.FOUND,
        site.pc2.pk: ScanResult.FOUND,
        site.projector.pk: ScanResult.MOVED,
    }
    assert stocktake.items.filter(asset=None).get().code == "OLD-LABEL-0042"
    assert StockTakeScan.objects.filter(stocktake=stocktake).count() == 4
    assert all(s.typed for s in StockTakeScan.objects.all())
    assert phone.evaluate(
        f"() => localStorage.getItem('houqin.stocktake.{stocktake.pk}.room')"
    ) == str(site.r302.pk), "the chosen room is remembered"
    assert (
        phone.evaluate(
            f"() => JSON.parse(localStorage.getItem('houqin.stocktake.{stocktake.pk}.queue'))"
        )
        == []
    )
    assert all((ARTIFACTS / name).stat().st_size > 0 for name in SCREENSHOTS)
    assert not sideways, f"pages scroll sideways on a {WIDTH} px phone: {sideways}"
    assert errors == []

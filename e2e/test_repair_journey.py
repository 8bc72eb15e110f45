"""One repair from the QR code to the rating, on phones, in the system Chromium with the real CSP.

A teacher scans the room's QR code and reports with a photo; the logistics director assigns a
worker; the worker starts and finishes with labour, a part and an after photo; the teacher
confirms with five stars. Each person has their own browser context. A screenshot of every step
is saved under ``e2e/artifacts/`` as evidence of the last run.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from houqin import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).parent / "artifacts"
WIDTH = 390
SCREENSHOTS = (
    "01-scan-form.png",
    "02-reported.png",
    "03-assigned.png",
    "04-worker-queue.png",
    "05-finished.png",
    "06-confirmed.png",
)

# The page is wider than the screen (the person must scroll sideways); names a few culprits.
SIDEWAYS_JS = """(width) => {
  const root = document.documentElement;
  const culprits = [];
  if (root.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 1) {
        const cls = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).join('.') : '';
        culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (cls ? '.' + cls : ''));
      }
    }
  }
  return {scrollWidth: root.scrollWidth, innerWidth: window.innerWidth, culprits: culprits.slice(0, 6)};
}"""

IMAGES_LOADED_JS = """(selector) => {
  const images = [...document.querySelectorAll(selector)];
  return images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0);
}"""


@pytest.fixture
def people(db):
    from houqin.maintenance import services

    school = f.SchoolFactory(code="donghu", name="Donghu Middle School")
    services.ensure_categories(school)
    building = f.BuildingFactory(campus__school=school, name="Teaching Building")
    room = f.RoomFactory(floor__building=building, floor__number=3, number="301")
    return {
        "school": school,
        "room": room,
        "teacher": f.member(school, "staff", username="linyt", full_name="Lin Yuting"),
        "director": f.member(school, "director", username="zhangwei", full_name="Zhang Wei"),
        "worker": f.member(school, "worker", username="wangqiang", full_name="Wang Qiang"),
        # A second worker, so the director really chooses.
        "other_worker": f.member(school, "worker", username="liming", full_name="Li Ming"),
    }


@pytest.fixture
def fresh_cache():
    """The QR form counts reports per address in the cache; every client here is 127.0.0.1."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg(path: Path, colour) -> Path:
    """A small real JPEG: a coloured wall with a dark crack across it."""
    image = Image.new("RGB", (160, 120), colour)
    ImageDraw.Draw(image).line([(10, 20), (80, 70), (150, 100)], fill=(40, 40, 40), width=5)
    image.save(path, format="JPEG", quality=85)
    return path


class Journey:
    """Shared bookkeeping: console/CSP errors, sideways scrolling and screenshots per page."""

    def __init__(self, live_server):
        self.url = live_server.url
        self.errors = []
        self.sideways = []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        # The last run's screenshots go first: the ones found at the end are this run's.
        for name in SCREENSHOTS:
            (ARTIFACTS / name).unlink(missing_ok=True)

    def phone(self, new_phone, who):
        page = new_phone(WIDTH, 844)
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"{who}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"{who}: {e}"))
        return page

    def login(self, page, username):
        page.goto(self.url + "/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "pass-1234")
        page.click("button[type=submit]")
        page.wait_for_url(self.url + "/")

    def check(self, page, name):
        """No sideways scrolling on this page at 390 px."""
        found = page.evaluate(SIDEWAYS_JS, WIDTH)
        if found["scrollWidth"] > WIDTH or found["innerWidth"] > WIDTH:
            self.sideways.append((name, page.url.removeprefix(self.url), found))

    def photos_shown(self, page, count):
        """The timeline shows ``count`` photo thumbnails, loaded (they load lazily)."""
        from playwright.sync_api import expect

        photos = page.locator(".timeline-panel img.img-thumbnail")
        expect(photos).to_have_count(count)
        for i in range(count):
            photos.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(IMAGES_LOADED_JS, arg=".timeline-panel img.img-thumbnail")

    def shot(self, page, filename):
        self.check(page, filename)
        page.screenshot(path=str(ARTIFACTS / filename), full_page=True)


def test_repair_from_qr_scan_to_five_star_confirmation_on_phones(
    live_server, new_phone, people, fresh_cache, media_root, tmp_path
):
    from playwright.sync_api import expect

    from houqin.core import timeline as timeline_log
    from houqin.core.models import Attachment
    from houqin.maintenance.models import Source, Status, WorkOrder

    expect.set_options(timeout=15_000)
    journey = Journey(live_server)
    room, worker = people["room"], people["worker"]
    broken = jpeg(tmp_path / "broken-light.jpg", (225, 220, 200))
    fixed = jpeg(tmp_path / "fixed-light.jpg", (240, 240, 235))

    # 1. The teacher, logged in on her phone, scans the room's QR code and reports with a photo.
    teacher = journey.phone(new_phone, "teacher")
    journey.login(teacher, "linyt")
    teacher.goto(f"{journey.url}/r/{room.qr_token}/")
    expect(teacher.locator("h1")).to_have_text("Report a problem")
    # The QR form knows her: no name or phone to type.
    expect(teacher.get_by_text("Reporting as Lin Yuting.")).to_be_visible()
    expect(teacher.locator("input[name=reporter_phone]")).to_be_hidden()
    teacher.select_option("select[name=category]", label="Water and electricity")
    teacher.fill("textarea[name=description]", "The ceiling light flickers and then goes out.")
    teacher.set_input_files("input[name=photos]", str(broken))
    journey.shot(teacher, "01-scan-form.png")
    teacher.get_by_role("button", name="Send").click()

    expect(teacher.locator("h1")).to_have_text("Thank you, we have your report.")
    order = WorkOrder.objects.get()
    assert order.number.startswith("WX")
    expect(teacher.locator("p.h1")).to_have_text(order.number)
    assert order.source == Source.QR and order.room == room
    assert order.requester == people["teacher"], "a logged-in member reports as themselves"
    journey.shot(teacher, "02-reported.png")

    # 2. The director finds the order in the list and assigns it to a worker.
    director = journey.phone(new_phone, "director")
    journey.login(director, "zhangwei")
    director.goto(journey.url + "/repairs/")
    journey.check(director, "repairs list")
    director.get_by_role("link", name=order.number).click()
    expect(director.locator("#action-assign")).to_be_visible()
    journey.check(director, "detail before assigning")
    director.select_option("select[name=assign-worker]", value=str(worker.pk))
    director.fill("input[name=assign-note]", "Bring a spare tube.")
    director.locator("#action-assign button[type=submit]").click()
    status = director.locator("dt:text-is('Status') + dd")
    expect(status).to_have_text("Assigned")
    expect(director.get_by_text(f"{order.number}: Assign done.")).to_be_visible()
    expect(director.locator("dt:text-is('Assignee') + dd")).to_have_text("Wang Qiang")
    journey.shot(director, "03-assigned.png")

    # 3. The worker opens his queue, starts the job, then finishes it with a part and a photo.
    fixer = journey.phone(new_phone, "worker")
    journey.login(fixer, "wangqiang")
    fixer.goto(journey.url + "/repairs/queue/")
    card = fixer.locator(".card", has_text=order.number)
    expect(card.get_by_text("Assigned", exact=True)).to_be_visible()
    journey.shot(fixer, "04-worker-queue.png")
    card.get_by_role("button", name="Start").click()
    expect(card.get_by_text("In progress", exact=True)).to_be_visible()
    card.get_by_role("link", name="Finish").click()

    finish = fixer.locator("#action-finish")
    expect(finish).to_be_visible()
    journey.check(fixer, "detail with the finish form")
    finish.locator("input[name=finish-labour_minutes]").fill("45")
    finish.locator("input[name=finish-part_name_0]").fill("LED tube 1.2 m")
    finish.locator("input[name=finish-part_quantity_0]").fill("2")
    finish.locator("input[name=finish-part_unit_0]").fill("pcs")
    finish.locator("input[name=finish-part_unit_cost_0]").fill("12.50")
    finish.locator("input[name=finish-photos]").set_input_files(str(fixed))
    finish.locator("input[name=finish-note]").fill("Replaced both tubes.")
    finish.get_by_role("button", name="Mark as fixed").click()
    expect(fixer.locator("dt:text-is('Status') + dd")).to_have_text("Done")
    part_row = fixer.locator("table tbody tr", has_text="LED tube 1.2 m")
    expect(part_row.locator("td")).to_have_text(["LED tube 1.2 m", "2.00", "pcs", "12.50", "25.00"])
    journey.photos_shown(fixer, 2)
    journey.shot(fixer, "05-finished.png")

    # 4. The teacher is told; she opens the order from her notifications and gives five stars.
    teacher.goto(journey.url + "/")
    teacher.locator("a[title=Notifications]").click()
    note = teacher.locator(".list-group-item", has_text=f"Repair {order.number} is fixed")
    note.get_by_role("button", name="Open").click()
    teacher.wait_for_url(f"{journey.url}/repairs/{order.pk}/")
    confirm = teacher.locator("#action-confirm")
    confirm.locator("input[name=confirm-rating][value='5']").check()
    confirm.locator("input[name=confirm-comment]").fill("Fixed the same afternoon, thank you!")
    confirm.get_by_role("button", name="Confirm the fix").click()
    expect(teacher.locator("dt:text-is('Status') + dd")).to_have_text("Confirmed")
    expect(teacher.locator("dt:text-is('Rating') + dd")).to_have_text("5")

    # 5. On screen: the part with its cost, both photos, and every step on the timeline.
    expect(teacher.locator("table tfoot")).to_contain_text("25.00")
    timeline = teacher.locator(".timeline-panel")
    expect(timeline.locator(".timeline-event .badge.bg-primary-lt")).to_have_text(
        ["Submitted", "Assigned", "In progress", "Done", "Confirmed"]
    )
    expect(timeline).to_contain_text("Photos of the problem")
    expect(timeline).to_contain_text("Photos after the fix")
    journey.photos_shown(teacher, 2)
    journey.shot(teacher, "06-confirmed.png")

    # ... and in the database.
    order.refresh_from_db()
    assert order.status == Status.CONFIRMED
    assert order.rating == 5 and order.rating_comment == "Fixed the same afternoon, thank you!"
    assert order.assignee == worker and order.labour_minutes == 45
    part = order.parts.get()
    assert (part.name, part.quantity, part.unit) == ("LED tube 1.2 m", Decimal("2"), "pcs")
    assert part.unit_cost == Decimal("12.50") and part.total == Decimal("25.00")
    entries = timeline_log.entries_for(order)
    assert list(
        entries.exclude(to_state="").order_by("created_at", "pk").values_list("to_state", flat=True)
    ) == [Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.DONE, Status.CONFIRMED]
    photos_saved = Attachment.objects.filter(entry__in=entries)
    assert sorted(photos_saved.values_list("original_name", flat=True)) == [
        "broken-light.jpg",
        "fixed-light.jpg",
    ]
    assert all(a.is_image for a in photos_saved)

    assert all((ARTIFACTS / name).stat().st_size > 0 for name in SCREENSHOTS)
    assert not journey.sideways, "pages scroll sideways on a 390 px phone:\n" + "\n".join(
        f"{name} {path}: {found}" for name, path, found in journey.sideways
    )
    assert journey.errors == []

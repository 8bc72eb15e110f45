"""One hazard from a phone report to its closure (销号), on phones, in the system Chromium with
the real CSP.

A teacher reports a loose railing with a photo from the phone form; the logistics director
assigns it (deadline, temporary measures) and asks the repair team for a work order; the worker
starts and finishes the order, which sends the hazard to verification by itself; the director —
not the fixer — verifies and closes it. Screenshots of each step go to ``e2e/artifacts/``.
"""

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from houqin import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).parent / "artifacts"
WIDTH = 390
SCREENSHOTS = (
    "hazard-01-reported.png",
    "hazard-02-assigned.png",
    "hazard-03-work-order.png",
    "hazard-04-order-finished.png",
    "hazard-05-to-verify.png",
    "hazard-06-closed.png",
)
SIDEWAYS_JS = """(width) => {
  const root = document.documentElement;
  return {scrollWidth: root.scrollWidth, innerWidth: window.innerWidth};
}"""


@pytest.fixture
def people(db):
    from houqin.maintenance import services

    school = f.SchoolFactory(code="donghu", name="Donghu Middle School")
    services.ensure_categories(school)
    building = f.BuildingFactory(campus__school=school, name="Teaching Building")
    room = f.RoomFactory(floor__building=building, floor__number=2, number="201")
    return {
        "school": school,
        "room": room,
        "teacher": f.member(school, "staff", username="linyt", full_name="Lin Yuting"),
        "director": f.member(school, "director", username="zhangwei", full_name="Zhang Wei"),
        "worker": f.member(school, "worker", username="wangqiang", full_name="Wang Qiang"),
    }


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg(path: Path) -> Path:
    image = Image.new("RGB", (160, 120), (200, 190, 170))
    ImageDraw.Draw(image).line([(20, 100), (140, 20)], fill=(60, 60, 60), width=6)
    image.save(path, format="JPEG", quality=85)
    return path


class Journey:
    def __init__(self, live_server):
        self.url = live_server.url
        self.errors = []
        self.sideways = []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
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

    def shot(self, page, filename):
        found = page.evaluate(SIDEWAYS_JS, WIDTH)
        if found["scrollWidth"] > WIDTH or found["innerWidth"] > WIDTH:
            self.sideways.append((filename, page.url, found))
        page.screenshot(path=str(ARTIFACTS / filename), full_page=True)


def test_hazard_reported_on_a_phone_is_rectified_by_a_work_order_and_closed(
    live_server, new_phone, people, media_root, tmp_path
):
    from playwright.sync_api import expect

    from houqin.maintenance.models import Source, WorkOrder
    from houqin.safety.models.hazards import Hazard, HazardStatus

    expect.set_options(timeout=15_000)
    journey = Journey(live_server)
    room, worker, director_user = people["room"], people["worker"], people["director"]
    photo = jpeg(tmp_path / "loose-railing.jpg")

    # 1. The teacher reports the hazard from her phone with a photo.
    teacher = journey.phone(new_phone, "teacher")
    journey.login(teacher, "linyt")
    teacher.goto(journey.url + "/safety/hazards/new/")
    teacher.select_option("select[name=room]", value=str(room.pk))
    teacher.fill("input[name=title]", "Stair railing loose")
    teacher.fill("textarea[name=description]", "The railing between floors 2 and 3 wobbles.")
    teacher.set_input_files("input[name=photos]", str(photo))
    teacher.get_by_role("button", name="Report", exact=True).click()
    hazard = Hazard.objects.get()
    teacher.wait_for_url(f"{journey.url}/safety/hazards/{hazard.pk}/")
    expect(teacher.get_by_test_id("hazard-status")).to_have_text("Reported")
    journey.shot(teacher, "hazard-01-reported.png")

    # 2. The director assigns it: himself responsible, a deadline, temporary measures.
    director = journey.phone(new_phone, "director")
    journey.login(director, "zhangwei")
    director.goto(f"{journey.url}/safety/hazards/{hazard.pk}/")
    assign = director.get_by_test_id("action-assign")
    assign.locator("summary").click()
    assign.locator("select[name=assign-owner]").select_option(value=str(director_user.pk))
    assign.locator("textarea[name=assign-control_measures]").fill("Stairs cordoned off.")
    assign.get_by_role("button", name="Confirm: Assign for rectification").click()
    expect(director.get_by_test_id("hazard-status")).to_have_text("Being rectified")
    journey.shot(director, "hazard-02-assigned.png")

    # 3. ... and asks the repair team for a work order.
    order_action = director.get_by_test_id("action-work_order")
    order_action.locator("summary").click()
    order_action.locator("select[name=work_order-category]").select_option(label="Building works")
    order_action.get_by_role("button", name="Confirm: Create a work order").click()
    order = WorkOrder.objects.get()
    assert order.source == Source.HAZARD and order.room == room
    expect(director.get_by_test_id("hazard-work-order")).to_contain_text(order.number)
    journey.shot(director, "hazard-03-work-order.png")
    # The director dispatches the order to the worker on the repair page.
    director.get_by_test_id("hazard-work-order").get_by_role("link").click()
    director.select_option("select[name=assign-worker]", value=str(worker.pk))
    director.locator("#action-assign button[type=submit]").click()
    expect(director.locator("dt:text-is('Status') + dd")).to_have_text("Assigned")

    # 4. The worker starts and finishes the order on his phone.
    fixer = journey.phone(new_phone, "worker")
    journey.login(fixer, "wangqiang")
    fixer.goto(f"{journey.url}/repairs/{order.pk}/")
    fixer.locator("#action-start button[type=submit]").click()
    expect(fixer.locator("dt:text-is('Status') + dd")).to_have_text("In progress")
    finish = fixer.locator("#action-finish")
    finish.locator("input[name=finish-labour_minutes]").fill("40")
    finish.locator("input[name=finish-note]").fill("Railing bolted back and welded.")
    finish.get_by_role("button", name="Mark as fixed").click()
    expect(fixer.locator("dt:text-is('Status') + dd")).to_have_text("Done")
    journey.shot(fixer, "hazard-04-order-finished.png")

    # 5. The hazard waits for verification by itself; the worker (the fixer) cannot verify.
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.TO_VERIFY and hazard.fixed_by == worker
    director.goto(f"{journey.url}/safety/hazards/{hazard.pk}/")
    expect(director.get_by_test_id("hazard-status")).to_have_text("Waiting for verification")
    journey.shot(director, "hazard-05-to-verify.png")

    # 6. The director, who did not fix it, verifies and closes it.
    verify = director.get_by_test_id("action-verify")
    verify.locator("summary").click()
    verify.locator("input[name=verify-note]").fill("Checked on site: firm.")
    verify.get_by_role("button", name="Confirm: Verify and close").click()
    expect(director.get_by_test_id("hazard-status")).to_have_text("Closed")
    journey.shot(director, "hazard-06-closed.png")

    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED
    assert hazard.verified_by == director_user and hazard.fixed_by == worker
    assert all((ARTIFACTS / name).stat().st_size > 0 for name in SCREENSHOTS)
    assert not journey.sideways, journey.sideways
    assert journey.errors == []

"""Writes of the drinking-water records: contract, dispensers, filter changes, water tests and
their follow-up, and education campaigns."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import timeline
from houqin.core.errors import DomainError

from .models.water import Dispenser, EducationCampaign, FilterChange, WaterContract, WaterTest
from .services_food import require


def _save(obj, *, by, files=(), files_text="", created_text=""):
    adding = obj._state.adding
    model = obj._meta.model_name
    require(by, obj.school_id, f"canteen.{'add' if adding else 'change'}_{model}")
    obj.full_clean()
    obj.save()
    files = [f for f in files if f]
    if files:
        timeline.attach(obj, by=by, files=files, text=files_text)
    elif adding and created_text:
        timeline.record(obj, by=by, kind=timeline.Kind.EVENT, text=created_text)
    return obj


@transaction.atomic
def save_contract(contract: WaterContract, *, by, files=()) -> WaterContract:
    if contract.start_date and contract.end_date and contract.end_date < contract.start_date:
        raise DomainError(_("The contract cannot end before it starts."))
    return _save(
        contract,
        by=by,
        files=files,
        files_text=_("Contract file"),
        created_text=_("Contract registered"),
    )


@transaction.atomic
def save_dispenser(dispenser: Dispenser, *, by) -> Dispenser:
    if not dispenser.room_id and not (dispenser.location or "").strip():
        raise DomainError(_("Say where the dispenser stands: a room or a location."))
    if dispenser.last_changed:
        dispenser.next_due = dispenser.last_changed + timedelta(days=dispenser.filter_days)
    return _save(dispenser, by=by)


@transaction.atomic
def change_filter(dispenser: Dispenser, *, by, date=None, done_by_name="", note="") -> FilterChange:
    """A filter changed: the dispenser's next change is due after its interval."""
    require(by, dispenser.school_id, "canteen.add_filterchange")
    day = date or timezone.localdate()
    if day > timezone.localdate():
        raise DomainError(_("A filter change cannot be recorded in the future."))
    name = (done_by_name or "").strip() or str(by)
    next_due = day + timedelta(days=dispenser.filter_days)
    row = FilterChange.objects.create(
        school_id=dispenser.school_id, dispenser=dispenser, date=day, done_by_name=name[:60],
        next_due=next_due, recorded_by=by, note=(note or "").strip()[:200],
    )  # fmt: skip
    latest = FilterChange.objects.filter(dispenser=dispenser).order_by("-date", "-pk").first()
    Dispenser.objects.filter(pk=dispenser.pk).update(
        last_changed=latest.date, next_due=latest.next_due
    )
    dispenser.last_changed, dispenser.next_due = latest.date, latest.next_due
    return row


@transaction.atomic
def record_water_test(test: WaterTest, *, by, files=()) -> WaterTest:
    """A water-quality test; a failed one needs a place to follow up on."""
    test.recorded_by = by
    if not test.dispenser_id and not (test.place or "").strip():
        raise DomainError(_("Say where the water was sampled."))
    if test.date and test.date > timezone.localdate():
        raise DomainError(_("A test cannot be recorded in the future."))
    return _save(
        test, by=by, files=files, files_text=_("Test report"), created_text=_("Test recorded")
    )


@transaction.atomic
def follow_up_test(test: WaterTest, *, by, text: str) -> WaterTest:
    """What was done after a failed test (cleaning, a new filter, a re-test…)."""
    require(by, test.school_id, "canteen.change_watertest")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Say what was done."))
    if test.passed:
        raise DomainError(_("Only a failed test is followed up."))
    WaterTest.objects.filter(pk=test.pk).update(follow_up=text, followed_up_at=timezone.now())
    test.refresh_from_db()
    timeline.record(
        test, by=by, kind=timeline.Kind.EVENT, text=_("Followed up: %(text)s") % {"text": text}
    )
    return test


@transaction.atomic
def save_campaign(campaign: EducationCampaign, *, by, files=()) -> EducationCampaign:
    campaign.recorded_by = by
    return _save(
        campaign,
        by=by,
        files=files,
        files_text=_("Campaign material"),
        created_text=_("Campaign recorded"),
    )

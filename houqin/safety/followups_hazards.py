"""A hazard follows the work order asked for its rectification (a watcher registered with
``houqin.maintenance.followups``, called inside the order's transaction): a finished order sends
the hazard to verification, its worker being the fixer; a cancelled or rejected order leaves a
note and lets the owner ask again; a reopened order is noted. Never refuses the order's move."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import timeline

from .models.hazards import Hazard, HazardStatus
from .services_hazards import _perform, _tell, _tell_verifiers


def on_order_moved(order, transition: str, *, by) -> None:
    """Watcher (``houqin.maintenance.followups``): a finished rectification order sends its
    hazard to verification, its worker being the fixer; a cancelled or rejected order leaves
    a note and lets the owner ask again. Never raises for the hazard's sake."""
    if transition not in ("finish", "cancel", "reject", "reopen"):
        return
    hazards = list(
        Hazard.objects.select_for_update().filter(school_id=order.school_id, work_order_id=order.pk)
    )
    for hazard in hazards:
        if transition == "finish":
            _order_finished(hazard, order, by)
        elif transition == "reopen":
            timeline.record(
                hazard,
                by=by,
                kind=timeline.Kind.EVENT,
                text=str(
                    _("Work order %(number)s was reopened: not fixed") % {"number": order.number}
                ),
            )
        else:
            _order_dropped(hazard, order, transition, by)


def _order_finished(hazard: Hazard, order, by) -> None:
    text = str(_("Rectified by work order %(number)s") % {"number": order.number})
    if hazard.status != HazardStatus.RECTIFYING:
        timeline.record(hazard, by=by, kind=timeline.Kind.EVENT, text=text)
        return
    _perform(
        hazard,
        "rectify",
        by=by,
        note=text,
        system=True,
        values={"fixed_by": by, "fixed_at": timezone.now(), "fix_note": text},
    )
    _tell_verifiers(hazard)


def _order_dropped(hazard: Hazard, order, transition, by) -> None:
    what = _("cancelled") if transition == "cancel" else _("rejected")
    text = str(
        _("Work order %(number)s was %(what)s; the hazard is still being rectified.")
        % {"number": order.number, "what": what}
    )
    Hazard.objects.filter(pk=hazard.pk).update(work_order=None, version=hazard.version + 1)
    timeline.record(hazard, by=by, kind=timeline.Kind.EVENT, text=text)
    if hazard.owner_id and (by is None or hazard.owner_id != by.pk):
        _tell(hazard, [hazard.owner], text, level="warning")

"""Registrations (imported by the app's ready()): who may do what with hygiene areas, score
sheets and rankings; the weekly auto-publication job."""

from datetime import timedelta

from houqin.core.scheduler import periodic
from houqin.org.roles import Role, grant

SCORE_MODELS = (
    "hygienesettings",
    "hygienearea",
    "scoreitem",
    "scoresheet",
    "weekpublication",
    "weekresult",
)
PUBLISH = "hygiene.publish_ranking"
EXPORT = "hygiene.export_ranking"
INSPECT = "hygiene.add_scoresheet"


def _perms(actions, models):
    return {f"hygiene.{a}_{m}" for a in actions for m in models}


# The logistics office (and the moral-education office through its director) runs the scheme.
for _role in (Role.DIRECTOR, Role.CLERK):
    grant(_role, _perms(["view", "add", "change", "delete"], SCORE_MODELS) | {PUBLISH, EXPORT})
# Leaders and auditors read everything and export.
for _role in (Role.PRINCIPAL, Role.AUDITOR, Role.DISTRICT_OFFICER):
    grant(_role, _perms(["view"], SCORE_MODELS) | {EXPORT})
# Inspectors (student council, duty teachers) write sheets; they read the items and their own
# sheets (owned_q) and every class's areas.
grant(Role.INSPECTOR, {INSPECT, "hygiene.view_scoreitem", "hygiene.view_hygienearea"})


@periodic("hygiene.publish_last_week", hour=7, minute=30)
def publish_last_week(now) -> None:
    """Monday morning: the past week's ranking is published for every school that inspected
    and has not published it by hand (nothing to do on other days)."""
    from django.utils import timezone

    from . import services_scores

    today = timezone.localdate(now)
    if today.weekday() != 0:
        return
    services_scores.publish_pending_weeks(week=today - timedelta(days=7))

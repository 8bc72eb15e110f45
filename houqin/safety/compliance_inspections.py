"""How a school stands this term on the rules its inspections satisfy: the rounds of templates
tagged with the rule (due so far / done / late / missed / open and overdue), two queries a rule.

The fire-inspection signature rule counts the completed fire inspections signed twice; a rule
with no active schedule at all shows as open ("nothing scheduled")."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from houqin.core.compliance import RuleStatus
from houqin.org.terms import school_tz

RULE_KEYS = (
    "safety.fire_patrol_days",
    "safety.fire_inspection_months",
    "safety.fire_inspection_signatures",
    "safety.extinguisher_check_months",
    "safety.fire_system_test_months",
    "safety.security_patrols_per_day",
    "safety.building_inspection_per_term",
    "safety.electrical_check_months",
    "safety.office_check_days",
    "safety.safety_group_check_days",
)
SIGNATURE_RULE = "safety.fire_inspection_signatures"
EXTINGUISHER_RULE = "safety.extinguisher_check_months"


def _url(key: str) -> str:
    try:
        return reverse("safety:inspection_round_list") + f"?rule={key}"
    except NoReverseMatch:
        return ""


def rule_status(school, key: str, term, today) -> RuleStatus | None:
    from .models.inspections import InspectionRound, InspectionSchedule, RoundStatus

    if term is None:
        return None
    school_id = getattr(school, "pk", school)
    tagged = "safety.fire_inspection_months" if key == SIGNATURE_RULE else key
    end = min(term.end_date, today)
    now = datetime.combine(today + timedelta(days=1), time.min, tzinfo=school_tz(school))
    rounds = InspectionRound.objects.filter(
        school_id=school_id,
        template__rule_key=tagged,
        due_date__gte=term.start_date,
        due_date__lte=end,
    ).exclude(status=RoundStatus.CANCELLED)
    if key == SIGNATURE_RULE:
        figures = rounds.filter(status=RoundStatus.DONE).aggregate(
            due=Count("pk"),
            signed=Count("pk", filter=Q(second_signature__isnull=False) & ~Q(second_signed_by="")),
        )
        unsigned = figures["due"] - figures["signed"]
        return RuleStatus(
            due=figures["due"],
            done=figures["signed"],
            missed=unsigned,
            detail=_("%(n)s fire inspections without the department head's signature")
            % {"n": unsigned}
            if unsigned
            else "",
            url=_url(tagged),
        )
    figures = rounds.aggregate(
        due=Count("pk", filter=Q(window_end__lte=now) | Q(status=RoundStatus.DONE)),
        done=Count("pk", filter=Q(status=RoundStatus.DONE, is_late=False)),
        late=Count("pk", filter=Q(status=RoundStatus.DONE, is_late=True)),
        missed=Count("pk", filter=Q(status=RoundStatus.MISSED)),
        overdue=Count(
            "pk",
            filter=Q(status__in=(RoundStatus.DUE, RoundStatus.IN_PROGRESS), window_end__lte=now),
        ),
    )
    scheduled = InspectionSchedule.objects.filter(
        school_id=school_id, is_active=True, template__rule_key=tagged
    ).exists()
    detail = ""
    if not scheduled:
        detail = _("Nothing is scheduled for this rule.")
    elif figures["missed"]:
        detail = _("%(n)s rounds missed") % {"n": figures["missed"]}
    overdue_equipment = 0
    if key == EXTINGUISHER_RULE:
        # Rounds cover only their schedules' places: an extinguisher elsewhere, or one a round
        # skipped, is overdue on its own date.
        overdue_equipment = _overdue_extinguishers(school_id, today)
        if overdue_equipment:
            detail = _("%(n)s extinguishers past their check date") % {"n": overdue_equipment}
    return RuleStatus(
        due=figures["due"],
        done=figures["done"],
        late=figures["late"],
        missed=figures["missed"],
        open=figures["overdue"] + (0 if scheduled else 1) + overdue_equipment,
        detail=detail,
        url=_url(tagged),
    )


def _overdue_extinguishers(school_id, today) -> int:
    from .models.equipment import EquipmentKind, EquipmentStatus, SafetyEquipment

    return SafetyEquipment.objects.filter(
        school_id=school_id,
        kind=EquipmentKind.EXTINGUISHER,
        next_check_on__lt=today,
    ).exclude(status=EquipmentStatus.RETIRED).count()


def status_for(key: str):
    def status(school, term, today):
        return rule_status(school, key, term, today)

    return status

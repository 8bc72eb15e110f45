"""The built-in inspection templates, shipped as data and copied into a school on first use
(``ensure_templates``, idempotent: a school's copy is found by its ``builtin_code`` and never
overwritten, so the school's edits stay). Item wording is English source text, translated in
the catalogues; the fire patrol follows 公安部令第61号 Art. 25."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from .models.equipment import EquipmentKind
from .models.inspections import (
    AnswerType,
    InspectionTemplate,
    TemplateItem,
    TemplateKind,
    TemplateVersion,
)

PF, NUM, CH, PH, NOTE = (
    AnswerType.PASS_FAIL,
    AnswerType.NUMBER,
    AnswerType.CHOICE,
    AnswerType.PHOTO,
    AnswerType.NOTE,
)


def _i(label, kind=PF, help_text="", **extra):
    return {"label": label, "answer_type": kind, "help_text": help_text, **extra}


BUILTIN = [
    {
        "code": "fire-patrol",
        "name": gettext_noop("Daily fire patrol"),
        "kind": TemplateKind.FIRE_PATROL,
        "rule": "safety.fire_patrol_days",
        "items": [
            _i(gettext_noop("No illegal use of fire or electricity")),
            _i(gettext_noop("Exits and escape routes clear")),
            _i(gettext_noop("Exit signs and emergency lights working")),
            _i(gettext_noop("Fire equipment and signs in place and complete")),
            _i(gettext_noop("Fire doors closed")),
            _i(gettext_noop("Key fire-safety posts staffed")),
            _i(gettext_noop("Other findings"), NOTE),
        ],
    },
    {
        "code": "fire-inspection",
        "name": gettext_noop("Quarterly fire inspection"),
        "kind": TemplateKind.FIRE_INSPECTION,
        "rule": "safety.fire_inspection_months",
        "second_signature": True,
        "items": [
            _i(gettext_noop("Fire-safety duties known and carried out")),
            _i(gettext_noop("Fire patrol records complete")),
            _i(gettext_noop("Fire equipment in place and within date")),
            _i(gettext_noop("Escape routes, exits and signs in order")),
            _i(gettext_noop("Electrical wiring and appliances safe")),
            _i(gettext_noop("Key posts and staff trained")),
            _i(gettext_noop("Hazards found earlier rectified")),
            _i(gettext_noop("Photo of the inspected area"), PH, photo_required=True),
            _i(gettext_noop("Other findings"), NOTE),
        ],
    },
    {
        "code": "extinguisher-check",
        "name": gettext_noop("Monthly extinguisher check"),
        "kind": TemplateKind.EXTINGUISHER,
        "rule": "safety.extinguisher_check_months",
        "equipment": [EquipmentKind.EXTINGUISHER],
        "items": [
            _i(gettext_noop("Extinguishers at their marked places, not blocked")),
            _i(gettext_noop("Pressure gauge in the green zone")),
            _i(gettext_noop("Seal, pin and hose intact")),
        ],
    },
    {
        "code": "fire-system-test",
        "name": gettext_noop("Yearly fire systems test"),
        "kind": TemplateKind.FIRE_SYSTEM,
        "rule": "safety.fire_system_test_months",
        "equipment": [EquipmentKind.ALARM, EquipmentKind.HYDRANT, EquipmentKind.EMERGENCY_LIGHT],
        "items": [
            _i(gettext_noop("Fire alarm system tested")),
            _i(gettext_noop("Hydrant water pressure"), NUM, unit="MPa", min_value="0.10"),
            _i(gettext_noop("Emergency lighting lasts the required time")),
            _i(gettext_noop("Test report"), PH, photo_required=True),
        ],
    },
    {
        "code": "electrical",
        "name": gettext_noop("Electrical circuits check"),
        "kind": TemplateKind.ELECTRICAL,
        "rule": "safety.electrical_check_months",
        "items": [
            _i(gettext_noop("Distribution boxes closed and labelled")),
            _i(gettext_noop("No exposed, damaged or overloaded wiring")),
            _i(gettext_noop("Residual-current devices trip when tested")),
            _i(gettext_noop("Lightning protection intact")),
            _i(gettext_noop("Cable temperature"), NUM, unit="°C", max_value="60"),
        ],
    },
    {
        "code": "buildings",
        "name": gettext_noop("Building inspection (each term, before the rainy season)"),
        "kind": TemplateKind.BUILDING,
        "rule": "safety.building_inspection_per_term",
        "items": [
            _i(gettext_noop("No cracks or subsidence in walls, beams and columns")),
            _i(gettext_noop("Roof and drains not leaking or blocked")),
            _i(gettext_noop("Railings, windows and doors secure")),
            _i(gettext_noop("Ceilings and external fixtures secure")),
            _i(
                gettext_noop("Overall condition"),
                CH,
                options=[
                    {"label": gettext_noop("Good"), "fails": False},
                    {"label": gettext_noop("Needs repair"), "fails": True},
                    {"label": gettext_noop("Dangerous"), "fails": True},
                ],
            ),
            _i(gettext_noop("Photo"), PH),
        ],
    },
    {
        "code": "sports",
        "name": gettext_noop("Sports facilities check"),
        "kind": TemplateKind.SPORTS,
        "items": [
            _i(gettext_noop("Goals, hoops and frames anchored")),
            _i(gettext_noop("Surfaces even, no sharp edges")),
            _i(gettext_noop("Equipment stored safely")),
            _i(gettext_noop("Warning signs in place")),
        ],
    },
    {
        "code": "security-patrol",
        "name": gettext_noop("Security patrol (三防)"),
        "kind": TemplateKind.SECURITY,
        "rule": "safety.security_patrols_per_day",
        "items": [
            _i(gettext_noop("Key area secure, doors and windows locked")),
            _i(gettext_noop("No strangers or suspicious objects")),
            _i(gettext_noop("Cameras and alarms working")),
            _i(gettext_noop("Other findings"), NOTE),
        ],
    },
    {
        "code": "gate-duty",
        "name": gettext_noop("Gate duty check"),
        "kind": TemplateKind.GATE,
        "items": [
            _i(gettext_noop("Guard on duty at the gate")),
            _i(gettext_noop("Visitors registered")),
            _i(gettext_noop("Anti-ram barriers and protective gear in place")),
            _i(gettext_noop("Number of guards on duty"), NUM, min_value="1"),
        ],
    },
    {
        "code": "canteen",
        "name": gettext_noop("Canteen safety check"),
        "kind": TemplateKind.CANTEEN,
        "items": [
            _i(gettext_noop("Gas valves and pipes sound, alarm working")),
            _i(gettext_noop("Food samples kept and labelled")),
            _i(gettext_noop("Cold store temperature"), NUM, unit="°C", max_value="8"),
            _i(gettext_noop("Handlers checked this morning")),
            _i(gettext_noop("Pests controlled")),
        ],
    },
    {
        "code": "pre-holiday",
        "name": gettext_noop("Pre-holiday safety check"),
        "kind": TemplateKind.HOLIDAY,
        "items": [
            _i(gettext_noop("Power off where not needed")),
            _i(gettext_noop("Gas and water shut off")),
            _i(gettext_noop("Doors and windows locked")),
            _i(gettext_noop("Dangerous chemicals locked away")),
            _i(gettext_noop("Holiday duty roster posted")),
        ],
    },
    {
        "code": "office-check",
        "name": gettext_noop("Weekly office self-check"),
        "kind": TemplateKind.OFFICE,
        "rule": "safety.office_check_days",
        "items": [
            _i(gettext_noop("Appliances off after use")),
            _i(gettext_noop("No overloaded sockets")),
            _i(gettext_noop("Windows and doors secure")),
        ],
    },
]


def _make(school_id, spec, by=None) -> InspectionTemplate:
    from django.utils.translation import gettext

    template = InspectionTemplate.objects.create(
        school_id=school_id,
        name=gettext(spec["name"])[:80],
        kind=spec["kind"],
        rule_key=spec.get("rule", ""),
        builtin_code=spec["code"],
        checks_equipment=bool(spec.get("equipment")),
        equipment_kinds=list(spec.get("equipment", [])),
    )
    version = TemplateVersion.objects.create(
        school_id=school_id,
        template=template,
        number=1,
        needs_second_signature=spec.get("second_signature", False),
        created_by=by,
    )
    TemplateItem.objects.bulk_create(
        [
            TemplateItem(
                version=version,
                position=n,
                label=gettext(item["label"]),
                help_text=gettext(item["help_text"]) if item.get("help_text") else "",
                answer_type=item["answer_type"],
                min_value=item.get("min_value"),
                max_value=item.get("max_value"),
                unit=item.get("unit", ""),
                options=[
                    {"label": gettext(o["label"]), "fails": o["fails"]} for o in item.get("options", [])
                ],
                photo_required=item.get("photo_required", False),
            )
            for n, item in enumerate(spec["items"])
        ]
    )
    return template


def ensure_templates(school, by=None) -> list[InspectionTemplate]:
    """The school's copies of the built-in templates, made where missing (idempotent)."""
    school_id = getattr(school, "pk", school)
    have = set(
        InspectionTemplate.objects.filter(school_id=school_id)
        .exclude(builtin_code="")
        .values_list("builtin_code", flat=True)
    )
    made = []
    for spec in BUILTIN:
        if spec["code"] in have:
            continue
        try:
            with transaction.atomic():
                made.append(_make(school_id, spec, by))
        except IntegrityError:
            continue  # made meanwhile by another request
    return made

"""The built-in inspection templates, shipped as data and copied into a school on first use
(``ensure_templates``, idempotent: a school's copy is found by its ``builtin_code`` and never
overwritten, so the school's edits stay). Item wording is English source text, translated in
the catalogues; the fire patrol follows 公安部令第61号 Art. 25."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop as N_

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
        "name": N_("Daily fire patrol"),
        "kind": TemplateKind.FIRE_PATROL,
        "rule": "safety.fire_patrol_days",
        "items": [
            _i(N_("No illegal use of fire or electricity")),
            _i(N_("Exits and escape routes clear")),
            _i(N_("Exit signs and emergency lights working")),
            _i(N_("Fire equipment and signs in place and complete")),
            _i(N_("Fire doors closed")),
            _i(N_("Key fire-safety posts staffed")),
            _i(N_("Other findings"), NOTE),
        ],
    },
    {
        "code": "fire-inspection",
        "name": N_("Quarterly fire inspection"),
        "kind": TemplateKind.FIRE_INSPECTION,
        "rule": "safety.fire_inspection_months",
        "second_signature": True,
        "items": [
            _i(N_("Fire-safety duties known and carried out")),
            _i(N_("Fire patrol records complete")),
            _i(N_("Fire equipment in place and within date")),
            _i(N_("Escape routes, exits and signs in order")),
            _i(N_("Electrical wiring and appliances safe")),
            _i(N_("Key posts and staff trained")),
            _i(N_("Hazards found earlier rectified")),
            _i(N_("Photo of the inspected area"), PH, photo_required=True),
            _i(N_("Other findings"), NOTE),
        ],
    },
    {
        "code": "extinguisher-check",
        "name": N_("Monthly extinguisher check"),
        "kind": TemplateKind.EXTINGUISHER,
        "rule": "safety.extinguisher_check_months",
        "equipment": [EquipmentKind.EXTINGUISHER],
        "items": [
            _i(N_("Extinguishers at their marked places, not blocked")),
            _i(N_("Pressure gauge in the green zone")),
            _i(N_("Seal, pin and hose intact")),
        ],
    },
    {
        "code": "fire-system-test",
        "name": N_("Yearly fire systems test"),
        "kind": TemplateKind.FIRE_SYSTEM,
        "rule": "safety.fire_system_test_months",
        "equipment": [EquipmentKind.ALARM, EquipmentKind.HYDRANT, EquipmentKind.EMERGENCY_LIGHT],
        "items": [
            _i(N_("Fire alarm system tested")),
            _i(N_("Hydrant water pressure"), NUM, unit="MPa", min_value="0.10"),
            _i(N_("Emergency lighting lasts the required time")),
            _i(N_("Test report"), PH, photo_required=True),
        ],
    },
    {
        "code": "electrical",
        "name": N_("Electrical circuits check"),
        "kind": TemplateKind.ELECTRICAL,
        "rule": "safety.electrical_check_months",
        "items": [
            _i(N_("Distribution boxes closed and labelled")),
            _i(N_("No exposed, damaged or overloaded wiring")),
            _i(N_("Residual-current devices trip when tested")),
            _i(N_("Lightning protection intact")),
            _i(N_("Cable temperature"), NUM, unit="°C", max_value="60"),
        ],
    },
    {
        "code": "buildings",
        "name": N_("Building inspection (each term, before the rainy season)"),
        "kind": TemplateKind.BUILDING,
        "rule": "safety.building_inspection_per_term",
        "items": [
            _i(N_("No cracks or subsidence in walls, beams and columns")),
            _i(N_("Roof and drains not leaking or blocked")),
            _i(N_("Railings, windows and doors secure")),
            _i(N_("Ceilings and external fixtures secure")),
            _i(
                N_("Overall condition"),
                CH,
                options=[
                    {"label": N_("Good"), "fails": False},
                    {"label": N_("Needs repair"), "fails": True},
                    {"label": N_("Dangerous"), "fails": True},
                ],
            ),
            _i(N_("Photo"), PH),
        ],
    },
    {
        "code": "sports",
        "name": N_("Sports facilities check"),
        "kind": TemplateKind.SPORTS,
        "items": [
            _i(N_("Goals, hoops and frames anchored")),
            _i(N_("Surfaces even, no sharp edges")),
            _i(N_("Equipment stored safely")),
            _i(N_("Warning signs in place")),
        ],
    },
    {
        "code": "security-patrol",
        "name": N_("Security patrol (三防)"),
        "kind": TemplateKind.SECURITY,
        "rule": "safety.security_patrols_per_day",
        "items": [
            _i(N_("Key area secure, doors and windows locked")),
            _i(N_("No strangers or suspicious objects")),
            _i(N_("Cameras and alarms working")),
            _i(N_("Other findings"), NOTE),
        ],
    },
    {
        "code": "gate-duty",
        "name": N_("Gate duty check"),
        "kind": TemplateKind.GATE,
        "items": [
            _i(N_("Guard on duty at the gate")),
            _i(N_("Visitors registered")),
            _i(N_("Anti-ram barriers and protective gear in place")),
            _i(N_("Number of guards on duty"), NUM, min_value="1"),
        ],
    },
    {
        "code": "canteen",
        "name": N_("Canteen safety check"),
        "kind": TemplateKind.CANTEEN,
        "items": [
            _i(N_("Gas valves and pipes sound, alarm working")),
            _i(N_("Food samples kept and labelled")),
            _i(N_("Cold store temperature"), NUM, unit="°C", max_value="8"),
            _i(N_("Handlers checked this morning")),
            _i(N_("Pests controlled")),
        ],
    },
    {
        "code": "pre-holiday",
        "name": N_("Pre-holiday safety check"),
        "kind": TemplateKind.HOLIDAY,
        "items": [
            _i(N_("Power off where not needed")),
            _i(N_("Gas and water shut off")),
            _i(N_("Doors and windows locked")),
            _i(N_("Dangerous chemicals locked away")),
            _i(N_("Holiday duty roster posted")),
        ],
    },
    {
        "code": "office-check",
        "name": N_("Weekly office self-check"),
        "kind": TemplateKind.OFFICE,
        "rule": "safety.office_check_days",
        "items": [
            _i(N_("Appliances off after use")),
            _i(N_("No overloaded sockets")),
            _i(N_("Windows and doors secure")),
        ],
    },
]


def _make(school_id, spec, by=None) -> InspectionTemplate:
    from django.utils.translation import gettext as _t

    template = InspectionTemplate.objects.create(
        school_id=school_id,
        name=_t(spec["name"])[:80],
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
                label=_t(item["label"]),
                help_text=item.get("help_text", ""),
                answer_type=item["answer_type"],
                min_value=item.get("min_value"),
                max_value=item.get("max_value"),
                unit=item.get("unit", ""),
                options=[
                    {"label": _t(o["label"]), "fails": o["fails"]} for o in item.get("options", [])
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

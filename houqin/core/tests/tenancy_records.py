"""Per-school records of the safety, canteen and hygiene modules for the tenancy walk
(``test_tenancy_walk.py``): one row of every model their URLs name, made directly (the walk
needs rows, not workflows), with ``tag`` in a visible text field so school B's rows carry the
walk's marker."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from houqin import factories as f
from houqin.org import models as org


def safety_records(school, room, person, tag):
    """An inspection template (version and item), a schedule, a round with a stop, a piece of
    safety equipment, a hazard, a regulation with a version and an acknowledgement, a drill and
    a drill finding."""
    from houqin.safety.models.documents import (
        DocumentAcknowledgement,
        Drill,
        DrillFinding,
        DrillStatus,
        SafetyDocument,
        SafetyDocumentKind,
        SafetyDocumentVersion,
    )
    from houqin.safety.models.equipment import EquipmentKind, SafetyEquipment
    from houqin.safety.models.hazards import Hazard
    from houqin.safety.models.inspections import (
        AnswerType,
        InspectionRound,
        InspectionSchedule,
        InspectionTemplate,
        Recurrence,
        RoundStop,
        TemplateItem,
        TemplateKind,
        TemplateVersion,
    )

    now, today = timezone.now(), timezone.localdate()
    template = InspectionTemplate.objects.create(
        school=school, name=f"{tag}消防巡查", kind=TemplateKind.FIRE_PATROL, description=tag
    )
    version = TemplateVersion.objects.create(
        school=school, template=template, number=1, is_current=True, created_by=person
    )
    TemplateItem.objects.create(
        version=version, position=0, label=f"{tag}灭火器压力", answer_type=AnswerType.PASS_FAIL
    )
    schedule = InspectionSchedule.objects.create(
        school=school, template=template, name=f"{tag}每日巡查", recurrence=Recurrence.DAILY,
        starts_on=today,
    )  # fmt: skip
    schedule.rooms.set([room])
    schedule.inspectors.set([person])
    equipment = SafetyEquipment.objects.create(
        school=school, room=room, code=f"{tag}-MHQ", kind=EquipmentKind.EXTINGUISHER,
        location_note=f"{tag}走廊", note=tag,
    )  # fmt: skip
    with transaction.atomic():
        found = InspectionRound(
            school=school, schedule=schedule, template=template, version=version, due_date=today,
            window_start=now - timedelta(hours=1), window_end=now + timedelta(hours=8),
            assignee=person, note=f"{tag}巡查",
        )  # fmt: skip
        found.assign_number()
        found.save()
        hazard = Hazard(
            school=school, title=f"{tag}隐患", description=tag, room=room, found_at=now,
            reported_by=person, location_note=tag,
        )  # fmt: skip
        hazard.assign_number()
        hazard.save()
    RoundStop.objects.create(round=found, room=room, position=0)
    document = SafetyDocument.objects.create(
        school=school, title=f"{tag}消防安全制度", kind=SafetyDocumentKind.REGULATION,
        owner=person,
    )  # fmt: skip
    doc_version = SafetyDocumentVersion.objects.create(
        school=school, document=document, label=f"{tag}2026版", text=f"{tag}制度正文",
        effective_date=today, review_by=today + timedelta(days=365), created_by=person,
    )  # fmt: skip
    acknowledgement = DocumentAcknowledgement.objects.create(
        school=school, version=doc_version, user=person, read_at=now
    )
    drill = Drill.objects.create(
        school=school, title=f"{tag}疏散演练", planned_date=today, organiser=person,
        status=DrillStatus.DONE, done_date=today, participants=100, notes=tag,
    )  # fmt: skip
    drill.rooms.set([room])
    finding = DrillFinding.objects.create(
        school=school, drill=drill, description=f"{tag}安全出口堵塞", room=room, created_by=person
    )
    return (
        template, version, schedule, found, equipment, hazard, document, doc_version,
        acknowledgement, drill, finding,
    )  # fmt: skip


def canteen_records(school, person, tag):
    """One record of every canteen model (the canteen area's own factory)."""
    from houqin.canteen.tests.food_support import tenancy_objects

    return tuple(tenancy_objects(school, by=person, tag=tag).values())


def hygiene_records(school, room, person, tag):
    """A hygiene area, a score item, a class with a score sheet and a published week result,
    a green plot with a plant and a care task."""
    from houqin.hygiene.models.greening import CareKind, CareTask, GreenPlot, Plant
    from houqin.hygiene.models.scores import (
        HygieneArea,
        ScoreItem,
        ScoreSheet,
        WeekPublication,
        WeekResult,
    )

    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    term = org.Term.objects.get(school=school)
    company = f.CompanyFactory(school=school, name=f"{tag}绿化公司")
    klass = f.SchoolClassFactory(school=school, grade=8, number=9)
    area = HygieneArea.objects.create(
        school=school, term=term, name=f"{tag}卫生区", room=room, school_class=klass, note=tag
    )
    item = ScoreItem.objects.create(
        school=school, name=f"{tag}地面", full_marks=Decimal("10"), hint=tag
    )
    sheet = ScoreSheet.objects.create(
        school=school, term=term, school_class=klass, inspected_on=today, slot=today,
        week=monday, inspector=person, base_score=Decimal("100"), bonus_reason=tag,
        total=Decimal("100"), note=f"{tag}评分",
    )  # fmt: skip
    publication = WeekPublication.objects.create(school=school, week=monday, published_by=person)
    result = WeekResult.objects.create(
        school=school, publication=publication, week=monday, school_class=klass,
        score=Decimal("99"), slots=1, grade_rank=1, school_rank=1, red_flag=True,
    )  # fmt: skip
    plot = GreenPlot.objects.create(
        school=school, name=f"{tag}草坪", room=room, location=tag, company=company, note=tag
    )
    plant = Plant.objects.create(school=school, plot=plot, species=f"{tag}香樟", note=tag)
    task = CareTask.objects.create(
        school=school, plot=plot, company=company, kind=CareKind.values[0], due_on=today,
        note=f"{tag}浇水",
    )  # fmt: skip
    return (company, area, item, sheet, publication, result, plot, plant, task)

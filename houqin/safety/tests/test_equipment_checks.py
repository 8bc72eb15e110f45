# ruff: noqa: F811  (pytest fixtures imported from inspections_support)
"""Safety equipment: an extinguisher-check round covers the equipment of its places; faulty
equipment raises a hazard; completing the round moves last/next check; due and expired lists."""

from datetime import date

import pytest
from django.urls import reverse

from houqin.core import compliance
from houqin.core.errors import DomainError
from houqin.safety import services_equipment, services_inspections
from houqin.safety.models.equipment import EquipmentStatus, SafetyEquipment
from houqin.safety.models.hazards import Hazard, HazardSource
from houqin.safety.models.inspections import EquipmentCheck

from .inspections_support import (  # noqa: F401  (fixtures)
    at,
    building,
    extinguisher,
    guard,
    passing,
    png,
    rooms,
    template,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def check_round(school, director, rooms):
    tpl = template(school, "extinguisher-check")
    return services_inspections.add_round(tpl, by=director, rooms=[rooms[0]])


def test_every_extinguisher_at_the_place_must_be_marked(school, director, rooms, check_round):
    extinguisher(school, rooms[0], "MHQ-001")
    extinguisher(school, rooms[0], "MHQ-002")
    with pytest.raises(DomainError, match="MHQ-001, MHQ-002"):
        services_inspections.record_stop(
            check_round, by=director, room=rooms[0], answers=passing(check_round)
        )


def test_a_faulty_extinguisher_raises_an_equipment_hazard(school, director, rooms, check_round):
    good = extinguisher(school, rooms[0], "MHQ-001")
    bad = extinguisher(school, rooms[0], "MHQ-002")
    services_inspections.record_stop(
        check_round,
        by=director,
        room=rooms[0],
        answers=passing(check_round),
        equipment={good.pk: (True, ""), bad.pk: (False, "gauge in the red")},
    )
    check = EquipmentCheck.objects.get(equipment=bad)
    assert check.hazard is not None
    hazard = Hazard.objects.get(pk=check.hazard_id)
    assert hazard.source == HazardSource.EQUIPMENT and "MHQ-002" in hazard.title


def test_completing_the_round_updates_last_and_next_check(school, director, rooms, check_round):
    compliance.set_value(school, "safety.extinguisher_check_months", 1, by=director)
    good = extinguisher(school, rooms[0], "MHQ-001")
    bad = extinguisher(school, rooms[0], "MHQ-002")
    services_inspections.record_stop(
        check_round,
        by=director,
        room=rooms[0],
        answers=passing(check_round),
        equipment={good.pk: (True, ""), bad.pk: (False, "")},
    )
    services_inspections.complete_round(
        check_round, by=director, signature=png(), signed_by="王", now=at(date(2026, 3, 10), 10)
    )
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.last_checked_on == date(2026, 3, 10) and good.next_check_on == date(2026, 4, 10)
    assert bad.status == EquipmentStatus.FAULTY


def test_due_expired_and_soon_states(school, rooms):
    today = date(2026, 3, 10)
    expired = extinguisher(school, rooms[0], "A", expires_on=date(2026, 3, 1))
    due = extinguisher(school, rooms[0], "B", next_check_on=date(2026, 3, 9))
    soon = extinguisher(school, rooms[0], "C", next_check_on=date(2026, 3, 30))
    fine = extinguisher(school, rooms[0], "D", next_check_on=date(2026, 6, 1))
    assert [services_equipment.state_of(p, today) for p in (expired, due, soon, fine)] == [
        "expired",
        "due",
        "soon",
        "",
    ]
    found = set(
        SafetyEquipment.objects.filter(services_equipment.due_q(today)).values_list(
            "code", flat=True
        )
    )
    assert found == {"A", "B"}


def test_the_register_lists_exports_and_prints_in_bounded_queries(
    client, school, director, rooms, django_assert_max_num_queries
):
    for n in range(30):
        extinguisher(school, rooms[n % 3], f"MHQ-{n:03d}", next_check_on=date(2026, 1, 1))
    client.force_login(director)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("safety:equipment_list"))
    assert page.status_code == 200 and "MHQ-029" in page.content.decode()
    export = client.get(reverse("safety:equipment_list") + "?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    with django_assert_max_num_queries(15):
        printed = client.get(reverse("safety:equipment_print") + "?state=due")
    body = printed.content.decode()
    assert 'data-paper="A4"' in body and "sign-box" in body and body.count("MHQ-0") == 30


def test_adding_equipment_sets_the_next_check_from_the_last(client, school, director, rooms):
    client.force_login(director)
    response = client.post(
        reverse("safety:equipment_add"),
        {
            "code": "MHQ-100",
            "kind": "extinguisher",
            "room": rooms[0].pk,
            "last_checked_on": "2026-03-01",
            "status": "in_service",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    piece = SafetyEquipment.objects.get(code="MHQ-100")
    assert piece.next_check_on == date(2026, 4, 1)


def test_equipment_of_another_school_is_not_reachable(client, other_school, director, make_member):
    from houqin.factories import RoomFactory

    theirs = extinguisher(
        other_school, RoomFactory(floor__building__campus__school=other_school), "X-1"
    )
    client.force_login(director)
    assert client.get(reverse("safety:equipment_detail", args=[theirs.pk])).status_code == 404
    assert (
        client.get(reverse("api:safety:safety-equipment-detail", args=[theirs.pk])).status_code
        == 404
    )


def test_an_extinguisher_past_its_check_date_is_open_on_the_compliance_page(school, rooms):
    from .inspections_support import make_term

    term = make_term(school)
    today = date(2026, 3, 10)
    extinguisher(school, rooms[0], "A", next_check_on=date(2026, 3, 9))  # overdue
    extinguisher(school, rooms[0], "B", next_check_on=date(2026, 3, 30))  # not yet
    retired = extinguisher(school, rooms[0], "C", next_check_on=date(2026, 1, 1))
    retired.status = EquipmentStatus.RETIRED
    retired.save()

    status = compliance.status_of("safety.extinguisher_check_months")(school, term, today)

    # One for the overdue extinguisher, one because nothing is scheduled for the rule.
    assert status.open == 2
    assert "1" in status.detail


def test_equipment_due_for_a_check_waits_in_the_directors_to_do(school, rooms, director, guard):
    from django.utils import timezone

    from houqin.core import todo
    from houqin.core.scoping import access_for

    today = timezone.localdate()
    extinguisher(school, rooms[0], "DUE-1", next_check_on=today)
    extinguisher(school, rooms[0], "LATER-1", next_check_on=date(today.year + 1, 1, 1))

    items = [
        i for i in todo.collect(access_for(director, school)) if i.source == "safety.equipment_due"
    ]

    assert [i.title.split(":")[1].split()[0] for i in items] == ["DUE-1"]
    assert not [
        i for i in todo.collect(access_for(guard, school)) if i.source == "safety.equipment_due"
    ]

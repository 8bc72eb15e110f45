from houqin.factories import RoomFactory
from houqin.org.models import Membership, Room


def test_member_sees_only_rooms_of_their_current_school(school, other_school, teacher):
    mine = RoomFactory(floor__building__campus__school=school)
    RoomFactory(floor__building__campus__school=other_school)
    assert list(Room.objects.restrict(teacher, "view")) == [mine]


def test_teacher_cannot_change_rooms(school, teacher):
    RoomFactory(floor__building__campus__school=school)
    assert not Room.objects.restrict(teacher, "change").exists()


def test_director_can_change_rooms(school, director):
    room = RoomFactory(floor__building__campus__school=school)
    assert list(Room.objects.restrict(director, "change")) == [room]


def test_anonymous_sees_nothing(school, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    RoomFactory(floor__building__campus__school=school)
    assert not Room.objects.restrict(AnonymousUser(), "view").exists()


def test_contractor_sees_only_their_company_people(school, make_member):
    from houqin.factories import CompanyFactory

    company = CompanyFactory(school=school)
    contractor = make_member(school, "contractor", company=company, username="c1")
    colleague = make_member(school, "contractor", company=company, username="c2")
    make_member(school, "staff", username="t1")
    seen = set(Membership.objects.restrict(contractor, "view").values_list("user__username", flat=True))
    assert seen == {contractor.username, colleague.username}


def test_qr_tokens_are_unique_and_unguessable(school):
    rooms = [RoomFactory(floor__building__campus__school=school) for _ in range(20)]
    tokens = {r.qr_token for r in rooms}
    assert len(tokens) == 20
    assert all(len(t) >= 20 for t in tokens)


def test_director_sees_only_their_own_school_not_every_school(school, other_school, director):
    from houqin.org.models import School

    assert list(School.objects.restrict(director, "view")) == [school]

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.http import HttpRequest

from houqin.org.demo import DEMO_LOGINS, DEMO_PASSWORD, SCHOOL_A, SCHOOL_B, build_demo
from houqin.org.models import (
    Building,
    Department,
    Membership,
    RoleAssignment,
    Room,
    RoomType,
    SchoolClass,
    User,
)
from houqin.org.roles import Role


@pytest.fixture
def demo(db):
    return build_demo()


def _row_counts():
    """Rows (and history rows) of every org model: any write on a re-run shows up here."""
    return {
        m._meta.label: m._default_manager.count() for m in apps.get_app_config("org").get_models()
    }


def test_loading_the_demo_twice_creates_and_changes_nothing(demo):
    before = _row_counts()
    updated = set(Room.objects.values_list("pk", "updated_at"))
    build_demo()
    assert _row_counts() == before
    assert set(Room.objects.values_list("pk", "updated_at")) == updated


def test_every_role_is_held_by_someone_in_the_demo_school(demo):
    held = set(
        RoleAssignment.objects.filter(membership__school=demo[SCHOOL_A]).values_list(
            "role", flat=True
        )
    )
    assert held == set(Role.values)


def test_demo_school_has_the_size_of_a_real_middle_school(demo):
    school = demo[SCHOOL_A]
    assert 280 <= Room.objects.filter(school=school).count() <= 320
    assert Building.objects.filter(school=school).count() >= 6
    assert SchoolClass.objects.filter(school=school).count() == 36
    assert Department.objects.filter(school=school).count() >= 12
    assert 140 <= Membership.objects.filter(school=school).count() <= 180


def test_demo_school_has_every_room_type_including_outdoor_areas(demo):
    types = set(Room.objects.filter(school=demo[SCHOOL_A]).values_list("room_type", flat=True))
    assert {t for t in RoomType.values if t != RoomType.OTHER} <= types
    assert Room.objects.filter(
        school=demo[SCHOOL_A], name="南门门卫室", room_type=RoomType.OUTDOOR
    ).exists()


def test_every_class_has_a_class_teacher_a_classroom_and_40_to_48_students(demo):
    classes = SchoolClass.objects.filter(school=demo[SCHOOL_A]).select_related("room")
    teachers = set()
    for c in classes:
        assert c.class_teacher_id and c.room.room_type == RoomType.CLASSROOM
        assert 40 <= c.student_count <= 48
        teachers.add(c.class_teacher_id)
    assert len(teachers) == 36
    holders = set(
        RoleAssignment.objects.filter(
            membership__school=demo[SCHOOL_A], role=Role.CLASS_TEACHER
        ).values_list("membership__user_id", flat=True)
    )
    assert holders == teachers


def test_every_department_has_a_head_who_belongs_to_it_or_leads_it(demo):
    for department in Department.objects.filter(school=demo[SCHOOL_A]):
        assert department.head_id is not None, department.name
        assert Membership.objects.filter(school=demo[SCHOOL_A], user_id=department.head_id).exists()


def test_staff_have_chinese_names_eleven_digit_phones_and_employee_numbers(demo):
    members = Membership.objects.filter(school=demo[SCHOOL_A]).exclude(user__username="district")
    for m in members.select_related("user"):
        assert "\u4e00" <= m.user.full_name[0] <= "\u9fff"
        assert len(m.user.phone) == 11 and m.user.phone.isdigit()
        assert m.employee_no
    names = [m.user.full_name for m in members.select_related("user")]
    assert len(names) == len(set(names))


def test_each_demo_login_can_log_in_with_the_demo_password_into_its_school(demo, client):
    for login in DEMO_LOGINS:
        assert client.login(
            request=HttpRequest(), username=login.username, password=DEMO_PASSWORD
        ), login.key
        user = User.objects.get(username=login.username)
        assert user.current_school == demo[login.school], login.key
        assert user.full_name == login.full_name
        client.logout()


def test_each_demo_login_holds_the_role_it_demonstrates(demo):
    for login in DEMO_LOGINS:
        membership = Membership.objects.get(
            school=demo[login.school], user__username=login.username
        )
        assert not login.role or login.role in membership.role_codes, login.key


def test_demo_logins_belong_to_exactly_the_schools_they_list(demo):
    for login in DEMO_LOGINS:
        codes = set(
            Membership.objects.filter(user__username=login.username).values_list(
                "school__code", flat=True
            )
        )
        assert codes == set(login.schools), login.key


def test_admin_is_a_superuser_and_nobody_else_is(demo):
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == [
        "admin"
    ]


def test_two_demo_schools_share_no_rooms_and_places_stay_in_their_school(demo):
    a, b = demo[SCHOOL_A], demo[SCHOOL_B]
    assert a.district_id == b.district_id is not None
    assert Room.objects.filter(school=b).exists()
    for room in Room.objects.select_related("floor__building__campus"):
        assert room.school_id == room.floor.school_id == room.floor.building.campus.school_id
    a_rooms = set(Room.objects.filter(school=a).values_list("pk", flat=True))
    b_rooms = set(Room.objects.filter(school=b).values_list("pk", flat=True))
    assert not a_rooms & b_rooms
    assert not SchoolClass.objects.filter(school=b, room__school=a).exists()


def test_the_academic_year_has_two_terms_and_holidays(demo):
    school = demo[SCHOOL_A]
    from houqin.org.models import AcademicYear, Holiday

    year = AcademicYear.objects.get(school=school, name="2026-2027")
    terms = list(year.terms.order_by("number"))
    assert [t.number for t in terms] == [1, 2]
    assert all(year.start_date <= t.start_date < t.end_date <= year.end_date for t in terms)
    assert Holiday.objects.filter(school=school, name="国庆节", start_date__year=2026).exists()


def test_load_demo_command_prints_every_demo_login(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    for login in DEMO_LOGINS:
        assert login.username in printed and login.full_name in printed
    assert DEMO_PASSWORD in printed


@pytest.mark.chinese
def test_each_demo_login_reaches_a_home_page_with_its_to_do_inbox_and_navigation(demo, client):
    from django.urls import reverse

    menus = {}
    for login in DEMO_LOGINS:
        client.force_login(User.objects.get(username=login.username))
        response = client.get(reverse("home"))
        assert response.status_code == 200, login.username
        html = response.content.decode()
        assert "我的待办" in html, login.username
        menus[login.username] = [
            item.url_name for _, items in response.context["nav_menu"] for item, _ in items
        ]
        assert "home" in menus[login.username], login.username
    # Navigation follows the role: the director manages rooms, a guard does not see people.
    assert "org:room_add" not in menus["guard"]
    assert "org:member_list" in menus["director"]
    assert "org:member_list" not in menus["guard"]
    assert "org:import_staff" in menus["director"]
    assert "org:import_staff" not in menus["teacher"]

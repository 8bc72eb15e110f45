import pytest

from houqin.factories import DepartmentFactory, MembershipFactory, UserFactory
from houqin.org.importers import StaffImporter
from houqin.org.models import Membership, RoleAssignment, User
from houqin.org.tests.files.build import xlsx

HEADER = ["工号", "姓名", "手机", "用户名", "部门", "职务", "角色", "邮箱"]
GOOD = [
    [1001, "王建国", 13800000001, None, "总务处", "后勤主任", "后勤主任、教师", "wjg@example.cn"],
    ["1002", "李芳", "138 0000 0002", "lifang", "总务处", "干事", "后勤干事", None],
    [1003.0, "陈明", "+86 13800000003", None, "教务处", "", "教师, 班主任", None],
    ["1004", "赵强", 13800000004.0, None, "", "维修工", "maintenance worker", None],
    ["1005", "孙丽", None, None, "教务处", "", None, None],
]


@pytest.fixture
def departments(school):
    return [DepartmentFactory(school=school, name=n) for n in ("教务处", "总务处")]


def run(file, school, by, **kw):
    return StaffImporter().run(file, school=school, by=by, **kw)


def roles_of(username):
    return set(
        RoleAssignment.objects.filter(membership__user__username=username).values_list(
            "role", flat=True
        )
    )


def test_staff_file_creates_accounts_memberships_and_roles(school, director, departments):
    result = run(xlsx([HEADER, *GOOD]), school, director)

    assert result.ok, result.errors
    assert result.created == 5
    wang = User.objects.get(username="1001")
    assert (wang.full_name, wang.phone, wang.email) == ("王建国", "13800000001", "wjg@example.cn")
    assert not wang.has_usable_password()
    assert wang.current_school == school
    membership = Membership.objects.get(user=wang)
    assert (membership.school, membership.employee_no, membership.department.name) == (
        school,
        "1001",
        "总务处",
    )
    assert roles_of("1001") == {"director", "staff"}
    assert roles_of("lifang") == {"clerk"}
    assert roles_of("1003") == {"staff", "class_teacher"}
    assert roles_of("1004") == {"worker"}
    assert roles_of("1005") == {"staff"}  # blank roles: an ordinary member
    assert User.objects.get(username="lifang").phone == "13800000002"
    assert User.objects.get(username="1003").phone == "13800000003"


def test_staff_file_with_errors_writes_nothing_and_names_each_bad_row_and_column(
    school, director, departments
):
    bad = [
        HEADER,
        ["1001", "王建国", "13800000001", None, "总务处", "", "教师", None],  # row 2: fine
        ["1002", "李芳", "1380000", None, "总务处", "", "教师", None],  # row 3: bad phone
        ["1003", "陈明", None, None, "信息中心", "", "教师", None],  # row 4: unknown department
        ["1004", "赵强", None, None, "", "", "校董", None],  # row 5: unknown role
        ["1001", "王建", None, None, "", "", "教师", None],  # row 6: duplicate 工号
        ["1006", "", None, None, "", "", "", "not-an-email"],  # row 7: no name, bad e-mail
    ]
    users, memberships = User.objects.count(), Membership.objects.count()

    result = run(xlsx(bad), school, director)

    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert {(e.row, e.column) for e in result.errors} == {
        (3, "手机"), (4, "部门"), (5, "角色"), (6, "工号"), (7, "姓名"), (7, "邮箱"),
    }  # fmt: skip
    role_error = next(e for e in result.errors if e.column == "角色")
    assert role_error.value == "校董" and "校董" in str(role_error.message)


def test_corrected_staff_file_imports_every_row(school, director, departments):
    fixed = [
        HEADER,
        ["1001", "王建国", "13800000001", None, "总务处", "", "教师", None],
        ["1002", "李芳", "13800000002", None, "总务处", "", "教师", None],
        ["1003", "陈明", None, None, "教务处", "", "教师", None],
        ["1004", "赵强", None, None, "", "", "门卫", None],
        ["1005", "王建", None, None, "", "", "教师", None],
    ]
    result = run(xlsx(fixed), school, director)
    assert result.ok and result.created == 5
    assert Membership.objects.filter(school=school).count() == 5 + 1  # + the director


def test_reimporting_the_staff_file_does_not_duplicate(school, director, departments):
    run(xlsx([HEADER, *GOOD]), school, director)
    counts = User.objects.count(), Membership.objects.count(), RoleAssignment.objects.count()

    again = run(xlsx([HEADER, *GOOD]), school, director)

    assert (
        User.objects.count(),
        Membership.objects.count(),
        RoleAssignment.objects.count(),
    ) == counts
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_reimport_sets_roles_to_what_the_file_says(school, director, departments):
    run(xlsx([HEADER, *GOOD]), school, director)
    changed = [row[:] for row in GOOD]
    changed[0][6] = "教师"
    result = run(xlsx([HEADER, *changed]), school, director)
    assert result.updated == 1
    assert roles_of("1001") == {"staff"}


def test_existing_account_of_the_same_person_joins_this_school(school, other_school, director):
    person = UserFactory(username="chenming", full_name="陈明", phone="13900000000")
    MembershipFactory(school=other_school, user=person, employee_no="B7")

    result = run(
        xlsx([HEADER, ["2001", "陈明", "13800000009", "chenming", "", "", "教师", None]]),
        school,
        director,
    )

    assert result.ok and result.created == 1
    assert Membership.objects.get(school=school, user=person).employee_no == "2001"
    person.refresh_from_db()
    # The other school's details of a shared person are left as they were.
    assert person.phone == "13900000000"
    assert Membership.objects.get(school=other_school, user=person).employee_no == "B7"


def test_username_of_another_person_is_refused(school, other_school, director):
    stranger = UserFactory(username="1001", full_name="别人")
    MembershipFactory(school=other_school, user=stranger, employee_no="1001")

    result = run(
        xlsx([HEADER, ["1001", "王建国", None, None, "", "", "教师", None]]), school, director
    )

    assert [(e.row, e.column) for e in result.errors] == [(2, "工号")]
    assert "别人" not in str(result.errors[0].message)
    assert not Membership.objects.filter(school=school, user=stranger).exists()


def test_employee_number_bound_to_another_account_is_refused(school, director, make_member):
    make_member(school, "staff", username="old-account")
    number = Membership.objects.get(user__username="old-account").employee_no

    result = run(
        xlsx([HEADER, [number, "某人", None, "new-account", "", "", "", None]]), school, director
    )

    assert [e.column for e in result.errors] == ["用户名"]


def test_staff_import_never_touches_another_schools_members(
    school, other_school, director, departments
):
    theirs = MembershipFactory(school=other_school, employee_no="1001", user__full_name="乙校老师")
    run(xlsx([HEADER, *GOOD]), school, director)
    theirs.refresh_from_db()
    assert (theirs.school, theirs.user.full_name, theirs.department) == (
        other_school,
        "乙校老师",
        None,
    )
    assert (
        Membership.objects.filter(school=school, employee_no="1001")
        .exclude(user=theirs.user)
        .exists()
    )


def test_role_changes_are_kept_in_the_change_history(school, director, departments):
    run(xlsx([HEADER, *GOOD]), school, director)
    changed = [row[:] for row in GOOD]
    changed[0][6] = "教师"
    run(xlsx([HEADER, *changed]), school, director)
    removed = RoleAssignment.history.filter(role="director", history_type="-").get()
    assert removed.history_user == director


def test_a_clerk_cannot_make_a_principal_through_the_staff_file(school, make_member, departments):
    clerk = make_member(school, "clerk", username="clerk")
    rows = [HEADER, ["2001", "钱校长", None, None, "", "", "校长", None]]
    result = run(xlsx(rows), school, clerk)
    assert not result.ok
    assert [(e.row, e.key) for e in result.errors] == [(2, "roles")]
    assert not User.objects.filter(username="2001").exists()

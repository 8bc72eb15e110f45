"""Staff: accounts, memberships of the school and roles."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from houqin.core.importing import Column, Importer, Outcome, Row, cells, set_fields

from ..models import (
    Membership,
    RoleAssignment,
    User,
)
from ..roles import Role
from ..services import roles_beyond
from .common import (
    departments_by_name,
    match_key,
    parse_roles,
    parse_username,
    role_label,
    save_checked,
)


class StaffImporter(Importer):
    """Staff with their account, membership of this school and roles. New accounts get no
    usable password: people set theirs through a password reset."""

    key = "staff"
    title = _("Staff")
    permission = "org.import_org"
    columns = [
        Column(
            "employee_no",
            ["工号", "职工号", "教工号", "员工编号", "employee number", "employee no"],
            required=True,
            parse=cells.text(30),
            example="1001",
        ),
        Column(
            "full_name",
            ["姓名", "名字", "full name", "name"],
            required=True,
            parse=cells.text(60),
            example="张伟",
        ),
        Column(
            "phone",
            ["手机", "手机号", "手机号码", "联系电话", "电话", "mobile", "phone"],
            parse=cells.mainland_mobile,
            example="13800000000",
            help=_("An 11-digit mainland mobile number."),
        ),
        Column(
            "username",
            ["用户名", "登录名", "账号", "帐号", "username"],
            parse=parse_username,
            example="zhangwei",
            help=_("Optional: the employee number when blank."),
        ),
        Column(
            "department",
            ["部门", "所属部门", "处室", "department"],
            parse=cells.text(60),
            example="总务处",
            help=_("The name of an existing department."),
        ),
        Column(
            "title",
            ["职务", "职位", "岗位", "job title", "title"],
            parse=cells.text(60),
            example="后勤主任",
        ),
        Column(
            "roles",
            ["角色", "权限角色", "roles", "role"],
            parse=parse_roles,
            example="后勤主任、教师",
            help=_("One or more of 后勤主任, 后勤干事, 维修工, 教师, 班主任…, separated by 、"),
        ),
        Column(
            "email",
            ["邮箱", "电子邮箱", "email", "e-mail"],
            parse=cells.email,
            example="zhangwei@example.cn",
        ),
    ]
    natural_key = ("employee_no",)

    def prepare(self, rows):
        school = self.school
        for row in rows:
            if row.has("employee_no"):
                row.resolved["username"] = row.get("username") or row.get("employee_no")
        usernames = {r.resolved["username"] for r in rows if "username" in r.resolved}
        numbers = {r.get("employee_no") for r in rows if r.get("employee_no")}
        self.users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        memberships = list(
            Membership.objects.filter(school=school)
            .filter(Q(employee_no__in=numbers) | Q(user__in=list(self.users.values())))
            .select_related("user")
            .prefetch_related("roles")
        )
        self.by_employee = {m.employee_no: m for m in memberships if m.employee_no}
        self.by_user = {m.user_id: m for m in memberships}
        self.shared_user_ids = set(
            Membership.objects.filter(
                user__in=[*self.users.values(), *(m.user for m in memberships)]
            )
            .exclude(school=school)
            .values_list("user_id", flat=True)
        )
        self.departments = departments_by_name(school)
        seen: dict[str, int] = {}
        for row in rows:
            username = row.resolved.get("username")
            if username is None:
                continue
            if username in seen:
                key = "username" if row.get("username") else "employee_no"
                row.error(
                    key,
                    _("The username %(username)s is also used in row %(row)d.")
                    % {"username": username, "row": seen[username]},
                )
            else:
                seen[username] = row.number

    def clean_row(self, row: Row):
        number, username = row.get("employee_no"), row.resolved.get("username")
        if number is None or username is None:
            return
        membership = self.by_employee.get(number)
        user = membership.user if membership else self.users.get(username)
        if membership and row.get("username") and username != membership.user.username:
            row.error(
                "username",
                _("Employee number %(no)s already belongs to the account %(username)s.")
                % {"no": number, "username": membership.user.username},
            )
        elif membership is None and user is not None:
            membership = self.by_user.get(user.pk)
            if membership and membership.employee_no and membership.employee_no != number:
                row.error(
                    "employee_no",
                    _("The account %(username)s has employee number %(no)s here.")
                    % {"username": username, "no": membership.employee_no},
                )
            elif membership is None and match_key(user.full_name) != match_key(
                row.get("full_name")
            ):
                # Another person (often of another school) holds this username; do not join them.
                key = "username" if row.get("username") else "employee_no"
                row.error(
                    key,
                    _(
                        "The username %(username)s is taken by someone else: "
                        "write another one in the 用户名 column."
                    )
                    % {"username": username},
                )
        row.resolved["user"], row.resolved["membership"] = user, membership
        beyond = roles_beyond(self.by, self.school, row.get("roles") or ())
        if beyond:
            row.error(
                "roles",
                _("You cannot grant a role with rights you do not have: %(roles)s.")
                % {"roles": "、".join(str(role_label(code)) for code in beyond)},
            )
        if row.get("department"):
            department = self.departments.get(match_key(row.get("department")))
            if department is None:
                row.error("department", _("No department of this name in this school."))
            row.resolved["department"] = department

    def save_row(self, row: Row) -> Outcome:
        user, membership = row.resolved["user"], row.resolved["membership"]
        created = changed = False
        person = {"full_name": row.get("full_name")}
        for key in ("phone", "email"):
            if row.has(key):
                person[key] = row.get(key) or ""
        if user is None:
            user = User(username=row.resolved["username"], current_school=self.school, **person)
            user.set_unusable_password()
            save_checked(user, self.by)
            created = True
        elif user.pk not in self.shared_user_ids:
            # A person who also works in another school keeps the details that school knows.
            if user.current_school_id is None:
                person["current_school"] = self.school
            if set_fields(user, person):
                save_checked(user, self.by)
                changed = True
        fields = {"employee_no": row.get("employee_no"), "is_active": True}
        if row.has("department"):
            fields["department"] = row.resolved.get("department")
        if row.has("title"):
            fields["title"] = row.get("title") or ""
        if membership is None:
            membership = Membership(school=self.school, user=user, **fields)
            save_checked(membership, self.by)
            created = True
            current_roles: set[str] = set()
        else:
            if set_fields(membership, fields):
                save_checked(membership, self.by)
                changed = True
            current_roles = {r.role for r in membership.roles.all()}
        wanted = set(row.get("roles") or ())
        if not wanted:
            wanted = current_roles or {Role.STAFF}
        if wanted != current_roles:
            # One by one, not in bulk, so the change history records who gave which role.
            for assignment in membership.roles.all() if current_roles else ():
                if assignment.role not in wanted:
                    assignment._history_user = self.by
                    assignment.delete()
            for role in sorted(wanted - current_roles):
                save_checked(RoleAssignment(membership=membership, role=role), self.by)
            changed = True
        if created:
            return Outcome.CREATED
        return Outcome.UPDATED if changed else Outcome.UNCHANGED


def staff_export_rows(qs):
    """Rows of memberships in the StaffImporter layout (pass a restricted Membership queryset)."""
    qs = (
        qs.filter(is_active=True)
        .select_related("user", "department")
        .prefetch_related("roles")
        .order_by("employee_no", "user__full_name")
    )
    for m in qs.iterator(chunk_size=500):
        yield [
            m.employee_no,
            m.user.full_name,
            m.user.phone,
            m.user.username,
            m.department.name if m.department else "",
            m.title,
            "、".join(role_label(r.role) for r in sorted(m.roles.all(), key=_role_order)),
            m.user.email,
        ]


def _role_order(assignment) -> int:
    return list(Role.values).index(assignment.role) if assignment.role in Role.values else 99

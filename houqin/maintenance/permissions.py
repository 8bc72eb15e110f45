"""What each role may do with repairs (granted into houqin.org.roles when the app loads).

Row-level rights ("my reports", "my assigned orders", "my company's orders") are
``WorkOrder.owned_q``; these grants are school-wide.
"""

from houqin.org.roles import Role, grant

_ALL = {f"maintenance.{a}_workorder" for a in ("view", "add", "change")}
_CATEGORIES = {f"maintenance.{a}_repaircategory" for a in ("view", "add", "change", "delete")}

grant(
    Role.DIRECTOR,
    _ALL | _CATEGORIES | {"maintenance.dispatch_workorder", "maintenance.export_workorder"},
)
grant(
    Role.CLERK,
    _ALL
    | {
        "maintenance.view_repaircategory",
        "maintenance.dispatch_workorder",
        "maintenance.export_workorder",
    },
)
for role in (Role.PRINCIPAL, Role.AUDITOR, Role.DISTRICT_OFFICER, Role.FINANCE):
    grant(
        role,
        {
            "maintenance.view_workorder",
            "maintenance.view_repaircategory",
            "maintenance.export_workorder",
        },
    )
# Everyone in the school may report a problem and read the categories.
for role in Role.values:
    grant(role, {"maintenance.add_workorder", "maintenance.view_repaircategory"})

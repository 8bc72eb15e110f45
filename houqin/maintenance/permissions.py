"""What each role may do with repairs (granted into houqin.org.roles when the app loads).

Row-level rights ("my reports", "my assigned orders", "my company's orders") are
``WorkOrder.owned_q``; these grants are school-wide.
"""

from houqin.org.roles import Role, grant

_ALL = {f"maintenance.{a}_workorder" for a in ("view", "add", "change")}
_CATEGORIES = {f"maintenance.{a}_repaircategory" for a in ("view", "add", "change", "delete")}
_PLANS = {f"maintenance.{a}_maintenanceplan" for a in ("view", "add", "change")}
_SETTINGS = {"maintenance.view_maintenancesettings", "maintenance.change_maintenancesettings"}

grant(
    Role.DIRECTOR,
    _ALL
    | _CATEGORIES
    | _PLANS
    | _SETTINGS
    | {
        "maintenance.dispatch_workorder",
        "maintenance.export_workorder",
        "maintenance.generate_maintenanceplan",
    },
)
grant(
    Role.CLERK,
    _ALL
    | {
        "maintenance.view_repaircategory",
        "maintenance.dispatch_workorder",
        "maintenance.export_workorder",
        "maintenance.view_maintenanceplan",
        "maintenance.generate_maintenanceplan",
    },
)
for role in (Role.PRINCIPAL, Role.AUDITOR, Role.DISTRICT_OFFICER, Role.FINANCE):
    grant(
        role,
        {
            "maintenance.view_workorder",
            "maintenance.view_repaircategory",
            "maintenance.export_workorder",
            "maintenance.view_maintenanceplan",
        },
    )
# Everyone in the school may report a problem and read the categories.
for role in Role.values:
    grant(role, {"maintenance.add_workorder", "maintenance.view_repaircategory"})

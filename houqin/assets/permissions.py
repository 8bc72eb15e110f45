"""What each role may do with assets (granted into houqin.org.roles when the app loads).

Row-level rights ("assets I look after", "my department's assets", "my class's damage
records", "my disposal requests") are each model's ``owned_q``; these grants are school-wide.
"""

from houqin.org.roles import Role, grant


def _perms(actions, models):
    return {f"assets.{a}_{m}" for a in actions for m in models}


_REGISTER = ("asset", "assetcategory", "assetloan", "assetmovement")
_DOCUMENTS = ("stocktake", "disposal", "damagerecord")
_ABILITIES = {
    "assets.export_asset",
    "assets.import_asset",
    "assets.move_asset",
    "assets.label_asset",
    "assets.depreciate_asset",
    "assets.scan_stocktake",
    "assets.writeoff_disposal",
}
_READ = _perms(["view"], (*_REGISTER, *_DOCUMENTS, "assetsettings", "depreciationrun")) | {
    "assets.view_depreciationentry",
    "assets.export_asset",
}

# The director and the clerk keep the register (资产管理员 is usually the logistics clerk).
for role in (Role.DIRECTOR, Role.CLERK):
    grant(
        role,
        _READ
        | _perms(["add", "change"], (*_REGISTER, *_DOCUMENTS))
        | _perms(["view", "add", "change"], ("assetimport", "stocktakeitem", "stocktakescan"))
        | {
            "assets.delete_assetcategory",
            "assets.view_importmapping",
            "assets.change_importmapping",
        }
        | _ABILITIES,
    )
grant(Role.DIRECTOR, {"assets.change_assetsettings"})
# Finance, the principal, auditors and the bureau read everything and export.
for role in (Role.PRINCIPAL, Role.FINANCE, Role.AUDITOR, Role.DISTRICT_OFFICER):
    grant(role, _READ)
grant(Role.FINANCE, {"assets.depreciate_asset"})
# The keeper helps count: reads the register and scans in stock-takes.
grant(
    Role.KEEPER,
    _perms(["view"], ("asset", "assetcategory", "stocktake", "stocktakeitem"))
    | {"assets.scan_stocktake", "assets.add_stocktakescan"},
)
# Staff may ask to dispose of an asset they look after; everyone reads the categories.
for role in Role.values:
    grant(role, {"assets.view_assetcategory"})
    if role not in (Role.CONTRACTOR, Role.AUDITOR, Role.DISTRICT_OFFICER):
        grant(role, {"assets.add_disposal"})
# Class teachers record damage in their classes; their view of records is owned_q.
grant(Role.CLASS_TEACHER, {"assets.add_damagerecord"})

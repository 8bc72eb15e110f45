"""What each role may do in the stores (granted into houqin.org.roles when the app loads).

Row-level rights ("my requisitions", "my department's print jobs") are each model's
``owned_q``; these grants are school-wide.
"""

from houqin.org.roles import Role, grant


def _perms(actions, models):
    return {f"stores.{a}_{m}" for a in actions for m in models}


_CATALOGUE = ("store", "itemcategory", "item")
_LEDGER = ("stockbalance", "stockmove")
_READ = _perms(["view"], (*_CATALOGUE, *_LEDGER))

# The keeper runs the stores; the director and the clerk manage them too.
for role in (Role.KEEPER, Role.DIRECTOR, Role.CLERK):
    grant(
        role,
        _READ
        | _perms(["add", "change"], _CATALOGUE)
        | {"stores.receive_stock", "stores.issue_stock", "stores.adjust_stock", "stores.export_item"},
    )
# Finance, the principal, auditors and the bureau read the stores and their value.
for role in (Role.FINANCE, Role.PRINCIPAL, Role.AUDITOR, Role.DISTRICT_OFFICER):
    grant(role, _READ | {"stores.export_item"})
# Everyone on the staff sees the catalogue (to ask for items); workers draw parts for repairs.
for role in Role.values:
    if role not in (Role.AUDITOR, Role.DISTRICT_OFFICER):
        grant(role, _perms(["view"], ("itemcategory", "item")))
for role in (Role.WORKER, Role.KEEPER, Role.DIRECTOR, Role.CLERK):
    grant(role, {"stores.draw_stock"})

"""What each role may do in purchasing (granted into houqin.org.roles when the app loads).

Row-level rights ("my requests", "my department's requests and budgets") are each model's
``owned_q``; these grants are school-wide.
"""

from houqin.org.roles import Role, grant


def _perms(actions, models):
    return {f"purchasing.{a}_{m}" for a in actions for m in models}


_ALL = (
    "purchasingsettings", "budgetcategory", "budget", "purchaserequest", "purchaserequestline",
    "quote", "purchaseorder", "purchaseorderline", "receipt", "receiptline",
)  # fmt: skip
_READ = _perms(["view"], _ALL)

# Logistics buys centrally: the director and the clerk run budgets, quotes, orders, receipts.
for role in (Role.DIRECTOR, Role.CLERK):
    grant(role, _READ | _perms(["add", "change"], _ALL))
# The keeper records deliveries and checks them in; finance reads everything and keeps budgets.
grant(Role.KEEPER, _perms(["view"], ("purchaseorder", "purchaseorderline", "receipt", "receiptline"))
      | _perms(["add", "change"], ("receipt", "receiptline")))  # fmt: skip
grant(Role.FINANCE, _READ | _perms(["add", "change"], ("budget", "budgetcategory")))
for role in (Role.PRINCIPAL, Role.AUDITOR, Role.DISTRICT_OFFICER):
    grant(role, _READ)
# Every member of staff may ask to buy; what they see is their own (owned_q).
for role in Role.values:
    if role not in (Role.CONTRACTOR, Role.AUDITOR, Role.DISTRICT_OFFICER):
        grant(role, {"purchasing.add_purchaserequest", "purchasing.view_budgetcategory"})

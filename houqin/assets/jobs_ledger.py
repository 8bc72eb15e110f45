"""The nightly depreciation catch-up (imported by the assets app's ``ready``).

Every night at 01:30 each school with assets gets the months it is due
(``services_ledger.months_due``): on the 1st that is the month just ended; on any other night
nothing, unless a run was missed (the scheduler was down on the 1st) or the last month was
run before it ended. Running nightly rather than only on the 1st is what makes a missed night
harmless.
"""

from houqin.core.scheduler import periodic

from . import services_ledger


@periodic("assets.depreciation_catch_up", hour=1, minute=30)
def depreciation_catch_up(now):
    """Run the monthly depreciation of every school for the months it is due."""
    return services_ledger.catch_up_all(now=now)

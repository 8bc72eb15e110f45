"""Quantities, money and unit costs as the stores keep them."""

from decimal import Decimal

ZERO = Decimal("0")
QUANTITY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 16, "decimal_places": 2}
# Unit costs keep four places: a ream at ¥23.4567 on average, 2,000 reams to the cent.
UNIT_COST = {"max_digits": 14, "decimal_places": 4}

"""Quantities, money and prices as purchasing keeps them."""

from decimal import Decimal

ZERO = Decimal("0")
QUANTITY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 16, "decimal_places": 2}
PRICE = {"max_digits": 14, "decimal_places": 4}

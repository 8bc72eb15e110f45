"""Canteen and water: each area's models live in their own module; import them from it
(``from houqin.canteen.models.food import …``)."""

from . import food, goods, staff, water  # noqa: F401

"""This area's registrations, imported by the app's ready(): the stores become the stock
source of the maintenance module's parts."""

from houqin.maintenance import parts as maintenance_parts

from .parts import StoresStockSource

maintenance_parts.register(StoresStockSource())

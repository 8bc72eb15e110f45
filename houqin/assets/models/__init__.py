"""The asset register (资产) and everything that happens to an asset: movements and loans,
stock-takes, disposals, damage records, depreciation and ledger imports."""

from .categories import AssetCategory, ValueRule
from .damage import DamageCause, DamageRecord, DamageStatus
from .depreciation import DepreciationEntry, DepreciationRun
from .disposal import Disposal, DisposalKind, DisposalLine, DisposalStatus
from .imports import AssetImport, ImportMapping, ImportStatus
from .movements import AssetLoan, AssetMovement, MovementKind
from .register import (
    AcquisitionMode,
    Asset,
    AssetKind,
    AssetSettings,
    AssetStatus,
    UseDirection,
)
from .stocktake import (
    Correction,
    ScanResult,
    StockTake,
    StockTakeItem,
    StockTakeScan,
    StockTakeStatus,
)

__all__ = [
    "AcquisitionMode",
    "Asset",
    "AssetCategory",
    "AssetImport",
    "AssetKind",
    "AssetLoan",
    "AssetMovement",
    "AssetSettings",
    "AssetStatus",
    "Correction",
    "DamageCause",
    "DamageRecord",
    "DamageStatus",
    "DepreciationEntry",
    "DepreciationRun",
    "Disposal",
    "DisposalKind",
    "DisposalLine",
    "DisposalStatus",
    "ImportMapping",
    "ImportStatus",
    "MovementKind",
    "ScanResult",
    "StockTake",
    "StockTakeItem",
    "StockTakeScan",
    "StockTakeStatus",
    "UseDirection",
    "ValueRule",
]

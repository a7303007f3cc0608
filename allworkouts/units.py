"""Weights are stored in kg and entered and shown in the lifter's unit.

1 lb is exactly 0.45359237 kg, and the weight columns keep nine decimal places, so every pound
value a lifter uses (0.5 lb steps, and far finer) converts to kg exactly and back without loss.
"""

from decimal import ROUND_HALF_EVEN, Decimal

from allworkouts.users.models import UnitSystem

KG_PER_LB = Decimal("0.45359237")
STORED_PLACES = Decimal("0.000000001")
# Shown to two decimals at most: 102.5 kg, 225 lb, 61.23 kg for a weight logged as 135 lb.
SHOWN_PLACES = Decimal("0.01")


def unit_label(unit_system: str) -> str:
    return "lb" if unit_system == UnitSystem.IMPERIAL else "kg"


def to_kg(weight: Decimal, unit_system: str) -> Decimal:
    """A weight typed in the lifter's unit, as stored."""
    kg = weight * KG_PER_LB if unit_system == UnitSystem.IMPERIAL else weight
    return kg.quantize(STORED_PLACES, rounding=ROUND_HALF_EVEN)


def from_kg(kg: Decimal, unit_system: str) -> Decimal:
    """A stored weight in the lifter's unit, rounded for display, without trailing zeros."""
    weight = kg / KG_PER_LB if unit_system == UnitSystem.IMPERIAL else kg
    shown = weight.quantize(SHOWN_PLACES, rounding=ROUND_HALF_EVEN)
    # normalize() would write 100 as 1E+2; a lifter reads 100.
    return shown.quantize(Decimal(1)) if shown == shown.to_integral() else shown.normalize()


def format_weight(kg: Decimal, unit_system: str) -> str:
    return f"{from_kg(kg, unit_system)} {unit_label(unit_system)}"

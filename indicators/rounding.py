"""Display rounding of official statistics: half away from zero (Python's round() is half-even, and a
binary float like 2.675 is really 2.67499…). Storage keeps full precision; only what people read rounds."""

from decimal import ROUND_HALF_UP, Decimal


def round_half_away(value: float, digits: int) -> float:
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))

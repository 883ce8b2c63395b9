"""Display rounding: half away from zero, on the decimal the reader sees (not the binary float)."""

import pytest

from indicators.rounding import round_half_away


@pytest.mark.parametrize("value, digits, shown", [
    (2.675, 2, 2.68),     # round() gives 2.67: the float is 2.67499…, but people read 2.675
    (-2.675, 2, -2.68),   # away from zero, not up
    (0.125, 2, 0.13),     # round() gives 0.12 (half to even)
    (17.42072, 2, 17.42),  # Shenzhen's 5G stations per 10k people, 30,591 / 1,756.0061
    (99.95, 1, 100.0),
])
def test_half_away_from_zero(value, digits, shown):
    assert round_half_away(value, digits) == shown

SELECT indicator_code, magnitude, is_derived, numerator, denominator, multiplier FROM ref.indicators

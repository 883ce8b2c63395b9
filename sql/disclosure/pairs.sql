-- The cities' derived pairs: which cities' parts a region's or the province's rate sums.
SELECT area_code, period, indicator_code, denominator_period FROM core.derived_pairs

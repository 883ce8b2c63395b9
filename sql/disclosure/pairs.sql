-- The cities' derived pairs: which cities' parts a region's or the province's rate sums.
-- (of the $indicators disclosure control looks at)
SELECT area_code, period, indicator_code, denominator_period FROM core.derived_pairs
WHERE list_contains($indicators, indicator_code)

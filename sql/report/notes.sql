-- The rules the bulletin's notes state: aggregation (imputation and coverage) and disclosure control.
SELECT a.min_coverage_pct, a.imputation_method, d.min_units, d.protection_interval_pct, d.legal_basis
FROM ref.aggregation_rules a, ref.disclosure_rules d;

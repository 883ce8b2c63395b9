-- dc_racks_in_use_above_standard and dc_total_below_it: rows where both numbers are given and contradict
-- each other. First a row of totals (row_id NULL: how many rows had both of each pair), then each such row.
SELECT NULL AS row_id,
       count(*) FILTER (racks_in_use IS NOT NULL AND standard_racks IS NOT NULL) AS racks_evaluated,
       count(*) FILTER (total_energy_mwh IS NOT NULL AND it_energy_mwh IS NOT NULL) AS energy_evaluated,
       NULL AS racks_contradict, NULL AS energy_contradict
FROM list_rows
UNION ALL
SELECT row_id, NULL, NULL, coalesce(racks_in_use > standard_racks, false),
       coalesce(total_energy_mwh < it_energy_mwh, false)
FROM list_rows
WHERE racks_in_use > standard_racks OR total_energy_mwh < it_energy_mwh
ORDER BY row_id NULLS FIRST

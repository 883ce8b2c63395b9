-- ent_uscc_check: the well-formed codes (18 characters of the GB 32100-2015 set) whose 18th character is not
-- their check character (macros.sql). First a row of totals (row_id NULL: how many codes were judged), then
-- each wrong row with the right character.
WITH well_formed AS (
    SELECT row_id, uscc, uscc_check_character(uscc, $charset, $weights) AS expected_check
    FROM list_rows WHERE regexp_full_match(uscc, '[' || $charset || ']{18}')
)
SELECT NULL AS row_id, count(*) AS evaluated, NULL AS expected_check FROM well_formed
UNION ALL
SELECT row_id, NULL, expected_check FROM well_formed WHERE substr(uscc, 18, 1) <> expected_check
ORDER BY row_id NULLS FIRST

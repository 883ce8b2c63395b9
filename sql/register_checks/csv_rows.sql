-- A CSV list's data rows as the row-by-row reader keeps them (indicators/readers.py). csv_lines holds the
-- lines from the first data row on, `line` each one's number and c0, c1, … its cells:
--   * each cell trimmed as str.strip() does ($whitespace); only one that starts or ends with whitespace is
--     trimmed, since trim with a set of characters is slow;
--   * a row of blank cells left out;
--   * nothing kept from the first row whose first filled cell starts a 统计报表 footer label ($footers).
CREATE TEMP TABLE csv_rows AS
WITH trimmed AS (
    SELECT line,
           CASE WHEN contains($whitespace, left(COLUMNS('^c[0-9]+$'), 1))
                  OR contains($whitespace, right(COLUMNS('^c[0-9]+$'), 1))
                THEN trim(COLUMNS('^c[0-9]+$'), $whitespace) ELSE COLUMNS('^c[0-9]+$') END
    FROM csv_lines
),
filled_cells AS (
    SELECT *, list_filter(list_value(*COLUMNS('^c[0-9]+$')), lambda cell: cell <> '') AS cells FROM trimmed
),
filled AS (
    SELECT * EXCLUDE (cells), cells[1] AS first_text FROM filled_cells
),
footer AS (
    SELECT min(line) AS line FROM filled
    WHERE len(list_filter($footers, lambda label: starts_with(first_text, label))) > 0
)
SELECT row_number() OVER (ORDER BY line) - 1 AS row_id, line AS source_row, COLUMNS('^c[0-9]+$')
FROM filled
WHERE first_text IS NOT NULL AND line < coalesce((SELECT line FROM footer), 9223372036854775807)

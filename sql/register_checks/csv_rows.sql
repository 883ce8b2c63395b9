-- A CSV list's data rows as the row-by-row reader keeps them (indicators/readers.py): cells trimmed as
-- str.strip() does ($whitespace), a row of blank cells left out, nothing from the first row whose first
-- filled cell starts a 统计报表 footer label ($footers) on. csv_lines holds the lines from the first data row,
-- `line` each one's number; {trimmed}, {first_text} and {texts} are the columns, written by the caller.
CREATE TEMP TABLE csv_rows AS
WITH trimmed AS (
    SELECT line, {trimmed} FROM csv_lines
),
filled AS (
    SELECT *, {first_text} AS first_text FROM trimmed
),
footer AS (
    SELECT min(line) AS line FROM filled
    WHERE len(list_filter($footers, lambda label: starts_with(first_text, label))) > 0
)
SELECT row_number() OVER (ORDER BY line) - 1 AS row_id, line AS source_row, {texts}
FROM filled
WHERE first_text IS NOT NULL AND line < coalesce((SELECT line FROM footer), 9223372036854775807)

-- Vintages. A cell is (source, area, period, indicator). As of a moment, a source's value for a cell is
-- its latest vintage received by then, unless that submission had been withdrawn by then (the cell then
-- falls back to the source's previous vintage). Across sources, the agency of record named in the
-- catalogue wins; a pilot's value fills only cells the agency has not reported.
-- as_of is an instant: every time is a TIMESTAMPTZ, so a TIMESTAMPTZ argument gets the same answer whatever
-- the connection's TimeZone (a naive TIMESTAMP argument is read in that TimeZone, as DuckDB casts it).
-- `areas` and `periods`, when given, keep those areas' and periods' cells only, before the window: a file's
-- load compares the cells it carries, without ranking every vintage of the warehouse (national scale:
-- millions), or every year of its areas, for each file.
CREATE OR REPLACE MACRO core.source_cells_as_of(as_of, areas := NULL, periods := NULL) AS TABLE
    SELECT o.*
    FROM core.observations o
    LEFT JOIN ops.withdrawals w USING (submission_id)
    WHERE o.received_at <= as_of
      AND (w.withdrawn_at IS NULL OR w.withdrawn_at > as_of)
      AND (areas IS NULL OR list_contains(areas, o.area_code))
      AND (periods IS NULL OR list_contains(periods, o.period))
    QUALIFY row_number() OVER (
        PARTITION BY o.source, o.area_code, o.period, o.indicator_code
        ORDER BY o.received_at DESC, o.submission_id DESC) = 1;

CREATE OR REPLACE MACRO core.observations_as_of(as_of) AS TABLE
    SELECT c.*, c.source = i.submitter AS from_source_of_record
    FROM core.source_cells_as_of(as_of) c
    JOIN ref.indicators i USING (indicator_code)
    QUALIFY row_number() OVER (
        PARTITION BY c.area_code, c.period, c.indicator_code
        ORDER BY (c.source = i.submitter) DESC, c.received_at DESC, c.submission_id DESC) = 1;

-- The latest vintage of every cell: what the marts are built from.
CREATE OR REPLACE VIEW core.v_latest AS
    SELECT * FROM core.observations_as_of(TIMESTAMPTZ 'infinity');

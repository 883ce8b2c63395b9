-- What the registries say as of an instant (sql/schema/80_registers.sql). A registry's records are seen
-- as of `as_of` like any vintage: received by then, from a submission not withdrawn by then.
CREATE OR REPLACE MACRO core.register_records_as_of(reg, as_of) AS TABLE
    SELECT r.*
    FROM core.register_records r
    LEFT JOIN ops.withdrawals w USING (submission_id)
    WHERE r.registry = reg AND r.received_at <= as_of
      AND (w.withdrawn_at IS NULL OR w.withdrawn_at > as_of);

-- The data-centre register and the site list: a list replaces the cells it carries. Per (period, city),
-- the latest submission with rows for that city and period supplies its units; a unit in two cities'
-- lists counts once, in its latest record's city.
CREATE OR REPLACE MACRO core.register_units_as_of(reg, as_of) AS TABLE
    WITH supplied AS (
        SELECT * FROM core.register_records_as_of(reg, as_of)
        QUALIFY dense_rank() OVER (PARTITION BY period, area_code ORDER BY received_at DESC, submission_id DESC) = 1
    )
    SELECT * FROM supplied
    QUALIFY row_number() OVER (PARTITION BY period, unit_id ORDER BY received_at DESC, submission_id DESC, source_row) = 1;

-- The enterprise list: an enterprise counts once a year. Its latest vintage (the latest submission listing
-- it that year) decides: among that submission's above-scale rows completed within the year, the earliest
-- completed project gives its city (the city column) and the date from which it counts.
CREATE OR REPLACE MACRO core.register_enterprises_as_of(as_of) AS TABLE
    WITH latest AS (
        SELECT * FROM core.register_records_as_of('enterprise_list', as_of)
        QUALIFY dense_rank() OVER (PARTITION BY unit_id, year(period) ORDER BY received_at DESC, submission_id DESC) = 1
    )
    SELECT year(period) AS year, unit_id, area_code, completion_date AS counted_from, uscc_valid, submission_id
    FROM latest
    WHERE above_scale AND completion_date >= make_date(year(period), 1, 1)
    QUALIFY row_number() OVER (PARTITION BY unit_id, year(period) ORDER BY completion_date, source_row) = 1;

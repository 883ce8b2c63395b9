-- Tables the monitoring marts need beyond the foundation's.

-- The cells a rejected file carried (its values are quarantined, never loaded): the completeness board
-- marks a cell 'rejected' when the agency's only attempts at it were rejected.
CREATE TABLE IF NOT EXISTS ops.rejected_cells (
    submission_id BIGINT NOT NULL,
    area_code VARCHAR NOT NULL,
    period DATE NOT NULL,
    freq VARCHAR NOT NULL,
    indicator_code VARCHAR NOT NULL,
    PRIMARY KEY (submission_id, area_code, period, indicator_code)
);

-- Gigabit-city (千兆城市) pass thresholds from indicators/data/targets.yaml; refreshed with the other ref
-- tables. A NULL threshold: none found, the indicator is shown without a pass/fail.
CREATE TABLE IF NOT EXISTS ref.gigabit_city_thresholds (
    indicator_code VARCHAR PRIMARY KEY,
    threshold DOUBLE,
    comparison VARCHAR NOT NULL CHECK (comparison IN ('>=', '<=')),
    verified BOOLEAN NOT NULL,
    source_citation VARCHAR NOT NULL
);

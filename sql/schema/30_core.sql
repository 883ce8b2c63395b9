-- Every observation of every accepted submission: insert-only, never updated.
-- A resubmission adds rows; the latest vintage per cell is chosen in the views below.
CREATE TABLE IF NOT EXISTS core.observations (
    submission_id BIGINT NOT NULL,
    source VARCHAR NOT NULL,            -- the submitting profile (gdca, pilot-440300, ...)
    received_at TIMESTAMP NOT NULL,
    area_code VARCHAR NOT NULL,
    period DATE NOT NULL,               -- first day of the period
    freq VARCHAR NOT NULL,
    indicator_code VARCHAR NOT NULL,
    value DOUBLE NOT NULL,              -- blank cells are not reported: they have no row, never zero
    note VARCHAR,
    source_row INTEGER,
    PRIMARY KEY (submission_id, area_code, period, indicator_code)
);

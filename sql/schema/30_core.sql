-- Every observation of every accepted submission: insert-only, never updated.
-- A resubmission adds rows; the latest vintage per cell is chosen in the views below.
CREATE TABLE IF NOT EXISTS core.observations (
    submission_id BIGINT NOT NULL,
    source VARCHAR NOT NULL,            -- the submitting profile (gdca, pilot-440300, ...)
    received_at TIMESTAMPTZ NOT NULL,
    area_code VARCHAR NOT NULL,
    period DATE NOT NULL,               -- first day of the period
    freq VARCHAR NOT NULL,
    indicator_code VARCHAR NOT NULL,
    value DOUBLE NOT NULL,              -- blank cells are not reported: they have no row, never zero
    note VARCHAR,
    source_row INTEGER,
    PRIMARY KEY (submission_id, area_code, period, indicator_code)
);
-- The number of units (data centres, enterprises) that contribute to a magnitude indicator's value, as the
-- submission gave it: a vintage's count goes with its value. NULL: not given, unknown (never zero).
-- Added after the table's first release: ALTER keeps an existing build DB in step (and puts it last in
-- both, so a new and a migrated DB have the same columns in the same order).
ALTER TABLE core.observations ADD COLUMN IF NOT EXISTS n_units INTEGER;

-- The last day of a period (periods are stored as their first day, with their frequency).
-- Python's twin: indicators.reference.period_end.
CREATE OR REPLACE MACRO core.period_end(period, freq) AS
    period + to_months(CASE freq WHEN 'M' THEN 1 WHEN 'Q' THEN 3 ELSE 12 END) - INTERVAL 1 DAY;

-- The cells disclosure control suppressed in the latest mart.observations (indicators/disclosure.py), with
-- the true values the serving DB never holds: the protection audit reads them. Replaced with the mart.
CREATE TABLE IF NOT EXISTS core.disclosure (
    area_code VARCHAR NOT NULL,
    period DATE NOT NULL,
    indicator_code VARCHAR NOT NULL,
    conf_status VARCHAR NOT NULL CHECK (conf_status IN ('C', 'D')),
    suppression_reason VARCHAR NOT NULL CHECK (suppression_reason IN (
        'threshold', 'dominance', 'not_evaluable', 'rate_of_confidential', 'estimate_of_confidential', 'complementary')),
    obs_status VARCHAR NOT NULL,        -- what the cell's status was before suppression
    true_value DOUBLE,
    true_numerator_value DOUBLE,
    true_denominator_value DOUBLE,
    PRIMARY KEY (area_code, period, indicator_code)
);

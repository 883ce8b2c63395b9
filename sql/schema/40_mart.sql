-- Marts built per period (one monthly partition at a time) need their table to exist up front; the
-- others are rebuilt whole by their file in sql/marts. A changed column set here needs `digecon rebuild`
-- (CREATE IF NOT EXISTS leaves an old table as it was).
CREATE TABLE IF NOT EXISTS mart.completeness (
    period_month DATE NOT NULL,        -- the monthly partition: the month the period ends in
    area_code VARCHAR NOT NULL,
    indicator_code VARCHAR NOT NULL,
    period DATE NOT NULL,
    freq VARCHAR NOT NULL,
    time_period VARCHAR NOT NULL,
    expected_from VARCHAR NOT NULL,    -- the agency of record: the one who owes the cell
    due_date DATE NOT NULL,
    received_at TIMESTAMPTZ,           -- first accepted, not withdrawn value from the agency of record
    days_late INTEGER,                 -- received (or, if still owed, the reference date) minus due date
    completeness_status VARCHAR NOT NULL
        CHECK (completeness_status IN ('received', 'received_late', 'rejected', 'missing', 'not_yet_due')),
    rejected_submission_id BIGINT,     -- the agency's latest rejected file that carried the cell
    rejected_at TIMESTAMPTZ,
    filled_by_pilot BOOLEAN NOT NULL,  -- a pilot team's value stands in while the agency still owes it
    pilot_source VARCHAR,
    pilot_received_at TIMESTAMPTZ,
    reference_date DATE NOT NULL,
    PRIMARY KEY (area_code, indicator_code, period)
);

-- SDMX TIME_PERIOD of a period: 2023-06, 2023-Q2 or 2023. Python's twin: indicators.reference.period_label.
CREATE OR REPLACE MACRO mart.time_period(period, freq) AS
    CASE freq WHEN 'M' THEN strftime(period, '%Y-%m')
              WHEN 'Q' THEN strftime(period, '%Y') || '-Q' || quarter(period)
              ELSE strftime(period, '%Y') END;

-- A value's period is released when an analyst has released the month the period ends in
-- (releasing 2023-12 releases December, 2023-Q4 and the year 2023).
CREATE OR REPLACE MACRO mart.release_month(period, freq) AS
    date_trunc('month', core.period_end(period, freq))::DATE;

-- Growth of a value over a base: in % for levels, in percentage points for rates (unit %), whose change
-- in % would mislead. Undefined (blank) over a zero base.
CREATE OR REPLACE MACRO mart.growth_rate(value, base, unit) AS
    CASE WHEN unit = '%' THEN value - base
         WHEN base <> 0 THEN 100.0 * (value - base) / abs(base) END;

-- How to read a growth figure: none without a figure, 'break' across a change of source (B), else
-- 'estimate' when either value rests on imputed cities (E).
CREATE OR REPLACE MACRO mart.growth_flag(growth, across_break, estimated) AS
    CASE WHEN growth IS NULL THEN NULL WHEN across_break THEN 'break' WHEN estimated THEN 'estimate' END;

-- Periods of a frequency in a year, and which of them a period is (1-based).
CREATE OR REPLACE MACRO mart.periods_per_year(freq) AS CASE freq WHEN 'M' THEN 12 WHEN 'Q' THEN 4 ELSE 1 END;
CREATE OR REPLACE MACRO mart.period_in_year(period, freq) AS
    (month(period) - 1) * mart.periods_per_year(freq) // 12 + 1;

-- The sum of submitted values as exact decimals: the same total whatever order a parallel aggregation
-- adds them in (a DOUBLE sum can differ in its last bits between runs, and a rebuild must match).
CREATE OR REPLACE MACRO mart.exact_sum(x) AS sum(x::DECIMAL(38, 10))::DOUBLE;

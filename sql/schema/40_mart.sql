-- Marts built per period (one monthly partition at a time) need their table to exist up front.
CREATE TABLE IF NOT EXISTS mart.completeness (
    period_month DATE NOT NULL,        -- the monthly partition this row belongs to
    area_code VARCHAR NOT NULL,
    indicator_code VARCHAR NOT NULL,
    period DATE NOT NULL,
    freq VARCHAR NOT NULL,
    time_period VARCHAR NOT NULL,
    expected_from VARCHAR NOT NULL,    -- the agency of record
    due_date DATE NOT NULL,
    received_at TIMESTAMP,             -- first value received for the cell from any source
    received_from VARCHAR,
    status VARCHAR NOT NULL CHECK (status IN ('received', 'received_late', 'filled_by_pilot', 'missing', 'not_yet_due')),
    reference_date DATE NOT NULL,
    PRIMARY KEY (area_code, indicator_code, period)
);

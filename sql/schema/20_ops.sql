-- The submissions register: one row per landed file, archived immutably under its sha256.
-- Times are TIMESTAMPTZ: instants, the same whatever a connection's TimeZone (dates the calendar compares
-- are taken in the calendar's zone, explicitly).
CREATE TABLE IF NOT EXISTS ops.submissions (
    submission_id BIGINT PRIMARY KEY,
    sha256 VARCHAR NOT NULL UNIQUE,
    profile VARCHAR NOT NULL,
    submitted_by VARCHAR,
    original_filename VARCHAR NOT NULL,
    archived_path VARCHAR NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('accepted', 'rejected')),
    rows_read INTEGER NOT NULL,
    observations INTEGER NOT NULL,
    n_errors INTEGER NOT NULL,
    n_warnings INTEGER NOT NULL,
    report JSON NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL
);
-- Per-rule results of each submission's validation (evaluated / passed / failed / not evaluable).
CREATE TABLE IF NOT EXISTS ops.rule_results (
    submission_id BIGINT NOT NULL,
    rule VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    dimension VARCHAR NOT NULL,
    evaluated INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    not_evaluable INTEGER NOT NULL,
    PRIMARY KEY (submission_id, rule)
);
CREATE TABLE IF NOT EXISTS ops.findings (
    submission_id BIGINT NOT NULL,
    finding_no INTEGER NOT NULL,
    severity VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    sheet VARCHAR,
    "row" INTEGER,
    "column" VARCHAR,
    value VARCHAR,
    message_zh VARCHAR NOT NULL,
    message_en VARCHAR NOT NULL,
    PRIMARY KEY (submission_id, finding_no)
);
-- Withdrawing a submission is an explicit act, itself a vintage: from withdrawn_at on, its cells fall
-- back to the same source's previous vintage.
CREATE TABLE IF NOT EXISTS ops.withdrawals (
    submission_id BIGINT PRIMARY KEY,
    withdrawn_at TIMESTAMPTZ NOT NULL,
    withdrawn_by VARCHAR NOT NULL,
    reason VARCHAR
);
-- Releases of a period (who and when); values stay provisional until their period is released.
CREATE TABLE IF NOT EXISTS ops.releases (
    period DATE PRIMARY KEY,
    released_at TIMESTAMPTZ NOT NULL,
    released_by VARCHAR NOT NULL
);
-- How many changes the build DB has taken (loads, acts, boards). A publish records the generation it
-- served (mart.publication), so a run interrupted between a change and its publish is caught up by the
-- next run, even with nothing new landed.
CREATE TABLE IF NOT EXISTS ops.build_state (generation BIGINT NOT NULL);
INSERT INTO ops.build_state SELECT 0 WHERE NOT EXISTS (SELECT * FROM ops.build_state);

-- The protection audit of the published marts (indicators/disclosure.py audit): per suppressed magnitude
-- cell, the range every published relation leaves it, against the protection interval. Build DB only.
CREATE TABLE IF NOT EXISTS ops.disclosure_audit (
    area_code VARCHAR NOT NULL,
    period DATE NOT NULL,
    indicator_code VARCHAR NOT NULL,
    conf_status VARCHAR NOT NULL,
    true_value DOUBLE NOT NULL,
    lower_bound DOUBLE NOT NULL,
    upper_bound DOUBLE,                 -- NULL: unbounded above
    required_lower DOUBLE NOT NULL,
    required_upper DOUBLE NOT NULL,
    protected BOOLEAN NOT NULL,
    audited_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (area_code, period, indicator_code)
);
-- What each table refreshed per indicator family (pipelines/build.py refresh) was last built from: the
-- accepted submissions and the withdrawals it covers, and a fingerprint of everything else it reads (the
-- reference tables, the releases). The next run rebuilds only the families of what is new since; a changed
-- fingerprint, or no row, rebuilds the whole table.
CREATE TABLE IF NOT EXISTS ops.refresh_state (
    table_name VARCHAR PRIMARY KEY,
    submission_ids BIGINT[] NOT NULL,
    withdrawn_ids BIGINT[] NOT NULL,
    inputs_fingerprint VARCHAR NOT NULL,
    last_refresh VARCHAR NOT NULL CHECK (last_refresh IN ('full', 'families')),
    indicators_refreshed INTEGER NOT NULL,
    refreshed_at TIMESTAMPTZ NOT NULL
);

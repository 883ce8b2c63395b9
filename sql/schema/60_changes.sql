-- Revisions: every cell a submission changed against the same source's previous vintage (as known when
-- the submission was received), with the old and the new value. Filled by load_submission in the same
-- transaction that loads the submission; the upload report shows the submitter the same list.
CREATE TABLE IF NOT EXISTS ops.vintage_changes (
    submission_id BIGINT NOT NULL,           -- the vintage that changed the cell
    source VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL,
    period DATE NOT NULL,
    freq VARCHAR NOT NULL,
    indicator_code VARCHAR NOT NULL,
    old_value DOUBLE NOT NULL,
    new_value DOUBLE NOT NULL,
    previous_submission_id BIGINT NOT NULL,  -- the vintage that held the old value
    source_row INTEGER,                      -- where the new value is in the submitted file
    PRIMARY KEY (submission_id, area_code, period, indicator_code)
);

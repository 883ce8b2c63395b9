-- Record-level registries (indicators/registers.py): every record of every accepted registry submission,
-- insert-only, never updated; record-level data stays in the build DB (pipelines/publish.py publishes ref
-- and mart only). The city observations aggregated from them go into core.observations under the same
-- submission id (sql/registers/), so vintages, revisions, releases and disclosure treat them as any value.
CREATE TABLE IF NOT EXISTS core.register_submissions (
    submission_id BIGINT PRIMARY KEY,
    registry VARCHAR NOT NULL,          -- enterprise_list, dc_register, site_list
    source VARCHAR NOT NULL,            -- the submitting profile (the registry's submitter)
    received_at TIMESTAMPTZ NOT NULL,
    records INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS core.register_records (
    submission_id BIGINT NOT NULL,
    registry VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    source_row INTEGER NOT NULL,        -- the row in the file, as the submitter sees it
    period DATE NOT NULL,               -- first day of the 报告期
    freq VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL,         -- the city column (it decides, whatever a USCC's registration area)
    unit_id VARCHAR NOT NULL,           -- USCC, data-centre id or site id
    name VARCHAR,
    industry_code VARCHAR,
    above_scale BOOLEAN,
    project VARCHAR,
    completion_date DATE,
    standard_racks DOUBLE,
    racks_in_use DOUBLE,
    it_energy_mwh DOUBLE,
    total_energy_mwh DOUBLE,
    level VARCHAR,
    county_code VARCHAR,
    band VARCHAR,                       -- 700MHz, 2.6GHz, 3.5GHz, 4.9GHz
    operator VARCHAR,
    commissioning_date DATE,
    in_service BOOLEAN,                 -- 在网 true, 退网 false
    uscc_valid BOOLEAN,                 -- the USCC's check character is right (a wrong one is a warning)
    PRIMARY KEY (submission_id, source_row)
);
-- Per aggregated magnitude cell of a registry submission: the two largest contributions, for the p %
-- dominance rule (indicators/disclosure.py). Never published.
CREATE TABLE IF NOT EXISTS core.register_contributions (
    submission_id BIGINT NOT NULL,
    area_code VARCHAR NOT NULL,
    period DATE NOT NULL,
    indicator_code VARCHAR NOT NULL,
    largest DOUBLE,
    second_largest DOUBLE,
    PRIMARY KEY (submission_id, area_code, period, indicator_code)
);

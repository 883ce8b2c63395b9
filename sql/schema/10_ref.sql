-- Reference tables; refreshed from indicators/data on every run (refresh_reference), so no history here.
CREATE TABLE IF NOT EXISTS ref.cities (
    city_code VARCHAR PRIMARY KEY,
    name_zh VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    region_code VARCHAR NOT NULL,
    has_districts BOOLEAN NOT NULL,
    population_census_2020 BIGINT NOT NULL,
    population_source VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ref.areas (
    area_code VARCHAR PRIMARY KEY,
    area_level VARCHAR NOT NULL CHECK (area_level IN ('province', 'region', 'city', 'county')),
    name_zh VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    parent_code VARCHAR,
    reporting BOOLEAN NOT NULL  -- values are submitted for it (no area lies in it): a city, nationally a county
);
-- Each aggregate area with every reporting area within it (at any depth): the areas a total sums.
CREATE TABLE IF NOT EXISTS ref.area_members (
    area_code VARCHAR NOT NULL,
    member_code VARCHAR NOT NULL,
    PRIMARY KEY (area_code, member_code)
);
CREATE TABLE IF NOT EXISTS ref.indicators (
    indicator_code VARCHAR PRIMARY KEY,
    name_zh VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    freq VARCHAR NOT NULL CHECK (freq IN ('M', 'Q', 'A')),
    series_kind VARCHAR NOT NULL,      -- stock, flow, ytd, or rate (derived)
    direction VARCHAR NOT NULL,
    min_value DOUBLE NOT NULL,
    max_value DOUBLE NOT NULL,
    plan_item VARCHAR NOT NULL,
    submitter VARCHAR,
    is_derived BOOLEAN NOT NULL,
    monotone BOOLEAN NOT NULL,
    magnitude BOOLEAN NOT NULL,
    nominal BOOLEAN NOT NULL,
    numerator VARCHAR,
    denominator VARCHAR,
    multiplier DOUBLE,
    formula VARCHAR,
    aggregation VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ref.targets (
    target_id VARCHAR PRIMARY KEY,
    indicator_code VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    start_year INTEGER NOT NULL,       -- first year of the target's span (= year for a one-year target)
    target_value DOUBLE NOT NULL,
    comparison VARCHAR NOT NULL CHECK (comparison IN ('>=', '<=')),
    target_kind VARCHAR NOT NULL,      -- count, level, or increase (added within the year)
    -- what the actual is: latest (the latest period's value) or annual_ratio_of_sums (a rate of flows over
    -- a complete year: Σ numerator / Σ denominator of its periods, PUE's annual Σ total / Σ IT energy)
    measure VARCHAR NOT NULL DEFAULT 'latest' CHECK (measure IN ('latest', 'annual_ratio_of_sums')),
    -- whom the target binds: area (set for this area) or national_applied_to_province (a national target
    -- the province is measured against)
    target_scope VARCHAR NOT NULL DEFAULT 'area' CHECK (target_scope IN ('area', 'national_applied_to_province')),
    illustrative BOOLEAN NOT NULL,
    source_citation VARCHAR NOT NULL   -- where the target is published
);
-- A build DB made before targets had a measure and a scope (its rows are refilled from targets.yaml).
ALTER TABLE ref.targets ADD COLUMN IF NOT EXISTS measure VARCHAR DEFAULT 'latest';
ALTER TABLE ref.targets ADD COLUMN IF NOT EXISTS target_scope VARCHAR DEFAULT 'area';
CREATE TABLE IF NOT EXISTS ref.profiles (
    profile VARCHAR NOT NULL,
    profile_kind VARCHAR NOT NULL,     -- agency or pilot
    name_zh VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    indicator_code VARCHAR NOT NULL,
    city_code VARCHAR NOT NULL,
    PRIMARY KEY (profile, indicator_code, city_code)
);
-- Reporting calendar: data for a period is due on due_day of the month that is
-- months_after_period_end after the month the period ends in.
CREATE TABLE IF NOT EXISTS ref.reporting_calendar (
    freq VARCHAR PRIMARY KEY,
    months_after_period_end INTEGER NOT NULL,
    due_day INTEGER NOT NULL
);
-- The rule for region and province totals that miss cities (indicators/data/aggregation.yaml): below
-- min_coverage_pct of the area's cities (by count) no value is published (M); above it the missing cities
-- are imputed (E) by imputation_method. One row.
CREATE TABLE IF NOT EXISTS ref.aggregation_rules (
    min_coverage_pct DOUBLE NOT NULL CHECK (min_coverage_pct > 0 AND min_coverage_pct <= 100),
    min_coverage_source VARCHAR NOT NULL,
    imputation_method VARCHAR PRIMARY KEY CHECK (imputation_method = 'ratio_carry_forward'),
    imputation_source VARCHAR NOT NULL
);
-- Disclosure control (indicators/data/disclosure.yaml): the threshold rule for magnitude indicators
-- (ref.indicators.magnitude), what an unknown count means, and the protection interval the audit requires.
-- One row.
CREATE TABLE IF NOT EXISTS ref.disclosure_rules (
    min_units INTEGER PRIMARY KEY CHECK (min_units >= 1),
    min_units_source VARCHAR NOT NULL,
    unknown_units VARCHAR NOT NULL CHECK (unknown_units IN ('publish', 'withhold')),
    unknown_units_reason VARCHAR NOT NULL,
    protection_interval_pct DOUBLE NOT NULL CHECK (protection_interval_pct > 0 AND protection_interval_pct < 100),
    protection_interval_source VARCHAR NOT NULL,
    legal_basis VARCHAR NOT NULL
);
-- The p % dominance rule (registries, issue 12); added after the table's first release.
ALTER TABLE ref.disclosure_rules ADD COLUMN IF NOT EXISTS dominance_p DOUBLE;
ALTER TABLE ref.disclosure_rules ADD COLUMN IF NOT EXISTS dominance_p_source VARCHAR;

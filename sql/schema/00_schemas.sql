-- Layers of the build DB: ref (reference data), ops (submissions register and validation results),
-- core (every vintage of every observation), mart (what BI reads; copied to the serving DB with ref).
CREATE SCHEMA IF NOT EXISTS ref;
CREATE SCHEMA IF NOT EXISTS ops;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS mart;

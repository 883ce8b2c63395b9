-- What BI sees by default: released values only. Each view has its table's columns (and their comments),
-- but for the basis column of the marts computed on both bases.
CREATE OR REPLACE VIEW mart.v_released_observations AS
    SELECT * FROM mart.observations WHERE released;
CREATE OR REPLACE VIEW mart.v_released_growth AS
    SELECT * FROM mart.growth WHERE released;
CREATE OR REPLACE VIEW mart.v_released_target_progress AS
    SELECT * EXCLUDE (basis) FROM mart.target_progress WHERE basis = 'released';
CREATE OR REPLACE VIEW mart.v_released_gigabit_city AS
    SELECT * EXCLUDE (basis) FROM mart.gigabit_city WHERE basis = 'released';
-- Changes to values already released (and used by the marts): what a revision notice lists.
CREATE OR REPLACE VIEW mart.v_released_revisions AS
    SELECT * FROM mart.revisions WHERE after_release AND affects_marts;

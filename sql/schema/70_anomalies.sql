-- The anomaly rules' parameters (indicators/data/anomalies.yaml, via indicators.reference.anomaly_rules),
-- one row per rule and parameter: what sql/marts/anomalies.sql reads, published beside the mart.
CREATE TABLE IF NOT EXISTS ref.anomaly_rules (
    rule VARCHAR NOT NULL,
    rule_zh VARCHAR NOT NULL,
    rule_en VARCHAR NOT NULL,
    method VARCHAR NOT NULL,           -- how the rule scores a value, in words
    parameter VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    source_citation VARCHAR NOT NULL,  -- where the value comes from, or why it was chosen
    PRIMARY KEY (rule, parameter)
);

-- A figure as the anomaly reasons show it: thousands separated, rounded half away from zero (display only);
-- whole numbers and figures of a thousand or more without decimals, others with one (35.8, 1.5).
CREATE OR REPLACE MACRO mart.reason_figure(x) AS
    CASE WHEN x = trunc(x) OR abs(x) >= 1000 THEN format('{:,.0f}', round(x::DECIMAL(38, 10), 0)::DOUBLE)
         ELSE format('{:,.1f}', round(x::DECIMAL(38, 10), 1)::DOUBLE) END;
-- A change in % with its sign, one decimal: +38.2%.
CREATE OR REPLACE MACRO mart.reason_pct(x) AS format('{:+.1f}%', round(x::DECIMAL(38, 10), 1)::DOUBLE);
-- A score with one decimal (4.1, -27.3), or a ratio with three (0.983).
CREATE OR REPLACE MACRO mart.reason_score(x) AS format('{:.1f}', round(x::DECIMAL(38, 10), 1)::DOUBLE);
CREATE OR REPLACE MACRO mart.reason_ratio(x) AS format('{:.3f}', round(x::DECIMAL(38, 10), 3)::DOUBLE);

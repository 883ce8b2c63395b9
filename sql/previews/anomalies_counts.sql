-- Counts by category shown beside mart.anomalies in the Dagster UI: (label, count) pairs, one per rule.
SELECT r.rule, count(a.rule) FROM (SELECT DISTINCT rule FROM ref.anomaly_rules) r LEFT JOIN mart.anomalies a USING (rule) GROUP BY r.rule ORDER BY r.rule;

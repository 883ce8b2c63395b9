-- mart.target_progress has every configured target once on each basis (released, latest).
SELECT t.target_id, b.basis, count(p.target_id) AS n
FROM ref.targets t
CROSS JOIN (VALUES ('released'), ('latest')) b(basis)
LEFT JOIN mart.target_progress p ON p.target_id = t.target_id AND p.basis = b.basis
GROUP BY ALL HAVING count(p.target_id) <> 1;

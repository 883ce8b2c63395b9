-- Changes to published figures that took effect between the previous bulletin and this one ($since, $until),
-- as the revision notice lists them (mart.v_released_revisions, every column).
SELECT * FROM mart.v_released_revisions
WHERE changed_at >= $since AND changed_at < $until
ORDER BY changed_at, area_code, indicator_code, period;

-- Cities owing a value past its due date: for every period an indicator has city values for, a city
-- without one once the reporting calendar's due date has passed (before that, pilots reporting ahead of
-- the agencies is the normal state). The completeness board says who owes what for every month.
WITH periods AS (
    SELECT DISTINCT o.indicator_code, o.period, o.freq,
           last_day(core.period_end(o.period, o.freq) + to_months(k.months_after_period_end)) AS due_month_end,
           k.due_day
    FROM mart.observations o
    JOIN ref.reporting_calendar k USING (freq)
    WHERE o.source_profile <> 'aggregate'
)
SELECT p.indicator_code, p.period, c.city_code AS missing_city,
       make_date(year(p.due_month_end), month(p.due_month_end), least(p.due_day, day(p.due_month_end))) AS due_date
FROM periods p CROSS JOIN (SELECT area_code AS city_code FROM ref.areas WHERE reporting) c
LEFT JOIN mart.observations o
  ON o.indicator_code = p.indicator_code AND o.period = p.period AND o.area_code = c.city_code
WHERE o.area_code IS NULL
  AND make_date(year(p.due_month_end), month(p.due_month_end), least(p.due_day, day(p.due_month_end)))
      < $reference_date::DATE
ORDER BY p.indicator_code, p.period, c.city_code;

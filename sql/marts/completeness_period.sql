-- The completeness board for one month ($period_month): every city × base indicator whose period ends
-- in that month, against the reporting calendar, at $reference_date.
INSERT INTO mart.completeness
WITH expected AS (
    SELECT c.city_code AS area_code, i.indicator_code, i.freq, i.submitter AS expected_from,
           CASE i.freq WHEN 'M' THEN $period_month::DATE
                       WHEN 'Q' THEN date_trunc('quarter', $period_month::DATE)
                       ELSE date_trunc('year', $period_month::DATE) END AS period
    FROM ref.cities c CROSS JOIN ref.indicators i
    WHERE NOT i.is_derived
      AND (i.freq = 'M'
           OR (i.freq = 'Q' AND month($period_month::DATE) IN (3, 6, 9, 12))
           OR (i.freq = 'A' AND month($period_month::DATE) = 12))
),
with_due AS (
    SELECT e.*,
           last_day(date_trunc('month', core.period_end(e.period, e.freq)) + to_months(k.months_after_period_end))
               AS due_month_end,
           k.due_day
    FROM expected e JOIN ref.reporting_calendar k USING (freq)
),
first_received AS (
    SELECT area_code, indicator_code, period,
           min(received_at) FILTER (WHERE s.kind = 'agency') AS agency_received_at,
           min(received_at) AS any_received_at,
           arg_min(source, received_at) AS first_source
    FROM core.observations o
    JOIN (SELECT DISTINCT profile, kind FROM ref.profiles) s ON s.profile = o.source
    WHERE o.received_at::DATE <= $reference_date::DATE
    GROUP BY ALL
)
SELECT $period_month::DATE AS period_month,
       w.area_code, w.indicator_code, w.period, w.freq,
       CASE w.freq WHEN 'M' THEN strftime(w.period, '%Y-%m')
                   WHEN 'Q' THEN strftime(w.period, '%Y') || '-Q' || quarter(w.period)
                   ELSE strftime(w.period, '%Y') END AS time_period,
       w.expected_from,
       make_date(year(w.due_month_end), month(w.due_month_end), least(w.due_day, day(w.due_month_end))) AS due_date,
       coalesce(r.agency_received_at, r.any_received_at) AS received_at,
       CASE WHEN r.agency_received_at IS NOT NULL THEN w.expected_from ELSE r.first_source END AS received_from,
       CASE WHEN r.agency_received_at IS NOT NULL AND r.agency_received_at::DATE <= due_date THEN 'received'
            WHEN r.agency_received_at IS NOT NULL THEN 'received_late'
            WHEN r.any_received_at IS NOT NULL THEN 'filled_by_pilot'
            WHEN $reference_date::DATE <= due_date THEN 'not_yet_due'
            ELSE 'missing' END AS status,
       $reference_date::DATE AS reference_date
FROM with_due w
LEFT JOIN first_received r USING (area_code, indicator_code, period)
ORDER BY w.area_code, w.indicator_code;

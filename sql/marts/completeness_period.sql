-- The completeness board for one month ($period_month): every reporting area (city) × base indicator whose period ends in
-- that month, owed by the indicator's agency of record, against the reporting calendar at the end of
-- $reference_date (a file received on the due date is on time). Only the agency's values count: a value
-- withdrawn by the reference date is no value, a pilot's value stands in (filled_by_pilot) but the
-- agency still owes the cell. Times are instants (TIMESTAMPTZ); the calendar compares dates in its own
-- zone, $timezone (calendar.yaml), whatever the connection's TimeZone: received_on is a receipt's date there.
--   received       the agency's first standing value came by the due date;
--   received_late  it came after the due date;
--   rejected       no standing value, and a file of the agency's that carried the cell was rejected;
--   not_yet_due    nothing yet and the due date has not passed;
--   missing        nothing by the due date.
INSERT INTO mart.completeness BY NAME
WITH expected AS (
    SELECT c.area_code, i.indicator_code, i.freq, i.submitter AS expected_from,
           CASE i.freq WHEN 'M' THEN $period_month::DATE
                       WHEN 'Q' THEN date_trunc('quarter', $period_month::DATE)::DATE
                       ELSE date_trunc('year', $period_month::DATE)::DATE END AS period
    FROM ref.areas c CROSS JOIN ref.indicators i
    WHERE c.reporting AND NOT i.is_derived
      AND (i.freq = 'M'
           OR (i.freq = 'Q' AND month($period_month::DATE) IN (3, 6, 9, 12))
           OR (i.freq = 'A' AND month($period_month::DATE) = 12))
),
-- The due date as indicators.reference.Calendar.due_date computes it (the sample generator's twin).
with_due AS (
    SELECT e.*,
           last_day(date_trunc('month', core.period_end(e.period, e.freq)) + to_months(k.months_after_period_end))
               AS due_month_end,
           k.due_day
    FROM expected e JOIN ref.reporting_calendar k USING (freq)
),
-- Each source's values for the expected cells standing at the end of the reference date.
standing AS (
    SELECT o.area_code, o.indicator_code, o.period, o.source, o.received_at, p.profile_kind
    FROM expected e
    JOIN core.observations o USING (area_code, indicator_code, period)
    JOIN (SELECT DISTINCT profile, profile_kind FROM ref.profiles) p ON p.profile = o.source
    LEFT JOIN ops.withdrawals w ON w.submission_id = o.submission_id
    WHERE (o.received_at AT TIME ZONE $timezone)::DATE <= $reference_date::DATE
      AND (w.withdrawn_at IS NULL OR (w.withdrawn_at AT TIME ZONE $timezone)::DATE > $reference_date::DATE)
),
agency AS (
    SELECT s.area_code, s.indicator_code, s.period, min(s.received_at) AS received_at
    FROM standing s JOIN expected e USING (area_code, indicator_code, period)
    WHERE s.source = e.expected_from
    GROUP BY ALL
),
pilot AS (
    SELECT area_code, indicator_code, period, arg_min(source, received_at) AS source,
           min(received_at) AS received_at
    FROM standing
    WHERE profile_kind = 'pilot'
    GROUP BY ALL
),
rejected AS (
    SELECT r.area_code, r.indicator_code, r.period,
           arg_max(s.submission_id, s.received_at) AS submission_id, max(s.received_at) AS rejected_at
    FROM expected e
    JOIN ops.rejected_cells r USING (area_code, indicator_code, period)
    JOIN ops.submissions s ON s.submission_id = r.submission_id AND s.profile = e.expected_from
    WHERE (s.received_at AT TIME ZONE $timezone)::DATE <= $reference_date::DATE
    GROUP BY ALL
),
board AS (
    SELECT w.*,
           make_date(year(w.due_month_end), month(w.due_month_end), least(w.due_day, day(w.due_month_end)))
               AS due_date,
           a.received_at,
           (a.received_at AT TIME ZONE $timezone)::DATE AS received_on,
           r.submission_id AS rejected_submission_id,
           r.rejected_at,
           p.source AS pilot_source,
           p.received_at AS pilot_received_at
    FROM with_due w
    LEFT JOIN agency a USING (area_code, indicator_code, period)
    LEFT JOIN rejected r USING (area_code, indicator_code, period)
    LEFT JOIN pilot p USING (area_code, indicator_code, period)
)
SELECT $period_month::DATE AS period_month,
       area_code, indicator_code, period, freq,
       mart.time_period(period, freq) AS time_period,
       expected_from,
       due_date,
       received_at,
       greatest(0, date_diff('day', due_date, coalesce(received_on, $reference_date::DATE))) AS days_late,
       CASE WHEN received_on <= due_date THEN 'received'
            WHEN received_at IS NOT NULL THEN 'received_late'
            WHEN rejected_submission_id IS NOT NULL THEN 'rejected'
            WHEN $reference_date::DATE <= due_date THEN 'not_yet_due'
            ELSE 'missing' END AS completeness_status,
       rejected_submission_id,
       rejected_at,
       received_at IS NULL AND pilot_source IS NOT NULL AS filled_by_pilot,
       pilot_source,
       pilot_received_at,
       $reference_date::DATE AS reference_date
FROM board
ORDER BY area_code, indicator_code;

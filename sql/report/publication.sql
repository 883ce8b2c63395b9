-- Which publication of the serving DB the bulletin is read from, and the date that counted as today.
SELECT p.build_generation, p.published_at, p.submissions, p.last_submission_id,
       (SELECT max(reference_date) FROM mart.target_progress) AS reference_date
FROM mart.publication p;

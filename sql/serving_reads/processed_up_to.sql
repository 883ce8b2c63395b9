-- How far the pipeline has got: the highest submission id the serving DB holds the results of (every
-- processed submission, accepted or rejected, has its rule results in mart.data_quality). NULL when
-- none has been processed yet.
SELECT max(submission_id) AS processed_up_to FROM mart.data_quality;

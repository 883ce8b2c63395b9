SELECT count(*) AS rows,
       count(*) FILTER (WHERE city_code IS NULL) AS city_unknown,
       count(*) FILTER (WHERE county_city_code <> city_code) AS county_not_in_city,
       count(*) FILTER (WHERE band NOT IN ('700MHz', '2.6GHz', '3.5GHz', '4.9GHz')) AS band_invalid,
       count(*) FILTER (WHERE operator NOT IN ('中国移动', '中国电信', '中国联通', '中国广电')) AS operator_invalid,
       count(*) FILTER (WHERE status NOT IN ('在网', '退网')) AS status_invalid,
       count(*) FILTER (WHERE commissioned IS NULL) AS date_invalid,
       count(*) FILTER (WHERE commissioned > period_end) AS date_after_period
FROM typed;

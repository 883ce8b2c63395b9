-- The first rows an analyst sees for mart.register_site_bands in the Dagster UI.
SELECT area_code, time_period, band, base_stations FROM mart.register_site_bands ORDER BY period DESC, area_code, band LIMIT 12;

-- mart.register_site_bands: its key and its comments in Chinese and English

ALTER TABLE mart.register_site_bands ADD PRIMARY KEY (area_code, period, band);

COMMENT ON TABLE mart.register_site_bands IS '分频段5G基站数：由5G基站站址清单统计的各市各月在网基站数（报告期末前开通） / 5G base stations by band: sites in service commissioned by the end of the month, per city and month, from the 5G site list';
COMMENT ON COLUMN mart.register_site_bands.area_code IS '城市代码 / City code';
COMMENT ON COLUMN mart.register_site_bands.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.register_site_bands.freq IS '频度：M 月、Q 季、A 年（本表均为 M 月） / Frequency: M (monthly), Q (quarterly) or A (annual); always M here';
COMMENT ON COLUMN mart.register_site_bands.time_period IS '报告期（SDMX格式） / Period (SDMX form)';
COMMENT ON COLUMN mart.register_site_bands.band IS '频段：700MHz、2.6GHz、3.5GHz、4.9GHz / Band: 700MHz, 2.6GHz, 3.5GHz, 4.9GHz';
COMMENT ON COLUMN mart.register_site_bands.base_stations IS '在网基站数（个） / Base stations in service';

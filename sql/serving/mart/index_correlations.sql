-- mart.index_correlations: its key, its comments in Chinese and English, and the released view BI shows by
-- default (its columns take these comments).

ALTER TABLE mart.index_correlations ADD PRIMARY KEY (basis, period, component_code);

COMMENT ON TABLE mart.index_correlations IS '指数结构检验：当年排名城市中，各指标得分与所属支柱、与总指数的皮尔逊相关系数，各支柱与总指数的相关系数；负相关表示该指标与其支柱方向相反 / Structure of the index: over the year''s ranked cities, Pearson''s r of each indicator''s score with its pillar and with the index, and of each pillar with the index; a negative r flags an indicator working against its pillar';
COMMENT ON COLUMN mart.index_correlations.basis IS '口径：released 仅用已发布数值、latest 含初步数值的最新值 / Basis: released (released values only) or latest (including provisional values)';
COMMENT ON COLUMN mart.index_correlations.period IS '指数年份首日 / First day of the index year';
COMMENT ON COLUMN mart.index_correlations.time_period IS '指数年份（SDMX格式，如2023） / Index year in SDMX form, e.g. 2023';
COMMENT ON COLUMN mart.index_correlations.component_level IS '层级：indicator 指标、pillar 支柱 / Level: indicator or pillar';
COMMENT ON COLUMN mart.index_correlations.component_code IS '指标或支柱代码 / Indicator or pillar code';
COMMENT ON COLUMN mart.index_correlations.pillar_code IS '所属支柱代码 / Pillar code';
COMMENT ON COLUMN mart.index_correlations.n_cities IS '参与计算的排名城市数 / Ranked cities the correlation is over';
COMMENT ON COLUMN mart.index_correlations.corr_with_pillar IS '指标得分与支柱得分的相关系数（支柱行、不足3市或无差异时为空；单指标支柱恒为1） / r of the indicator''s score with its pillar''s (blank for a pillar row, fewer than 3 cities or no spread; 1 in a one-indicator pillar)';
COMMENT ON COLUMN mart.index_correlations.corr_with_index IS '与总指数的相关系数（不足3市或无差异时为空） / r with the index (blank for fewer than 3 cities or no spread)';
COMMENT ON COLUMN mart.index_correlations.against_pillar IS '与所属支柱负相关（与支柱方向相反，需复核） / Negatively correlated with its pillar: works against it, review it';
COMMENT ON COLUMN mart.index_correlations.against_index IS '与总指数负相关 / Negatively correlated with the index';

CREATE OR REPLACE VIEW mart.v_released_index_correlations AS
SELECT * EXCLUDE (basis) FROM mart.index_correlations WHERE basis = 'released';
COMMENT ON VIEW mart.v_released_index_correlations IS '按已发布数值的指数结构检验（相关系数） / Index structure (correlations) on released values';

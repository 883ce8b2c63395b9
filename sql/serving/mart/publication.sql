-- mart.publication: its key and its comments in Chinese and English

ALTER TABLE mart.publication ADD PRIMARY KEY (build_generation);

COMMENT ON TABLE mart.publication IS '本文件的发布信息：来自仓库的第几代数据、发布时间 / This file''s publication: the build generation it serves and when it was published';
COMMENT ON COLUMN mart.publication.build_generation IS '仓库代数（每次装载、撤回、发布期次或完整性看板变化加一） / Build DB generation (one more for each load, act or board change)';
COMMENT ON COLUMN mart.publication.published_at IS '发布时间 / Published at';
COMMENT ON COLUMN mart.publication.submissions IS '已处理的报送批次数 / Submissions processed';
COMMENT ON COLUMN mart.publication.last_submission_id IS '最后处理的报送批次 / Last submission processed';
COMMENT ON COLUMN mart.publication.configuration IS '发布时的代码与配置摘要（SHA-256；升级或更换地区名录后不同，下次运行即重新发布） / Digest (SHA-256) of the code and configuration it was published under: an upgrade or a new area register differs, and the next run republishes';

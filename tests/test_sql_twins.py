"""Period arithmetic exists twice, in Python (readers, calendar) and in SQL (marts): they must agree."""

import datetime as dt

from indicators import reference
from mart_support import prepared_build_db

from pipelines.build import build_period_completeness
from pipelines.paths import Paths


def test_period_end_and_label_agree_between_python_and_sql(tmp_path):
    periods = [(reference.add_months(dt.date(2019, 1, 1), k), freq)
               for k in range(0, 12 * 11) for freq in "MQA"
               if freq == "M" or (freq == "Q" and k % 3 == 0) or (freq == "A" and k % 12 == 0)]
    with prepared_build_db(Paths.resolve(tmp_path)) as con:
        for period, freq in periods:
            end, label = con.execute("SELECT core.period_end(?::DATE, ?)::DATE, mart.time_period(?::DATE, ?)",
                                     [period, freq, period, freq]).fetchone()
            assert end == reference.period_end(period, freq), (period, freq)
            assert label == reference.period_label(period, freq), (period, freq)


def test_due_dates_of_the_completeness_board_agree_with_the_calendar(tmp_path):
    with prepared_build_db(Paths.resolve(tmp_path)) as con:
        for k in range(36):
            build_period_completeness(con, reference.add_months(dt.date(2021, 1, 1), k), dt.date(2024, 1, 10))
        rows = con.execute("SELECT DISTINCT period, freq, due_date FROM mart.completeness").fetchall()
    assert len(rows) == 36 + 12 + 3  # every month, quarter and year of 2021–2023
    for period, freq, due in rows:
        assert due == reference.calendar().due_date(period, freq), (period, freq)

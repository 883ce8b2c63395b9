"""The benchmarks at small size (benchmarks/national.py, benchmarks/commands.py): what they generate, count and
find, never their times. Everything is written under tmp_path.

`digecon run --sample` (benchmarks/commands.py sample_run) is not run again here: the session's
`sample_home` is that same run, and its serving DB is what the BI queries are checked on. The upload
latency benchmark's service path is exercised by tests/test_service_load.py.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the benchmarks are run from the checkout

from benchmarks import commands, harness, national, national_data  # noqa: E402
from benchmarks.national_data import uscc_check, uscc_valid  # noqa: E402


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("bench")
    results = work / "results"
    found = national.run("small", work / "national", results)
    return {"work": work, "results": results, "found": found, "data": found["data"],
            "manifest": found["manifest"], "document": json.loads((results / "national.json").read_text())}


def _workload(document: dict, name: str) -> dict:
    return next(w for w in document["workloads"] if w["name"] == name)


def _rows(folder: Path, pattern: str) -> list[dict]:
    rows = []
    for path in sorted(folder.glob(pattern)):
        with open(path, newline="", encoding="utf-8") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def test_uscc_check_character_on_real_and_corrupted_codes():
    # DOMAIN.md's valid examples, then each with its check character or a body character changed.
    for code in ("91440101MA5CJQ4N59", "91350200776049653A"):
        assert uscc_valid(code)
        assert uscc_check(code[:17]) == code[17]
        assert not uscc_valid(code[:17] + ("0" if code[17] != "0" else "1"))
        assert not uscc_valid(code[:5] + ("7" if code[5] != "7" else "8") + code[6:])
    assert not uscc_valid("91440101MA5CJQ4N5")  # 17 characters
    assert not uscc_valid("91440101MA5CJQ4NI9")  # I is not in the charset


def test_areas_are_gbt2260_shaped_with_parents(bench):
    areas = pd.read_csv(bench["data"] / "areas.csv", dtype=str, keep_default_na=False)
    provinces = areas[areas.area_level == "province"]
    counties = areas[areas.area_level == "county"]
    assert len(provinces) == 31 and (provinces.area_code.str[2:] == "0000").all()
    assert len(counties) == national_data.SIZES["small"].counties
    assert counties.area_code.str.fullmatch(r"\d{6}").all() and areas.area_code.is_unique
    city_codes = set(areas[areas.area_level == "city"].area_code)
    assert set(counties.city_code) <= city_codes
    assert (counties.area_code.str[:4] == counties.city_code.str[:4]).all()
    assert (counties.province_code.str[:2] == counties.area_code.str[:2]).all()


def test_panel_is_realistic(bench):
    """Read back with the csv module: rows as in the manifest, nothing negative, monotone stocks never
    fall, year-to-date values restart in January, parts within their totals."""
    manifest = bench["manifest"]
    rows = _rows(bench["data"] / "panel", "*/*.csv")
    assert len(rows) == manifest["panel"]["rows"]
    assert set(rows[0]) == set(national_data.PANEL_HEADER)
    assert {r["指标代码"] for r in rows} == set(manifest["panel"]["indicators"]) and len(manifest["panel"]["indicators"]) == 30
    values = {(r["城市代码"], r["指标代码"], r["期间"]): float(r["数值"]) for r in rows}
    assert len(values) == len(rows) and min(values.values()) >= 0
    series = defaultdict(list)
    for (area, code, period), value in sorted(values.items()):
        series[area, code].append((period, value))
    for code in ("fiveg_base_stations", "fiveg_users", "smes_on_cloud"):  # monotone in the catalogue
        for area_code in {a for a, c in series if c == code}:
            points = [v for _, v in series[area_code, code]]
            assert points == sorted(points)
    for area, code in series:
        if code == "enterprises_transformed":
            for year in ("2019", "2020"):
                months = [by for p, by in series[area, code] if p.startswith(year)]
                assert months == sorted(months)  # grows within the year
    assert any(dict(series[k])["2020-01"] < dict(series[k])["2019-12"] for k in series
               if k[1] == "enterprises_transformed")  # and starts again in January
    for part, whole in (("fiveg_base_stations_700mhz", "fiveg_base_stations"), ("pon_ports_10g", "pon_ports_total"),
                        ("dc_racks_in_use", "dc_standard_racks"), ("dc_it_energy_mwh", "dc_total_energy_mwh")):
        pairs = [(v, values[a, whole, p]) for (a, c, p), v in values.items() if c == part]
        assert pairs and all(p <= w for p, w in pairs)


def test_registries_have_their_headers_and_valid_codes(bench):
    manifest = bench["manifest"]
    sites = _rows(bench["data"] / "sites", "*.csv")
    assert len(sites) == manifest["sites"]["rows"] == national_data.SIZES["small"].sites
    assert list(sites[0]) == national_data.SITES_HEADER
    assert {s["频段"] for s in sites} <= set(national_data.BANDS)
    assert all(s["开通日期"] <= "2020-12-31" and s["报告期"] == "2020-12" for s in sites)
    guangdong = {a["area_code"]: a["city_code"] for a in _rows(bench["data"], "areas.csv")
                 if a["province_code"] == "440000" and a["area_level"] == "county"}
    assert all(guangdong[s["区县代码"]] == s["城市代码"] for s in sites)  # the gdca's list: Guangdong's sites
    enterprises = _rows(bench["data"] / "enterprises", "*.csv")
    assert len(enterprises) == national_data.SIZES["small"].enterprises
    assert list(enterprises[0]) == national_data.ENTERPRISES_HEADER
    invalid = [e for e in enterprises if not uscc_valid(e["统一社会信用代码"])]
    assert len(invalid) == manifest["enterprises"]["wrong_check_character_rows"]
    assert all(uscc_check(e["统一社会信用代码"][:17]) != e["统一社会信用代码"][17] for e in invalid)
    counties = {a["area_code"] for a in _rows(bench["data"], "areas.csv") if a["area_level"] == "county"}
    assert all(e["统一社会信用代码"][2:8] in counties for e in enterprises)
    codes = [e["统一社会信用代码"] for e in enterprises]
    assert len(set(codes)) < len(codes)  # several projects per enterprise


def test_results_have_the_workload_shape(bench):
    document = bench["document"]
    assert {w["name"] for w in document["workloads"]} == {"panel", "site_list", "ours_vs_naive", "ours_vs_limit_proxy",
                                                          "ours_vs_naive_site_list", "ours_vs_limit_proxy_site_list",
                                                          "county_resubmission"}
    sites = _workload(document, "site_list")["paths"]
    ratio = _workload(document, "ours_vs_naive_site_list")["measured"]["naive_over_ours"]
    assert ratio == pytest.approx(sites["naive"]["wall_s"] / sites["ours"]["wall_s"], rel=1e-2)
    for w in document["workloads"]:
        assert {"target", "measured", "meets_target", "peak_rss_mb", "paths", "ratios"} <= set(w)
        assert set(w["paths"]) == {"ours", "naive", "limit_proxy"}
        for path in w["paths"].values():
            assert {"status", "wall_s", "rows_per_s", "peak_rss_mb"} <= set(path)
            assert path["status"] == "ok" or path["reason"]
        assert w["meets_target"] == harness.meets(w["target"], w["measured"])
    table = harness.readme_table(bench["results"])
    assert all(f"national · {w['name']}" in table for w in document["workloads"])


def test_paths_count_every_row_and_find_the_planted_ones(bench):
    manifest, document = bench["manifest"], bench["document"]
    for name, workload in (("panel", "panel"), ("site_list", "sites")):
        record = _workload(document, name)
        generated = manifest[workload]["rows"] + manifest[f"{workload}_dirty"]["rows"]
        agreement = record["agreement"]
        assert agreement["agree"] is True
        assert {"naive", "limit_proxy"} <= set(agreement["compared"])
        for path in ("naive", "limit_proxy"):
            assert record["paths"][path]["rows"] == generated
            assert agreement["failing"][path] == manifest[f"{workload}_dirty"]["failing_by_check"]
    # both workloads run through ours (landed, checked, loaded, marts) and agree with the other two paths
    for name, workload, compared in (("panel", "panel", ["city_sums", "province_sums", "rate"]),
                                     ("site_list", "sites", ["city_band_latest", "province_band_stock"])):
        agreement = _workload(document, name)["agreement"]
        assert "ours" in agreement["compared"] and agreement["rows"]["ours"] == manifest[workload]["rows"] + manifest[
            f"{workload}_dirty"]["rows"]
        assert agreement["failing"]["ours"] == manifest[f"{workload}_dirty"]["failing_by_check"]
        assert agreement["aggregates_compared"]["ours"] == compared


def test_aggregates_match_sums_by_hand(bench):
    """City sums and the province rate from the CSV rows with the csv module, against the paths' files."""
    areas = {a["area_code"]: a for a in _rows(bench["data"], "areas.csv")}
    rows = _rows(bench["data"] / "panel", "gdca/*.csv")
    city_sum, num, den = defaultdict(float), defaultdict(float), defaultdict(float)
    for r in rows:
        area = areas[r["城市代码"]]
        city_sum[area["city_code"], r["指标代码"], r["期间"]] += float(r["数值"])
        if r["指标代码"] == "pon_ports_10g":
            num[area["province_code"], r["期间"]] += float(r["数值"])
        elif r["指标代码"] == "pon_ports_total":
            den[area["province_code"], r["期间"]] += float(r["数值"])
    for path in ("ours", "naive", "limit_proxy"):
        out = bench["work"] / "national" / "out" / "panel" / path
        sums = pd.read_parquet(out / "city_sums.parquet").set_index(["area_code", "indicator_code", "period"])
        for key in sorted(city_sum)[::97]:  # a spread of cities, indicators and periods
            assert sums.loc[key, "value"] == pytest.approx(city_sum[key])
        rate = pd.read_parquet(out / "rate.parquet").set_index(["area_code", "period"])
        for key in num:
            assert rate.loc[key, "value"] == pytest.approx(100 * num[key] / den[key])


def test_band_stock_by_hand(bench):
    """Guangdong's sites in service commissioned by the list's month, per band, counted with the csv module,
    against what each path wrote (ours from mart.register_site_bands)."""
    counts = defaultdict(int)
    for site in _rows(bench["data"] / "sites", "*.csv"):
        if site["状态"] == "在网" and site["开通日期"] <= "2020-12-31":
            counts["440000", site["频段"]] += 1
    for path in ("ours", "naive", "limit_proxy"):
        frame = pd.read_parquet(bench["work"] / "national" / "out" / "sites" / path / "province_band_stock.parquet")
        assert {(a, b): v for a, b, v in frame[["area_code", "band", "value"]].itertuples(index=False)} == counts


def test_cold_validate_small(bench):
    record = commands.cold_validate(bench["work"], rounds=1, results=bench["results"])
    ours = record["paths"]["ours"]
    assert ours["status"] == "ok" and ours["accepted"] is True and ours["observations"] == commands.COLD_ROWS
    for path in ("naive", "limit_proxy"):
        assert record["paths"][path]["status"] == "ok"
        assert set(record["paths"][path]["failing"].values()) == {0}
    assert record["meets_target"] == harness.meets(record["target"], record["measured"])


def test_bi_queries_on_the_sample_and_the_national_serving_db(bench, sample_home):
    records = commands.bi(sample_home.serving_db, bench["found"]["proxy_db"], bench["work"], rounds=2,
                          results=bench["results"], size="small", national_serving_db=bench["found"]["ours_serving_db"])
    assert [r["name"] for r in records] == ["bi_queries", "bi_queries_national"]
    sample, national, proxy = (records[0]["paths"]["ours"], records[1]["paths"]["ours"],
                               records[1]["paths"]["limit_proxy"])
    assert sample["status"] == national["status"] == proxy["status"] == "ok"
    assert sample["rows_returned"]["bi_ranking"] == 21  # the sample's cities
    assert sample["rows_returned"]["bi_latest_all_areas"] > 21  # cities, regions and the province
    for found in (national, proxy):  # the same national panel, published by ours and built by the proxy
        assert found["rows_returned"]["bi_ranking"] == 31  # the provinces
        assert found["rows_returned"]["bi_area_series"] == 24  # a county's 24 months of 5G stations
    for record in records:
        assert record["meets_target"] == harness.meets(record["target"], record["measured"])
    assert records[1]["measured"]["slowest_median_s"] == national["slowest_median_s"]


def test_one_countys_resubmission_on_the_published_national_home(bench):
    record = _workload(bench["document"], "county_resubmission")
    ours = record["paths"]["ours"]
    assert ours["status"] == "ok" and ours["unprotected_cells"] == 0
    # the county's rows of one gdca file of one year: every gdca indicator's months, quarters and year
    county_rows = [r for r in _rows(bench["data"] / "panel" / "gdca", ours["file"]) if r["城市代码"] == ours["county"] and r["数值"]]
    assert ours["rows"] == len(county_rows) > 0
    assert record["measured"]["marts_s"] == ours["seconds"]["marts"] > 0
    assert record["meets_target"] == harness.meets(record["target"], record["measured"])


def test_meets_target_is_computed_from_the_measurement():
    assert harness.meets({"wall_s_at_most": 120, "peak_rss_mb_at_most": 4096}, {"wall_s": 119.9, "peak_rss_mb": 10})
    assert not harness.meets({"wall_s_at_most": 120}, {"wall_s": 120.1})
    assert harness.meets({"naive_over_ours_at_least": 5}, {"naive_over_ours": 5.0})
    assert not harness.meets({"naive_over_ours_at_least": 5}, {"naive_over_ours": 4.9})
    assert harness.meets({"wall_s_at_most": 1}, {"wall_s": None}) is None


def test_resubmission_refreshes_families_and_gives_the_marts_a_full_rebuild_gives(sample_home, tmp_path):
    """benchmarks/commands.py resubmission on a copy of the sample home: Shenzhen's gdca rows loaded, then the
    marts refreshed per family (ours) and rebuilt whole (naive) end with the same tables."""
    import duckdb

    record = commands.resubmission(sample_home.home, tmp_path, tmp_path / "results")
    ours, naive = record["paths"]["ours"], record["paths"]["naive"]
    with open(tmp_path / "resubmission" / "gdca_shenzhen_resubmission.csv", encoding="utf-8") as handle:
        sent = list(csv.DictReader(handle))
    assert {r["城市代码"] for r in sent} == {"440300"} and ours["rows"] == naive["rows"] == len(sent)
    assert {kind for _, kind, _ in ours["refreshed"]} == {"families"}
    assert {kind for _, kind, _ in naive["refreshed"]} == {"full"}
    assert record["measured"]["marts_s"] == ours["marts_s"] and record["meets_target"] is not None
    tables = {}
    for name in ("ours", "naive"):
        with duckdb.connect(str(tmp_path / "resubmission" / f"home-{name}" / "build" / "warehouse.duckdb"),
                            read_only=True) as con:
            tables[name] = {t: con.execute(f"SELECT * FROM {t} ORDER BY area_code, period, indicator_code").df()
                            for t in ("mart.observations", "mart.growth", "core.disclosure")}
    for table, frame in tables["ours"].items():
        pd.testing.assert_frame_equal(frame, tables["naive"][table], check_exact=True, obj=table)


def test_a_path_past_its_time_is_stopped_with_its_children(tmp_path):
    """The harness kills a path at its time limit, children included, and records how far it got."""
    marker = tmp_path / "child.pid"
    command = [sys.executable, "-c",
               "import subprocess, sys, time\n"
               "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
               f"open({str(marker)!r}, 'w').write(str(child.pid))\n"
               "time.sleep(120)\n"]
    measured = harness.run_measured(command, timeout_s=3)
    assert measured["timed_out"] and 3 <= measured["wall_s"] < 60
    child = int(marker.read_text())
    deadline = time.monotonic() + 10
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(child)
    record = harness.path_record(measured, {"reached": "at the observations step", "rows": 10, "stages_s": {"load": 1}})
    assert record["status"] == "timed_out" and record["wall_s"] is None
    assert record["reason"] == f"stopped after {measured['wall_s']:.0f} s, at the observations step"
    assert harness.meets({"wall_s_at_most": 2, "peak_rss_mb_at_most": 4096},
                         {"wall_s": record["stopped_after_s"], "peak_rss_mb": None}) is False


def _gone(pid: int) -> bool:
    """Not running: no such process, or a zombie waiting for whoever reaps orphans here."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state == "Z"


def test_disclosure_control_in_worker_processes_suppresses_what_one_process_does(bench, tmp_path, monkeypatch):
    """A national home's provinces are suppressed in worker processes (indicators/workers.py each_in_processes):
    the same cells, statuses and reasons as one process suppressing them in turn."""
    import os
    import shutil

    import duckdb

    from indicators import reference
    from pipelines.build import build_whole
    from pipelines.disclosure import protect_observations

    home = json.loads((bench["work"] / "national" / "out" / "panel" / "ours" / "result.json").read_text())["home"]
    build = tmp_path / "warehouse.duckdb"
    shutil.copy(Path(home) / "build" / "warehouse.duckdb", build)
    monkeypatch.setenv(reference.AREA_REGISTER_VARIABLE, str(bench["data"] / "areas.csv"))
    suppressed = {}
    with duckdb.connect(str(build)) as con:
        indicators = [code for (code,) in con.execute("SELECT indicator_code FROM ref.indicators").fetchall()]
        for cores in (1, 2):
            monkeypatch.setattr(os, "cpu_count", lambda: cores)
            con.execute("BEGIN TRANSACTION")
            build_whole(con, "mart.observations", indicators)  # unmasked again, as a run builds it
            protect_observations(con, indicators)
            suppressed[cores] = con.execute("SELECT * FROM core.disclosure ORDER BY ALL").fetchall()
            con.execute("ROLLBACK")
    assert suppressed[1] == suppressed[2] and len(suppressed[1]) > 0

"""The monthly monitoring bulletin (监测月报) a bureau leader reads: `digecon report` and the monthly_report
asset write `report.html` and, printed from the same page by headless Chromium, `report.pdf`.

It reads the serving DB only (read-only), the released and provisional figures as they are published with
their status codes, and never un-suppresses a cell. The page is self-contained: its stylesheet and
plotly.js are inline, it needs no network, and it names fonts that render Chinese (Debian's
fonts-noto-cjk). Contents: key points, target lights and projections, the development index with rank
intervals and its map, each indicator city by city with small multiples, anomalies, who owes what, data
quality, revisions since the last bulletin, and notes on method and status codes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from indicators import reference
from indicators.errors import BilingualError
from pipelines.paths import Paths

HTML_NAME, PDF_NAME = "report.html", "report.pdf"
CHROMIUM = "chromium"  # Debian's package (.ci/run installs it with fonts-noto-cjk)
PRINT_TIMEOUT_S = 300
STAGING_PREFIX = ".report-"  # a bulletin being written, beside the files it replaces
# Headless printing: no sandbox (a root CI container has none to offer; the page is our own file), no
# GPU, no network beyond the file itself, no header or footer of Chromium's own (the page has its own), and
# virtual time run forward until plotly has drawn every chart.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
                 "--virtual-time-budget=60000"]


@dataclass(frozen=True)
class Written:
    month: str
    html: Path
    pdf: Path


def latest_month(serving_db: Path, until: str) -> str | None:
    """The latest month up to `until` (2023-12) with published figures: the bulletin `digecon run` writes."""
    from pipelines.bulletin.data import published_months

    if not serving_db.exists():
        return None
    with duckdb.connect(str(serving_db), read_only=True) as con:
        months = [label for month in published_months(con) if (label := f"{month:%Y-%m}") <= until]
    return months[-1] if months else None


def latest_report(paths: Paths) -> Written | None:
    """The newest bulletin written into DIGECON_HOME/reports, for the run summary."""
    written = sorted(paths.reports.glob(f"*/{HTML_NAME}"))
    if not written:
        return None
    folder = written[-1].parent
    return Written(folder.name, folder / HTML_NAME, folder / PDF_NAME)


def guangdong_areas() -> bool:
    """Whether the home's areas are Guangdong's own (no area register set): the bulletin's charts, map and
    tables are drawn for its province, regions and cities."""
    return not reference.area_register_name()


def write_report(paths: Paths, out_dir: Path, period: str | None = None) -> Written:
    """Write the bulletin of `period` (default: the latest month with published figures) into `out_dir`.
    Raises `BilingualError` for a bad or unpublished month, a missing serving DB, or no Chromium; either
    both files are written or, on failure, the earlier ones are left as they were."""
    from pipelines.bulletin import data, page

    if not guangdong_areas():
        raise BilingualError("监测月报按广东省及其21个地级市、4个区域编制；本库的地区来自地区名录"
                             f"（{reference.AREA_REGISTER_VARIABLE}），不编制月报",
                             "the bulletin is written for Guangdong's province, 21 cities and four regions;"
                             f" this home's areas come from an area register ({reference.AREA_REGISTER_VARIABLE}),"
                             " so it has none")
    if not paths.serving_db.exists():
        raise BilingualError(f"服务库 {paths.serving_db} 不存在：请先运行 digecon run",
                             f"the serving DB {paths.serving_db} does not exist: run `digecon run` first")
    chromium = shutil.which(CHROMIUM)
    if chromium is None:
        raise BilingualError("找不到 Chromium，无法打印 PDF（apt-get install chromium fonts-noto-cjk）",
                             "Chromium is not installed, so no PDF can be printed (apt-get install chromium fonts-noto-cjk)")
    if out_dir.exists() and not out_dir.is_dir():
        raise BilingualError(f"输出位置 {out_dir} 不是文件夹", f"the output {out_dir} is not a folder")
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        month = data.resolve_month(con, period)
        bulletin = data.gather(con, month)
    text = page.render(bulletin)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_abandoned_staging(out_dir)
    html, pdf = out_dir / HTML_NAME, out_dir / PDF_NAME
    # Written beside the targets and swapped in, so a reader never meets half a file; Chromium's profile
    # (tens of MB, thrown away) goes to the system's temporary folder instead.
    with (tempfile.TemporaryDirectory(prefix=STAGING_PREFIX, dir=out_dir) as staging,
          tempfile.TemporaryDirectory(prefix="digecon-chromium-") as profile):
        staged_html, staged_pdf = Path(staging) / HTML_NAME, Path(staging) / PDF_NAME
        staged_html.write_text(text, encoding="utf-8")
        print_pdf(chromium, staged_html, staged_pdf, Path(profile))
        os.replace(staged_html, html)
        os.replace(staged_pdf, pdf)
    return Written(bulletin.label, html, pdf)


def remove_abandoned_staging(out_dir: Path) -> None:
    """A writer killed mid-print (kill -9) leaves its staging folder behind; the next writer removes those
    older than any print could take, and leaves a concurrent writer's alone."""
    cutoff = time.time() - 2 * PRINT_TIMEOUT_S
    for staging in out_dir.glob(f"{STAGING_PREFIX}*"):
        try:
            if staging.is_dir() and staging.stat().st_mtime < cutoff:
                shutil.rmtree(staging, ignore_errors=True)
        except OSError:  # removed by another writer meanwhile
            pass


def print_pdf(chromium: str, html: Path, pdf: Path, profile: Path) -> None:
    """Chromium prints the page as the screen shows it, to A4 by the page's own @page rules."""
    command = [chromium, *CHROMIUM_ARGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", html.as_uri()]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise BilingualError(f"Chromium 在 {PRINT_TIMEOUT_S} 秒内没有打印完 PDF",
                             f"Chromium did not print the PDF within {PRINT_TIMEOUT_S} s") from None
    if result.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise BilingualError(f"Chromium 打印 PDF 失败：{last}", f"Chromium could not print the PDF: {last}")

"""The upload page in headless Chromium (Debian's chromium, driven by playwright's client): sign in,
upload a good file and a bad one, read the report tables, see a correction's changed cells and a file's
progress, withdraw, download the template; and submitters' text stays text under the page's
Content-Security-Policy."""

import shutil
from concurrent.futures import ThreadPoolExecutor

import dagster as dg
import httpx
import openpyxl
import pytest
from conftest import CHROMIUM
from corpus import LONG_HEADER, csv_bytes, write_csv, write_xlsx
from service_harness import SensorRuns, running_service

from indicators.landing import LandingZone
from indicators.template import HEADER_ROW
from indicators.tokens import TokenStore


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def base_url(home):
    with running_service(home) as url:
        yield url


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(base_url)
    yield page
    context.close()


def sign_in(page, token: str) -> None:
    page.fill("#token", token)
    page.click("#token-form button")


def upload(page, path) -> str:
    """Send a file; returns the verdict's status once the page has shown the report and the history."""
    page.set_input_files("#file", str(path))
    page.click("#upload-button")  # disables the button until the answer is shown
    page.wait_for_selector("#upload-button:not([disabled])")
    return page.get_attribute("#verdict", "data-status")


def table_rows(page, selector: str) -> list[list[str]]:
    return [[cell.inner_text() for cell in row.locator("td").all()] for row in page.locator(f"{selector} tbody tr").all()]


def test_a_bad_token_is_explained_in_both_languages(page):
    sign_in(page, "dgc_wrong")

    message = page.locator("#message")
    message.wait_for()
    assert "令牌无效" in message.inner_text() and "not valid" in message.inner_text()
    assert page.locator("#upload").is_hidden()


def test_upload_good_and_bad_files_and_read_the_tables(page, home, tmp_path):
    _, token = TokenStore.at(home).create("pilot-440300", "张三", actor="test")
    good = write_csv(tmp_path / "深圳-2023-06.csv", [LONG_HEADER, ["深圳市", "2023-06", "5G基站数", "46400", "个", ""]])
    bad = write_xlsx(tmp_path / "深圳-错误.xlsx", [
        LONG_HEADER,
        ["深圳市", "2023-07", "5G基站数", "46900", "个", ""],
        ["东莞市", "2023-07", "5G基站数", "9100", "个", ""],
        ["深圳市", "2023-07", "PON端口总数", "很多", "个", ""],
    ], title="2023年7月 数据报送表", sheet="数据")

    sign_in(page, token)
    page.locator("#whoami").wait_for()
    chinese, english = page.locator("#whoami div").all_inner_texts()
    assert chinese == "张三，深圳市数字经济统计监测试点工作组"  # plain words; the code only in English
    assert "pilot-440300" in english
    assert "20 MB" in page.inner_text("#limits") and "每分钟最多上传 30 个文件" in page.inner_text("#limits")

    assert upload(page, good) == "accepted"
    assert "已接收" in page.inner_text("#verdict") and "Accepted" in page.inner_text("#verdict")
    assert page.locator("#no-findings").is_visible()
    assert page.get_attribute("#progress", "data-progress") == "received"
    assert page.locator("#progress li.done").all_inner_texts() == ["已接收 received"]
    assert "SHA-256" not in page.inner_text("#result")  # only under 技术信息 Technical details, closed
    page.click("#technical summary")
    assert "SHA-256" in page.inner_text("#technical")

    assert upload(page, bad) == "rejected"
    assert "已拒收" in page.inner_text("#verdict") and "Rejected" in page.inner_text("#verdict")
    findings = table_rows(page, "#findings")
    # Title and blank row above the header: the header is row 3, so the data rows are 4, 5 and 6.
    by_row = {cells[2]: cells for cells in findings}
    city = by_row["5"]
    assert city[0].startswith("错误") and (city[1], city[3], city[4]) == ("数据", "城市", "东莞市")
    assert "东莞市" in city[5] and "may only submit" in city[5] and len(city) == 6  # no rule-id column
    assert page.get_attribute("#findings tbody tr:nth-child(1)", "data-rule") == "city_out_of_scope"
    assert page.locator("#progress").is_hidden()  # a rejected file goes no further
    value = by_row["6"]
    assert (value[1], value[3], value[4]) == ("数据", "数值", "很多")
    assert [int(cells[2]) for cells in findings] == sorted(int(cells[2]) for cells in findings)
    assert "loads nothing" in page.inner_text("#changes-note")

    history = table_rows(page, "#history-table")
    assert [(row[1], row[4], row[5]) for row in history] == [
        ("深圳-错误.xlsx", "已拒收 rejected", ""), ("深圳-2023-06.csv", "通过 accepted", "已接收 received")]

    # Sent again, a rejected file is still shown as rejected (red), not as a harmless repeat.
    assert upload(page, bad) == "rejected"
    assert "同一文件此前已报送" in page.inner_text("#verdict")
    assert page.get_attribute("#verdict", "class") == "verdict rejected"


def test_withdraw_from_the_history(page, home, tmp_path):
    _, token = TokenStore.at(home).create("pilot-441900", "王五", actor="test")
    good = write_csv(tmp_path / "东莞.csv", [LONG_HEADER, ["东莞市", "2023-06", "5G基站数", "9100", "个", ""]])
    sign_in(page, token)
    page.locator("#whoami").wait_for()
    assert upload(page, good) == "accepted"
    submission_id = int(page.get_attribute("#history-table tbody tr", "data-submission-id"))

    page.once("dialog", lambda dialog: dialog.accept("数值有误"))  # the reason asked for
    page.click("#history-table tbody tr >> text=撤回 Withdraw")

    page.wait_for_selector("#history-table tbody tr >> text=已撤回 withdrawn")
    assert "已撤回" in page.inner_text("#message") and "withdrawn" in page.inner_text("#message")
    [withdrawal] = [w for w in LandingZone(home / "landing").withdrawals() if w.submission_id == submission_id]
    assert (withdrawal.withdrawn_by, withdrawal.reason) == ("王五", "数值有误")
    page.click("#history-table tbody tr >> text=查看 View")
    page.wait_for_selector("#verdict[data-status='withdrawn']")
    assert "撤回 Withdrawn" in page.inner_text("#summary") and "王五" in page.inner_text("#summary")


def test_a_file_landed_but_not_yet_checked_shows_as_received(page, home, tmp_path):
    """The same bytes landed by `digecon run` and not yet run: the page shows the receipt, no report."""
    _, token = TokenStore.at(home).create("pilot-440300", "刘洋", actor="test")
    landed = write_csv(tmp_path / "深圳-2023-08.csv", [LONG_HEADER, ["深圳市", "2023-08", "5G基站数", "47100", "个", ""]])
    LandingZone(home / "landing").receive(landed.read_bytes(), landed.name, "pilot-440300", "刘洋")
    sign_in(page, token)
    page.locator("#whoami").wait_for()

    assert upload(page, landed) == "received"
    assert "已接收，等待检查" in page.inner_text("#verdict") and page.locator("#message").is_hidden()


def test_template_downloads_from_the_page(page, home, tmp_path):
    _, token = TokenStore.at(home).create("gdca", "赵六", actor="test")
    sign_in(page, token)
    page.locator("#whoami").wait_for()

    with page.expect_download() as download:
        page.click("#template-button")

    assert download.value.suggested_filename == "广东省通信管理局数字经济监测报表模板.xlsx"
    saved = tmp_path / "template.xlsx"
    download.value.save_as(saved)
    assert openpyxl.load_workbook(saved)["数据"].cell(HEADER_ROW, 1).value == "城市"


@pytest.mark.slow
def test_a_correction_shows_its_changed_cells(browser, tmp_path, monkeypatch):
    """Upload from the page, load it as the sensor would, send a correction: the changes table."""
    home = tmp_path / "home"
    monkeypatch.setenv("DIGECON_HOME", str(home))  # the in-process runs resolve it
    _, token = TokenStore.at(home).create("gdca", "赵六", actor="test")
    first, corrected = (write_csv(tmp_path / name, [LONG_HEADER, ["深圳市", "2023-06", "5G基站数", stations, "个", ""],
                                                    ["东莞市", "2023-06", "5G基站数", "9100", "个", ""]])
                        for name, stations in [("gdca-2023-06.csv", "46400"), ("gdca-2023-06-更正.csv", "46800")])

    with running_service(home) as base_url, dg.DagsterInstance.ephemeral(tempdir=str(tmp_path / "dagster")) as instance:
        context = browser.new_context()
        page = context.new_page()
        page.goto(base_url)
        sign_in(page, token)
        page.locator("#whoami").wait_for()
        assert upload(page, first) == "accepted"
        assert "Nothing published yet" in page.inner_text("#changes-note") and page.locator("#changes").is_hidden()
        first_id = page.get_attribute("#history-table tbody tr", "data-submission-id")
        # Playwright's sync API keeps an event loop running in this thread; Dagster runs its own.
        with ThreadPoolExecutor(max_workers=1) as thread:
            assert thread.submit(SensorRuns(home, instance).load_new_submissions).result() == 1

        assert upload(page, corrected) == "accepted"
        note, changes = page.inner_text("#changes-note"), table_rows(page, "#changes")
        first_progress = table_rows(page, "#history-table")[1][5]
        context.close()

    assert "1 个单元格" in note and "1 cell(s) differ from your previous vintage" in note
    assert first_progress == "已入库 loaded"  # the sensor's run has loaded the first file
    assert changes == [["深圳市 440300", "2023-06", "5G基站数 fiveg_base_stations", "46,400", "46,800", first_id, "2"]]


def test_submitters_text_is_shown_as_text_and_no_script_runs_under_the_csp(page, home, base_url, tmp_path):
    """A city cell holding <script> and a file name holding markup: the report and the history show
    them as text, nothing they hold runs, and the page's policy would stop an inline script anyway."""
    _, token = TokenStore.at(home).create("pilot-440300", "测试员", actor="test")
    city = "<script>window.pwned = 'city'</script>"
    name = "<img src=x onerror=window.pwned='name'>深圳.csv"  # no double quote: a browser sends it as %22
    data = csv_bytes([LONG_HEADER, [city, "2023-06", "5G基站数", "46400", "个", ""]])
    sign_in(page, token)
    page.locator("#whoami").wait_for()

    page.set_input_files("#file", files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    page.click("#upload-button")
    page.wait_for_selector("#upload-button:not([disabled])")

    assert page.get_attribute("#verdict", "data-status") == "rejected"
    [finding] = table_rows(page, "#findings")
    assert finding[4] == city  # the cell's text, character for character
    assert name in page.inner_text("#summary") and name in page.inner_text("#history-table")
    assert page.evaluate("window.pwned") is None
    assert page.locator("main script, main img").count() == 0  # nothing became an element
    # The policy itself: an inline script put into the page (as an injection would) is refused.
    violations = page.evaluate("""() => new Promise(resolve => {
        document.addEventListener("securitypolicyviolation", event => resolve(event.violatedDirective));
        const script = document.createElement("script");
        script.textContent = "window.pwned = 'inline'";
        document.body.append(script);
    })""")
    assert violations.startswith("script-src") and page.evaluate("window.pwned") is None
    policy = httpx.get(base_url).headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "unsafe-inline" not in policy

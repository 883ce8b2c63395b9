"""Readers and cell parsers against files as people really send them. No GX here: these are fast."""

import datetime as dt
import re
import zipfile

import openpyxl
import pytest
from corpus import LONG_HEADER, csv_bytes, shenzhen_june, write_csv, write_xlsx

from indicators import reference
from indicators.readers import (
    BadLimitSetting,
    LimitExceeded,
    ReadLimits,
    UnreadableFile,
    cells_frame,
    find_table,
    read_grid,
)
from indicators.values import (
    Period,
    format_number,
    is_not_reported,
    parse_number,
    parse_period,
    resolve_area,
    resolve_indicator,
    suggest_indicator,
    unit_factor,
)

M, Q, A = "M", "Q", "A"


# ----------------------------------------------------------------------------------------------- cells

@pytest.mark.parametrize("text, start, freq", [
    ("2023-06", dt.date(2023, 6, 1), M), ("2023/6", dt.date(2023, 6, 1), M), ("202306", dt.date(2023, 6, 1), M),
    ("2023年6月", dt.date(2023, 6, 1), M), ("2023年06月", dt.date(2023, 6, 1), M), ("2023M06", dt.date(2023, 6, 1), M),
    ("２０２３年１２月", dt.date(2023, 12, 1), M), (" 2023-06 ", dt.date(2023, 6, 1), M),
    ("2023-06-30", dt.date(2023, 6, 1), M), (dt.datetime(2023, 6, 1), dt.date(2023, 6, 1), M),
    (202306, dt.date(2023, 6, 1), M),
    ("2023Q2", dt.date(2023, 4, 1), Q), ("2023-Q2", dt.date(2023, 4, 1), Q), ("2023q4", dt.date(2023, 10, 1), Q),
    ("2023年第二季度", dt.date(2023, 4, 1), Q), ("2023年二季度", dt.date(2023, 4, 1), Q),
    ("2023年第1季度", dt.date(2023, 1, 1), Q),
    ("2023", dt.date(2023, 1, 1), A), ("2023年", dt.date(2023, 1, 1), A), (2023, dt.date(2023, 1, 1), A),
    # as Chinese forms write them too
    ("2023年6月份", dt.date(2023, 6, 1), M), ("2023.6", dt.date(2023, 6, 1), M), ("2023年Q2", dt.date(2023, 4, 1), Q),
    ("2023年度", dt.date(2023, 1, 1), A),
    (2023.0, dt.date(2023, 1, 1), A),
])
def test_periods_as_people_write_them(text, start, freq):
    assert parse_period(text) == Period(start, freq)


@pytest.mark.parametrize("text", ["2023-13", "20236", "2023Q5", "2023年第五季度", "六月", "", None, "2023-06-XX",
                                  "2023年1-6月", "23年6月"])
def test_periods_that_are_not_periods(text):
    assert parse_period(text) is None


def test_a_month_closes_its_quarter_and_december_its_year():
    assert Period(dt.date(2023, 6, 1), M).as_freq(Q) == Period(dt.date(2023, 4, 1), Q)
    assert Period(dt.date(2023, 12, 1), M).as_freq(A) == Period(dt.date(2023, 1, 1), A)
    assert Period(dt.date(2023, 10, 1), Q).as_freq(A) == Period(dt.date(2023, 1, 1), A)
    assert Period(dt.date(2023, 5, 1), M).as_freq(Q) is None
    assert Period(dt.date(2023, 4, 1), Q).as_freq(M) is None  # never finer


@pytest.mark.parametrize("text, number", [
    ("46400", 46400.0), ("46,400", 46400.0), ("1,234,567.5", 1234567.5), ("４６，４００", 46400.0),
    ("  46400 ", 46400.0), ("４６４００．５", 46400.5), ("-3", -3.0), (46400, 46400.0), (0.5, 0.5),
])
def test_numbers_as_people_write_them(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["abc", "12O45", "1,23", "4.6万", "nan", "inf", "1.2.3", "1 234", True])
def test_text_that_is_not_a_number(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["", "  ", None, "—", "-", "/", "——", "－", "–"])
def test_not_reported_markers(text):
    assert is_not_reported(text)


@pytest.mark.parametrize("text", ["0", "0.0", 0, "n/a"])
def test_zero_and_words_are_reported(text):
    assert not is_not_reported(text)


@pytest.mark.parametrize("text", ["440300", "深圳市", "深圳", "Shenzhen", "shenzhen", "４４０３００", 440300.0])
def test_cities_by_code_and_name(text):
    assert resolve_area(text) == "440300"


def test_the_province_is_recognised_so_that_it_can_be_refused():
    assert resolve_area("440000") == resolve_area("广东省") == resolve_area("全省") == reference.PROVINCE_CODE
    assert resolve_area("合计") == reference.PROVINCE_CODE  # a totals row: an aggregate, computed
    assert resolve_area("深圳湾") is None


@pytest.mark.parametrize("header, unit", [
    ("fiveg_base_stations", None), ("5G基站数", None), ("5G基站数（个）", "个"), ("5G基站数(个)", "个"),
    ("5G base stations (个)", "个"), ("5g BASE stations", None), ("5G基站数（万个）", "万个"),
    ("5G基站数（单位：个）", "个"), ("5G基站数 [个]", "个"),
])
def test_indicator_headers_with_and_without_units(header, unit):
    assert resolve_indicator(header) == ("fiveg_base_stations", unit)


def test_names_that_end_in_brackets_are_not_units():
    assert resolve_indicator("镇(街)数") == ("towns_total", None)
    assert resolve_indicator("镇(街)数（个）") == ("towns_total", "个")
    assert resolve_indicator("工业互联网标识注册量(累计)（个）") == ("iiot_identifier_registrations", "个")
    assert resolve_indicator("Standard racks in production (2.5 kW)") == ("dc_standard_racks", None)
    assert resolve_indicator("5G基站") == (None, None)


@pytest.mark.parametrize("written, code", [
    ("5G基站", "fiveg_base_stations"), ("5G基站（个）", "fiveg_base_stations"), ("PON口数", "pon_ports_total"),
    ("宽带用户", "broadband_users_total"), ("每万人5G基站数", "fiveg_per_10k_people"), ("网络基础设施", None),
    ("", None),
])
def test_the_closest_indicator_to_a_name_not_in_the_catalogue(written, code):
    assert suggest_indicator(written) == code


@pytest.mark.parametrize("number, text", [
    (28_500_000.0, "28,500,000"), (1_234_567.0, "1,234,567"), (187_790.3, "187,790.3"), (0.64, "0.64"),
    (-3.0, "-3"), (812_000.5, "812,000.5"),
])
def test_numbers_in_messages(number, text):
    assert format_number(number) == text


def test_units_of_ten_thousand_apply_to_counts_only():
    assert unit_factor(None, "个") == unit_factor("个", "个") == unit_factor("", "户") == 1
    assert unit_factor("万个", "个") == unit_factor("万户", "户") == 10_000
    assert unit_factor("万元", "亿元") is None
    assert unit_factor("台", "个") is None
    assert unit_factor("mwh", "MWh") == 1


def test_every_base_indicator_has_lower_bound_zero():
    """value_negative enforces the lower bound; value_out_of_range checks the upper one only."""
    assert {i.min_value for i in reference.base_indicators()} == {0}


# ------------------------------------------------------------------------------------------------ grids

def grid_rows(path, **kwargs):
    with read_grid(path, **kwargs) as grid:
        return list(grid.rows)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    path = write_csv(tmp_path / "f.csv", shenzhen_june(), encoding)
    rows = grid_rows(path)
    assert rows[0] == (1, LONG_HEADER)
    assert rows[1][1][:3] == ["深圳市", "2023-06", "5G基站数"]


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_tab_and_semicolon_separated_text(tmp_path, delimiter):
    path = tmp_path / "f.txt"
    path.write_text("\n".join(delimiter.join(r) for r in shenzhen_june()), encoding="utf-8")
    assert grid_rows(path)[1][1][3] == "52,310"


def test_csv_rows_are_numbered_by_the_line_they_start_on(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('城市,期间,指标,数值,备注\n\n深圳,2023-06,5G基站数,1,"two\nlines"\n深圳,2023-06,pon_ports_total,2,\n',
                    encoding="utf-8")
    assert [n for n, _ in grid_rows(path)] == [1, 3, 5]


def test_xlsx_title_rows_merged_cells_and_numbers_as_text(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", shenzhen_june(), title="2023年6月 通信业数据报送表")
    assert read_grid(path).sheet == "Sheet1"
    rows = grid_rows(path)
    assert rows[0] == (1, ["2023年6月 通信业数据报送表"])
    assert rows[1] == (3, LONG_HEADER)
    assert rows[2][1][3] == "52,310"


def test_the_sheet_named_data_wins_over_the_first(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", shenzhen_june(), sheet="Data", sheets_before=("说明",))
    assert read_grid(path).sheet == "Data"
    assert grid_rows(path)[0] == (1, LONG_HEADER)


def test_the_first_sheet_when_none_is_named_data(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", shenzhen_june(), sheet="Sheet2", sheets_before=("六月",))
    assert read_grid(path).sheet == "六月"


def test_merged_cells_read_as_the_user_sees_them(tmp_path):
    """A hand-made sheet with the city merged down its rows and a period merged over three of them."""
    path = write_xlsx(tmp_path / "f.xlsx", [
        LONG_HEADER[:4],
        ["深圳市", "2023-06", "5G基站数", "52,310"],
        [None, None, "PON端口总数", "812,000"],
        [None, None, "10G-PON端口数", "401,500"],
        [None, "2023Q2", "城市家庭总户数", "6120000"],
    ], title="深圳市 2023年6月", sheet="数据")
    workbook = openpyxl.load_workbook(path)
    workbook["数据"].merge_cells("A4:A7")
    workbook["数据"].merge_cells("B4:B6")
    workbook.save(path)
    cells = cells_frame(find_table(read_grid(path)))
    assert cells[["source_row", "city_code", "period_freq", "value"]].values.tolist() == [
        [4, "440300", "M", 52310.0], [5, "440300", "M", 812000.0], [6, "440300", "M", 401500.0],
        [7, "440300", "Q", 6120000.0]]


def test_a_merge_down_a_whole_column_is_clipped_to_the_rows_there_are(tmp_path):
    """Merging a whole column writes A1:A1048576: filling it must not build a million rows."""
    path = write_xlsx(tmp_path / "f.xlsx", shenzhen_june())
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp_path / "merged.xlsx", "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                    b'<mergeCell ref="A1:A1048576"/></mergeCells>')
            target.writestr(item, data)
    rows = grid_rows(tmp_path / "merged.xlsx")
    assert len(rows) == 9 and {cells[0] for _, cells in rows} == {"城市"}


@pytest.mark.parametrize("inline, text", [
    ("<is><t>深圳</t></is>", "深圳"),  # as openpyxl and pandas write every text cell
    ('<is><t xml:space="preserve"> 深圳 </t></is>', " 深圳 "),
    ("<is><t/></is>", ""),
    ("<is></is>", ""),
    ("<is><r><rPr><b/></rPr><t>深</t></r><r><t>圳</t></r></is>", "深圳"),  # rich text: its runs joined
    ('<is><t>深圳</t><rPh sb="0" eb="1"><t>shen</t></rPh></is>', "深圳"),  # a phonetic guide is not text
])
def test_inline_strings_read_as_their_text(tmp_path, inline, text):
    path = write_xlsx(tmp_path / "f.xlsx", [["城市", "期间", "5G基站数"], ["广州", "2023-06", "52310"]])
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp_path / "inline.xlsx", "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, replaced = re.subn(rb'<c r="A2" t="inlineStr">.*?</c>',
                                         f'<c r="A2" t="inlineStr">{inline}</c>'.encode(), data)
                assert replaced == 1
            target.writestr(item, data)
    assert grid_rows(tmp_path / "inline.xlsx")[1] == (2, [text, "2023-06", "52310"])


def test_a_number_merged_across_two_indicator_columns_counts_once(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [["城市", "期间", "5G基站数", "700MHz 5G基站数"],
                                            ["深圳", "2023-06", "52310", None]])
    workbook = openpyxl.load_workbook(path)
    workbook.active.merge_cells("C2:D2")
    workbook.save(path)
    cells = cells_frame(find_table(read_grid(path)))
    assert cells[["indicator_code", "value"]].values.tolist() == [["fiveg_base_stations", 52310.0]]


def test_a_second_header_row_under_group_headings(tmp_path):
    """网络基础设施 merged over three indicator columns, city and period merged down both header rows."""
    path = write_xlsx(tmp_path / "f.xlsx", [
        ["城市", "期间", "网络基础设施", None, None, "备注"],
        [None, None, "5G基站数（个）", "PON端口总数（万个）", "10G-PON端口数（个）", None],
        ["深圳市", "2023-06", "52,310", "81.2", "401,500", "初报"],
    ], title="深圳市数字经济监测表", sheet="数据")
    workbook = openpyxl.load_workbook(path)
    for cells in ("C3:E3", "A3:A4", "B3:B4", "F3:F4"):
        workbook["数据"].merge_cells(cells)
    workbook.save(path)
    table = find_table(read_grid(path))
    assert (table.layout, table.header_row) == ("wide", 4)
    assert [(c.code, c.unit) for c in table.indicator_columns] == [
        ("fiveg_base_stations", "个"), ("pon_ports_total", "万个"), ("pon_ports_10g", "个")]
    cells = cells_frame(table)
    assert cells[["source_row", "indicator_row", "value", "note"]].values.tolist() == [
        [5, 4, 52310.0, "初报"], [5, 4, 812000.0, "初报"], [5, 4, 401500.0, "初报"]]


def test_a_column_with_values_but_no_header_is_named_by_its_letter(tmp_path):
    path = write_csv(tmp_path / "f.csv", [["城市", "期间", "5G基站数", ""], ["深圳", "2023-06", "52310", "812000"]])
    cells = cells_frame(find_table(read_grid(path)))
    assert cells[["indicator_text", "indicator_column", "value_column"]].values.tolist() == [
        ["5G基站数", "5G基站数", "5G基站数"], ["", "D", "D"]]


# ------------------------------------------------------------------------------------------- unreadable

def unreadable(path, **kwargs) -> UnreadableFile:
    """Refused when the file is opened, or while its rows are read."""
    with pytest.raises(UnreadableFile) as caught:
        grid_rows(path, **kwargs)
    assert caught.value.message_zh and caught.value.message_en
    return caught.value


def test_an_empty_file(tmp_path):
    (tmp_path / "f.csv").write_bytes(b"")
    assert "empty" in unreadable(tmp_path / "f.csv").message_en
    (tmp_path / "blank.csv").write_bytes(b"\r\n  \r\n")
    assert "empty" in unreadable(tmp_path / "blank.csv").message_en


def test_a_missing_file_and_a_folder(tmp_path):
    assert unreadable(tmp_path / "absent.csv").message_zh == "文件不存在"
    assert unreadable(tmp_path).message_en == "it is a folder, not a file"


def test_binary_garbage(tmp_path):
    (tmp_path / "f.csv").write_bytes(bytes(range(256)) * 40)
    assert "unrecognised" in unreadable(tmp_path / "f.csv").message_en


def test_an_xlsx_that_is_really_a_csv(tmp_path):
    (tmp_path / "f.xlsx").write_bytes(csv_bytes(shenzhen_june()))
    assert "renamed CSV" in unreadable(tmp_path / "f.xlsx").message_en


def test_the_name_the_user_gave_decides_not_the_stored_name(tmp_path):
    stored = tmp_path / "0123abcd"  # the landing zone names files by their sha256
    stored.write_bytes(csv_bytes(shenzhen_june()))
    assert grid_rows(stored)[0][1] == LONG_HEADER
    assert "renamed CSV" in unreadable(stored, name="六月.xlsx").message_en


def test_a_workbook_named_csv(tmp_path):
    write_xlsx(tmp_path / "f.xlsx", shenzhen_june()).rename(tmp_path / "f.csv")
    assert "workbook" in unreadable(tmp_path / "f.csv").message_en


def test_a_corrupt_workbook(tmp_path):
    data = write_xlsx(tmp_path / "good.xlsx", shenzhen_june()).read_bytes()
    (tmp_path / "f.xlsx").write_bytes(data[: len(data) // 2])
    assert "corrupt" in unreadable(tmp_path / "f.xlsx").message_en


def test_a_zip_that_is_not_a_workbook(tmp_path):
    with zipfile.ZipFile(tmp_path / "f.xlsx", "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "not an Excel workbook" in unreadable(tmp_path / "f.xlsx").message_en


def test_a_workbook_with_a_broken_part(tmp_path):
    with zipfile.ZipFile(write_xlsx(tmp_path / "good.xlsx", shenzhen_june())) as good, \
            zipfile.ZipFile(tmp_path / "f.xlsx", "w") as broken:
        for item in good.infolist():
            data = good.read(item)
            broken.writestr(item, b"<worksheet><sheetData><row" if item.filename.endswith("sheet1.xml") else data)
    assert "corrupt" in unreadable(tmp_path / "f.xlsx").message_en


def ole_file(path, streams: bytes) -> None:
    """The start of an OLE2 compound file, as Excel writes password-protected workbooks and .xls files."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + streams + b"\x00" * 1024)


def test_a_password_protected_workbook(tmp_path):
    ole_file(tmp_path / "f.xlsx", "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le"))
    assert "password" in unreadable(tmp_path / "f.xlsx").message_en


def test_a_legacy_xls(tmp_path):
    ole_file(tmp_path / "f.xls", "Workbook".encode("utf-16-le"))
    assert ".xls" in unreadable(tmp_path / "f.xls").message_en


def test_a_file_over_the_size_limit(tmp_path):
    path = write_csv(tmp_path / "f.csv", shenzhen_june())
    assert "limit" in unreadable(path, limits=ReadLimits(max_bytes=100)).message_en


def test_the_default_size_limit_is_20_mb(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "wb") as handle:
        handle.truncate(20 * 1024 * 1024 + 1)  # sparse: no 20 MB written to disk
    assert "20 MB" in unreadable(path).message_en


def test_a_workbook_that_unpacks_to_too_much(tmp_path):
    """A zip bomb: a few kilobytes that unpack to 50 MB of one repeated byte."""
    path = write_xlsx(tmp_path / "f.xlsx", shenzhen_june())
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 50_000_000)
    assert path.stat().st_size < 200_000
    message = unreadable(path, limits=ReadLimits(max_unpacked_bytes=10_000_000)).message_en
    assert "unpacks to too much" in message


# ----------------------------------------------------------------------------------------------- tables

def test_a_long_table_below_a_title(tmp_path):
    table = find_table(read_grid(write_xlsx(tmp_path / "f.xlsx", shenzhen_june(), title="报送表")))
    assert (table.layout, table.header_row, table.header("value")) == ("long", 3, "数值")
    assert len(list(table.data_rows)) == 8


@pytest.mark.parametrize("header", [
    ["city", "period", "indicator", "value"], ["城市代码", "报告期", "指标代码", "值"],
    ["City_Code", "Period", "Indicator_Code", "Value"], ["城市", "时期", "指标名称", "数值"],
    ["地市名称", "统计时间", "指标名称", "本期数"], ["行政区划", "年月", "指标", "本期值"],
])
def test_long_headers_in_chinese_or_english(tmp_path, header):
    path = write_csv(tmp_path / "f.csv", [header, ["440300", "2023-06", "5G基站数", "1"]])
    table = find_table(read_grid(path))
    assert table.layout == "long"
    assert cells_frame(table)[["city_code", "indicator_code", "value"]].values.tolist() == [
        ["440300", "fiveg_base_stations", 1.0]]


def test_a_wide_table_with_units_in_its_headers(tmp_path):
    path = write_csv(tmp_path / "f.csv", [
        ["序号", "城市", "期间", "5G基站数（个）", "PON端口总数(个)", "10G-PON ports", "城市家庭总户数（万户）", "备注"],
        ["1", "深圳", "2023-06", "46,400", "812000", "—", "612.5", "初报"],
        ["2", "Guangzhou", "2023年6月", "", "790000", "380000", "", ""],
    ])
    table = find_table(read_grid(path))
    assert table.layout == "wide"
    assert [c.code for c in table.indicator_columns] == [
        "fiveg_base_stations", "pon_ports_total", "pon_ports_10g", "households_total"]
    cells = cells_frame(table)
    assert cells[["source_row", "city_code", "indicator_code", "period_freq", "value"]].values.tolist() == [
        [2, "440300", "fiveg_base_stations", "M", 46400.0],
        [2, "440300", "pon_ports_total", "M", 812000.0],
        [2, "440300", "households_total", "Q", 6125000.0],  # 612.5 万户, June closes Q2
        [3, "440100", "pon_ports_total", "M", 790000.0],
        [3, "440100", "pon_ports_10g", "M", 380000.0],
    ]
    assert cells["period_start"].dt.date.tolist()[2] == dt.date(2023, 4, 1)
    assert cells["note"].tolist()[0] == "初报"
    assert cells["indicator_row"].unique().tolist() == [1]  # in the wide layout the indicator is the header


def test_a_second_city_column_is_not_an_indicator(tmp_path):
    path = write_csv(tmp_path / "f.csv", [["城市代码", "城市名称", "期间", "5G基站数"], ["440300", "深圳市", "2023-06", "1"]])
    table = find_table(read_grid(path))
    assert [c.header for c in table.indicator_columns] == ["5G基站数"]
    assert cells_frame(table)["city_text"].tolist() == ["440300"]


def test_a_wide_december_row_carries_the_year(tmp_path):
    path = write_csv(tmp_path / "f.csv", [["城市", "期间", "行政村数（个）", "已部署粤智助的行政村数（个）"],
                                          ["韶关", "2022-12", "1200", "1180"]])
    cells = cells_frame(find_table(read_grid(path)))
    assert cells[["indicator_code", "period_freq"]].values.tolist() == [
        ["admin_villages_total", "A"], ["admin_villages_yzz", "M"]]
    assert cells["period_start"].dt.date.tolist() == [dt.date(2022, 1, 1), dt.date(2022, 12, 1)]


def test_a_long_file_keeps_its_periods_as_written(tmp_path):
    """In the long layout each period is written at its indicator's own frequency: 2023-06 stays a month."""
    path = write_csv(tmp_path / "f.csv", [LONG_HEADER[:4], ["深圳", "2023-06", "households_total", "1"]])
    cells = cells_frame(find_table(read_grid(path)))
    assert cells[["period_freq", "indicator_freq"]].values.tolist() == [["M", "Q"]]


def test_not_reported_values_make_no_cells(tmp_path):
    rows = [LONG_HEADER[:4]] + [["深圳", "2023-06", "5G基站数", marker] for marker in ["", "—", "-", "/", "0"]]
    cells = cells_frame(find_table(read_grid(write_csv(tmp_path / "f.csv", rows))))
    assert cells["value"].tolist() == [0.0]
    assert cells["source_row"].tolist() == [6]


def test_no_header_in_the_first_rows(tmp_path):
    path = write_csv(tmp_path / "f.csv", [["名称", "数量"], ["深圳", "1"]])
    assert find_table(read_grid(path)) is None


# ------------------------------------------------------------------------ limits, formulas, odd periods

@pytest.mark.parametrize("text, start", [("2999-12", dt.date(2999, 12, 1)), ("0001-01", dt.date(1, 1, 1))])
def test_a_period_beyond_pandas_dates_is_still_a_period(text, start):
    """Judged by the rules (too early, future), not crashed on: pandas holds 1677 to 2262 only."""
    assert parse_period(text) == Period(start, M)


@pytest.mark.parametrize("text", ["0000-06", "0000", "9999-11", "9999-Q4", "9999", dt.datetime(9999, 11, 30)])
def test_a_period_the_calendar_cannot_hold_is_no_period(text):
    """Year 0 does not exist; in 9999 a month's quarter or year would end past the calendar's last day."""
    assert parse_period(text) is None


def test_beyond_pandas_dates_a_period_is_held_at_the_nearest_bound(tmp_path):
    rows = [LONG_HEADER[:4], ["深圳", "2999-12", "5G基站数", "1"], ["深圳", "0001-01", "5G基站数", "2"]]
    cells = cells_frame(find_table(read_grid(write_csv(tmp_path / "f.csv", rows))))
    assert cells["period_start"].dt.date.tolist() == [dt.date(2262, 1, 1), dt.date(1678, 1, 1)]
    assert cells["period_text"].tolist() == ["2999-12", "0001-01"]


def limit_exceeded(path, **limits) -> LimitExceeded:
    with pytest.raises(LimitExceeded) as caught:
        grid_rows(path, limits=ReadLimits(**limits))
    return caught.value


def test_a_csv_cell_over_128_kib_is_over_the_cell_limit_not_a_csv_error(tmp_path):
    """Python's csv module stops at 131,072 characters with a bare _csv.Error."""
    rows = shenzhen_june()
    rows[3][5] = "备" * 200_000
    caught = limit_exceeded(write_csv(tmp_path / "f.csv", rows))
    assert (caught.limit, caught.row, caught.column) == ("max_cell_chars", 4, 5)
    assert caught.value == "备" * 32 + "…"
    assert caught.message_en == "the cell holds 200,000 characters, over the limit of 32,767 (max_cell_chars)"
    assert caught.message_zh == "单元格有 200,000 个字符，超过 32,767 个字符的上限"


def test_a_long_cell_within_a_raised_limit_is_read_whole(tmp_path):
    rows = shenzhen_june()
    rows[3][5] = "x" * 200_000
    read = grid_rows(write_csv(tmp_path / "f.csv", rows), limits=ReadLimits(max_cell_chars=300_000))
    assert read[3][1][5] == "x" * 200_000


def test_rows_past_the_row_limit(tmp_path):
    """Blank rows do not count; the title and header do: 10 rows that are not blank, the 10th (row 11) is over 9."""
    path = write_xlsx(tmp_path / "f.xlsx", shenzhen_june(), title="报送表")  # title, blank, header, 8 rows
    caught = limit_exceeded(path, max_rows=9)
    assert (caught.limit, caught.row) == ("max_rows", 11)
    assert "more than 9 rows" in caught.message_en
    assert len(grid_rows(path, limits=ReadLimits(max_rows=10))) == 10


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_row_past_the_column_limit(tmp_path, fmt):
    rows = shenzhen_june()
    rows[2] = rows[2] + [""] * 10 + ["stray"]  # column 17
    path = write_csv(tmp_path / "f.csv", rows) if fmt == "csv" else write_xlsx(tmp_path / "f.xlsx", rows)
    caught = limit_exceeded(path, max_columns=16)
    assert (caught.limit, caught.row, caught.column) == ("max_columns", 3, 16)
    assert caught.message_en == "the row has 17 columns, over the limit of 16 (max_columns)"
    assert len(grid_rows(path, limits=ReadLimits(max_columns=17))) == 9


def test_blank_cells_past_the_column_limit_do_not_count(tmp_path):
    rows = shenzhen_june()
    rows[2] = rows[2] + [""] * 30
    assert len(grid_rows(write_csv(tmp_path / "f.csv", rows), limits=ReadLimits(max_columns=6))) == 9


def test_limits_from_the_environment():
    limits = ReadLimits.from_env({"DIGECON_MAX_ROWS": "5000", "DIGECON_MAX_FINDINGS_PER_RULE": "10"})
    assert (limits.max_rows, limits.max_findings_per_rule, limits.max_cell_chars) == (5000, 10, 32_767)
    assert ReadLimits.from_env({"DIGECON_MAX_ROWS": "5000"}, max_rows=7).max_rows == 7  # the caller's own wins
    assert ReadLimits.from_env({}) == ReadLimits()
    for bad in ("0", "-1", "1e6", "many"):
        with pytest.raises(BadLimitSetting) as caught:
            ReadLimits.from_env({"DIGECON_MAX_CELL_CHARS": bad})
        assert "DIGECON_MAX_CELL_CHARS" in caught.value.message_zh and "positive whole number" in caught.value.message_en


def test_the_upload_size_limit_is_every_readers_limit():
    """DIGECON_MAX_UPLOAD_MB, the upload service's size limit, sets the readers' too (a 5G site list of a
    province's 300,000 stations is about 22 MB, over the default 20 MB)."""
    assert ReadLimits.from_env({"DIGECON_MAX_UPLOAD_MB": "32"}).max_bytes == 32 * 1024 * 1024
    assert ReadLimits.from_env({"DIGECON_MAX_UPLOAD_MB": "0.5"}).max_bytes == 524_288
    assert ReadLimits.from_env({"DIGECON_MAX_UPLOAD_MB": "32"}, max_bytes=7).max_bytes == 7
    for bad in ("0", "-1", "inf", "nan", "many"):
        with pytest.raises(BadLimitSetting) as caught:
            ReadLimits.from_env({"DIGECON_MAX_UPLOAD_MB": bad})
        assert "DIGECON_MAX_UPLOAD_MB" in caught.value.message_zh and "positive number" in caught.value.message_en


def set_cached_values(path, cached: dict[str, str]) -> None:
    """Give formula cells the calculated value Excel would have saved: {cell: '<v>…</v>' with attributes}."""
    import re

    with zipfile.ZipFile(path) as source:
        parts = {item: source.read(item) for item in source.infolist()}
    with zipfile.ZipFile(path, "w") as target:
        for item, data in parts.items():
            if item.filename == "xl/worksheets/sheet1.xml":
                for cell, (attributes, value) in cached.items():
                    # openpyxl writes an empty <v/> (or <v></v> when lxml is installed)
                    data = re.sub(rf'<c r="{cell}"([^>]*)><f>([^<]*)</f>(?:<v ?/>|<v></v>)'.encode(),
                                  rf'<c r="{cell}"\1{attributes}><f>\2</f><v>{value}</v>'.encode(), data)
            target.writestr(item, data)


def test_a_formula_without_a_calculated_value_is_listed_and_reads_blank(tmp_path):
    """openpyxl (and other programs) write formulas without results: Excel calculates them when it saves."""
    rows = shenzhen_june()
    rows[1][3] = "=52000+310"  # D2
    rows[2][3] = "=812000"  # D3: saved by Excel, with its value
    rows[4][5] = '=IF(1>2,"x","")'  # F5: a formula whose result is the empty text
    path = write_xlsx(tmp_path / "f.xlsx", rows)
    set_cached_values(path, {"D3": ("", "812000"), "F5": (' t="str"', "")})
    with read_grid(path) as grid:
        rows_read = list(grid.rows)
        assert (grid.formulas.total, grid.formulas.uncalculated) == (3, 1)
        assert grid.formulas.listed == [(2, 3, "=52000+310")]
    assert rows_read[1][1][3] is None and rows_read[2][1][3] == 812000


def test_formulas_listed_stop_at_the_findings_limit_and_count_on(tmp_path):
    rows = [LONG_HEADER[:4]] + [["深圳", "2023-06", "5G基站数", f"={n}"] for n in range(1, 8)]
    with read_grid(write_xlsx(tmp_path / "f.xlsx", rows), limits=ReadLimits(max_findings_per_rule=3)) as grid:
        list(grid.rows)
        assert (grid.formulas.uncalculated, [r for r, _, _ in grid.formulas.listed]) == (7, [2, 3, 4])


def test_rows_are_read_as_they_are_consumed(tmp_path):
    """A table's data rows are not read before they are asked for: the header search stops at the header."""
    rows = shenzhen_june() + [["深圳", "2023-06", "5G基站数", "x" * 40_000, "个", ""]]  # row 10: over the cell limit
    table = find_table(read_grid(write_csv(tmp_path / "f.csv", rows)))
    assert table.header_row == 1
    data = iter(table.data_rows)
    assert [next(data)[0] for _ in range(8)] == list(range(2, 10))
    with pytest.raises(LimitExceeded):
        next(data)


def test_a_second_header_row_leaves_the_city_and_period_columns_as_they_are(tmp_path):
    """Found by Hypothesis: words under the city column in the second header row took its role away
    (KeyError: 'city')."""
    path = write_csv(tmp_path / "f.csv", [["城市", "期间", "网络"], ["名称", "年月", "5G基站数"], ["深圳", "2023-06", "1"]])
    table = find_table(read_grid(path))
    assert (table.header_row, table.headers, table.roles) == (2, ["城市", "期间", "5G基站数"], {"city": 0, "period": 1})
    assert cells_frame(table)[["city_code", "indicator_code", "value"]].values.tolist() == [
        ["440300", "fiveg_base_stations", 1.0]]

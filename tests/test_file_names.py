"""File names from submitters are display text: they name a file for people and never decide how or
where it is stored (the archive is named by its sha256 and its content's type)."""

import io

import openpyxl
import pytest

from indicators.landing import MAX_FILENAME_BYTES, LandingZone, display_filename, sha256_of

XLSX = io.BytesIO()
openpyxl.Workbook().save(XLSX)


@pytest.mark.parametrize(("given", "shown"), [
    ("深圳-2023-06.xlsx", "深圳-2023-06.xlsx"),
    ("ok.csv\x00.exe", "ok.csv.exe"),  # NUL: the name a C library would see ends at ok.csv
    ("C:\\Users\\张三\\Desktop\\深圳.csv", "深圳.csv"),  # old browsers send the whole Windows path
    ("../../etc/passwd", "passwd"),
    ("report\u202egpj.csv", "reportgpj.csv"),  # a right-to-left override would show it as ...vsc.jpg
    ("two\r\nlines\t.csv", "two lines .csv"),
    ("  spaced   out  .csv ", "spaced out .csv"),
    ("<script>alert(1)</script>.csv", "script>.csv"),  # the path part ends at the slash; the rest is text
    ("\x00\x01", "upload"),
])
def test_a_name_is_display_text(given, shown):
    assert display_filename(given) == shown


def test_a_long_name_is_cut_to_200_bytes_keeping_a_short_extension():
    chinese = display_filename("深圳市" * 100 + ".xlsx")  # 900 bytes of UTF-8
    assert chinese.endswith("….xlsx") and len(chinese.encode()) <= MAX_FILENAME_BYTES
    assert chinese.startswith("深圳市深圳市")  # cut between characters, never inside one
    long_extension = display_filename("a." + "x" * 300)  # not an extension: cut like any text
    assert long_extension.endswith("…") and len(long_extension.encode()) <= MAX_FILENAME_BYTES


@pytest.mark.parametrize(("name", "data", "stored_suffix"), [
    ("ok.csv\x00.exe", b"city,period\r\n", ".csv"),
    ("book.exe", XLSX.getvalue(), ".xlsx"),  # a workbook renamed: archived as what it is
    ("data.xlsx", b"city,period\r\n", ".csv"),  # a renamed CSV
    ("a." + "x" * 250, b"city,period,2\r\n", ".csv"),  # its name would not fit a file system's 255 bytes
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
])
def test_the_archive_is_named_by_its_content_never_by_the_name_given(tmp_path, name, data, stored_suffix):
    landing = LandingZone(tmp_path)

    receipt, is_new = landing.receive(data, name, "gdca", "张三")

    assert is_new and receipt.stored_name == f"{sha256_of(data)}{stored_suffix}"
    assert landing.path_of(receipt).read_bytes() == data
    assert receipt.original_filename == display_filename(name)
    assert [p.name for p in landing.files_dir.iterdir()] == [receipt.stored_name]

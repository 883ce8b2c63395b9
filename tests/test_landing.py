"""The landing zone: every file archived once under its sha256, nothing edited in place."""

import hashlib

import pytest
from mart_support import shanghai as at

from indicators.landing import LandingZone


def test_same_bytes_twice_is_a_no_op_returning_the_first_receipt(tmp_path):
    landing = LandingZone(tmp_path)
    first, new = landing.receive(b"city,period\n", "a.csv", "gdca", "张三", at("2023-07-05 10:00"))
    again, again_new = landing.receive(b"city,period\n", "renamed.csv", "gdca", "李四", at("2023-07-06 10:00"))
    assert (new, again_new) == (True, False)
    assert again == first
    assert first.sha256 == hashlib.sha256(b"city,period\n").hexdigest()
    stored = landing.path_of(first)
    assert stored.name == f"{first.sha256}.csv" and stored.read_bytes() == b"city,period\n"
    assert stored.stat().st_mode & 0o222 == 0  # archived read-only


def test_receipts_replay_in_received_order_with_monotonic_ids(tmp_path):
    landing = LandingZone(tmp_path)
    late, _ = landing.receive(b"1", "late.csv", "gdgsa", "x", at("2023-12-18 15:42"))  # landed first
    early, _ = landing.receive(b"2", "early.csv", "gdca", "x", at("2023-12-05 09:00"))
    assert early.submission_id > late.submission_id
    assert [r.original_filename for r in landing.receipts()] == ["early.csv", "late.csv"]
    assert landing.receipt_of_sha256(late.sha256) == late


def test_a_report_is_kept_once(tmp_path):
    landing = LandingZone(tmp_path)
    receipt, _ = landing.receive(b"x", "a.csv", "gdca", "x", at("2023-07-05 10:00"), report={"accepted": True})
    landing.keep_report(receipt, {"accepted": False})  # a later check never replaces the first verdict
    assert landing.report_of(receipt) == {"accepted": True}


def test_withdrawing_an_unknown_submission_is_refused(tmp_path):
    landing = LandingZone(tmp_path)
    with pytest.raises(KeyError):
        landing.withdraw(42, "analyst", "typo")
    assert landing.withdrawals() == []

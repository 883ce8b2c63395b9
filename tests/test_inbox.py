"""The watched inbox: a file put in DIGECON_HOME/inbox/<profile>/ lands once, as an upload by that profile,
and moves to done/ or rejected/ beside its report; the sensor's cursor and skip reason say what it did."""

import json
import os
import pwd
import time
from pathlib import Path

import dagster as dg
import pytest
from corpus import LONG_HEADER, csv_bytes

from indicators.landing import LandingZone
from pipelines.definitions import defs
from pipelines.inbox import InboxCursor, inbox_sensor, offline_intake, process_inbox
from pipelines.paths import Paths
from pipelines.resources import WarehouseResource

DONGGUAN = csv_bytes([LONG_HEADER, ["东莞市", "2023-06", "5G基站数", "31200", "个", ""]])
NEGATIVE = csv_bytes([LONG_HEADER, ["东莞市", "2023-06", "5G基站数", "-1", "个", ""]])
ME = pwd.getpwuid(os.geteuid()).pw_name


@pytest.fixture
def paths(tmp_path):
    return Paths.resolve(tmp_path / "home")


def drop(paths: Paths, folder: str, name: str, data: bytes, age: float = 3600) -> None:
    """A file put in the inbox `age` seconds ago."""
    path = paths.home / "inbox" / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    then = time.time() - age
    os.utime(path, (then, then))


def names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_each_file_lands_once_and_moves_beside_its_report(paths):
    drop(paths, "pilot-441900", "东莞-2023-06.csv", DONGGUAN, age=7200)
    drop(paths, "pilot-441900", "东莞-更正.csv", NEGATIVE)
    drop(paths, "pilot-441900", "still-copying.csv", DONGGUAN + b"\r\n", age=0)
    drop(paths, "pilot-441900", ".partial.csv", DONGGUAN)
    drop(paths, "pilot-441900", "~$东莞.xlsx", b"lock")
    drop(paths, "sample", "not-a-profile.csv", DONGGUAN)  # `digecon run --sample` writes its files here

    outcome = process_inbox(paths, lambda: offline_intake(paths))

    inbox = paths.home / "inbox" / "pilot-441900"
    assert [(p, landed.status) for p, landed, _ in outcome.moved] == [("pilot-441900", 201), ("pilot-441900", 422)]
    assert outcome.settling == 1 and outcome.deferred == 0
    assert names(inbox / "done") == ["东莞-2023-06.csv", "东莞-2023-06.csv.report.json"]
    assert names(inbox / "rejected") == ["东莞-更正.csv", "东莞-更正.csv.report.json"]
    assert names(inbox) == [".partial.csv", "done", "rejected", "still-copying.csv", "~$东莞.xlsx"]
    accepted = json.loads((inbox / "done" / "东莞-2023-06.csv.report.json").read_text(encoding="utf-8"))
    rejected = json.loads((inbox / "rejected" / "东莞-更正.csv.report.json").read_text(encoding="utf-8"))
    assert (accepted["submission_id"], accepted["status"], accepted["report"]["observations"]) == (1, "accepted", 1)
    assert rejected["status"] == "rejected" and [e["rule"] for e in rejected["report"]["errors"]] == ["value_negative"]
    landing = LandingZone(paths.landing)
    assert [(r.profile, r.submitted_by, r.intake_status) for r in landing.receipts()] == [
        ("pilot-441900", ME, "accepted"), ("pilot-441900", ME, "rejected")]
    assert landing.report_of(landing.receipt(2)) == rejected["report"]  # the kept report is the one beside it
    [first, second] = [json.loads(line) for line in (paths.home / "audit" / "audit.jsonl").read_text().splitlines()]
    assert (first["action"], first["actor"], first["token_id"], first["outcome"]) == ("upload", ME, "inbox", "accepted")
    assert (second["outcome"], second["http_status"], second["submission_id"]) == ("rejected", 422, 2)


def test_the_same_bytes_dropped_again_are_the_same_submission(paths):
    drop(paths, "pilot-441900", "东莞.csv", DONGGUAN)
    process_inbox(paths, lambda: offline_intake(paths))
    drop(paths, "pilot-441900", "东莞.csv", DONGGUAN)  # the same name and bytes, sent again

    [(_, landed, place)] = process_inbox(paths, lambda: offline_intake(paths)).moved

    assert (landed.status, landed.submission_id, landed.body["duplicate"]) == (200, 1, True)
    assert place.parent.name == "done" and place.name.startswith("东莞-") and place.name != "东莞.csv"
    assert len(LandingZone(paths.landing).receipts()) == 1


def test_another_profiles_bytes_are_refused_and_explained(paths):
    drop(paths, "pilot-441900", "东莞.csv", DONGGUAN)
    process_inbox(paths, lambda: offline_intake(paths))
    drop(paths, "gdca", "东莞.csv", DONGGUAN)

    [(_, landed, place)] = process_inbox(paths, lambda: offline_intake(paths)).moved

    assert landed.status == 409 and place.parent.name == "rejected"
    reason = json.loads(place.with_name(place.name + ".report.json").read_text(encoding="utf-8"))
    # Refused without saying who sent the bytes first (issue 9).
    assert "byte for byte one received before" in reason["error"]["message_en"]
    assert "pilot-441900" not in json.dumps(reason, ensure_ascii=False)


def test_an_empty_inbox_never_builds_the_validator_and_a_busy_one_stops_in_time(paths):
    def no_validator():
        raise AssertionError("the validator was built for an empty inbox")

    assert process_inbox(paths, no_validator).moved == []
    for n in range(3):
        drop(paths, "pilot-441900", f"f{n}.csv", csv_bytes([LONG_HEADER, ["东莞市", "2023-06", "5G基站数", str(n), "个", ""]]),
             age=3600 - n)
    now = time.time()
    ticks = iter([now, now, now + 100])  # the second file starts after the time budget is spent

    outcome = process_inbox(paths, lambda: offline_intake(paths), clock=lambda: next(ticks), budget=30)

    assert [landed.file for _, landed, _ in outcome.moved] == ["f0.csv"] and outcome.deferred == 2


def test_the_sensor_reports_what_it_did_in_its_cursor_and_skip_reason(paths):
    drop(paths, "pilot-441900", "东莞.csv", DONGGUAN)
    drop(paths, "pilot-441900", "bad.csv", NEGATIVE, age=1800)
    drop(paths, "pilot-441900", "new.csv", DONGGUAN + b"\r\n", age=0)  # settles after SETTLE_SECONDS

    def evaluate(cursor):
        with dg.build_sensor_context(cursor=cursor,
                                     resources={"warehouse": WarehouseResource(home=str(paths.home))}) as context:
            return inbox_sensor(context)

    first = evaluate(None)

    cursor = InboxCursor.parse(first.cursor)
    assert (cursor.landed, cursor.rejected) == (1, 1)
    assert cursor.last.startswith("pilot-441900/bad.csv → rejected (#2, HTTP 422) at ")
    reason = first.skip_reason.skip_message
    assert "2 file(s) handled: pilot-441900/东莞.csv → done (#1, HTTP 201); pilot-441900/bad.csv → rejected" in reason
    assert "1 file(s) still being copied in" in reason and "1 landed and 1 rejected so far" in reason
    (paths.home / "inbox" / "pilot-441900" / "new.csv").unlink()
    again = evaluate(first.cursor)
    assert again.run_requests == [] and InboxCursor.parse(again.cursor) == cursor
    assert again.skip_reason.skip_message.startswith(f"no new file in {paths.home / 'inbox'}/<profile>/")


def test_the_inbox_sensor_is_defined_and_runs_by_default():
    sensor = defs.resolve_sensor_def("inbox_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert sensor.description and "inbox" in sensor.description


def test_a_file_the_service_cannot_read_stays_and_is_named(paths, monkeypatch):
    """As root every file is readable, so the refusal an analyst's private file (mode 0600) meets on a server
    is stood in for by the error the service account gets."""
    drop(paths, "pilot-441900", "private.csv", DONGGUAN)
    drop(paths, "pilot-441900", "ok.csv", NEGATIVE)
    read_bytes = Path.read_bytes

    def as_the_service_account(path):
        if path.name == "private.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", as_the_service_account)
    with dg.build_sensor_context(resources={"warehouse": WarehouseResource(home=str(paths.home))}) as context:
        reason = inbox_sensor(context).skip_reason.skip_message

    assert "1 file(s) handled: pilot-441900/ok.csv → rejected" in reason
    assert "cannot read pilot-441900/private.csv (Permission denied)" in reason
    assert (paths.home / "inbox" / "pilot-441900" / "private.csv").exists()

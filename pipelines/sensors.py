"""Landed files become Dagster runs: one run of ingest_job per submission, keyed by the file's sha256.

The sensor reads only the landing zone's register (SQLite), never the build DB. Its cursor is the
highest submission id it has seen (ids are handed out in commit order, so none can appear below it
later) and the ids whose withdrawal it has seen; Dagster stores the cursor in its instance, so a
restarted daemon carries on where it stopped. The run key makes a repeated request a no-op as well.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import dagster as dg

from indicators.landing import Receipt
from pipelines.resources import WarehouseResource

INGEST_JOB = "ingest_job"  # by name: definitions.py imports this module


@dataclass
class LandingCursor:
    last_submission_id: int = 0
    withdrawn: set[int] = field(default_factory=set)

    @classmethod
    def parse(cls, text: str | None) -> LandingCursor:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(data["last_submission_id"], set(data["withdrawn"]))

    def dump(self) -> str:
        return json.dumps({"last_submission_id": self.last_submission_id, "withdrawn": sorted(self.withdrawn)})


def ingest_run_request(receipt: Receipt, run_key: str, reason: str) -> dg.RunRequest:
    """A run of ingest_job scoped to one submission (its load, then derive, marts and publish)."""
    return dg.RunRequest(
        run_key=run_key,
        run_config={"ops": {"landed_submissions": {"config": {"submission_id": receipt.submission_id}}}},
        tags={"digecon/submission_id": str(receipt.submission_id), "digecon/profile": receipt.profile,
              "digecon/reason": reason},
    )


@dg.sensor(job_name=INGEST_JOB, minimum_interval_seconds=15, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Every 15 s: one ingest run per file newly judged by the upload service (run key = its"
                       " sha256) and one per new withdrawal; the cursor survives restarts.")
def landed_submissions_sensor(context: dg.SensorEvaluationContext,
                              warehouse: WarehouseResource) -> dg.SensorResult:
    """Starts one ingest run for each file newly judged by the upload service (accepted, or rejected and
    quarantined with its findings), and one for each new withdrawal (which the run records before
    rebuilding the marts)."""
    cursor = LandingCursor.parse(context.cursor)
    landing = warehouse.paths.landing_zone()
    new_receipts = sorted((r for r in landing.receipts() if r.submission_id > cursor.last_submission_id),
                          key=lambda r: r.submission_id)
    # Files the upload service judged, accepted or rejected: a rejected file loads nothing, but its run
    # records it with its findings (ops.submissions, mart.data_quality, the completeness status
    # "rejected"). Files landed by `digecon run` (status "received") are processed by that command itself.
    requests = [ingest_run_request(r, r.sha256, "landed") for r in new_receipts if r.intake_status != "received"]
    new_withdrawals = [w for w in landing.withdrawals() if w.submission_id not in cursor.withdrawn]
    for withdrawal in new_withdrawals:
        receipt = landing.receipt(withdrawal.submission_id)
        requests.append(ingest_run_request(receipt, f"withdrawal-{receipt.sha256}", "withdrawn"))

    if new_receipts:
        cursor.last_submission_id = new_receipts[-1].submission_id
    cursor.withdrawn |= {w.submission_id for w in new_withdrawals}
    skipped = None if requests else dg.SkipReason(
        f"no new submission or withdrawal after submission #{cursor.last_submission_id}")
    return dg.SensorResult(run_requests=requests, cursor=cursor.dump(), skip_reason=skipped)

"""The validation report: the contract shared by `digecon validate`, the upload service and the pipeline.

A finding names the file, sheet, row (as the user sees it in Excel, header and title rows counted) and
column (as headed in the file), in Chinese and English. A finding about the whole file has ``row=None``
and sorts first.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "error" or "warning"
    message_zh: str
    message_en: str
    row: int | None = None
    sheet: str | None = None
    column: str | None = None
    value: str | None = None

    def sort_key(self) -> tuple:
        return (self.row is not None, self.row or 0, self.sheet or "", self.column or "", self.rule)


@dataclass
class RuleResult:
    """Per-rule counts, as in Statistics Netherlands' `validate`: items, passes, fails, not evaluable."""

    rule: str
    severity: str
    dimension: str  # ESS quality dimension / validation level, e.g. "format", "consistency", "history"
    evaluated: int = 0
    passed: int = 0
    failed: int = 0
    not_evaluable: int = 0
    not_listed: int = 0  # failures past the report's limit of findings per rule: counted, not listed


@dataclass
class Report:
    file: str
    sha256: str
    profile: str
    accepted: bool = False
    rows: int = 0  # data rows read
    observations: int = 0  # values that would load
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    rule_results: list[RuleResult] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "accepted": self.accepted,
            "file": self.file,
            "sha256": self.sha256,
            "profile": self.profile,
            "rows": self.rows,
            "observations": self.observations,
            "errors": [asdict(f) for f in sorted(self.errors, key=Finding.sort_key)],
            "warnings": [asdict(f) for f in sorted(self.warnings, key=Finding.sort_key)],
            "rule_results": [asdict(r) for r in self.rule_results],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        return cls(
            file=data["file"], sha256=data["sha256"], profile=data["profile"],
            accepted=data["accepted"], rows=data["rows"], observations=data["observations"],
            errors=[Finding(**f) for f in data["errors"]],
            warnings=[Finding(**f) for f in data["warnings"]],
            rule_results=[RuleResult(**r) for r in data.get("rule_results", [])],
        )

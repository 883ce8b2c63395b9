"""`digecon rules [--json]`: every rule a submitted file is checked against, from expectations/rules.yaml."""

from __future__ import annotations

import argparse
import json
import textwrap


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "rules", help="list the rules a submitted file is checked against (校验规则一览)",
        description="List every validation rule: id, severity (an error rejects the file, a warning loads it "
                    "and flags it), quality dimension, which engine checks it, its label and why it exists, in "
                    "Chinese and English. 列出全部校验规则：编号、严重程度、质量维度、检查引擎、名称和理由。",
        epilog="the rules live in expectations/rules.yaml / 规则定义见 expectations/rules.yaml")
    parser.add_argument("--json", action="store_true",
                        help="print the rules as a JSON list (with their message templates)")
    parser.set_defaults(handler=run)
    return parser


SEVERITY_LABELS = {"error": "错误 error", "warning": "警告 warning"}


def rule_records() -> list[dict]:
    from indicators.validation import rules

    return [{"id": r.rule_id, "severity": r.severity, "dimension": r.dimension, "engine": r.engine,
             "checked_by": r.checked_by,
             "applies_to": r.applies_to, "column": r.column, "label_zh": r.label_zh, "label_en": r.label_en,
             "rationale_zh": r.rationale_zh, "rationale_en": r.rationale_en,
             "message_zh": r.message_zh, "message_en": r.message_en} for r in rules().values()]


def run(args: argparse.Namespace) -> int:
    records = rule_records()
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    errors = sum(r["severity"] == "error" for r in records)
    print(f"{len(records)} 条规则 rules: {errors} 个错误 errors (拒收 reject the file), "
          f"{len(records) - errors} 个警告 warnings (装载并提示 load and flag)")
    for record in records:
        print()
        print(f"{record['id']}  [{SEVERITY_LABELS[record['severity']]}] {record['dimension']} · {record['checked_by']}")
        print(f"    {record['label_zh']} / {record['label_en']}")
        for text in (record["rationale_zh"], record["rationale_en"]):
            print(textwrap.fill(text, width=110, initial_indent="    ", subsequent_indent="    "))
    return 0

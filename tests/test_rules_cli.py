"""`digecon rules`: every rule, listed from expectations/rules.yaml, in-process."""

import json

from pipelines import cli


def test_rules_json_lists_every_rule_with_where_it_is_checked(capsys):
    assert cli.main(["rules", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    by_id = {r["id"]: r for r in listed}
    assert len(by_id) == len(listed) == 56  # 30 for files of values, 26 for the registries
    assert by_id["city_unknown"]["engine"] == "great_expectations"
    assert by_id["city_unknown"]["checked_by"] == "Great Expectations: expectations/submission.json, run as DuckDB SQL"
    assert by_id["formula_not_calculated"] == {
        "id": "formula_not_calculated", "severity": "error", "dimension": "format", "engine": "python",
        "checked_by": "Python: indicators/validation.py", "applies_to": "file", "column": None,
        "label_zh": "公式未计算", "label_en": "Formula not calculated",
        "rationale_zh": by_id["formula_not_calculated"]["rationale_zh"],
        "rationale_en": by_id["formula_not_calculated"]["rationale_en"],
        "message_zh": by_id["formula_not_calculated"]["message_zh"],
        "message_en": by_id["formula_not_calculated"]["message_en"],
    }
    assert "Open the file in Excel, save it and send it again" in by_id["formula_not_calculated"]["message_en"]
    assert by_id["ent_uscc_check"]["checked_by"] == "Python: indicators/register_validation.py"
    assert by_id["site_band_unknown"]["checked_by"] == "Great Expectations: expectations/site_list.json, run as DuckDB SQL"
    assert [r["id"] for r in listed if r["severity"] == "warning"] == [
        "duplicate_identical", "unit_converted", "unit_unclear", "n_units_zero_with_value", "monotone_fall",
        "jump_10000x", "ent_uscc_check", "ent_uscc_area", "ent_completed_before_year", "ent_duplicate_project",
        "ent_two_cities", "site_commissioned_after_period"]


def test_rules_as_a_bilingual_list(capsys):
    assert cli.main(["rules"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("56 条规则 rules: 44 个错误 errors (拒收 reject the file), 12 个警告 warnings")
    assert ("limit_exceeded  [错误 error] format · Python: indicators/validation.py\n"
            "    超出处理上限 / Over a processing limit") in out
    assert "jump_10000x  [警告 warning] history · Python: indicators/validation.py" in out
    assert ("n_units_invalid  [错误 error] validity · Python: indicators/validation.py\n"
            "    单位数无效 / Number of units not valid") in out

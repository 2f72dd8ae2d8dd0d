"""Scenario playbooks: every shipped one validates and Decision 1012's kinds each have one; a wrong file is refused
with a message naming the file, the key and what is allowed; `python -m semantic scenarios` lists them."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
import yaml

from semantic.__main__ import main as semantic_main
from semantic.errors import ModelError
from semantic.playbook import KINDS, load_playbook, load_playbooks

pytestmark = pytest.mark.unit

TINY = Path(__file__).resolve().parent / "data" / "scenarios" / "tiny_storm.yml"


def test_every_shipped_playbook_validates_and_every_kind_has_one():
    books = load_playbooks()
    assert sorted({p.kind for p in books.values()}) == sorted(KINDS)
    assert all(p.template for p in books.values()), "shipped playbooks are templates"
    storm = books["storm_flood"]
    assert [lv.level for lv in storm.levels] == [3, 4, 5]
    assert [lv.trigger.at_least for lv in storm.levels] == [8, 12, 16]
    assert any("18/2021/QĐ-TTg" in b for b in storm.basis)
    assert books["key_project_inspection"].document_kind == "thong_bao"


def _write(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "tiny_storm.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _refused(tmp_path: Path, change) -> str:
    path = _write(tmp_path, change)
    with pytest.raises(ModelError) as err:
        load_playbook(path)
    assert str(path) in err.value.message_en
    return err.value.message_en


def test_the_tiny_playbook_loads():
    p = load_playbook(TINY)
    assert (p.code, len(p.tasks), p.duty("damage_6h").every_hours) == ("tiny_storm", 4, 6)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda d: d.update(colour="red"), "unknown key 'colour'"),
        (lambda d: d["duties"][0].update(every="6h"), "unknown key 'duties.0.every' (valid keys: code, every_hours"),
        (lambda d: d.update(kind="storm"), "'kind': Input should be 'storm_flood'"),
        (lambda d: d["levels"].pop(1), "levels must be consecutive and rising (got [3, 5])"),
        (lambda d: d["levels"][1]["trigger"].update(at_least=7), "level 4's trigger (7.0) must be above level 3's"),
        (lambda d: d["levels"][0]["trigger"].update(indicator="rain"), "trigger on 'rain', which is not under watch"),
        (lambda d: d["duties"][0]["figures"].append("cows"), "duty 'damage_6h': figure(s) cows not declared"),
        (lambda d: d["tasks"][0].update(level=2), "task 'evacuate': level 2 is not a level of this scenario"),
        (
            lambda d: d["tasks"][1].update(assignee="the ministry"),
            "'the ministry' is neither 'provinces' nor an agency",
        ),
        (lambda d: d["tasks"][1].update(code="evacuate"), "task code 'evacuate' is declared twice"),
        (lambda d: d["tasks"][0].update(deadline_hours=0), "'tasks.0.deadline_hours': Input should be greater than 0"),
        (lambda d: d.update(closure_en=[]), "'closure_en': Tuple should have at least 1 item"),
        (lambda d: d.update(kind="key_project_inspection"), "needs the 'projects' panel in its layout"),
        (lambda d: d.update(code="other"), "code 'other' must match the file name 'tiny_storm'"),
    ],
)
def test_a_wrong_playbook_is_refused_with_a_message(tmp_path, change, said):
    assert said in _refused(tmp_path, change)


def test_not_yaml_and_not_a_mapping_are_refused(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("code: [unclosed\n", encoding="utf-8")
    with pytest.raises(ModelError, match="not valid YAML"):
        load_playbook(bad)
    bad.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(ModelError, match="a scenario is a mapping"):
        load_playbook(bad)


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = semantic_main(["scenarios", *args])
    return code, out.getvalue(), err.getvalue()


def test_the_cli_lists_the_playbooks_and_refuses_a_wrong_folder(tmp_path):
    code, out, _ = _cli()
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("code,kind,template,name_vi,name_en,levels,triggers,duties,tasks")
    assert len(lines) == 1 + len(KINDS)
    assert any(line.startswith("storm_flood,storm_flood,True,") and "3: wind_beaufort >= 8" in line for line in lines)
    _write(tmp_path, lambda d: d["tasks"][0].update(level=9))
    code, out, err = _cli("--dir", str(tmp_path), "--format", "json")
    assert code == 2 and out == ""
    assert "lỗi:" in err and "Input should be less than or equal to 5" in err

"""Every file of the bad corpus (tests/data/bad: one realistic fault, at least one valid row) is rejected by
`python -m connectors load` with exit 1, a message naming row, column, value and rule in Vietnamese and English,
and not one row written. The same files load their valid rows with --accept-valid."""

from __future__ import annotations

import re

import pytest
import yaml

from connectors.__main__ import main
from tests import intake_support as s
from warehouse.schema import table

EXPECTED = yaml.safe_load((s.BAD / "expected.yml").read_text(encoding="utf-8"))
TABLES = ("observation", "load_batch", "rejected_row", "audit")


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "w.duckdb"
    wh, _ = s.build(f"duckdb://{path}")
    wh.close()
    return f"duckdb://{path}"


def state(url: str) -> tuple:
    """Rows of every table a load writes (audit: other than refusals of loads), and the data version."""
    from warehouse.db import Warehouse

    wh = Warehouse(url)
    return tuple(s.count(wh, t) for t in TABLES) + (wh.data_version(),) + (rejections(wh),)


def rejections(wh) -> list[str]:
    """The files whose loads the audit trail says were refused (issue 11: a rejected load is recorded)."""
    audit = table("audit")
    return sorted(wh.execute(audit.filter(audit.action == "load_rejected").select("what"))["what"])


def run(url, monkeypatch, capsys, name: str, *extra: str) -> tuple[int, str, str]:
    monkeypatch.setenv("DIEUHANH_DB", url)
    spec = EXPECTED.get(name, {})
    args = ["load", str(s.BAD / name), "--source", "GSO", *extra]
    if "claims" in spec:  # scoped: judged by the installed registry and policy, never a caller's
        args += ["--claims", str(s.BAD / spec["claims"])]
    else:
        args += ["--registry", str(s.REGISTRY_DIR)]
    rc = main(args)
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_the_corpus_is_big_enough():
    files = {
        p.name for p in s.BAD.iterdir() if p.suffix in (".csv", ".xlsx", ".json") and not p.name.startswith("claims_")
    }
    assert files == set(EXPECTED)
    assert len(files) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_is_rejected_naming_row_and_column(name, url, monkeypatch, capsys):
    spec = EXPECTED[name]
    before = state(url)
    rc, out, err = run(url, monkeypatch, capsys, name)
    assert rc == 1, err
    en = [line for line in err.splitlines() if line.startswith("error: ")]
    vi = [line for line in err.splitlines() if line.startswith("lỗi: ")]
    assert len(en) == len(vi) == spec.get("problems", 1), err
    line = next((e for e in en if f"row {spec['row']}, column {spec['column']}," in e), None)
    assert line is not None, err
    assert f"[{spec['rule']}]" in line and spec["says"] in line, line
    assert re.search(rf"^error: {re.escape(name)}( \[\w+\])?: row", line), line
    if "value" in spec:
        assert f"value '{spec['value']}'" in line
    assert any(f"dòng {spec['row']}, cột {spec['column']}," in v for v in vi), err
    assert "rejected" in out and "bị từ chối" in out
    after = state(url)
    # not one row: no observation, no batch, no rejected row; the audit trail holds the refusal, and only it
    assert after[:-1] == (*before[:3], before[3] + 1, before[4]) and after[-1] == sorted([*before[-1], name])


def test_accept_valid_loads_the_valid_rows_and_keeps_the_rejected_with_reasons(tmp_path, monkeypatch, capsys):
    url = f"duckdb://{tmp_path / 'w.duckdb'}"
    s.build(url)[0].close()
    rc, out, err = run(url, monkeypatch, capsys, "value_text.csv", "--accept-valid", "--who", "nguyen.van.a")
    assert rc == 0, err
    from warehouse.db import Warehouse

    wh = Warehouse(url)
    obs = wh.execute(table("observation"))
    assert sorted(obs["value"]) == [35247.927, 575830.29]
    rej = wh.execute(table("rejected_row"))
    assert list(rej["row_number"]) == [4]
    assert list(rej["rule"]) == ["numeric_value"]
    assert list(rej[["indicator_code", "area_code", "period", "value"]].iloc[0]) == ["RETAIL", "VN", "2025-02", "n/a"]
    assert "không phải là số" in rej["message"].iloc[0] and "not a number" in rej["message"].iloc[0]
    batch = wh.execute(table("load_batch"))
    assert list(batch[["loaded_by", "outcome", "rows_in", "rows_written", "rows_rejected"]].iloc[0]) == [
        "nguyen.van.a",
        "partial",
        3,
        2,
        1,
    ]
    assert "partial" in out


def test_dry_run_writes_nothing_even_when_valid(url, monkeypatch, capsys, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("indicator_code,area_code,period,value\nRETAIL,VN,2025-01,575830.29\n", encoding="utf-8")
    before = state(url)
    monkeypatch.setenv("DIEUHANH_DB", url)
    rc = main(["load", str(good), "--source", "MOIT", "--registry", str(s.REGISTRY_DIR), "--dry-run"])
    out = capsys.readouterr().out
    assert rc == 0 and "checked" in out and "1 valid" in out
    assert state(url) == before


def test_decimal_comma_when_declared(tmp_path, monkeypatch, capsys):
    url = f"duckdb://{tmp_path / 'w.duckdb'}"
    s.build(url)[0].close()
    path = tmp_path / "vn.csv"
    path.write_text(
        "indicator_code;area_code;period;value\nRETAIL;VN;2025-01;575.830,29\nCPI;VN;2025-02;2,91\n", encoding="utf-8"
    )
    monkeypatch.setenv("DIEUHANH_DB", url)
    rc = main(["load", str(path), "--source", "GSO", "--registry", str(s.REGISTRY_DIR), "--decimal", ","])
    assert rc == 1  # CPI's level is an index (plausible 50..300): 2,91 is not one
    capsys.readouterr()
    path.write_text(
        "indicator_code;area_code;period;value;base\nRETAIL;VN;2025-01;575.830,29;level\nCPI;VN;2025-02;2,91;yoy\n",
        encoding="utf-8",
    )
    rc = main(["load", str(path), "--source", "GSO", "--registry", str(s.REGISTRY_DIR), "--decimal", ","])
    assert rc == 0, capsys.readouterr().err
    from warehouse.db import Warehouse

    assert sorted(Warehouse(url).execute(table("observation"))["value"]) == [2.91, 575830.29]


def test_declared_misreading_is_caught_by_plausibility(url, monkeypatch, capsys):
    # '575830.29' with a declared decimal comma reads as 57 583 029 (dots group thousands): out of RETAIL's range
    rc, _, err = run(url, monkeypatch, capsys, "thousands_dots_undeclared.csv", "--decimal", ",")
    assert rc == 1
    assert "row 2, column value, value '575830.29' [plausible]" in err

"""A Vietnamese file cannot be read 1000× wrong: the decimal mark is inferred from the file ('3.650' with ';'
separators is 3650), and a value about 1000× off its series' recent level is rejected with that level named."""

from __future__ import annotations

import pytest

from connectors.intake import connector_for, load
from connectors.readers.decimals import infer
from semantic.scope import Scope
from tests import intake_support as s

HEAD = "indicator_code;area_code;period;value;base\n"


@pytest.fixture
def wh(intake_wh):
    return intake_wh


@pytest.mark.parametrize(
    ("values", "sep", "mark"),
    [
        (["3.650"], ";", ","),  # thousands dots in a ';' file: Vietnamese
        (["575.830,29", "2,91"], ";", ","),
        (["1.234.567"], "\t", ","),  # two dot groups can only be thousands
        (["3,65"], "\t", ","),
        (["2.91"], ";", "."),
        (["3.650"], ",", "."),  # ',' separates fields: it cannot be the decimal mark
        (["1,234.5"], ";", "."),
        (["3,63", "2.91"], ";", "."),  # a file that contradicts itself keeps the point; the odd row is rejected
        (["575830.29", "561.672,75"], ";", "."),
        ([], ";", "."),
    ],
)
def test_the_decimal_mark_is_read_from_the_file(values, sep, mark):
    assert infer(values, sep) == mark


def test_3_650_with_semicolons_is_three_thousand_six_hundred_fifty(wh):
    data = (HEAD + "PUBINV_DISB;33;2025-02;3.650;level\nPUBINV_DISB;VN;2025-02;37.928,207;level\n").encode()
    report = load(
        connector_for(data, "vn.csv", "GSO"), wh, "test", dry_run=True, registry=s.registry(), scope=Scope.system()
    )
    assert not report.problems, [p.message_en for p in report.problems]
    assert sorted(report.valid["value"]) == [3650.0, 37928.207]
    assert "decimal ','" in " ".join(report.notes)


def test_a_value_1000_times_off_the_series_is_rejected_naming_the_level(wh):
    series = "".join(f"PUBINV_DISB;VN;2024-{m:02d};{29500 + 500 * m};level\n" for m in range(1, 13))
    first = load(
        connector_for((HEAD + series).encode(), "a.csv", "GSO"), wh, "test", registry=s.registry(), scope=Scope.system()
    )
    assert first.outcome != "rejected" and not first.problems
    # the point read as the decimal mark, as a staffer's "38.512" was read before: 38.512 instead of 38512
    slip = (HEAD + "PUBINV_DISB;VN;2025-01;38.512;level\nPUBINV_DISB;33;2025-01;1.531;level\n").encode()
    report = load(
        connector_for(slip, "b.csv", "GSO", decimal="."),
        wh,
        "test",
        dry_run=True,
        registry=s.registry(),
        scope=Scope.system(),
    )
    assert [(p.row, p.rule) for p in report.problems] == [(2, "scale")]  # 33 has no history: nothing to compare
    message = report.problems[0].message_vi
    assert "38.512 gấp khoảng 1/1000 lần mức gần đây của chuỗi (32750)" in message
    assert "dấu thập phân" in message
    # read right (the file's own mark), the same figure passes
    right = load(
        connector_for(slip, "b.csv", "GSO"), wh, "test", dry_run=True, registry=s.registry(), scope=Scope.system()
    )
    assert not right.problems and sorted(right.valid["value"]) == [1531.0, 38512.0]


def test_a_province_s_template_names_its_indicators_and_loads_once_filled_in(wh):
    from io import BytesIO

    import openpyxl

    from pages.upload_template import COLUMNS, own_indicators, workbook

    reg = s.registry()
    inds = own_indicators(reg, (), ["PUBINV_DISB"])
    assert [i.code for i in inds] == ["PUBINV_DISB"]
    book = openpyxl.load_workbook(BytesIO(workbook(inds, "33", None)))
    data = book["data"]
    assert [c.value for c in data[1]] == [name for name, _ in COLUMNS]
    assert data["A1"].comment.text.startswith("Mã chỉ tiêu")  # the header's meaning, in Vietnamese
    assert [c.value for c in data[2]][:3] == ["PUBINV_DISB", "33", "2025-03"]
    assert book["Hướng dẫn"]["B12"].value == reg["PUBINV_DISB"].name_vi
    data["D2"] = "3.650"  # typed the Vietnamese way, as text
    out = BytesIO()
    book.save(out)
    report = load(connector_for(out.getvalue(), "mau.xlsx", "33"), wh, "test", dry_run=True, registry=reg,
                  scope=s.province("33"))  # fmt: skip
    assert not report.problems, [p.message_en for p in report.problems]
    assert report.valid["value"].tolist() == [3650.0]

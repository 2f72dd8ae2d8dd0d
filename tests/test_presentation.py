"""The one presentation layer (pages/present.py) and the printable briefing, on hand-made frames: what a reader
sees for numbers, dates, periods, codes and missing values — in Vietnamese first, English when asked."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from pages import briefing
from pages.present import present
from semantic.model import default_model

MODEL = default_model()


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_code": ["RETAIL", "CPI"],
            "period_start": pd.to_datetime(["2025-02-01", "2025-01-01"]),
            "freq": ["M", "Q"],
            "value": [517393.19999999995, np.nan],
            "status": ["estimate", None],
            "vintage": ["2024-01-01 00:00:00", "2025-12-31"],
            "rows": [18270, 3],
            "ok": [True, False],
        }
    )


def test_a_table_reads_as_vietnamese():
    shown = present(frame(), "vi", MODEL, decimals=pd.Series([0, 2]), freq=frame()["freq"])
    assert list(shown.columns) == ["Mã chỉ tiêu", "Kỳ", "Tần suất", "Giá trị", "Trạng thái", "Ngày công bố",
                                   "Số dòng", "ok"]  # fmt: skip
    assert shown.iloc[0].tolist() == ["RETAIL", "Tháng 2/2025", "Tháng", "517.393", "Ước tính", "01/01/2024",
                                      "18.270", "Có"]  # fmt: skip
    assert shown.iloc[1].tolist() == ["CPI", "Quý I/2025", "Quý", "–", "–", "31/12/2025", "3", "Không"]
    text = shown.to_string()
    for raw in ("None", "nan", "NaN", "period_start", "indicator_code", "estimate", "00:00:00", "2025-12-31"):
        assert raw not in text


def test_the_same_table_in_english_keeps_the_reader_s_number_format():
    shown = present(frame(), "en", MODEL, decimals=1)
    assert shown.iloc[0].tolist()[3:7] == ["517,393.2", "Estimate", "1 Jan 2024", "18,270"]
    assert "Period" in shown.columns and "Value" in shown.columns


def test_keep_leaves_a_column_as_numbers_and_decimals_follow_the_column():
    shown = present(frame()[["rows", "value"]], "vi", decimals={"value": 2}, keep=("rows",))
    assert shown["Số dòng"].tolist() == [18270, 3]
    assert shown["Giá trị"].tolist() == ["517.393,20", "–"]


def test_the_briefing_is_one_self_contained_page_with_periods_statuses_and_counts():
    reg = MODEL.registry
    latest = pd.Series({"unit": "tỷ đồng", "value": 561672.75, "period_start": date(2025, 2, 1), "freq": "M"})
    card = briefing.card(reg["RETAIL"], latest, 9.43, "on_track", "vi")
    assert (card.period, card.value, card.change) == ("Tháng 2/2025", "561.673", "+9,43% so với cùng kỳ")
    page = briefing.html([card], pd.DataFrame(), "target_vi", {"panel_overdue": 7}, date(2025, 2, 1), "vi", reg)
    assert "<h1>Bản tin điều hành — Tháng 2/2025</h1>" in page
    assert "561.673 tỷ đồng" in page and "Đúng tiến độ" in page and "<b>7</b>" in page
    assert "http" not in page and "<script" not in page  # prints offline: nothing fetched


def test_a_year_is_written_without_a_thousands_mark():
    shown = present(pd.DataFrame({"year": [2025, np.nan], "targets": [1234, 6]}), "vi", MODEL)
    assert shown["Năm"].tolist() == ["2025", "–"] and shown.iloc[0, 1] == "1.234"


def test_equal_values_of_different_types_are_each_read_as_themselves():
    # each distinct value of a column is formatted once: True, 1 and 1.0 are equal keys in Python, not in a table
    column = pd.DataFrame({"x": [True, 1, 1.0, True, None, float("nan"), "2025-12-31", "2025-12-31"]}, dtype=object)
    shown = present(column, "vi", decimals=1)
    assert shown.iloc[:, 0].tolist() == ["Có", "1", "1,0", "Có", "–", "–", "31/12/2025", "31/12/2025"]

"""Regenerates the bad-file corpus and expected.yml: `python tests/data/bad/make_corpus.py`.

Each file has one realistic fault and at least one valid row (checked by tests/test_intake_corpus.py).
"""

import json
import unicodedata
from pathlib import Path

import openpyxl
import yaml

OUT = Path(__file__).resolve().parent
H = "indicator_code,area_code,period,value"
V1 = "RETAIL,VN,2025-01,575830.29"  # a valid row
V2 = "PUBINV_DISB,VN,2025-01,35247.927"  # another
exp = {}


def to_cp1258(text):
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base = d[0] + "".join(m for m in d[1:] if m in "\u0302\u0306\u031b")
        tones = "".join(m for m in d[1:] if m not in "\u0302\u0306\u031b")
        out += unicodedata.normalize("NFC", base).encode("cp1258") + tones.encode("cp1258")
    return out


def csv(name, lines, row, column, rule, says, header=H, **opts):
    (OUT / name).write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    exp[name] = {"row": row, "column": column, "rule": rule, "says": says, **opts}


csv("unknown_indicator.csv", [V1, "CPl,VN,2025-01,3.63"], 3, "indicator_code", "known_indicator", "did you mean: CPI")
csv("unknown_area.csv", [V1, "RETAIL,99,2025-01,1200"], 3, "area_code", "known_area", "unknown area code")
csv(
    "merged_province_after_2025.csv",
    [V1, "RETAIL,34,2025-08,812.5"],
    3,
    "area_code",
    "area_validity",
    "from then on use 33",
)
csv(
    "commune_before_it_existed.csv", [V1, "RETAIL,12166,2024-12,15.2"], 3, "area_code", "area_validity", "did not exist"
)
csv("period_slash.csv", [V1, "RETAIL,VN,02/2025,561672.75"], 3, "period", "period_form", "2025-Q1")
csv("period_month_13.csv", [V1, "RETAIL,VN,2025-13,561672.75"], 3, "period", "period_form", "real date")
csv(
    "period_feb_30.csv", ["GOLD,VN,2025-02-28,89.5", "GOLD,VN,2025-02-30,89.7"], 3, "period", "period_form", "real date"
)
csv("quarter_for_monthly.csv", [V1, "RETAIL,VN,2025-Q1,1505251.4"], 3, "period", "frequency", "is monthly")
csv("month_for_annual.csv", ["POP,VN,2023,100309.2", "POP,VN,2024-12,101343.8"], 3, "period", "frequency", "is annual")
csv("future_period.csv", [V1, "RETAIL,VN,2099-01,600000"], 3, "period", "future_period", "after today")
csv("value_text.csv", [V1, V2, "RETAIL,VN,2025-02,n/a"], 4, "value", "numeric_value", "not a number")
(OUT / "decimal_comma_undeclared.csv").write_text(
    "indicator_code;area_code;period;value;base\nCPI;VN;2025-01;3,63;yoy\nCPI;VN;2025-02;2.91;yoy\n", encoding="utf-8"
)
exp["decimal_comma_undeclared.csv"] = {"row": 2, "column": "value", "rule": "numeric_value", "says": "--decimal ,"}
(OUT / "thousands_dots_undeclared.csv").write_text(
    "indicator_code;area_code;period;value\nRETAIL;VN;2025-01;575830.29\nRETAIL;VN;2025-02;561.672,75\n",
    encoding="utf-8",
)
exp["thousands_dots_undeclared.csv"] = {"row": 3, "column": "value", "rule": "numeric_value", "says": "not a number"}
csv("value_empty.csv", [V1, "RETAIL,VN,2025-02,"], 3, "value", "required", "'value' is empty")
csv("indicator_empty.csv", [V1, ",VN,2025-02,561672.75"], 3, "indicator_code", "required", "'indicator_code' is empty")
csv(
    "duplicate_different_values.csv",
    [V2, V1, "RETAIL,VN,2025-01,575900"],
    3,
    "period",
    "duplicate",
    "different value",
    problems=2,
)
csv("duplicate_repeated_row.csv", [V1, V2, V2], 4, "period", "duplicate", "row(s) 3")
csv(
    "base_unknown.csv",
    ["CPI,VN,2025-01,3.63,yoy", "CPI,VN,2025-02,0.34,mom"],
    3,
    "base",
    "base",
    "valid: level",
    header=H + ",base",
)
csv(
    "base_not_offered.csv",
    ["RETAIL,VN,2025-01,9.4,yoy", "RETAIL,VN,2025-02,9.38,ytd_yoy"],
    3,
    "base",
    "base",
    "has no base 'ytd_yoy'",
    header=H + ",base",
)
csv(
    "unit_mismatch.csv",
    ["RETAIL,VN,2025-01,575830.29,tỷ đồng", "RETAIL,VN,2025-02,23.1,triệu USD"],
    3,
    "unit",
    "unit",
    "no conversion is declared",
    header=H + ",unit",
)
csv(
    "index_form_as_percent.csv",
    ["CPI,VN,2025-01,3.63,yoy", "CPI,VN,2025-02,102.91,yoy"],
    3,
    "value",
    "plausible",
    "index form",
    header=H + ",base",
)
csv("negative_level.csv", [V1, "RETAIL,VN,2025-02,-561672.75"], 3, "value", "plausible", "plausible range")
csv(
    "value_in_dong_not_billion.csv",
    [V2, "PUBINV_DISB,VN,2025-02,37928207000000"],
    3,
    "value",
    "plausible",
    "plausible range",
)
csv(
    "change_below_minus_100.csv",
    ["RETAIL,VN,2025-01,9.4,yoy", "RETAIL,VN,2025-02,-150,yoy"],
    3,
    "value",
    "plausible",
    "below −100 %",
    header=H + ",base",
)
csv(
    "agency_vietnamese_acronym.csv",
    ["PUBINV_DISB,VN,2025-01,3167.11,MOT", "PUBINV_DISB,VN,2025-02,14.67,BXD"],
    3,
    "agency_code",
    "known_agency",
    "unknown agency",
    header=H + ",agency_code",
)
csv(
    "agency_after_merger.csv",
    ["PUBINV_DISB,VN,2024-12,120.5,MPI", "PUBINV_DISB,VN,2025-06,98.2,MPI"],
    3,
    "agency_code",
    "agency_validity",
    "successor",
    header=H + ",agency_code",
)
csv(
    "agency_on_total_only_indicator.csv",
    [V1 + ",", "RETAIL,VN,2025-02,561672.75,MOIT"],
    3,
    "agency_code",
    "breakdown",
    "not broken down by agency",
    header=H + ",agency_code",
)
csv(
    "category_on_total_only_indicator.csv",
    ["CPI,VN,2025-01,3.63,yoy,", "CPI,VN,2025-02,1.09,yoy,Lương thực"],
    3,
    "category",
    "breakdown",
    "not broken down by category",
    header=H + ",base,category",
)
csv(
    "status_unknown.csv",
    [V1 + ",official", "RETAIL,VN,2025-02,561672.75,final"],
    3,
    "status",
    "status",
    "official, preliminary",
    header=H + ",status",
)
csv(
    "published_at_dmy.csv",
    [V1 + ",2025-02-06", "RETAIL,VN,2025-02,561672.75,06/03/2025 sáng"],
    3,
    "published_at",
    "published_at",
    "a date like",
    header=H + ",published_at",
)
csv(
    "published_at_future.csv",
    [V1 + ",2025-02-06", "RETAIL,VN,2025-02,561672.75,2099-03-06"],
    3,
    "published_at",
    "published_at",
    "in the future",
    header=H + ",published_at",
)
csv(
    "column_misspelt.csv",
    ["PUBINV_DISB,VN,2025-01,3167.11,MOT"],
    1,
    "agency",
    "columns",
    "canonical columns",
    header=H.replace(",value", ",value,agency"),
)
(OUT / "column_missing.csv").write_text("indicator_code,area_code,value\nRETAIL,VN,575830.29\n", encoding="utf-8")
exp["column_missing.csv"] = {"row": 1, "column": "period", "rule": "columns", "says": "required column 'period'"}
# Windows-1258 (Vietnamese Windows), detected: the note is Vietnamese; the fault is a misspelt status
text = "indicator_code,area_code,period,value,status,note\nRETAIL,VN,2025-01,575830.29,sơ bộ,Ước tính của Cục Thống kê\nRETAIL,VN,2025-02,561672.75,sơ bọ,Ước tính tháng hai\n"
(OUT / "cp1258_status_typo.csv").write_bytes(to_cp1258(text))
exp["cp1258_status_typo.csv"] = {
    "row": 3,
    "column": "status",
    "rule": "status",
    "says": "official, preliminary",
    "value": "sơ bọ",
}
# UTF-16 with BOM, tab-separated: Excel's "Unicode text"; the fault is a one-digit month
text = "indicator_code\tarea_code\tperiod\tvalue\nRETAIL\tVN\t2025-01\t575830.29\nRETAIL\tVN\t2025-2\t561672.75\n"
(OUT / "utf16_excel_period.csv").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
exp["utf16_excel_period.csv"] = {"row": 3, "column": "period", "rule": "period_form", "says": "2025-03"}
# an XLSX canonical sheet: a text cell where a number belongs
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "data"
ws.append(["indicator_code", "area_code", "period", "value"])
ws.append(["RETAIL", "VN", "2025-01", 575830.29])
ws.append(["RETAIL", "VN", "2025-02", "khoảng 560 nghìn tỷ"])
wb.save(OUT / "xlsx_text_value.xlsx")
exp["xlsx_text_value.xlsx"] = {"row": 3, "column": "value", "rule": "numeric_value", "says": "not a number"}
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "data"
ws.append(["indicator_code", "area_code", "period", "value"])
ws.append(["RETAIL", 1, "2025-01", 95000.5])
ws.append(["RETAIL", 77, "2025-08", 41000.0])
wb.save(OUT / "xlsx_old_province_after_merger.xlsx")
exp["xlsx_old_province_after_merger.xlsx"] = {
    "row": 3,
    "column": "area_code",
    "rule": "area_validity",
    "says": "use 79",
}
(OUT / "json_period_words.json").write_text(
    json.dumps(
        [
            {"indicator_code": "RETAIL", "area_code": "VN", "period": "2025-01", "value": 575830.29},
            {"indicator_code": "RETAIL", "area_code": "VN", "period": "tháng 2/2025", "value": 561672.75},
        ],
        ensure_ascii=False,
        indent=1,
    ),
    encoding="utf-8",
)
exp["json_period_words.json"] = {"row": 2, "column": "period", "rule": "period_form", "says": "2025-Q1"}
S = "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,INDICATOR,REF_AREA,AGENCY,CATEGORY,BASE,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,VINTAGE"
(OUT / "sdmx_action_unknown.csv").write_text(
    S
    + "\ndataflow,DIEUHANH:DF_OBS(1.0),I,M,RETAIL,VN,,,level,2025-01,575830.29,tỷ đồng,A,\ndataflow,DIEUHANH:DF_OBS(1.0),U,M,RETAIL,VN,,,level,2025-02,561672.75,tỷ đồng,A,\n",
    encoding="utf-8",
)
exp["sdmx_action_unknown.csv"] = {"row": 3, "column": "ACTION", "rule": "action", "says": "I, A, M, R, D"}
(OUT / "sdmx_unknown_area.csv").write_text(
    S
    + "\ndataflow,DIEUHANH:DF_OBS(1.0),I,M,RETAIL,VN,,,level,2025-M01,575830.29,tỷ đồng,A,\ndataflow,DIEUHANH:DF_OBS(1.0),I,M,RETAIL,VNM,,,level,2025-M02,561672.75,tỷ đồng,A,\n",
    encoding="utf-8",
)
exp["sdmx_unknown_area.csv"] = {"row": 3, "column": "REF_AREA", "rule": "known_area", "says": "unknown area"}
# scope: Hưng Yên's staff (33, and old 34 merged into it) sending Hà Nội's figure
csv(
    "scope_other_province.csv",
    ["RETAIL,34,2025-01,812.5", "RETAIL,01,2025-01,95000.5"],
    3,
    "area_code",
    "scope",
    "outside your scope",
    claims="claims_hungyen.json",
)
csv(
    "scope_other_ministry.csv",
    ["PUBINV_DISB,VN,2025-01,3167.11,MOT", "PUBINV_DISB,VN,2025-01,153.54,MOH"],
    3,
    "agency_code",
    "scope",
    "outside your scope",
    header=H + ",agency_code",
    claims="claims_moc.json",
)
(OUT / "claims_hungyen.json").write_text(
    json.dumps(
        {"sub": "u-hy", "name": "Cán bộ Hưng Yên", "roles": ["province_staff"], "province": "33"}, ensure_ascii=False
    )
)
(OUT / "claims_moc.json").write_text(
    json.dumps(
        {"sub": "u-moc", "name": "Cán bộ Bộ Xây dựng", "roles": ["ministry_staff"], "agency": "MOC"}, ensure_ascii=False
    )
)
header = "# The bad-file corpus: each file has one realistic fault and at least one valid row.\n# file: the row and column the message must name, the rule, and words the English message must say.\n"
(OUT / "expected.yml").write_text(
    header + yaml.safe_dump(exp, allow_unicode=True, sort_keys=True, width=120), encoding="utf-8"
)
print(len(exp))

"""A workbook a staffer fills in for Tải dữ liệu: the canonical columns the loader reads (sheet `data`, one
Vietnamese note per header), rows already naming their own indicators, area and ministry, and a Vietnamese guide
sheet listing their indicators with names, units and the period form. No Streamlit here: the page calls `workbook`."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from connectors.checks.check import FORMS
from semantic.registry import Indicator

#: the loader's columns (connectors/base.py: CANONICAL), each with what a staffer writes in it
COLUMNS: tuple[tuple[str, str], ...] = (
    ("indicator_code", "Mã chỉ tiêu (xem trang Hướng dẫn)"),
    ("area_code", "Mã địa bàn: VN cả nước, hoặc mã tỉnh (33 = Hưng Yên)"),
    ("period", "Kỳ: 2025-03 (tháng), 2025-Q1 (quý), 2025 (năm), 2025-03-14 (ngày)"),
    ("value", "Giá trị: 3.650 hoặc 3650 (dấu chấm phân cách hàng nghìn, dấu phẩy thập phân)"),
    ("agency_code", "Mã bộ, ngành khi số liệu là phần của bộ (để trống nếu không)"),
    ("base", "Loại số: level (giá trị), yoy (so với cùng kỳ, %), ytd (lũy kế)"),
    ("status", "Trạng thái: estimate (ước tính), preliminary (sơ bộ), official (chính thức)"),
    ("note", "Ghi chú"),
)


def workbook(indicators: Iterable[Indicator], area: str, agency: str | None) -> bytes:
    """The template as XLSX bytes: one example row per indicator (value left empty) and the guide sheet."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    inds = list(indicators)
    wb = Workbook()
    data = wb.active
    data.title = "data"
    data.append([name for name, _ in COLUMNS])
    for cell, (_, note) in zip(data[1], COLUMNS, strict=True):
        cell.comment = Comment(note, "Điều hành số")
        cell.font = Font(bold=True)
    for ind in inds:
        data.append([ind.code, area, FORMS.get(ind.frequency, "2025-03"), None, agency, "level", "estimate", None])
    guide = wb.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Ý nghĩa"])
    for name, note in COLUMNS:
        guide.append([name, note])
    guide.append([])
    guide.append(["Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị", "Tần suất (dạng kỳ)"])
    for ind in inds:
        guide.append([ind.code, ind.name_vi, ind.unit, FORMS.get(ind.frequency, "")])
    for sheet in (data, guide):
        sheet.column_dimensions["A"].width = 22
        sheet.column_dimensions["B"].width = 48
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def own_indicators(
    registry: Iterable[Indicator], agencies: Iterable[str], provincial: Iterable[str]
) -> list[Indicator]:
    """A ministry's: those it owns or reports a share of; a province's: those published by province; not demo."""
    mine, by_area = set(agencies), set(provincial)
    out = []
    for ind in registry:
        if ind.demo:
            continue
        if (mine and (ind.owner in mine or ind.breakdown == "agency")) or (not mine and ind.code in by_area):
            out.append(ind)
    return out

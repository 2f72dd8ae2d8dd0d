"""UI strings of Khám phá (the explore page), registered into the one catalog by pages/i18n.py."""

from __future__ import annotations

EXPLORE_STRINGS: dict[str, tuple[str, str]] = {
    "filter_by": ("Lọc theo", "Filter by"),
    "filter_in": ("là một trong", "is one of"),
    "filter_not_in": ("khác các giá trị", "is none of"),
    "filter_values": ("Giá trị của «{dim}»", "Values of «{dim}»"),
    "filter_other": ("Bộ lọc khác (từ đường dẫn)", "Other filters (from the link)"),
    "period_open_from": ("Từ đầu chuỗi", "From the start"),
    "period_open_to": ("Đến kỳ mới nhất", "To the latest"),
    "copy_link": ("Sao chép đường dẫn", "Copy link"),
    "copy_link_help": (
        "Bấm biểu tượng sao chép ở góc phải khung dưới: đường dẫn mở lại đúng khung nhìn này (người nhận chỉ thấy số "
        "liệu trong phạm vi của mình).",
        "Click the copy icon at the box's right: the link reopens this view (its reader sees only their own scope).",
    ),
    "pivot_uncovered": (
        "Dòng × cột chưa xác định duy nhất từng ô: còn {keys} có nhiều giá trị. Hãy thêm vào dòng hoặc cột, hoặc thu "
        "hẹp truy vấn (chọn một giá trị, hoặc đổi cấp thời gian để cộng dồn theo quy tắc của chỉ tiêu).",
        "Rows x columns do not identify each cell: {keys} still vary. Add them to rows or columns, or narrow the "
        "query (one value, or a coarser grain, aggregated by the indicator's rule).",
    ),
    "pivot_aggregated": (
        "Các ô được tính lại theo dòng × cột đã chọn, với phép tổng hợp đã khai báo của từng số đo.",
        "Cells are recomputed for the chosen rows x columns, with each measure's declared aggregation.",
    ),
    "series": ("Chuỗi", "Series"),
    "chart_x": ("Trục hoành", "X axis"),
    "chart_y": ("Trục tung", "Y axis"),
    "chart_color": ("Tách màu theo", "Colour by"),
    "percent_change": ("% thay đổi", "% change"),
}

"""UI strings of the situation board (scenario runs), registered into the one catalog (pages/i18n.STRINGS)."""

from __future__ import annotations

from pages.i18n import STRINGS

SCENARIO_STRINGS: dict[str, tuple[str, str]] = {
    "nav_situation": ("Điều hành tình huống", "Situation board"),
    "situation_title": ("Điều hành tình huống theo kịch bản", "Situation board"),
    "situation_intro": (
        "Kịch bản đã kích hoạt: địa bàn bị ảnh hưởng, báo cáo theo từng nghĩa vụ, số liệu theo thời gian, nhiệm vụ "
        "và nhật ký chỉ đạo. Trang tự làm mới khi có báo cáo mới.",
        "Activated scenarios: the areas affected, the reports due against each duty, the figures over time, the tasks "
        "and the decision log. The board refreshes itself when a report arrives.",
    ),
    "situation_none": ("Chưa có kịch bản nào được kích hoạt trong phạm vi của bạn.", "No scenario run in your scope."),
    "situation_pick": ("Lần kích hoạt", "Run"),
    "situation_level": ("Cấp độ hiện tại", "Current level"),
    "situation_areas": ("Địa bàn", "Areas"),
    "situation_activated": ("Kích hoạt lúc", "Activated at"),
    "situation_closed": ("Đã kết thúc lúc", "Closed at"),
    "situation_live": ("Đang điều hành — cập nhật lúc", "Live — as of"),
    "situation_frozen": ("Bảng đã khóa khi kết thúc kịch bản", "The board froze when the scenario closed"),
    "situation_map": ("Địa bàn bị ảnh hưởng", "Areas affected"),
    "situation_reports": ("Báo cáo theo nghĩa vụ", "Reports against each duty"),
    "situation_figures": ("Số liệu theo thời gian", "Figures over time"),
    "situation_latest": ("Số liệu mới nhất theo đơn vị báo cáo", "Latest figures by reporter"),
    "situation_tasks": ("Nhiệm vụ đã giao", "Tasks dispatched"),
    "situation_log": ("Nhật ký chỉ đạo", "Decision log"),
    "situation_projects": ("Tiến độ dự án", "Project progress"),
    "situation_carried": ("Nhiệm vụ của lần kiểm tra trước chưa hoàn thành", "Open tasks from earlier inspections"),
    "situation_month": ("Tháng báo cáo", "Month reported"),
    "situation_warnings": ("Báo cáo muộn hoặc chưa gửi", "Late or missing reports"),
    "report_on_time": ("Đúng hạn", "On time"),
    "report_late": ("Muộn", "Late"),
    "report_missing": ("Chưa gửi", "Missing"),
    "report_due": ("Đang chờ", "Due"),
    "duty": ("Nghĩa vụ báo cáo", "Duty"),
    "reporter": ("Đơn vị báo cáo", "Reporter"),
    "slot": ("Kỳ", "Slot"),
    "due_at": ("Hạn", "Due"),
    "received_at": ("Nhận lúc", "Received"),
    "log_activated": ("Kích hoạt", "Activated"),
    "log_level": ("Đổi cấp độ", "Level changed"),
    "log_closed": ("Kết thúc", "Closed"),
    "at": ("Thời điểm", "At"),
    "who": ("Người quyết định", "By"),
    "note": ("Ghi chú", "Note"),
    "direct_title": ("Chỉ đạo (lãnh đạo)", "Direct (leaders)"),
    "direct_activate": ("Kích hoạt kịch bản", "Activate a scenario"),
    "direct_scenario": ("Kịch bản", "Scenario"),
    "direct_areas": ("Tỉnh/thành phố", "Provinces"),
    "direct_level": ("Cấp độ", "Level"),
    "direct_day": ("Ngày", "Day"),
    "direct_time": ("Giờ", "Time"),
    "direct_go": ("Kích hoạt và ban hành công điện", "Activate and dispatch"),
    "direct_done": ("Đã kích hoạt {run}: {n} nhiệm vụ ({doc})", "Activated {run}: {n} tasks ({doc})"),
    "direct_change": ("Đổi cấp độ", "Change the level"),
    "direct_close": ("Kết thúc kịch bản", "Close the scenario"),
    "direct_changed": (
        "Đã chuyển {run} sang cấp độ {level}: {n} nhiệm vụ mới",
        "{run} is at level {level}: {n} new tasks",
    ),
    "direct_closed": ("Đã kết thúc {run}", "Closed {run}"),
    "template_note": (
        "Kịch bản mẫu: cần được cơ quan có thẩm quyền điều chỉnh, phê duyệt trước khi áp dụng.",
        "A template playbook: to be adapted and approved by the competent authority before use.",
    ),
    "after_action": ("Báo cáo sau ứng phó", "After-action report"),
    "after_action_xlsx": ("Tải báo cáo (XLSX)", "Download (XLSX)"),
    "after_action_html": ("Tải bản in (HTML)", "Printable page (HTML)"),
    "report_send": ("Gửi báo cáo tình hình", "Send a situation report"),
    "report_go": ("Gửi báo cáo", "Send"),
    "report_sent": (
        "Đã nhận báo cáo kỳ {slot} (hạn {due}): {state}",
        "Report received for slot {slot} (due {due}): {state}",
    ),
    "kind_late_report": ("Báo cáo tình huống muộn", "Late situation reports"),
}

for _key, _pair in SCENARIO_STRINGS.items():
    STRINGS.setdefault(_key, _pair)

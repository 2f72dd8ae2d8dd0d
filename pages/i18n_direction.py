"""UI strings of the direction pages (tasks, programs and projects, emergencies, the overview's panel), registered
in the one catalog by pages/i18n.py; labels of data live in the model."""

from __future__ import annotations

DIRECTION_STRINGS: dict[str, tuple[str, str]] = {
    "nav_group_direction": ("Chỉ đạo, điều hành", "Direction"),
    "nav_tasks": ("Nhiệm vụ", "Tasks"),
    "nav_programs": ("Chương trình, dự án", "Programs & projects"),
    "nav_emergency": ("Tình huống khẩn cấp", "Emergencies"),
    "tasks_title": ("Nhiệm vụ Chính phủ, Thủ tướng Chính phủ giao", "Tasks assigned by the Government and the PM"),
    "tasks_caption": (
        "Tình trạng tính tại ngày số liệu từ lịch sử cập nhật của từng nhiệm vụ: quá hạn là chưa hoàn thành khi đã qua "
        "thời hạn; nhiệm vụ thường xuyên không có thời hạn nên không bao giờ quá hạn.",
        "Status on the as-of date from each task's history: overdue means not done after its deadline; recurring "
        "tasks have no deadline and are never overdue.",
    ),
    "agency": ("Cơ quan", "Agency"),
    "note": ("Ghi chú", "Note"),
    "on_time_rate": ("Tỷ lệ đúng hạn", "On-time rate"),
    "document_kind": ("Loại văn bản", "Document kind"),
    "task_status": ("Tình trạng", "Status"),
    "deadline_window": ("Lọc theo thời hạn", "Filter by deadline"),
    "deadline_from_to": ("Thời hạn từ – đến", "Deadline from – to"),
    "tab_list": ("Danh sách nhiệm vụ", "Task list"),
    "tab_overdue": ("Quá hạn, sắp xếp theo số ngày chậm", "Overdue, by days late"),
    "tab_by_agency": ("Theo cơ quan", "By agency"),
    "tab_timeline": ("Diễn biến một nhiệm vụ", "A task's timeline"),
    "pick_task": ("Chọn nhiệm vụ", "Pick a task"),
    "no_overdue": ("Không có nhiệm vụ quá hạn trong phạm vi được xem.", "No overdue task in your scope."),
    "recurring_word": ("Thường xuyên", "Recurring"),
    "days_late": ("Số ngày chậm", "Days late"),
    "content": ("Nội dung", "Task"),
    "deadline": ("Thời hạn", "Deadline"),
    "completed_on": ("Ngày hoàn thành", "Completed on"),
    "assignee": ("Cơ quan được giao", "Assignee"),
    "programs_title": ("Chương trình mục tiêu quốc gia, dự án trọng điểm", "National target programs, key projects"),
    "programs_caption": (
        "Giải ngân theo báo cáo tháng của từng dự án, hợp phần: lũy kế từ đầu năm so với kế hoạch vốn năm và với kế "
        "hoạch giải ngân lũy kế; cùng kỳ là cùng tháng năm trước.",
        "Disbursement as each project's or component's monthly report states it: year to date against the year's plan "
        "and the planned year to date; same period means the same month a year before.",
    ),
    "report_month": ("Tháng báo cáo", "Reporting month"),
    "national_totals": (
        "Giải ngân vốn đầu tư từ ngân sách nhà nước (toàn quốc, Tổng cục Thống kê)",
        "State-budget investment disbursed (national, GSO)",
    ),
    "national_ytd": ("Lũy kế từ đầu năm", "Year to date"),
    "national_plan_pct": ("So với kế hoạch năm", "Share of the year's plan"),
    "national_yoy": ("So với cùng kỳ năm trước", "Vs same period last year"),
    "real_latest": ("Số liệu thực mới nhất: {period}", "Latest real figure: {period}"),
    "by_program": ("Theo chương trình", "By program"),
    "key_projects": ("Dự án trọng điểm", "Key projects"),
    "same_period": ("Cùng kỳ năm trước", "Same period last year"),
    "rate_vs_plan": ("Giải ngân/kế hoạch năm", "Disbursed/year plan"),
    "rate_vs_schedule": ("So với kế hoạch lũy kế", "Vs planned to date"),
    "physical": ("Khối lượng thực hiện/kế hoạch", "Physical progress/plan"),
    "behind": ("Chậm so với kế hoạch", "Behind plan"),
    "on_track": ("Đạt kế hoạch", "On track"),
    "monthly_path": ("Lũy kế giải ngân theo tháng", "Disbursed year to date, by month"),
    "milestones": ("Mốc tiến độ", "Milestones"),
    "pick_project": ("Chọn dự án", "Pick a project"),
    "pick_program": ("Chọn chương trình", "Pick a program"),
    "emergency_title": ("Tình huống khẩn cấp", "Emergencies"),
    "pick_event": ("Chọn tình huống", "Pick an event"),
    "affected_map": ("Địa phương bị ảnh hưởng", "Provinces affected"),
    "figures_over_time": ("Thiệt hại cộng dồn theo ngày báo cáo", "Damage to date, by report day"),
    "figures_by_province": ("Thiệt hại theo địa phương", "Damage by province"),
    "dispatches": ("Công điện chỉ đạo", "Dispatches"),
    "dispatch_tasks": ("Nhiệm vụ giao tại các công điện", "Tasks the dispatches assigned"),
    "started": ("Bắt đầu", "Started"),
    "ended": ("Kết thúc", "Ended"),
    "ongoing": ("Đang diễn biến", "Ongoing"),
    "risk_level": ("Cấp độ rủi ro", "Risk level"),
    "lead_agency": ("Cơ quan chủ trì", "Lead agency"),
    "panel_title": ("Chỉ đạo, điều hành", "Direction"),
    "panel_overdue": ("Nhiệm vụ quá hạn theo cơ quan", "Overdue tasks by agency"),
    "panel_behind": ("Chương trình chậm so với kế hoạch", "Programs behind plan"),
    "panel_active": ("Tình huống khẩn cấp đang diễn biến", "Active emergencies"),
    "panel_none": ("Không có", "None"),
    "hoang_sa_short": ("QĐ. Hoàng Sa (Đà Nẵng)", "Hoang Sa (Paracel) Is. (Da Nang)"),
    "truong_sa_short": ("QĐ. Trường Sa (Khánh Hòa)", "Truong Sa (Spratly) Is. (Khanh Hoa)"),
    "program": ("Chương trình", "Program"),
    "project": ("Dự án", "Project"),
    "month_of_year": ("Tháng", "Month"),
    "year": ("Năm", "Year"),
    "kpi_assigned": ("Tổng số nhiệm vụ", "Tasks"),
    "kpi_done_on_time": ("Hoàn thành đúng hạn", "Done on time"),
    "kpi_done_late": ("Hoàn thành quá hạn", "Done late"),
    "kpi_overdue": ("Quá hạn", "Overdue"),
    "kpi_in_progress": ("Đang thực hiện", "In progress"),
}

TASK_STATUS: dict[str, tuple[str, str]] = {
    "done_on_time": ("Hoàn thành đúng hạn", "Done on time"),
    "done_late": ("Hoàn thành quá hạn", "Done late"),
    "overdue": ("Quá hạn chưa hoàn thành", "Overdue"),
    "in_progress": ("Đang thực hiện", "In progress"),
    "not_started": ("Chưa thực hiện", "Not started"),
}
DOCUMENT_KINDS: dict[str, tuple[str, str]] = {
    "nghi_quyet": ("Nghị quyết", "Resolution"),
    "quyet_dinh": ("Quyết định", "Decision"),
    "chi_thi": ("Chỉ thị", "Directive"),
    "cong_dien": ("Công điện", "Official dispatch"),
    "thong_bao": ("Thông báo kết luận", "Conclusion notice"),
    "van_ban": ("Văn bản chỉ đạo", "Directing letter"),
}
EVENT_KINDS: dict[str, tuple[str, str]] = {
    "storm": ("Bão", "Storm"),
    "flood": ("Lũ, ngập lụt", "Flood"),
    "landslide": ("Lũ quét, sạt lở đất", "Flash flood, landslide"),
    "epidemic": ("Dịch bệnh", "Epidemic"),
    "fire": ("Cháy lớn", "Large fire"),
    "traffic": ("Tai nạn giao thông", "Traffic accident"),
}
TIMELINE: dict[str, tuple[str, str]] = {
    "assigned": ("Giao nhiệm vụ", "Assigned"),
    "started": ("Bắt đầu thực hiện", "Started"),
    "progress": ("Báo cáo tiến độ", "Progress report"),
    "completed": ("Hoàn thành", "Completed"),
}
MILESTONE_STATUS: dict[str, tuple[str, str]] = {
    "done_on_time": ("Đạt đúng hạn", "Reached on time"),
    "done_late": ("Đạt chậm", "Reached late"),
    "overdue": ("Chậm, chưa đạt", "Overdue"),
    "upcoming": ("Chưa đến hạn", "Upcoming"),
}

"""UI strings of the upload and data-quality pages, registered in the one catalog by pages/i18n.py."""

from __future__ import annotations

INTAKE_STRINGS: dict[str, tuple[str, str]] = {
    "nav_upload": ("Tải dữ liệu", "Upload data"),
    "upload_template": ("Tệp mẫu của đơn vị (Excel)", "Your unit's template (Excel)"),
    "nav_quality": ("Chất lượng dữ liệu", "Data quality"),
    "upload_intro": (
        "Tải tệp số liệu của đơn vị (CSV, XLSX, SDMX-CSV, JSON hoặc biểu Excel của Tổng cục Thống kê). Hệ thống kiểm "
        "tra từng dòng trước khi nạp; không dòng nào được ghi nếu chưa xác nhận. Các cột của tệp và mã chỉ tiêu của "
        "đơn vị có sẵn trong tệp mẫu bên dưới (trang Hướng dẫn giải thích từng cột).",
        "Upload your unit's figures (CSV, XLSX, SDMX-CSV, JSON or a GSO Excel workbook). Every row is checked before "
        "anything is loaded; nothing is written until you confirm. Canonical columns: indicator_code, area_code, "
        "period, value (optional: agency_code, base, unit, status, published_at, note).",
    ),
    "upload_kind": ("Tệp chứa", "The file holds"),
    "upload_kind_observations": ("Số liệu chỉ tiêu", "Indicator figures"),
    "upload_kind_tasks": ("Nhiệm vụ được giao", "Assigned tasks"),
    "upload_kind_situation": ("Báo cáo tình huống", "Situation report"),
    "upload_sit_intro": (
        "Tải báo cáo tình hình của đơn vị cho một kịch bản đang chạy (CSV hoặc XLSX, một dòng cho mỗi chỉ tiêu). "
        "Cột: run_id (Mã lần kích hoạt), duty (Nghĩa vụ báo cáo), reporter (Đơn vị báo cáo: mã tỉnh hoặc mã bộ), "
        "figure (Chỉ tiêu), value (Giá trị: số lũy kế đến nay). Các dòng cùng run_id, duty, reporter là một báo "
        "cáo; thời điểm nhận là lúc gửi. Cùng quy tắc với `python -m connectors report` và API.",
        "Upload your unit's situation report for a running scenario (CSV or XLSX, one row per figure). Columns: "
        "run_id, duty, reporter (a province or agency code), figure, value (totals to now). The rows sharing run_id, "
        "duty and reporter are one report, received when sent. The same rules as `python -m connectors report` and "
        "the API.",
    ),
    "upload_sit_file": ("Tệp báo cáo tình huống", "Situation report file"),
    "upload_sit_problems": (
        "Tệp có lỗi, chưa gửi báo cáo nào; sửa rồi tải lại:",
        "The file has problems; no report was sent. Fix them and upload again:",
    ),
    "upload_sit_ready": ("{n} báo cáo sẵn sàng gửi", "{n} report(s) ready to send"),
    "upload_sit_send": ("Gửi báo cáo", "Send the reports"),
    "upload_sit_received": (
        "Đã nhận: {run} — {duty} — {reporter}: kỳ {slot}, hạn {due}, {state}",
        "Received: {run} — {duty} — {reporter}: slot {slot}, due {due}, {state}",
    ),
    "upload_sit_refused": (
        "Bị từ chối: {run} — {duty} — {reporter}: {why}",
        "Refused: {run} — {duty} — {reporter}: {why}",
    ),
    "upload_sit_late": ("muộn", "late"),
    "upload_sit_on_time": ("đúng hạn", "on time"),
    "upload_tasks_intro": (
        "Tải tệp nhiệm vụ Chính phủ, Thủ tướng giao (CSV hoặc XLSX, một dòng cho mỗi nhiệm vụ và cơ quan được giao; "
        "tiêu đề cột tiếng Việt được chấp nhận). Cột bắt buộc: document_number (Số văn bản), document_date (Ngày "
        "văn bản), assignee_agency (Cơ quan được giao) hoặc assignee_area (Mã tỉnh), content (Nội dung nhiệm vụ), "
        "deadline (Thời hạn: ngày, hoặc 'thường xuyên'); tùy chọn: task_code, document_kind, coordinating, "
        "started_on, completed_on, reported_on, status, event_id, note. Không dòng nào được ghi nếu chưa xác nhận.",
        "Upload a file of tasks the Government and the Prime Minister assigned (CSV or XLSX, one row per task and "
        "assignee; Vietnamese headers accepted). Required: document_number, document_date, assignee_agency or "
        "assignee_area (a province code), content, deadline (a date, or 'thường xuyên' for a recurring task); "
        "optional: task_code, document_kind, coordinating, started_on, completed_on, reported_on, status, event_id, "
        "note. Nothing is written until you confirm.",
    ),
    "upload_tasks_file": ("Tệp nhiệm vụ", "Task file"),
    "upload_tasks_scope_note": (
        "Bạn chỉ có thể nạp nhiệm vụ giao cho: ",
        "You may load only the tasks assigned to: ",
    ),
    "upload_tasks_nothing": ("Không có nhiệm vụ hợp lệ nào để nạp.", "There is no valid task to load."),
    "upload_denied": (
        "Tài khoản của bạn không có quyền tải dữ liệu lên (chỉ cán bộ bộ/ngành, địa phương và quản trị viên).",
        "Your account may not upload data (ministry and province staff and administrators only).",
    ),
    "upload_file": ("Tệp số liệu", "Data file"),
    "upload_source": ("Đơn vị gửi", "Sending unit"),
    "upload_format": ("Định dạng", "Format"),
    "upload_decimal": ("Dấu thập phân", "Decimal mark"),
    "upload_encoding": ("Bảng mã", "Encoding"),
    "upload_auto": ("Tự nhận biết", "Detect"),
    "upload_published": ("Ngày công bố (nếu tệp không ghi)", "Published on (when the file does not say)"),
    "upload_check": ("Kiểm tra tệp", "Check the file"),
    "upload_confirm": ("Xác nhận nạp vào kho", "Confirm the load"),
    "upload_accept_valid": (
        "Nạp các dòng hợp lệ, lưu các dòng lỗi kèm lý do",
        "Load the valid rows, keep the rejected ones with reasons",
    ),
    "upload_problems": ("Các lỗi cần sửa", "Problems to fix"),
    "upload_valid_preview": ("Các dòng hợp lệ (xem trước)", "Valid rows (preview)"),
    "upload_all_valid": ("Tất cả các dòng đều hợp lệ.", "Every row is valid."),
    "upload_fix_first": (
        "Tệp có lỗi: sửa và tải lại, hoặc chọn nạp các dòng hợp lệ.",
        "The file has problems: fix and upload again, or choose to load the valid rows.",
    ),
    "upload_scope_note": ("Bạn chỉ có thể nạp số liệu trong phạm vi: ", "You may load data only within: "),
    "upload_done": ("Đã nạp xong.", "Loaded."),
    "upload_nothing": ("Không có dòng hợp lệ nào để nạp.", "There is no valid row to load."),
    "col_row": ("Dòng", "Row"),
    "col_column": ("Cột", "Column"),
    "col_value": ("Giá trị", "Value"),
    "col_rule": ("Quy tắc", "Rule"),
    "col_message": ("Lỗi", "Problem"),
    "quality_intro": (
        "Mức đầy đủ (số kỳ đã nhận so với số kỳ phải nộp theo tần suất và lịch công bố), tính kịp thời (nhận lần "
        "đầu trước hạn), số lần điều chỉnh, lỗi khi nạp và giá trị bất thường (so với cùng kỳ, đã tính Tết), "
        "theo chỉ tiêu và đơn vị báo cáo.",
        "Completeness (periods received against periods due by frequency and release calendar), timeliness (first "
        "received by the due day), revisions, load failures and outliers (against the same period a year earlier, "
        "Tết allowed for), by indicator and reporting unit.",
    ),
    "quality_window": ("Kỳ đánh giá", "Periods assessed"),
    "quality_last12": ("12 tháng gần nhất có số liệu", "The 12 latest months with data"),
    "quality_coverage": ("Chỉ tiêu thống kê quốc gia đã số hóa", "National statistical indicators delivered digitally"),
    "quality_goal": ("Mục tiêu {year}: {goal:.0f} %", "Goal {year}: {goal:.0f} %"),
    "quality_missing": ("Chưa có dữ liệu số", "Not yet delivered digitally"),
    "quality_only_issues": ("Chỉ hiện chỉ tiêu có vấn đề", "Only indicators with issues"),
    "quality_detail": ("Chi tiết theo kỳ", "By period"),
    "quality_rejected": ("Dòng bị từ chối gần đây", "Recently rejected rows"),
    "quality_loads": ("Nhật ký nạp", "Load log"),
    "q_expected": ("Phải nộp", "Due"),
    "q_received": ("Đã nhận", "Received"),
    "q_completeness": ("Đầy đủ (%)", "Complete (%)"),
    "q_on_time": ("Kịp thời (%)", "On time (%)"),
    "q_revisions": ("Điều chỉnh", "Revisions"),
    "q_rejected": ("Lỗi khi nạp", "Rejected"),
    "q_outliers": ("Bất thường", "Outliers"),
    "q_reporter": ("Đơn vị báo cáo", "Reporting unit"),
    "q_due": ("Hạn nộp", "Due on"),
    "q_first": ("Nhận lần đầu", "First received"),
}

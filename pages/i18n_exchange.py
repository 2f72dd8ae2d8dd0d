"""UI strings of the Kết nối, chia sẻ page, registered in the one catalog by pages/i18n.py."""

from __future__ import annotations

EXCHANGE_STRINGS: dict[str, tuple[str, str]] = {
    "nav_exchange": ("Kết nối, chia sẻ", "Connections and sharing"),
    "exchange_intro": (
        "Dữ liệu trao đổi hai chiều, trực tuyến với hệ thống của các bộ, ngành, địa phương qua API (python -m api), "
        "theo từng nhóm thông tin: hệ thống đã gửi, lần nhận gần nhất, đúng hạn hay chậm so với tần suất và thời hạn "
        "đã thống nhất, số dòng và số lỗi trong tháng; và dữ liệu đã gửi đi cho các hệ thống đăng ký nhận.",
        "Two-way, online exchange with ministries', sectors' and provinces' systems through the API (python -m api), "
        "per information group: which systems sent data, the last batch received, on time or late against the agreed "
        "frequency and delay, rows and failures this month; and what was sent out to subscribed systems.",
    ),
    "exchange_received": ("Nhận vào, theo nhóm thông tin", "Received, by information group"),
    "exchange_sent": ("Gửi đi cho hệ thống đăng ký nhận", "Sent out to subscribed systems"),
    "exchange_sent_none": ("Chưa có lần gửi nào trong tháng.", "Nothing was sent this month."),
    "exchange_late": ("nhóm chậm so với thời hạn", "groups late"),
    "exchange_rows_month": ("Dòng nhận trong tháng", "Rows received this month"),
    "exchange_failures_month": ("Lỗi trong tháng", "Failures this month"),
    "exchange_status_on_time": ("Đúng hạn", "On time"),
    "exchange_status_late": ("Chậm", "Late"),
    "exchange_status_none": ("Chưa nhận", "Nothing received"),
    "exchange_col_group": ("Nhóm thông tin", "Information group"),
    "exchange_col_direction": ("Chiều", "Direction"),
    "exchange_col_frequency": ("Tần suất", "Frequency"),
    "exchange_col_systems": ("Hệ thống đã gửi", "Systems that sent"),
    "exchange_col_last": ("Nhận gần nhất", "Last received"),
    "exchange_col_status": ("Tình trạng", "Status"),
    "exchange_col_batches": ("Lần gửi trong tháng", "Batches this month"),
    "exchange_col_system": ("Hệ thống nhận", "Receiving system"),
    "exchange_col_groups": ("Nhóm đăng ký", "Groups"),
    "exchange_col_attempts": ("Lần gửi", "Attempts"),
    "exchange_col_delivered": ("Thành công", "Delivered"),
    "exchange_col_failed": ("Thất bại", "Failed"),
    "exchange_col_last_sent": ("Gửi gần nhất", "Last sent"),
    "exchange_dir_up": ("Lên (gửi về Trung ương)", "Up (to the centre)"),
    "exchange_dir_down": ("Xuống (Trung ương gửi đi)", "Down (from the centre)"),
    "exchange_dir_both": ("Hai chiều", "Both ways"),
}

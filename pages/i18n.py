"""The one catalog of UI strings (vi first, en available). Labels of data live in the model, not here."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("Điều hành số", "Digital Direction"),
    "app_subtitle": (
        "Chỉ đạo, điều hành dựa trên dữ liệu (Quyết định 1012/QĐ-TTg)",
        "Data-based direction and administration (Decision 1012/QĐ-TTg)",
    ),
    "lang": ("Ngôn ngữ", "Language"),
    "persona": ("Vai trò minh họa", "Demo persona"),
    "demo_banner": (
        "CHẾ ĐỘ MINH HỌA — chưa cấu hình đăng nhập OIDC; chọn vai trò ở thanh bên. Không dùng cho số liệu chính thức.",
        "DEMO MODE — no OIDC login configured; pick a persona in the sidebar. Not for official use.",
    ),
    "demo_data": ("dữ liệu minh họa", "demo data"),
    "no_access": (
        "Tài khoản của bạn chưa được cấp quyền xem dữ liệu. Liên hệ quản trị hệ thống để được phân quyền.",
        "Your account has no access to any data yet. Ask the system administrator for a role.",
    ),
    "login": ("Đăng nhập", "Log in"),
    "logout": ("Đăng xuất", "Log out"),
    "login_prompt": (
        "Vui lòng đăng nhập bằng tài khoản định danh của cơ quan để sử dụng hệ thống.",
        "Please log in with your organisation account to use the system.",
    ),
    "session_expired": ("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.", "Your session expired; please log in again."),
    "building": ("Đang xây dựng kho dữ liệu lần đầu…", "Building the warehouse for the first time…"),
    "scope": ("Phạm vi dữ liệu", "Data scope"),
    "period": ("Kỳ báo cáo", "Reporting period"),
    "area": ("Địa bàn", "Area"),
    "boundaries": ("Địa giới", "Boundaries"),
    "boundaries_2025": ("Theo địa giới 2025 (34 tỉnh)", "2025 boundaries (34 provinces)"),
    "boundaries_aswas": ("Như thời điểm báo cáo", "As it was"),
    "nav_overview": ("Tổng quan", "Overview"),
    "nav_catalog": ("Danh mục chỉ tiêu", "Indicator catalog"),
    "nav_group_monitor": ("Theo dõi", "Monitoring"),
    "nav_group_data": ("Dữ liệu", "Data"),
    "overview_title": ("Tổng quan kinh tế – xã hội", "Socio-economic overview"),
    "vs_last_year": ("so với cùng kỳ", "vs same period last year"),
    "no_data": ("Chưa có số liệu trong phạm vi được xem.", "No data in your scope."),
    "metadata": ("Thông tin chỉ tiêu", "Indicator metadata"),
    "unit": ("Đơn vị", "Unit"),
    "source": ("Nguồn", "Source"),
    "status": ("Trạng thái", "Status"),
    "vintage": ("Cập nhật", "Vintage"),
    "owner": ("Cơ quan chủ trì", "Owner"),
    "frequency": ("Tần suất", "Frequency"),
    "legal_basis": ("Căn cứ pháp lý", "Legal basis"),
    "search": ("Tìm chỉ tiêu", "Search indicators"),
    "group": ("Nhóm", "Group"),
    "error": ("Đã có lỗi khi truy vấn dữ liệu", "The query failed"),
    "download_csv": ("Tải CSV", "Download CSV"),
    "download_xlsx": ("Tải Excel", "Download Excel"),
    "user": ("Người dùng", "User"),
}

GROUPS: dict[str, tuple[str, str]] = {
    "daily": ("Hằng ngày", "Daily"),
    "monthly": ("Hằng tháng", "Monthly"),
    "quarterly": ("Hằng quý", "Quarterly"),
    "annual-plan": ("Kế hoạch năm", "Annual plan"),
    "programs-projects": ("Chương trình, dự án", "Programs & projects"),
    "emergency": ("Tình huống khẩn cấp", "Emergencies"),
    "public-services": ("Dịch vụ công", "Public services"),
    "statistics": ("Thống kê", "Statistics"),
}

FREQ_NAMES: dict[str, tuple[str, str]] = {
    "D": ("Ngày", "Daily"),
    "M": ("Tháng", "Monthly"),
    "Q": ("Quý", "Quarterly"),
    "Y": ("Năm", "Yearly"),
    "2Y": ("2 năm", "2-yearly"),
    "5Y": ("5 năm", "5-yearly"),
    "10Y": ("10 năm", "10-yearly"),
}

STATUS_NAMES: dict[str, tuple[str, str]] = {
    "preliminary": ("Sơ bộ", "Preliminary"),
    "official": ("Chính thức", "Official"),
    "revised": ("Điều chỉnh", "Revised"),
    "estimate": ("Ước tính", "Estimate"),
    "demo": ("Minh họa", "Demo"),
}


def text(key: str, lang: str = "vi") -> str:
    vi, en = STRINGS[key]
    return vi if lang == "vi" else en


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "vi" else pair[1]

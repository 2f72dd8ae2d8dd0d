"""The one catalog of UI strings (vi first, en available). Labels of data live in the model, not here.

Each page family keeps its strings in a table of its own (key → (vi, en)): this module's STRINGS and the
`pages/i18n_*.py` tables. They are registered here, explicitly and once, into CATALOG: a key defined twice (even
with the same words) or a pair not in (vi, en) order stops the app at start-up with the key and both tables named,
so a page never reads another page's meaning of a key depending on which one a server process loaded first."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pages import i18n_direction, i18n_exchange, i18n_explore, i18n_forecast, i18n_intake, i18n_scenario

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("Điều hành số", "Digital Direction"),
    "app_subtitle": (
        "Chỉ đạo, điều hành dựa trên dữ liệu (Quyết định 1012/QĐ-TTg)",
        "Data-based direction and administration (Decision 1012/QĐ-TTg)",
    ),
    "lang": ("Ngôn ngữ", "Language"),
    "upload_drop_hint": ("Kéo thả tệp vào đây", "Drag and drop a file here"),
    "upload_browse": ("Chọn tệp", "Browse files"),
    "quality_met": ("Đã đạt", "Met"),
    "quality_not_yet": ("Chưa đạt", "Not yet"),
    "provinces_reported": (
        "{n} tỉnh, thành có số liệu kỳ này (nhiều nhất {most}); mặc định là kỳ gần nhất có ít nhất một nửa số đó.",
        "{n} provinces reported this period (at most {most}); the default is the latest period with at least half.",
    ),
    "choose_any": ("Chọn (để trống: tất cả)", "Choose (empty: all)"),
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
    "session_expired": (
        "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.",
        "Your session expired; please log in again.",
    ),
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
    "overview_each_card": ("mỗi thẻ ghi kỳ số liệu của chính nó", "each card states its own period"),
    "overview_no_later": (
        "chưa có số liệu cho tháng đã chọn, hiển thị tháng gần nhất có số liệu",
        "no data yet for the month chosen; showing the latest month with data",
    ),
    "overview_not_in_scope": ("Chưa có số liệu trong phạm vi được xem", "No data in your scope"),
    "overview_behind_title": ("Mục tiêu năm {year} chậm hoặc có nguy cơ không đạt", "{year} targets behind or at risk"),
    "vs_plan": ("So với kế hoạch", "Vs plan"),
    "share_of": ("{name} — phần của {agency}", "{name} — {agency}'s share"),
    "briefing_download": ("Bản tin một trang (in được)", "One-page briefing (printable)"),
    "briefing_title": ("Bản tin điều hành", "Direction briefing"),
    "briefing_print": ("In hoặc lưu PDF: Ctrl+P", "Print or save as PDF: Ctrl+P"),
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
    # -- identity and the access log (admins)
    "auth_required": (
        "Hệ thống bắt buộc đăng nhập OIDC nhưng mục [auth] trong .streamlit/secrets.toml chưa có, thiếu khóa hoặc "
        "không đọc được (chi tiết trong nhật ký máy chủ). Liên hệ quản trị hệ thống.",
        "This deployment requires OIDC login but the [auth] section of .streamlit/secrets.toml is missing, "
        "incomplete or unreadable (details in the server log). Contact the administrator.",
    ),
    "nav_group_admin": ("Quản trị", "Administration"),
    "nav_audit": ("Nhật ký truy cập", "Access log"),
    "audit_caption": (
        "Mọi truy vấn, lượt xem và tải dữ liệu: ai, khi nào (giờ UTC), truy vấn gì, phạm vi nào, bao nhiêu dòng.",
        "Every query, view and download: who, when (UTC), what query, which scope, how many rows.",
    ),
    "audit_denied": (
        "Chỉ quản trị viên có quyền kiểm tra mới xem được nhật ký truy cập.",
        "Only administrators with the audit permission can read the access log.",
    ),
    "audit_days": ("Khoảng ngày", "Dates"),
    "audit_who": ("Người dùng (chứa)", "User (contains)"),
    "audit_action": ("Thao tác", "Action"),
    "audit_what": ("Nội dung (chứa)", "What (contains)"),
    "audit_entries": ("Số lượt", "Entries"),
    "audit_users": ("Số người dùng", "Users"),
    "audit_rows": ("Tổng số dòng trả về", "Rows returned"),
    "audit_shown": ("Hiển thị {shown} lượt gần nhất.", "Showing the latest {shown} entries."),
    # -- monitoring pages (daily, monthly, plan, provinces, explore) and extracts
    "latest": ("Mới nhất", "Latest"),
    "nav_daily": ("Hằng ngày", "Daily"),
    "nav_monthly": ("Hằng tháng", "Monthly"),
    "nav_plan": ("Kế hoạch năm", "Annual plan"),
    "nav_provinces": ("Tỉnh, thành", "Provinces"),
    "nav_explore": ("Khám phá", "Explore"),
    "page_error": (
        "Không hiển thị được trang do lỗi dữ liệu. Vui lòng thử lại hoặc báo quản trị hệ thống.",
        "The page could not be shown because of a data error. Try again or tell the administrator.",
    ),
    "display_capped": (
        "Bảng chỉ hiển thị {shown} dòng đầu; tệp tải về có đầy đủ mọi dòng.",
        "The table shows the first {shown} rows; the download holds every row.",
    ),
    "extract_large": (
        "Tệp trích xuất có {rows} dòng: tạo tệp có thể mất một lúc; Excel mở tối đa 1.048.576 dòng mỗi trang tính.",
        "This extract holds {rows} rows: making the file can take a while; Excel opens at most 1,048,576 rows a sheet.",
    ),
    "extract_proceed": ("Tôi vẫn muốn tải đủ {rows} dòng", "Download all {rows} rows"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "value": ("Giá trị", "Value"),
    "date": ("Ngày", "Date"),
    "daily_title": ("Diễn biến hằng ngày", "Daily indicators"),
    "daily_caption": (
        "So với phiên trước: quan sát liền trước; so với cùng kỳ: quan sát gần nhất vào hoặc trước cùng ngày năm "
        "trước.",
        "Vs previous: the observation before; vs last year: the last observation on or before the same day a year ago.",
    ),
    "vs_previous_day": ("so với phiên trước", "vs previous day"),
    "moved_most": ("Biến động mạnh nhất so với phiên trước", "Moved most since the previous day"),
    "window": ("Khoảng thời gian", "Window"),
    "days": ("{n} ngày", "{n} days"),
    "monthly_title": ("Tình hình kinh tế – xã hội hằng tháng", "Monthly socio-economic situation"),
    "this_month": ("Tháng báo cáo", "This month"),
    "vs_prev_month": ("So với tháng trước (%)", "Vs previous month (%)"),
    "vs_same_month": ("So với cùng kỳ (%)", "Vs same month last year (%)"),
    "ytd": ("Lũy kế từ đầu năm", "Year to date"),
    "ytd_vs": ("Lũy kế so với cùng kỳ (%)", "YTD vs last year (%)"),
    "summary": ("Tóm tắt", "Summary"),
    "trend": ("Diễn biến 24 tháng", "Last 24 months"),
    "breakdown": ("Chi tiết theo nhóm", "Breakdown"),
    "plan_title": ("Kế hoạch năm: mục tiêu và thực hiện", "Annual plan: targets and results"),
    "plan_year": ("Năm kế hoạch", "Plan year"),
    "plan_on": ("Tại ngày", "As at"),
    "plan_caption": (
        "Mục tiêu hiệu lực là văn bản ban hành gần nhất vào hoặc trước ngày đã chọn. Đánh giá: chỉ tiêu dòng theo tiến "
        "độ lũy kế so với tỷ lệ thời gian đã qua; chỉ tiêu tỷ lệ, chỉ số theo số mới nhất so với mục tiêu.",
        "The target in force is the latest document on or before the chosen date. Flows are judged by year-to-date "
        "pacing against the share of the year elapsed; rates and indices by their latest value against the target.",
    ),
    "target": ("Mục tiêu", "Target"),
    "target_value": ("Mức mục tiêu", "Target value"),
    "document": ("Văn bản", "Document"),
    "document_date": ("Ngày ban hành", "Issued"),
    "actual": ("Thực hiện", "Actual"),
    "actual_period": ("Kỳ số liệu", "Data period"),
    "plan_status": ("Đánh giá", "Assessment"),
    "versions": ("Các lần điều chỉnh mục tiêu", "Target versions"),
    "drill": ("Chi tiết theo tỉnh, thành hoặc bộ, ngành", "By province or ministry"),
    "drill_by_area": ("Theo tỉnh, thành", "By province"),
    "drill_by_agency": ("Theo bộ, ngành", "By ministry"),
    "no_actual": ("Chưa có số liệu thực hiện trong kho.", "No actual in the warehouse yet."),
    "provinces_title": ("Bản đồ tỉnh, thành phố", "Provinces map"),
    "provinces_caption_2025": (
        "Địa giới 34 tỉnh, thành phố từ 01/07/2025; số liệu trước đó được cộng dồn theo địa giới mới.",
        "The 34 provinces from 1 July 2025; earlier data re-aggregated on the new boundaries.",
    ),
    "provinces_caption_aswas": (
        "Địa giới 63 tỉnh, thành phố như tại kỳ báo cáo (trước 01/07/2025).",
        "The 63 provinces as they were in the period (before 1 July 2025).",
    ),
    "provinces_aswas_late": (
        "Kỳ này đã sau ngày sắp xếp 01/07/2025: bản đồ dùng địa giới 34 tỉnh.",
        "This period is after the 1 July 2025 reorganisation: the map uses the 34 provinces.",
    ),
    "ranking": ("Xếp hạng", "Ranking"),
    "rank": ("Hạng", "Rank"),
    "province": ("Tỉnh, thành phố", "Province"),
    "hoang_sa": ("Quần đảo Hoàng Sa (Việt Nam)", "Hoang Sa (Paracel) Islands (Viet Nam)"),
    "truong_sa": ("Quần đảo Trường Sa (Việt Nam)", "Truong Sa (Spratly) Islands (Viet Nam)"),
    "no_province_data": (
        "Chưa có chỉ tiêu nào có số liệu theo tỉnh trong phạm vi được xem.",
        "No indicator has provincial data in your scope.",
    ),
    "explore_title": ("Khám phá dữ liệu", "Explore"),
    "view": ("Nguồn dữ liệu", "View"),
    "indicators": ("Chỉ tiêu", "Indicators"),
    "measures": ("Số đo", "Measures"),
    "dimensions": ("Chiều phân tích", "Dimensions"),
    "filters": ("Bộ lọc (chiều = giá trị, mỗi dòng một bộ lọc)", "Filters (dimension = values, one per line)"),
    "segments": ("Nhóm định sẵn", "Segments"),
    "grain": ("Cấp thời gian", "Grain"),
    "compare": ("So sánh", "Comparison"),
    "time_from": ("Từ kỳ", "From"),
    "time_to": ("Đến kỳ", "To"),
    "as_of": ("Số liệu như đã biết vào ngày", "Data as known on"),
    "areas": ("Địa bàn", "Areas"),
    "output": ("Hiển thị", "Output"),
    "table": ("Bảng", "Table"),
    "pivot": ("Bảng xoay", "Pivot"),
    "chart": ("Biểu đồ", "Chart"),
    "chart_type": ("Loại biểu đồ", "Chart type"),
    "rows": ("Dòng", "Rows"),
    "pivot_ambiguous": (
        "Dòng × cột chưa xác định duy nhất từng giá trị: bảng chỉ lấy giá trị đầu tiên. "
        "Hãy thêm chiều vào dòng hoặc cột.",
        "Rows x columns do not identify each value: the first one is shown. Add a dimension to rows or columns.",
    ),
    "columns": ("Cột", "Columns"),
    "show_sql": ("Xem câu lệnh SQL", "Show SQL"),
    "share_link": ("Đường dẫn chia sẻ chứa toàn bộ lựa chọn (tham số ?q=).", "The link holds the whole view (?q=)."),
    "pick_something": ("Chọn chỉ tiêu hoặc số đo để bắt đầu.", "Pick indicators or measures to start."),
    "none": ("(không)", "(none)"),
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


#: letters only Vietnamese writes: an English text with one of them is a (en, vi) pair written the wrong way round
_VI_LETTERS = re.compile(r"[đăâêôơưĐĂÂÊÔƠƯ]|[\u0300-\u0323]|[àáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)


def register(tables: Mapping[str, Mapping[str, tuple[str, str]]]) -> dict[str, tuple[str, str]]:
    """One catalog from `tables` (name → its key → (vi, en)); ValueError naming the key and the tables on a key
    defined twice, and naming the key on a pair that is not two texts in (vi, en) order."""
    catalog: dict[str, tuple[str, str]] = {}
    where: dict[str, str] = {}
    for name, table in tables.items():
        for key, pair in table.items():
            if key in where:
                raise ValueError(f"UI string '{key}' is defined twice: in {where[key]} and in {name}")
            if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(x, str) and x for x in pair)):
                raise ValueError(f"UI string '{key}' in {name} is not a (vi, en) pair of texts: {pair!r}")
            if _VI_LETTERS.search(pair[1]) and not _VI_LETTERS.search(pair[0]):
                raise ValueError(f"UI string '{key}' in {name} reads (en, vi); write it (vi, en): {pair!r}")
            catalog[key] = pair
            where[key] = name
    return catalog


CATALOG: dict[str, tuple[str, str]] = register(
    {
        "pages.i18n": STRINGS,
        "pages.i18n_direction": i18n_direction.DIRECTION_STRINGS,
        "pages.i18n_exchange": i18n_exchange.EXCHANGE_STRINGS,
        "pages.i18n_explore": i18n_explore.EXPLORE_STRINGS,
        "pages.i18n_forecast": i18n_forecast.FORECAST_STRINGS,
        "pages.i18n_intake": i18n_intake.INTAKE_STRINGS,
        "pages.i18n_scenario": i18n_scenario.SCENARIO_STRINGS,
    }
)


def text(key: str, lang: str = "vi") -> str:
    vi, en = _profile_strings().get(key) or CATALOG[key]
    return vi if lang == "vi" else en


def _profile_strings() -> dict[str, tuple[str, str]]:
    """The deployment's own title and subtitle (a province's profile), over the national ones."""
    from semantic.profile import active

    profile = active()
    if not profile.province:
        return {}
    return {
        "app_title": (profile.title_vi, profile.title_en),
        "app_subtitle": (profile.subtitle_vi, profile.subtitle_en),
    }


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "vi" else pair[1]


PLAN_STATUS: dict[str, tuple[str, str]] = {
    "achieved": ("Đã đạt", "Achieved"),
    "on_track": ("Đúng tiến độ", "On track"),
    "at_risk": ("Có nguy cơ không đạt", "At risk"),
    "off_track": ("Chậm, khó đạt", "Off track"),
    "no_data": ("Chưa có số liệu", "No data"),
}

#: a plan status's light, drawn as a coloured badge (st.badge / :color-badge[]), never as an emoji that a machine
#: without a colour emoji font shows as a grey circle or an empty box
PLAN_COLOR: dict[str, str] = {
    "achieved": "green",
    "on_track": "green",
    "at_risk": "orange",
    "off_track": "red",
    "no_data": "gray",
}

COMPARE_NAMES: dict[str, tuple[str, str]] = {
    "": ("Giá trị (không so sánh)", "Level (no comparison)"),
    "yoy": ("So với cùng kỳ năm trước (%)", "Vs same period last year (%)"),
    "pop": ("So với kỳ trước (%)", "Vs previous period (%)"),
    "ytd": ("Lũy kế từ đầu năm", "Year to date"),
    "ytd_yoy": ("Lũy kế so với cùng kỳ (%)", "YTD vs last year (%)"),
}

GRAIN_NAMES: dict[str, tuple[str, str]] = {
    "": ("Theo tần suất gốc", "Native frequency"),
    "day": ("Ngày", "Day"),
    "month": ("Tháng", "Month"),
    "quarter": ("Quý", "Quarter"),
    "year": ("Năm", "Year"),
}

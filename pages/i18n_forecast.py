"""UI strings of the forecast and warning pages, registered in the one catalog by pages/i18n.py."""

from __future__ import annotations

FORECAST_STRINGS: dict[str, tuple[str, str]] = {
    "nav_forecast": ("Dự báo", "Forecasts"),
    "nav_warnings": ("Cảnh báo", "Warnings"),
    "forecast_title": ("Dự báo và kiểm định", "Forecasts and backtests"),
    "forecast_intro": (
        "Mỗi chuỗi được dự báo bằng mô hình thắng trong kiểm định quá khứ (dự báo lại từng tháng đã qua và so với số "
        "thực tế), luôn đặt cạnh phương pháp ngây thơ “lặp lại cùng kỳ năm trước”. Dự báo không phải mục tiêu hay "
        "cam kết: đó là mức có khả năng xảy ra nếu xu hướng hiện tại tiếp diễn.",
        "Each series is forecast by the model that won a backtest (re-forecasting past months and comparing with what "
        "happened), always set beside the naive method 'same period last year'. A forecast is neither a target nor "
        "a commitment: it is what is likely if current patterns continue.",
    ),
    "forecast_series": ("Chuỗi cần xem", "Series"),
    "forecast_none": (
        "Chưa có dự báo nào được lưu cho chỉ tiêu và địa bàn này. Có thể bấm “Dự báo ngay” bên dưới để tính thử "
        "(mất vài phút); bộ phận vận hành cập nhật dự báo định kỳ.",
        "No forecast is stored for this indicator and area yet. Press “Forecast now” below to compute one (takes a "
        "few minutes); operations refresh forecasts on a schedule.",
    ),
    "forecast_now": ("Dự báo ngay (không lưu)", "Forecast now (not stored)"),
    "forecast_now_help": (
        "Chạy kiểm định quá khứ và dự báo cho chỉ tiêu đã chọn trên máy chủ, ở chế độ nền: trang vẫn dùng được, "
        "thanh tiến độ cho biết số mốc đã kiểm định và thời gian còn lại ước tính theo tốc độ thực tế; kết quả chỉ "
        "hiển thị, không lưu vào kho.",
        "Runs the backtest and the forecast for the chosen indicator on the server, in the background: the page stays "
        "usable, the bar shows the origins done and the time left at the pace measured so far; shown only, not "
        "stored.",
    ),
    "forecast_now_queued": (
        "Đang chờ lượt: máy chủ đang tính một dự báo khác.",
        "Queued: the server is computing another forecast.",
    ),
    "forecast_now_progress": (
        "Đã kiểm định {done}/{total} mốc · đã chạy {elapsed}",
        "Backtested {done}/{total} origins · running for {elapsed}",
    ),
    "forecast_now_left": ("còn khoảng {left}", "about {left} left"),
    "forecast_now_took": (
        "Dự báo vừa tính (không lưu), mất {elapsed}.",
        "Forecast computed now (not stored), in {elapsed}.",
    ),
    "forecast_history": ("Số liệu thực tế", "Actual"),
    "forecast_mean": ("Dự báo", "Forecast"),
    "forecast_band80": ("Dải 80 %", "80 % band"),
    "forecast_band95": ("Dải 95 %", "95 % band"),
    "forecast_target": ("Mục tiêu", "Target"),
    "forecast_model": ("Mô hình", "Model"),
    "forecast_trained": ("Dữ liệu đến", "Data up to"),
    "forecast_generated": ("Lập lúc", "Generated"),
    "forecast_base_level": (
        "Dự báo giá trị của chỉ tiêu (đơn vị gốc).",
        "The indicator's value is forecast (its unit).",
    ),
    "forecast_base_rate": (
        "Nguồn chỉ công bố chỉ tiêu này dưới dạng tốc độ ({base}); dự báo là tốc độ đó (%), không suy ra giá trị gốc.",
        "The source publishes this indicator only as a rate ({base}); that rate (%) is forecast, no level is inferred.",
    ),
    "forecast_band_help_title": ("Dải dự báo nghĩa là gì?", "What do the bands mean?"),
    "forecast_band_help": (
        "Đường nét đứt là mức dự báo trung tâm. Dải đậm (80 %) là khoảng mà, nếu mô hình đúng, cứ 10 tháng thì "
        "khoảng 8 tháng số thực tế sẽ nằm trong đó; dải nhạt (95 %) rộng hơn, chỉ khoảng 1 trong 20 tháng nằm ngoài. "
        "Dải càng xa càng rộng vì càng xa càng khó đoán. Khi dải 80 % chạm vào đường mục tiêu, rủi ro không đạt mục "
        "tiêu là đáng kể dù mức trung tâm vẫn trong ngưỡng — đó là lúc cần cảnh báo sớm.",
        "The dashed line is the central forecast. The dark band (80 %) is where, if the model is right, the actual "
        "value falls about 8 months in 10; the light band (95 %) is wider: about 1 month in 20 falls outside. Bands "
        "widen with the horizon. When the 80 % band touches the target line, missing the target is a real risk even "
        "if the central forecast is still within it: that is when an early warning is raised.",
    ),
    "forecast_coverage": (
        "Trong kiểm định quá khứ, dải 80 % của mô hình này chứa {cov80} số thực tế và dải 95 % chứa {cov95}.",
        "In the backtest, this model's 80 % band held {cov80} of the actual values and its 95 % band {cov95}.",
    ),
    "forecast_ratio": (
        "Sai số của mô hình được chọn bằng {ratio} sai số của phương pháp ngây thơ (nhỏ hơn 1 là tốt hơn).",
        "The chosen model's error is {ratio} of the naive method's (below 1 is better).",
    ),
    "scorecard": ("Bảng điểm kiểm định (mô hình so với ngây thơ)", "Backtest scorecard (model vs naive)"),
    "scorecard_help": (
        "MASE: sai số tuyệt đối trung bình chia cho sai số của phương pháp “lặp lại cùng kỳ” trên dữ liệu huấn luyện "
        "(1 = ngang phương pháp ngây thơ). sMAPE: sai số phần trăm đối xứng. Độ phủ: tỷ lệ số thực tế nằm trong dải.",
        "MASE: mean absolute error divided by the in-sample error of 'same period last year' (1 = as good as naive). "
        "sMAPE: symmetric percentage error. Coverage: share of actual values inside the band.",
    ),
    "chosen": ("Được chọn", "Chosen"),
    "past_forecasts": ("Các lần dự báo trước so với thực tế", "Past forecasts vs actuals"),
    "past_none": (
        "Chưa có lần dự báo cũ nào có kỳ đã có số thực tế.",
        "No earlier forecast covers a period that has an actual value yet.",
    ),
    "inside80": ("Trong dải 80 %", "Inside 80 %"),
    "warnings_title": ("Cảnh báo sớm", "Early warnings"),
    "warnings_intro": (
        "Các quy tắc cảnh báo khai báo trong danh mục chỉ tiêu: vượt ngưỡng mục tiêu, chậm tiến độ kế hoạch, dải dự "
        "báo 80 % chạm mục tiêu, số liệu chưa nhận đúng hạn. Đánh giá mỗi khi dữ liệu thay đổi và khi bấm nút.",
        "Rules declared in the indicator registry: beyond the target, behind the plan's pace, the 80 % forecast band "
        "crossing the target, data not received by the due day. Evaluated whenever the data change and on demand.",
    ),
    "warnings_none": ("Không có cảnh báo nào trong phạm vi của bạn.", "No warning in your scope."),
    "warnings_reevaluate": ("Đánh giá lại ngay", "Evaluate now"),
    "warnings_badge": ("{high} cảnh báo mức cao · {medium} mức theo dõi", "{high} high · {medium} to watch"),
    "warnings_all": ("Xem tất cả cảnh báo", "All warnings"),
    "warnings_late": ("{n} chỉ tiêu chưa nhận số liệu đúng hạn", "{n} indicators past their due day"),
    "severity_high": ("Cao", "High"),
    "severity_medium": ("Theo dõi", "Watch"),
    "kind_threshold": ("Vượt ngưỡng mục tiêu", "Beyond the target"),
    "kind_forecast_breach": ("Dự báo chạm mục tiêu", "Forecast crosses the target"),
    "kind_pacing": ("Chậm tiến độ", "Behind the pace"),
    "kind_late_data": ("Chậm số liệu", "Data late"),
    "severity": ("Mức độ", "Severity"),
    "warning_kind": ("Loại", "Kind"),
    "message": ("Nội dung", "Message"),
}

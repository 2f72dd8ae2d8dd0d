"""Errors as RFC 9457 problem details (application/problem+json), with the message in Vietnamese and English."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

TITLES = {
    400: ("Bad request", "Yêu cầu không hợp lệ"),
    401: ("Unauthorized", "Chưa xác thực"),
    403: ("Forbidden", "Không có quyền"),
    404: ("Not found", "Không tìm thấy"),
    409: ("Conflict", "Xung đột"),
    413: ("Content too large", "Nội dung quá lớn"),
    415: ("Unsupported media type", "Kiểu nội dung không được hỗ trợ"),
    422: ("Unprocessable content", "Dữ liệu bị từ chối"),
    500: ("Internal error", "Lỗi hệ thống"),
    503: ("Unavailable", "Tạm thời không phục vụ"),
}


class Problem(Exception):
    """An answer that is not a success: HTTP status, why in English and Vietnamese, and extra members."""

    def __init__(self, status: int, en: str, vi: str, **extra: Any) -> None:
        super().__init__(en)
        self.status, self.en, self.vi, self.extra = status, en, vi, extra

    def body(self, instance: str = "") -> dict[str, Any]:
        title_en, title_vi = TITLES.get(self.status, ("Error", "Lỗi"))
        return {
            "type": f"https://dieuhanh.gov.vn/problems/{self.status}",
            "title": f"{title_vi} / {title_en}",
            "status": self.status,
            "detail": f"{self.vi} / {self.en}",
            "detail_vi": self.vi,
            "detail_en": self.en,
            **({"instance": instance} if instance else {}),
            **self.extra,
        }

    def response(self, instance: str = "") -> JSONResponse:
        headers = {"WWW-Authenticate": 'Bearer realm="dieuhanh"'} if self.status == 401 else None
        return JSONResponse(self.body(instance), self.status, headers=headers, media_type="application/problem+json")

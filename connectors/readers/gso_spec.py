"""What loads from GSO's release tables: which rows (by label) and which columns go to which indicator, base,
period (the release's month or the one before) and status. The engine that applies it is connectors/readers/gso.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from connectors.readers.gso_names import fold, ministry_code, province_code


@dataclass(frozen=True)
class Target:
    """Where a table row goes: indicator (None: each column names its own), area, agency, category."""

    indicator: str | None
    area: str = "VN"
    agency: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class Unknown:
    """A row whose label we cannot place: reported, not loaded."""

    what_en: str
    what_vi: str


@dataclass(frozen=True)
class Col:
    """One value column of a release table and what it means."""

    column: str
    base: str
    when: str = "cur"  # cur: the release's own month; pre: the month before (the release revises it)
    status: str = "estimate"
    index_form: bool = False  # printed as "same period last year = 100" (109.43 means +9.43 %)
    indicator: str | None = None  # the column's own indicator (one row feeds several indicators)
    only: tuple[str, ...] = ()  # load this column only for rows of these indicators


@dataclass(frozen=True)
class Spec:
    file: str
    name_col: str
    cols: tuple[Col, ...]
    target: Callable[[str, pd.Series], Target | Unknown | None]
    total: str  # the national total's indicator: decides a release's index/percent form


def names(mapping: dict[str, str]) -> Callable[[str, pd.Series], Target | None]:
    """Rows picked by label; any other label is a sub-item we do not load."""
    folded = {fold(k): v for k, v in mapping.items()}
    return lambda name, _row: Target(folded[fold(name)]) if fold(name) in folded else None


CPI_GROUPS = {
    "CHỈ SỐ GIÁ TIÊU DÙNG": "CPI",
    "Hàng ăn và dịch vụ ăn uống": "CPI_FOOD",
    "Lương thực": "CPI_CEREAL",
    "Thực phẩm": "CPI_FOODSTUFF",
    "Ăn uống ngoài gia đình": "CPI_EATOUT",
    "Đồ uống và thuốc lá": "CPI_BEVTOB",
    "May mặc, mũ nón và giày dép": "CPI_CLOTHING",
    "Nhà ở và vật liệu xây dựng": "CPI_HOUSING",
    "Thiết bị và đồ dùng gia đình": "CPI_HOUSEHOLD",
    "Thuốc và dịch vụ y tế": "CPI_HEALTH",
    "Dịch vụ y tế": "CPI_HEALTHSVC",
    "Giao thông": "CPI_TRANSPORT",
    "Bưu chính viễn thông": "CPI_POSTTEL",
    "Giáo dục": "CPI_EDU",
    "Dịch vụ giáo dục": "CPI_EDUSVC",
    "Văn hoá, giải trí và du lịch": "CPI_CULTURE",
    "Hàng hóa và dịch vụ khác": "CPI_OTHER",
    "CHỈ SỐ GIÁ VÀNG": "GOLD_IDX",
    "CHỈ SỐ GIÁ ĐÔ LA MỸ": "USD_IDX",
    "LẠM PHÁT CƠ BẢN": "CORE_INFL",
}
IIP_SECTORS = {
    "Toàn ngành công nghiệp": "IIP",
    "Khai khoáng": "IIP_MINING",
    "Công nghiệp chế biến, chế tạo": "IIP_MANUF",
    "Sản xuất và phân phối điện": "IIP_ELEC",
    "Cung cấp nước; hoạt động quản lý và xử lý rác thải, nước thải": "IIP_WATER",
}
RETAIL_PARTS = {
    "TỔNG SỐ": "RETAIL",
    "Bán lẻ hàng hóa": "RETAIL_GOODS",
    "Dịch vụ lưu trú, ăn uống": "RETAIL_ACCOM",
    "Du lịch lữ hành": "RETAIL_TRAVEL",
    "Dịch vụ khác": "RETAIL_OTHER",
}
PRODUCTS = {
    "Than đá (than sạch)": "PROD_COAL",
    "Dầu mỏ thô khai thác": "PROD_CRUDE_OIL",
    "Khí đốt thiên nhiên dạng khí": "PROD_NATGAS",
    "Điện sản xuất": "PROD_ELECTRICITY",
    "Xi măng": "PROD_CEMENT",
    "Sắt, thép thô": "PROD_CRUDE_STEEL",
    "Ô tô": "PROD_CARS",
    "Xe máy": "PROD_MOTORBIKES",
    "Điện thoại di động": "PROD_MOBILE_PHONES",
}
PUBINV_AGGREGATES = {
    "TỔNG SỐ": "PUBINV_DISB",
    "Trung ương": "PUBINV_DISB_CENTRAL",
    "Địa phương": "PUBINV_DISB_LOCAL",
    "Vốn ngân sách NN cấp tỉnh": "PUBINV_DISB_PROVINCIAL",
    "Vốn ngân sách NN cấp huyện": "PUBINV_DISB_DISTRICT",
    "Vốn ngân sách NN cấp xã": "PUBINV_DISB_COMMUNE",
}


def _trade(total: str) -> Callable[[str, pd.Series], Target | None]:
    """Exports/imports: the total, the domestic and foreign-invested sectors, and products (category)."""
    sectors = {
        "tong tri gia": total,
        "khu vuc kinh te trong nuoc": f"{total}_DOMESTIC",
        "khu vuc co von dau tu nn": f"{total}_FDI",
    }

    def target(name: str, _row: pd.Series) -> Target | None:
        key = fold(name)
        if key in sectors:
            return Target(sectors[key])
        # 'Hàng hoá khác' is all goods but crude oil (not a product); 'Trong đó: ...' is a sub-item whose parent the
        # table shows only by position, so its label is ambiguous ('Nguyên chiếc' of cars and of motorbikes)
        if key == "hang hoa khac" or key.startswith("trong do"):
            return None
        return Target(total, category=name)

    return target


def _pubinv(name: str, _row: pd.Series) -> Target | Unknown:
    folded = {fold(k): v for k, v in PUBINV_AGGREGATES.items()}
    if fold(name) in folded:
        return Target(folded[fold(name)])
    if fold(name).startswith("bo "):
        agency = ministry_code(name)
        if agency is None:
            return Unknown(f"ministry '{name}' has no agency code", f"bộ '{name}' chưa có mã cơ quan")
        return Target("PUBINV_DISB", agency=agency)
    area = province_code(name)
    if area is None:
        return Unknown(f"'{name}' is neither a ministry nor a province", f"'{name}' không phải bộ hay tỉnh")
    return Target("PUBINV_DISB", area=area)


def _fdi(name: str, row: pd.Series) -> Target | Unknown:
    if fold(name) == "tong so":
        return Target(None)
    if row.get("Trong Nước") == "Trong Nước":  # a province; other rows are investor countries and territories
        area = province_code(name)
        if area is None:
            return Unknown(
                f"province '{name}' is not in the 63-province list", f"tỉnh '{name}' không có trong danh sách"
            )
        return Target(None, area=area)
    return Target(None, category=name)


CUR_LEVEL = Col("E-Total-M", "level")
SPECS = (
    Spec(
        "gso_cpi.csv",
        "Hàng hóa",
        (
            Col("YOY", "yoy", status="official"),
            Col("MOM", "pop", status="official"),
            Col("YTD-YOY", "ytd_yoy", status="official"),
        ),
        names(CPI_GROUPS),
        "CPI",
    ),
    Spec(
        "gso_iip.csv",
        "Ngành",
        (
            Col("E-YOY", "yoy"),
            Col("YOY-Pre-Month", "yoy", when="pre", status="revised"),
            Col("MOM", "pop"),
            Col("YTD-YOY", "ytd_yoy"),
        ),
        names(IIP_SECTORS),
        "IIP",
    ),
    Spec(
        "gso_spcn.csv",
        "Ngành",
        (
            CUR_LEVEL,
            Col("Total-Pre-Month", "level", when="pre", status="revised"),
            Col("Total-YTD", "ytd"),
            Col("YOY", "yoy"),
            Col("YTD-YOY", "ytd_yoy"),
        ),
        names(PRODUCTS),
        "PROD_ELECTRICITY",
    ),
    Spec(
        "gso_tongmuc.csv",
        "Phân Loại",
        (
            Col("E-M", "level"),
            Col("Pre-M", "level", when="pre", status="revised"),
            Col("YTD", "ytd"),
            Col("M-YOY", "yoy", index_form=True),
            Col("YTD-YOY", "ytd_yoy", index_form=True),
        ),
        names(RETAIL_PARTS),
        "RETAIL",
    ),
    Spec(
        "gso_xk.csv",
        "Ngành",
        (
            Col("Total-M", "level"),
            Col("Total-YOY", "ytd"),
            Col("YOY", "yoy"),
            Col("YTD-YOY", "ytd_yoy"),
        ),
        _trade("EXPORTS"),
        "EXPORTS",
    ),
    Spec(
        "gso_nk.csv",
        "Ngành",
        (
            Col("Total-M", "level"),
            Col("Total-YOY", "ytd"),
            Col("YOY", "yoy"),
            Col("YTD-YOY", "ytd_yoy"),
        ),
        _trade("IMPORTS"),
        "IMPORTS",
    ),
    Spec(
        "gso_xnk.csv",
        "Ngành",
        (
            Col("Thặng dự tháng", "level", indicator="TRADE_BALANCE"),
            Col("Thặng dự từ đầu năm", "ytd", indicator="TRADE_BALANCE"),
            Col("Kim ngạch xnk tháng", "level", indicator="TRADE_TURNOVER"),
            Col("Kim ngạch xnk từ đầu năm", "ytd", indicator="TRADE_TURNOVER"),
        ),
        names({"TỔNG TRỊ GIÁ": ""}),
        "TRADE_TURNOVER",
    ),
    # cumulative registered capital from 1 January to the cut-off day of the release: a year-to-date level
    Spec(
        "gso_fdi.csv",
        "Phân Loại",
        (
            Col("Vốn đăng ký", "ytd", status="official", indicator="FDI_REG"),
            Col("Vốn đăng ký cấp mới", "ytd", status="official", indicator="FDI_NEW"),
            Col("Số dự án", "ytd", status="official", indicator="FDI_PROJECTS"),
        ),
        _fdi,
        "FDI_REG",
    ),
    Spec(
        "gso_vdt.csv",
        "Phân Loại",
        (
            CUR_LEVEL,
            Col("Total-Pre-Month", "level", when="pre", status="revised"),
            Col("Total-YOY", "ytd"),
            Col("YTD-YOY", "ytd_yoy"),
            Col("E-MOM", "pop"),
            Col("YOP", "level", indicator="PUBINV_DISB_PLAN_PCT", only=("PUBINV_DISB",)),
        ),
        _pubinv,
        "PUBINV_DISB",
    ),
)

"""The Government's agencies before and after the restructuring of 1 March 2025, and provinces' people's committees.

Sources: Resolution 176/2025/QH15 (the Government of the 15th National Assembly term: 14 ministries and 3
ministerial-level agencies from 1 March 2025) and the decrees on each ministry's functions (Nghị định 25-42/2025).
Codes are the usual English acronyms. One row per code: an agency that was merged away closes on the merger date;
one that absorbed others (MOF, MOC, MOST, MOHA) keeps its code and stays open.

Province committees are coded `UBND-<GSO province code>` ("UBND-33" = Ủy ban nhân dân tỉnh Hưng Yên), so tasks can be
assigned to a province's people's committee. The 29 committees of provinces merged away on 1 July 2025 close then
and pass to the committee of the province they joined (UBND-34 Thái Bình -> UBND-33 Hưng Yên), like the areas.

Kinds: government | ministry | ministerial_agency | government_agency | ministry_unit (a department of a ministry
that owns statistics, e.g. GSO) | province_committee | province_department (a province's sở, ban, ngành: only in a
province's deployment, from its profile, semantic/profiles/province_NN.yml).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from connectors.seed.names import english_name
from warehouse.lazy import lazy
from warehouse.lineage import MERGER_2025, OPEN_END

pd = lazy("pandas")

RESTRUCTURING_2025 = date(2025, 3, 1)
ALWAYS = date(1945, 9, 2)
COMMITTEES_FROM = date(2004, 1, 1)
COLUMNS = ["code", "name_vi", "name_en", "kind", "valid_from", "valid_to"]

#: In office throughout: (code, name_vi, name_en, kind).
_CURRENT: tuple[tuple[str, str, str, str], ...] = (
    ("GOV", "Chính phủ", "Government of Viet Nam", "government"),
    ("TTG", "Thủ tướng Chính phủ", "Prime Minister", "government"),
    ("MOD", "Bộ Quốc phòng", "Ministry of National Defence", "ministry"),
    ("MPS", "Bộ Công an", "Ministry of Public Security", "ministry"),
    ("MOFA", "Bộ Ngoại giao", "Ministry of Foreign Affairs", "ministry"),
    ("MOHA", "Bộ Nội vụ", "Ministry of Home Affairs", "ministry"),
    ("MOJ", "Bộ Tư pháp", "Ministry of Justice", "ministry"),
    ("MOF", "Bộ Tài chính", "Ministry of Finance", "ministry"),
    ("MOIT", "Bộ Công Thương", "Ministry of Industry and Trade", "ministry"),
    ("MOC", "Bộ Xây dựng", "Ministry of Construction", "ministry"),
    ("MOCST", "Bộ Văn hóa, Thể thao và Du lịch", "Ministry of Culture, Sports and Tourism", "ministry"),
    ("MOST", "Bộ Khoa học và Công nghệ", "Ministry of Science and Technology", "ministry"),
    ("MOET", "Bộ Giáo dục và Đào tạo", "Ministry of Education and Training", "ministry"),
    ("MOH", "Bộ Y tế", "Ministry of Health", "ministry"),
    ("SBV", "Ngân hàng Nhà nước Việt Nam", "State Bank of Viet Nam", "ministerial_agency"),
    ("GI", "Thanh tra Chính phủ", "Government Inspectorate", "ministerial_agency"),
    ("OOG", "Văn phòng Chính phủ", "Office of the Government", "ministerial_agency"),
    ("VTV", "Đài Truyền hình Việt Nam", "Viet Nam Television", "government_agency"),
    ("VOV", "Đài Tiếng nói Việt Nam", "Voice of Viet Nam", "government_agency"),
    ("VNA", "Thông tấn xã Việt Nam", "Viet Nam News Agency", "government_agency"),
    (
        "VAST",
        "Viện Hàn lâm Khoa học và Công nghệ Việt Nam",
        "Vietnam Academy of Science and Technology",
        "government_agency",
    ),
    ("VASS", "Viện Hàn lâm Khoa học xã hội Việt Nam", "Vietnam Academy of Social Sciences", "government_agency"),
    # under both the Party Central Committee and the Government
    (
        "HCMA",
        "Học viện Chính trị quốc gia Hồ Chí Minh",
        "Ho Chi Minh National Academy of Politics",
        "government_agency",
    ),
    # moved under the Ministry of Finance on 1 March 2025, keeping their codes (they were not merged away)
    (
        "GSO",
        "Cục Thống kê (Bộ Tài chính); trước 01/03/2025: Tổng cục Thống kê",
        "National Statistics Office (GSO), Ministry of Finance",
        "ministry_unit",
    ),
    (
        "VSS",
        "Bảo hiểm xã hội Việt Nam (thuộc Bộ Tài chính từ 01/03/2025)",
        "Viet Nam Social Security (under the Ministry of Finance from 1 March 2025)",
        "ministry_unit",
    ),
)

#: Created on 1 March 2025 from merged ministries.
_NEW_2025: tuple[tuple[str, str, str, str], ...] = (
    ("MAE", "Bộ Nông nghiệp và Môi trường", "Ministry of Agriculture and Environment", "ministry"),
    ("MEMR", "Bộ Dân tộc và Tôn giáo", "Ministry of Ethnic Minorities and Religions", "ministry"),
)

#: Merged away on 1 March 2025: (code, name_vi, name_en, kind, primary successor).
_CLOSED_2025: tuple[tuple[str, str, str, str, str], ...] = (
    ("MPI", "Bộ Kế hoạch và Đầu tư", "Ministry of Planning and Investment", "ministry", "MOF"),
    ("MOT", "Bộ Giao thông vận tải", "Ministry of Transport", "ministry", "MOC"),
    ("MIC", "Bộ Thông tin và Truyền thông", "Ministry of Information and Communications", "ministry", "MOST"),
    (
        "MARD",
        "Bộ Nông nghiệp và Phát triển nông thôn",
        "Ministry of Agriculture and Rural Development",
        "ministry",
        "MAE",
    ),
    ("MONRE", "Bộ Tài nguyên và Môi trường", "Ministry of Natural Resources and Environment", "ministry", "MAE"),
    (
        "MOLISA",
        "Bộ Lao động - Thương binh và Xã hội",
        "Ministry of Labour, Invalids and Social Affairs",
        "ministry",
        "MOHA",
    ),
    ("CEMA", "Ủy ban Dân tộc", "Committee for Ethnic Minority Affairs", "ministerial_agency", "MEMR"),
    (
        "CMSC",
        "Ủy ban Quản lý vốn nhà nước tại doanh nghiệp",
        "Commission for the Management of State Capital at Enterprises",
        "government_agency",
        "MOF",
    ),
    (
        "HCMMB",
        "Ban Quản lý Lăng Chủ tịch Hồ Chí Minh",
        "Ho Chi Minh Mausoleum Management Board",
        "government_agency",
        "MOD",
    ),
)

#: Parts of a closed ministry that went elsewhere than its primary successor. Lineage keeps the primary successor
#: only (a whole ministry's history must count once); these are noted for readers and for tasks re-assigned by hand.
SECONDARY_SUCCESSORS: dict[str, tuple[tuple[str, str], ...]] = {
    "MOLISA": (
        ("MOH", "bảo trợ xã hội, trẻ em, phòng chống tệ nạn xã hội / social protection, children, social evils"),
        ("MOET", "giáo dục nghề nghiệp / vocational education"),
        ("MAE", "giảm nghèo / poverty reduction"),
    ),
    "MIC": (("MOCST", "báo chí, xuất bản / press and publishing"),),
}


def _committee_names(name_vi: str) -> tuple[str, str]:
    kind, _, rest = name_vi.partition(" ")
    if kind == "Thành":  # "Thành phố X"
        _, _, rest = rest.partition(" ")
        vi = f"Ủy ban nhân dân thành phố {rest}"
    else:
        vi = f"Ủy ban nhân dân tỉnh {rest}"
    return vi, f"People's Committee of {english_name(name_vi)}"


def committee_code(province_code: str) -> str:
    return f"UBND-{province_code}"


def agencies(provinces: list[tuple[str, str]], mapping: list[dict[str, str]]) -> pd.DataFrame:
    """Every agency row. `provinces`: the 34 (code, name) of 2025; `mapping`: the 63 -> 34 rows."""
    rows = [(c, vi, en, k, ALWAYS, OPEN_END) for c, vi, en, k in _CURRENT]
    rows += [(c, vi, en, k, RESTRUCTURING_2025, OPEN_END) for c, vi, en, k in _NEW_2025]
    rows += [(c, vi, en, k, ALWAYS, RESTRUCTURING_2025) for c, vi, en, k, _ in _CLOSED_2025]
    current = {code for code, _ in provinces}
    for code, name in provinces:
        vi, en = _committee_names(name)
        rows.append((committee_code(code), vi, en, "province_committee", COMMITTEES_FROM, OPEN_END))
    for r in mapping:
        if r["old_code"] in current:
            continue
        vi, en = _committee_names(r["old_name"])
        rows.append((committee_code(r["old_code"]), vi, en, "province_committee", COMMITTEES_FROM, MERGER_2025))
    return pd.DataFrame(rows, columns=COLUMNS)


def lineage_pairs(mapping: list[dict[str, str]]) -> list[tuple[str, str, date]]:
    """(old, new, effective) before closure: merged ministries and merged provinces' committees."""
    pairs = [(c, succ, RESTRUCTURING_2025) for c, _, _, _, succ in _CLOSED_2025]
    pairs += [
        (committee_code(r["old_code"]), committee_code(r["new_code"]), MERGER_2025)
        for r in mapping
        if r["old_code"] != r["new_code"]
    ]
    return pairs


#: a province's departments as they stand after the reorganisation of 1 March 2025 (codes are the profile's)
DEPARTMENTS_FROM = RESTRUCTURING_2025


def departments(profile: Any) -> pd.DataFrame:
    """The agency rows of a province deployment's departments (none for the national profile)."""
    rows = [
        (d.code, d.name_vi, d.name_en, "province_department", DEPARTMENTS_FROM, OPEN_END) for d in profile.departments
    ]
    return pd.DataFrame(rows, columns=COLUMNS)

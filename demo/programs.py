"""Demo national target programs and key national projects (flagged demo): programs with their legal basis, one
component per implementing province or ministry, monthly progress reports for 2024-2025 and milestones.

Capital figures are rounded public orders of magnitude, the monthly paths are invented (seeded): national totals of
state-budget disbursement come from GSO's real series (PUBINV_DISB), not from here.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

from warehouse.db import Warehouse
from warehouse.lineage import OPEN_END
from warehouse.schema import table

D = date.fromisoformat
END = date(2025, 12, 31)
YEARS = (2024, 2025)
#: cumulative share of the year's plan, by month: as planned, and as public investment usually goes (slow start,
#: rush at the year's end)
PLAN_CUM = (0.05, 0.10, 0.17, 0.25, 0.33, 0.42, 0.50, 0.58, 0.67, 0.77, 0.88, 1.00)
ACTUAL_CUM = (0.03, 0.07, 0.12, 0.18, 0.25, 0.33, 0.40, 0.48, 0.57, 0.66, 0.77, 0.91)

#: (id, kind, name_vi, name_en, owner, from, to, central budget capital bn VND, legal basis)
PROGRAMS = (
    (
        "CTMTQG-NTM",
        "ntp",
        "Chương trình MTQG xây dựng nông thôn mới giai đoạn 2021-2025",
        "National target program on new rural development 2021-2025",
        "MAE",
        "2021-01-01",
        "2025-12-31",
        39_632,
        "Quyết định 263/QĐ-TTg ngày 22/02/2022",
    ),
    (
        "CTMTQG-GNBV",
        "ntp",
        "Chương trình MTQG giảm nghèo bền vững giai đoạn 2021-2025",
        "National target program on sustainable poverty reduction 2021-2025",
        "MAE",
        "2021-01-01",
        "2025-12-31",
        48_000,
        "Quyết định 90/QĐ-TTg ngày 18/01/2022",
    ),
    (
        "CTMTQG-DTTS",
        "ntp",
        "Chương trình MTQG phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi",
        "National target program on socio-economic development of ethnic minority and mountainous areas",
        "MEMR",
        "2021-01-01",
        "2030-12-31",
        104_000,
        "Quyết định 1719/QĐ-TTg ngày 14/10/2021",
    ),
    (
        "DAQT-GT",
        "key",
        "Dự án quan trọng quốc gia, công trình trọng điểm ngành giao thông",
        "Key national transport projects",
        "MOC",
        "2021-01-01",
        "2027-12-31",
        0,
        "Các nghị quyết của Quốc hội",
    ),
)
DTTS_PROVINCES = (
    "04",
    "08",
    "11",
    "12",
    "14",
    "15",
    "19",
    "20",
    "22",
    "25",
    "38",
    "40",
    "44",
    "46",
    "48",
    "51",
    "52",
    "56",
    "66",
    "68",
    "75",
    "91",
    "92",
    "96",
)

#: key projects: (id, name_vi, name_en, agency, province, capital bn VND, start, planned end)
KEY_PROJECTS = (
    (
        "DA-BN-BVHN",
        "Cao tốc Bắc - Nam phía Đông, đoạn Bãi Vọt - Hàm Nghi",
        "North-South expressway (east): Bai Vot - Ham Nghi",
        "MOC",
        "42",
        7_000,
        "2023-01-01",
        "2025-12-31",
    ),
    (
        "DA-BN-VAB",
        "Cao tốc Bắc - Nam phía Đông, đoạn Vũng Áng - Bùng",
        "North-South expressway (east): Vung Ang - Bung",
        "MOC",
        "44",
        12_000,
        "2023-01-01",
        "2025-12-31",
    ),
    (
        "DA-BN-VNCL",
        "Cao tốc Bắc - Nam phía Đông, đoạn Vạn Ninh - Cam Lộ",
        "North-South expressway (east): Van Ninh - Cam Lo",
        "MOC",
        "44",
        10_000,
        "2023-01-01",
        "2025-12-31",
    ),
    (
        "DA-BN-QNHN",
        "Cao tốc Bắc - Nam phía Đông, đoạn Quảng Ngãi - Hoài Nhơn",
        "North-South expressway (east): Quang Ngai - Hoai Nhon",
        "MOC",
        "51",
        20_000,
        "2023-01-01",
        "2026-06-30",
    ),
    (
        "DA-BN-CTVP",
        "Cao tốc Bắc - Nam phía Đông, đoạn Chí Thạnh - Vân Phong",
        "North-South expressway (east): Chi Thanh - Van Phong",
        "MOC",
        "66",
        13_000,
        "2023-01-01",
        "2025-12-31",
    ),
    (
        "DA-BN-HGCM",
        "Cao tốc Bắc - Nam phía Đông, đoạn Hậu Giang - Cà Mau",
        "North-South expressway (east): Hau Giang - Ca Mau",
        "MOC",
        "92",
        17_000,
        "2023-01-01",
        "2025-12-31",
    ),
    (
        "DA-LT",
        "Cảng hàng không quốc tế Long Thành giai đoạn 1",
        "Long Thanh international airport, phase 1",
        "MOC",
        "75",
        109_111,
        "2021-01-05",
        "2026-06-30",
    ),
    (
        "DA-VD4-HN",
        "Đường Vành đai 4 - Vùng Thủ đô, dự án thành phần trên địa bàn Hà Nội",
        "Ha Noi ring road 4: Ha Noi component",
        "UBND-01",
        "01",
        40_000,
        "2023-06-25",
        "2027-06-30",
    ),
    (
        "DA-VD4-HY",
        "Đường Vành đai 4 - Vùng Thủ đô, dự án thành phần trên địa bàn Hưng Yên",
        "Ha Noi ring road 4: Hung Yen component",
        "UBND-33",
        "33",
        20_000,
        "2023-06-25",
        "2027-06-30",
    ),
    (
        "DA-VD4-BN",
        "Đường Vành đai 4 - Vùng Thủ đô, dự án thành phần trên địa bàn Bắc Ninh",
        "Ha Noi ring road 4: Bac Ninh component",
        "UBND-24",
        "24",
        25_000,
        "2023-06-25",
        "2027-06-30",
    ),
    (
        "DA-VD3-HCM",
        "Đường Vành đai 3 TP. Hồ Chí Minh, dự án thành phần trên địa bàn TP. Hồ Chí Minh",
        "Ho Chi Minh City ring road 3: HCMC component",
        "UBND-79",
        "79",
        45_000,
        "2023-06-18",
        "2026-06-30",
    ),
    (
        "DA-VD3-DN",
        "Đường Vành đai 3 TP. Hồ Chí Minh, dự án thành phần trên địa bàn Đồng Nai",
        "Ho Chi Minh City ring road 3: Dong Nai component",
        "UBND-75",
        "75",
        7_000,
        "2023-06-18",
        "2026-06-30",
    ),
    (
        "DA-KHBMT-DL",
        "Cao tốc Khánh Hòa - Buôn Ma Thuột, dự án thành phần trên địa bàn Đắk Lắk",
        "Khanh Hoa - Buon Ma Thuot expressway: Dak Lak component",
        "UBND-66",
        "66",
        15_900,
        "2023-06-18",
        "2026-12-31",
    ),
    (
        "DA-BHVT-DN",
        "Cao tốc Biên Hòa - Vũng Tàu giai đoạn 1",
        "Bien Hoa - Vung Tau expressway, phase 1",
        "UBND-75",
        "75",
        17_837,
        "2023-06-18",
        "2026-06-30",
    ),
    (
        "DA-CDCT-CT",
        "Cao tốc Châu Đốc - Cần Thơ - Sóc Trăng, dự án thành phần trên địa bàn Cần Thơ",
        "Chau Doc - Can Tho - Soc Trang expressway: Can Tho component",
        "UBND-92",
        "92",
        23_000,
        "2023-06-17",
        "2027-06-30",
    ),
)
MILESTONES = (
    ("Khởi công", "Groundbreaking", 0.0),
    ("Hoàn thành giải phóng mặt bằng", "Site clearance complete", 0.25),
    ("Thông xe kỹ thuật", "Technical opening", 0.9),
    ("Hoàn thành, đưa vào khai thác", "Completed, in operation", 1.0),
)


def _provinces(wh: Warehouse) -> list[str]:
    area = table("area")
    frame = wh.execute(area.filter(area.level == "province").select("code", "valid_to"))
    return sorted(frame.loc[pd.to_datetime(frame["valid_to"]).dt.date >= OPEN_END, "code"])


def projects(provinces: list[str]) -> pd.DataFrame:
    # area_code is None on a program's central component: the owner ministry's share belongs to no province
    rows: list[tuple[str, str, str, str, str, str | None, float, date, date]] = []
    for pid, name_vi, name_en, agency, area, capital, start, end in KEY_PROJECTS:
        rows.append((pid, "DAQT-GT", name_vi, name_en, agency, area, float(capital), D(start), D(end)))
    ntp = {p[0]: p for p in PROGRAMS if p[1] == "ntp"}
    for prog, places in (("CTMTQG-NTM", provinces), ("CTMTQG-GNBV", provinces), ("CTMTQG-DTTS", DTTS_PROVINCES)):
        _, _, name_vi, name_en, owner, start, end, capital, _ = ntp[prog]
        gen = random.Random(f"weights:{prog}")
        weights = {a: gen.uniform(0.5, 1.5) for a in places}
        central = 0.08  # the owner ministry's own component (guidance, monitoring, training)
        rows.append(
            (
                f"{prog}-TW",
                prog,
                f"{name_vi}: hợp phần trung ương",
                f"{name_en}: central component",
                owner,
                None,
                capital * central,
                D(start),
                D(end),
            )
        )
        total = sum(weights.values())
        for a in places:
            rows.append(
                (
                    f"{prog}-{a}",
                    prog,
                    f"{name_vi}: tỉnh/thành phố {a}",
                    f"{name_en}: province {a}",
                    f"UBND-{a}",
                    a,
                    round(capital * (1 - central) * weights[a] / total, 1),
                    D(start),
                    D(end),
                )
            )
    return pd.DataFrame(
        rows,
        columns=[
            "project_id",
            "program_id",
            "name_vi",
            "name_en",
            "agency_code",
            "area_code",
            "plan_capital",
            "started_on",
            "planned_end",
        ],
    ).assign(demo=True)


def _key(program_id: str) -> bool:
    """A program of key projects (physical progress and milestones), not a target program's components."""
    return program_id == "DAQT-GT" or program_id.endswith("-DATD")


def _year_plan(rec: pd.Series, year: int, gen: random.Random) -> float:
    if _key(rec.program_id):
        years = max((rec.planned_end - rec.started_on).days / 365.25, 1.0)
        return round(rec.plan_capital / years * gen.uniform(0.8, 1.2), 1)
    return round(rec.plan_capital / 5 * gen.uniform(0.85, 1.15), 1)


def progress(plist: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for rec in plist.itertuples(index=False):
        gen = random.Random(f"progress:{rec.project_id}")
        key = _key(rec.program_id)
        works = gen.uniform(0.86, 1.04)  # how the works keep to their schedule: steady, so progress never falls back
        for year in YEARS:
            plan = _year_plan(rec, year, gen)
            pace = gen.uniform(0.9, 1.08) if key else gen.uniform(0.6, 1.0)
            ytd_prev = 0.0
            for m in range(12):
                month = date(year, m + 1, 1)
                if month < rec.started_on.replace(day=1) or month > END:
                    continue
                ytd = round(min(plan, max(ytd_prev, plan * ACTUAL_CUM[m] * pace * gen.uniform(0.95, 1.05))), 1)
                physical = plan_phys = None
                if key:
                    span = (rec.planned_end - rec.started_on).days
                    plan_phys = round(min(100.0, 100 * max((month - rec.started_on).days, 0) / span), 1)
                    physical = round(min(100.0, plan_phys * works), 1)
                rows.append(
                    (
                        rec.project_id,
                        month,
                        round(ytd - ytd_prev, 1),
                        ytd,
                        plan,
                        round(plan * PLAN_CUM[m], 1),
                        physical,
                        plan_phys,
                    )
                )
                ytd_prev = ytd
    return pd.DataFrame(
        rows,
        columns=[
            "project_id",
            "month",
            "disbursed",
            "disbursed_ytd",
            "plan_year",
            "plan_ytd",
            "physical_pct",
            "physical_plan_pct",
        ],
    ).assign(demo=True)


def milestones(plist: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for rec in plist[plist["program_id"].map(_key)].itertuples(index=False):
        gen = random.Random(f"milestones:{rec.project_id}")
        span = (rec.planned_end - rec.started_on).days
        for seq, (vi, en, at) in enumerate(MILESTONES, start=1):
            planned = rec.started_on + timedelta(days=round(span * at))
            delay = 0 if seq == 1 else gen.choice((0, 0, 15, 45, 120, 200))
            done = planned + timedelta(days=delay)
            rows.append((rec.project_id, seq, vi, en, planned, done if done <= END else None))
    return pd.DataFrame(rows, columns=["project_id", "seq", "name_vi", "name_en", "planned_on", "done_on"]).assign(
        demo=True
    )


def frames(wh: Warehouse) -> dict[str, pd.DataFrame]:
    from demo.province import key_projects

    program, own = key_projects()  # a province's deployment: its own key projects too (none nationally)
    plist = pd.concat([projects(_provinces(wh)), own], ignore_index=True) if len(own) else projects(_provinces(wh))
    prog = pd.DataFrame(
        [(p[0], p[1], p[2], p[3], p[4], D(p[5]), D(p[6]), float(p[7]), p[8]) for p in (*PROGRAMS, *program)],
        columns=[
            "program_id",
            "kind",
            "name_vi",
            "name_en",
            "owner_agency",
            "period_from",
            "period_to",
            "plan_capital",
            "legal_basis",
        ],
    ).assign(demo=True)
    for pid in [p[0] for p in (*PROGRAMS, *program) if _key(p[0])]:
        prog.loc[prog["program_id"] == pid, "plan_capital"] = float(
            plist.loc[plist["program_id"] == pid, "plan_capital"].sum()
        )
    return {
        "program": prog,
        "project": plist,
        "project_progress": progress(plist),
        "project_milestone": milestones(plist),
    }

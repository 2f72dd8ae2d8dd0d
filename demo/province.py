"""A province deployment's demo data (DIEUHANH_PROFILE=province:NN), every row flagged demo: the province's own
indicators (semantic/profiles/<profile>/indicators) at the province and, for the commune indicators, at each of its
communes and wards of July 2025; the tasks its People's Committee and Chairman assigned to departments and communes
(quyết định, chỉ thị, công văn, thông báo kết luận of UBND tỉnh), through the task connector and its rules; and the
province's annual targets. Real figures of the province (the rows of national series: GRDP growth, population …)
come from the national seed, unchanged. Nothing here runs for the national profile.

Values are deterministic (seeded by indicator code) and of a plausible order for a province of about 3.5 million
people; they are NOT Hưng Yên's figures, and every row says so (status `demo`, the indicator's `demo: true`).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd

from connectors.tasks.task_files import load_tasks
from demo import series as demo
from demo.calendar import END, months, rng
from demo.direction import SEED, _csv, _row
from semantic.profile import Profile
from semantic.profile import active as active_profile
from semantic.registry import Indicator, Registry
from semantic.scope import Scope
from warehouse.db import Warehouse
from warehouse.direction import ensure_tables
from warehouse.lineage import MERGER_2025
from warehouse.load import BatchInfo, LoadResult
from warehouse.schema import table

SOURCE = "demo"
FIRST_MONTH = date(2024, 1, 1)

#: (document number, date, content, who: "departments" | "communes" | both) — the committee's demo documents
DOCUMENTS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("15/QĐ-UBND", "2025-01-10", "Giao chỉ tiêu kế hoạch phát triển kinh tế - xã hội năm 2025", ("departments",)),
    ("02/CT-UBND", "2025-02-20", "Đẩy nhanh giải ngân vốn đầu tư công năm 2025", ("departments",)),
    ("85/TB-UBND", "2025-05-16", "Kết luận của Chủ tịch UBND tỉnh tại phiên họp thường kỳ tháng 5", ("departments",)),
    ("12/CT-UBND", "2025-07-15", "Vận hành chính quyền địa phương hai cấp sau sắp xếp", ("departments", "communes")),
    ("2345/UBND-KT", "2025-09-05", "Rà soát, báo cáo số liệu thu ngân sách trên địa bàn xã", ("communes",)),
    ("140/TB-UBND", "2025-10-20", "Kết luận của Chủ tịch UBND tỉnh về chuyển đổi số", ("departments", "communes")),
)

#: what each department is asked (department code -> task), by document theme
DEPARTMENT_TASKS: dict[str, str] = {
    "HY-STC": "Theo dõi thu, chi ngân sách; tham mưu điều hành dự toán, báo cáo UBND tỉnh",
    "HY-SXD": "Đôn đốc tiến độ các dự án giao thông, đô thị trọng điểm của tỉnh",
    "HY-SCT": "Theo dõi sản xuất công nghiệp, thương mại, xuất khẩu; đề xuất giải pháp thúc đẩy tăng trưởng",
    "HY-SNNMT": "Tháo gỡ vướng mắc đất đai, giải phóng mặt bằng cho dự án đầu tư",
    "HY-SGDDT": "Bảo đảm điều kiện dạy và học năm học mới trên địa bàn tỉnh",
    "HY-SYT": "Bảo đảm khám, chữa bệnh và phòng, chống dịch bệnh trên địa bàn",
    "HY-SNV": "Hướng dẫn sắp xếp tổ chức bộ máy, bố trí cán bộ cấp xã",
    "HY-SKHCN": "Triển khai nền tảng dữ liệu dùng chung, kết nối Hệ thống thông tin báo cáo",
    "HY-BQLKCN": "Thu hút, giải quyết thủ tục cho dự án FDI vào các khu công nghiệp",
    "HY-VP": "Tổng hợp tình hình thực hiện nhiệm vụ được giao, báo cáo Chủ tịch UBND tỉnh",
}
COMMUNE_TASK = "Cập nhật số liệu kinh tế - xã hội của xã, phường lên kho dữ liệu của tỉnh hằng tháng"

#: plausible monthly (or yearly) orders of a province of ~3.5 million people: (level at Jan 2024, yearly growth)
LEVELS: dict[str, tuple[float, float]] = {
    "HY_BUDGET_REV": (3_000.0, 0.10),
    "HY_BUDGET_EXP": (2_400.0, 0.08),
    "HY_INVEST": (6_500.0, 0.12),
    "HY_RETAIL": (9_000.0, 0.09),
    "HY_EXPORTS": (1_300.0, 0.11),
    "HY_FDI": (140.0, 0.05),
    "HY_POVERTY": (1.6, -0.15),
}
#: the province's 2025 targets (demo): indicator, comparator, share of the generated 2025 outcome it asks for
TARGETS_2025: tuple[tuple[str, str, float], ...] = (
    ("HY_BUDGET_REV", "at_least", 0.95),
    ("HY_INVEST", "at_least", 0.97),
    ("HY_RETAIL", "at_least", 0.98),
    ("HY_EXPORTS", "at_least", 1.12),
    ("HY_FDI", "at_least", 1.20),
)
TARGET_DOCUMENT = ("Nghị quyết HĐND tỉnh về kế hoạch phát triển kinh tế - xã hội năm 2025", date(2024, 12, 10))


def own_codes(registry: Registry, profile: Profile | None = None) -> list[str]:
    """The profile's own indicators (those its folder declares), in code order."""
    folder = str((profile or active_profile()).folder)
    return sorted(c for c in registry.codes() if registry.files[c].startswith(folder))


def _frame(ind: Indicator, rows: list[tuple[str, date, float]]) -> pd.DataFrame:
    return demo.frame_of(ind, [(area, None, day, value) for area, day, value in rows])


def province_rows(ind: Indicator, home: str) -> list[tuple[str, date, float]]:
    """The province's own series: monthly 2024-2025 (yearly 2020-2025 for a yearly indicator)."""
    base, growth = LEVELS[ind.code]
    gen = rng(ind.code)
    if ind.frequency == "Y":
        days = [date(y, 1, 1) for y in range(2020, 2026)]
        values = [base * (1 + growth) ** (d.year - 2024) for d in days]
    else:
        days = months(FIRST_MONTH, END)
        values = [
            base * (1 + growth) ** ((d.year - 2024) + (d.month - 1) / 12) * (1.25 if d.month == 12 else 1.0)
            for d in days
        ]
    noisy = np.array(values) * (1 + gen.normal(0.0, 0.04, len(values)))
    return [(home, d, round(float(v), ind.decimals)) for d, v in zip(days, noisy, strict=True)]


def commune_rows(ind: Indicator, communes: list[str]) -> list[tuple[str, date, float]]:
    """Each commune's series from July 2025 (the communes of 1 July 2025 exist from then)."""
    gen = rng(ind.code)
    days = months(MERGER_2025, END)
    lo, hi = (ind.plausible.min or 0.0), (ind.plausible.max or 100.0)
    rows = []
    for code in communes:
        level = gen.uniform(lo + 0.1 * (hi - lo), lo + 0.6 * (hi - lo))
        for d in days:
            value = min(max(level * (1 + gen.normal(0.01, 0.05)), lo), hi)
            rows.append((code, d, round(float(value), ind.decimals)))
    return rows


def communes_of(wh: Warehouse, province: str) -> list[str]:
    area = table("area")
    # the communes of 1 July 2025 only: the pre-2025 communes of the lineage (some codes reused) get no demo rows
    expr = area.filter(area.level == "commune", area.parent_code == province, area.valid_from >= MERGER_2025)
    expr = expr.select("code")
    return sorted(wh.execute(expr.distinct())["code"])


class ProvinceDemo:
    """A seed item writing the province's demo observations and tasks (it needs the communes of the warehouse)."""

    name = "province demo"

    def __init__(self, registry: Registry, profile: Profile) -> None:
        self.registry, self.profile = registry, profile

    def frames(self, wh: Warehouse) -> dict[str, pd.DataFrame]:
        communes = communes_of(wh, self.profile.home_area)
        out = {}
        for code in own_codes(self.registry, self.profile):
            ind = self.registry[code]
            rows = commune_rows(ind, communes) if code in self.profile.commune_ranking else []
            rows = rows or province_rows(ind, self.profile.home_area)
            out[code] = _frame(ind, rows)
        return out

    def write(self, wh: Warehouse) -> list[LoadResult]:
        from warehouse.load import write_observations

        results = []
        for code, frame in self.frames(wh).items():
            info = BatchInfo(source=SOURCE, file_name=f"demo:{self.profile.id}:{code}", file_hash=demo.digest(frame))
            results.append(write_observations(wh, frame, info))
        ensure_tables(wh)
        tasks = task_rows(self.profile, communes_of(wh, self.profile.home_area))
        name = f"demo:{self.profile.id}:tasks.csv"
        result = load_tasks(wh, _csv(tasks), name, demo=True, scope=Scope.system())
        results.append(result) if result else None
        return results


def task_rows(profile: Profile, communes: list[str]) -> pd.DataFrame:
    """The committee's demo documents, one row per task and assignee (departments, and communes after 1/7/2025)."""
    rows = []
    departments = [d.code for d in profile.departments if d.code in DEPARTMENT_TASKS]
    for number, day, title, who in DOCUMENTS:
        doc = date.fromisoformat(day)
        gen = random.Random(f"{SEED}:{profile.id}:{number}")
        if "departments" in who:
            for code in gen.sample(departments, k=min(6, len(departments))):
                rows.append(_row(gen, number, doc, f"{title}: {DEPARTMENT_TASKS[code]}", 0.1, agency=code))
        if "communes" in who and doc >= MERGER_2025:
            for code in gen.sample(communes, k=min(12, len(communes))):
                rows.append(_row(gen, number, doc, f"{title}: {COMMUNE_TASK}", 0.0, area=code))
    return pd.DataFrame(rows)


def targets(registry: Registry, profile: Profile | None = None) -> list[dict[str, object]]:
    """The province's 2025 targets (status demo): a share of the generated 2025 outcome, so some are behind."""
    profile = profile or active_profile()
    if not profile.province:
        return []
    out = []
    document, issued = TARGET_DOCUMENT
    for seq, (code, comparator, share) in enumerate(TARGETS_2025, start=1):
        if code not in registry:
            continue
        ind = registry[code]
        year_sum = sum(v for _, d, v in province_rows(ind, profile.home_area) if d.year == 2025)
        amount = round(year_sum * share, ind.decimals)
        out.append(
            {
                "indicator_code": code,
                "area_code": profile.home_area,
                "year": 2025,
                "seq": 200 + seq,
                "target_vi": f"{ind.name_vi} (minh họa: chưa có số liệu thật của nghị quyết HĐND tỉnh)",
                "target_en": f"{ind.name_en} (demo: the provincial council resolution's figure is not in the data)",
                "comparator": comparator,
                "low": amount,
                "high": None,
                "unit": ind.unit_en,
                "document": f"{document} (minh họa)",
                "document_date": issued,
                "source_url": None,
                "status": "demo",
            }
        )
    return out


#: the province's key projects (demo): (id suffix, name_vi, name_en, department, capital bn VND, start, planned end)
KEY_PROJECTS: tuple[tuple[str, str, str, str, float, str, str], ...] = (
    ("GT", "Tuyến đường bộ kết nối trọng điểm của tỉnh (minh họa)", "A key road link of the province (demo)",
     "HY-SXD", 3_200.0, "2024-01-01", "2026-12-31"),
    ("KCN", "Hạ tầng khu công nghiệp mới của tỉnh (minh họa)", "Infrastructure of a new industrial zone (demo)",
     "HY-BQLKCN", 2_100.0, "2024-03-01", "2026-06-30"),
    ("YT", "Mở rộng bệnh viện đa khoa tỉnh (minh họa)", "Extension of the provincial general hospital (demo)",
     "HY-SYT", 850.0, "2024-06-01", "2025-12-31"),
)  # fmt: skip


def key_projects(profile: Profile | None = None) -> tuple[list[tuple], pd.DataFrame]:
    """A province deployment's program of key projects (demo) and its projects, in demo/programs.py's
    layouts; nothing for the national profile."""
    profile = profile or active_profile()
    columns = [
        "project_id", "program_id", "name_vi", "name_en", "agency_code", "area_code", "plan_capital", "started_on",
        "planned_end",
    ]  # fmt: skip
    if not profile.province:
        return [], pd.DataFrame(columns=columns)
    home = profile.home_area
    pid = f"HY{home}-DATD"
    program = (pid, "key", "Dự án trọng điểm của tỉnh (minh họa)", "Key projects of the province (demo)",
               profile.committee or "", "2024-01-01", "2026-12-31", 0, "Nghị quyết HĐND tỉnh (minh họa)")  # fmt: skip
    rows = [
        (f"{pid}-{suffix}", pid, vi, en, agency, home, capital, date.fromisoformat(start), date.fromisoformat(end))
        for suffix, vi, en, agency, capital, start, end in KEY_PROJECTS
        if agency in profile.department_codes()
    ]
    return [program], pd.DataFrame(rows, columns=columns).assign(demo=True)


def batches(registry: Registry) -> Iterator[ProvinceDemo]:
    """For connectors/seed.py: the province's demo data, only in a province's deployment."""
    profile = active_profile()
    if profile.province:
        yield ProvinceDemo(registry, profile)

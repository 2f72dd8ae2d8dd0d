"""Demo direction data, flagged demo and deterministic: tasks of 2024-2025 directing documents (loaded through the
task connector and its rules), emergencies of 2025 with figures and the dispatches they prompted (recorded through
the dispatch path, so their tasks are ordinary tasks), and the programs and projects of demo/programs.py.

Outcomes are drawn with seeded generators against the demo calendar's end (31/12/2025): about nine in ten tasks with
a deadline are done on time and about 1.5 % of all tasks are overdue on that day, the order VPCP reports publicly.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from connectors.tasks.task_files import load_tasks, record_dispatch
from demo import programs as programs_demo
from demo.events import EVENTS, dispatches, event_frames
from semantic.registry import Registry
from semantic.scope import Scope
from warehouse.db import Warehouse
from warehouse.direction import ensure_tables, write_direction
from warehouse.lineage import MERGER_2025, OPEN_END
from warehouse.load import BatchInfo, LoadResult
from warehouse.schema import table

END = date(2025, 12, 31)
SEED = 20251231
RESTRUCTURING = date(2025, 3, 1)
#: ministries merged on 1/3/2025: a document before then names the old ministry (the loader maps it to today's)
BEFORE_2025 = {"MOF": "MPI", "MOC": "MOT", "MAE": "MARD", "MOST": "MIC", "MOHA": "MOLISA", "MEMR": "CEMA"}

#: (number, date, kind share: how many ministry tasks, how many province tasks, recurring share, the themes)
DOCUMENTS: tuple[tuple[str, str, int, int, float, tuple[str, ...]], ...] = (
    ("01/NQ-CP", "2024-01-05", 26, 24, 0.25, ("plan", "investment", "admin", "social")),
    ("02/NQ-CP", "2024-01-05", 12, 6, 0.2, ("admin", "business")),
    ("07/CT-TTg", "2024-03-14", 6, 16, 0.0, ("investment",)),
    ("245/TB-VPCP", "2024-05-28", 10, 4, 0.0, ("plan", "business")),
    ("4567/VPCP-KTTH", "2024-06-21", 8, 0, 0.0, ("admin",)),
    ("1012/QĐ-TTg", "2024-09-23", 16, 10, 0.3, ("digital",)),
    ("01/NQ-CP", "2025-01-08", 28, 26, 0.25, ("plan", "investment", "admin", "social")),
    ("02/NQ-CP", "2025-01-08", 10, 6, 0.2, ("admin", "business")),
    ("05/CT-TTg", "2025-02-24", 8, 18, 0.0, ("investment", "housing")),
    ("45/TB-VPCP", "2025-02-27", 10, 0, 0.0, ("plan",)),
    ("20/CT-TTg", "2025-07-12", 8, 20, 0.1, ("admin", "social")),
    ("95/CĐ-TTg", "2025-07-20", 6, 14, 0.0, ("investment",)),
    ("450/TB-VPCP", "2025-09-19", 10, 4, 0.0, ("business", "digital")),
    ("9876/VPCP-KTTH", "2025-10-16", 8, 0, 0.0, ("plan",)),
    ("210/CĐ-TTg", "2025-11-18", 4, 12, 0.0, ("investment", "housing")),
)

MINISTRY_TASKS: dict[str, tuple[tuple[str, str], ...]] = {
    "plan": (
        ("MOF", "Theo dõi, đánh giá tình hình thực hiện kế hoạch phát triển kinh tế - xã hội, báo cáo Chính phủ"),
        ("SBV", "Điều hành lãi suất, tỷ giá linh hoạt, bảo đảm ổn định kinh tế vĩ mô, kiểm soát lạm phát"),
        ("MOF", "Xây dựng kịch bản tăng trưởng theo quý, đề xuất giải pháp điều hành"),
        ("MOIT", "Bảo đảm cung ứng đủ điện, xăng dầu cho sản xuất và tiêu dùng"),
        ("MAE", "Bảo đảm an ninh lương thực, thúc đẩy xuất khẩu nông, lâm, thủy sản"),
        ("MOIT", "Phát triển thị trường trong nước, đa dạng hóa thị trường xuất khẩu"),
        ("MOCST", "Đẩy mạnh quảng bá, kích cầu du lịch, thu hút khách quốc tế"),
    ),
    "investment": (
        ("MOF", "Rà soát, điều chuyển vốn đầu tư công từ dự án giải ngân chậm sang dự án giải ngân tốt"),
        ("MOC", "Đẩy nhanh tiến độ các dự án đường bộ cao tốc, bảo đảm hoàn thành mục tiêu năm"),
        ("MAE", "Hướng dẫn tháo gỡ vướng mắc về đất đai, khai thác vật liệu xây dựng cho dự án trọng điểm"),
        ("MOC", "Kiểm soát chất lượng, an toàn thi công các công trình giao thông trọng điểm"),
    ),
    "admin": (
        ("MOJ", "Hoàn thiện hồ sơ các dự án luật trình Quốc hội theo Chương trình xây dựng luật"),
        ("OOG", "Rà soát, cắt giảm thủ tục hành chính, điều kiện kinh doanh, báo cáo Thủ tướng"),
        ("MOHA", "Hướng dẫn sắp xếp tổ chức bộ máy, tinh giản biên chế"),
        ("MPS", "Triển khai Đề án 06 về phát triển ứng dụng dữ liệu dân cư, định danh và xác thực điện tử"),
        ("GI", "Thanh tra trách nhiệm thực hiện pháp luật về đầu tư công tại các bộ, địa phương"),
    ),
    "business": (
        ("MOF", "Đề xuất giải pháp tháo gỡ khó khăn cho doanh nghiệp, gia hạn thuế, phí, tiền thuê đất"),
        ("MOIT", "Xử lý vướng mắc của các dự án năng lượng tái tạo chuyển tiếp"),
        ("SBV", "Chỉ đạo các tổ chức tín dụng giảm chi phí, mở rộng tín dụng cho sản xuất kinh doanh"),
        ("MOST", "Hỗ trợ doanh nghiệp khởi nghiệp sáng tạo, chuyển đổi số"),
    ),
    "social": (
        ("MOET", "Chuẩn bị chu đáo kỳ thi tốt nghiệp trung học phổ thông"),
        ("MOH", "Bảo đảm thuốc, vật tư y tế; phòng, chống dịch bệnh mùa hè"),
        ("MOHA", "Thực hiện chính sách hỗ trợ người lao động mất việc làm"),
        ("MEMR", "Triển khai chính sách hỗ trợ đồng bào dân tộc thiểu số và miền núi"),
    ),
    "digital": (
        ("MOST", "Xây dựng, vận hành cơ sở dữ liệu quốc gia, kết nối với Hệ thống thông tin báo cáo Chính phủ"),
        ("MOF", "Số hóa, chia sẻ dữ liệu chỉ tiêu thống kê phục vụ chỉ đạo, điều hành"),
        ("OOG", "Kết nối Hệ thống theo dõi nhiệm vụ của Chính phủ với các bộ, địa phương"),
        ("MPS", "Bảo đảm an ninh mạng cho các hệ thống thông tin quan trọng quốc gia"),
    ),
    "housing": (
        ("MOC", "Hướng dẫn phát triển nhà ở xã hội, tháo gỡ vướng mắc thủ tục"),
        ("MOHA", "Đôn đốc xóa nhà tạm, nhà dột nát cho hộ nghèo, cận nghèo"),
    ),
}
PROVINCE_TASKS: dict[str, tuple[str, ...]] = {
    "plan": (
        "Xây dựng kịch bản tăng trưởng của địa phương, bảo đảm hoàn thành chỉ tiêu được giao",
        "Báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội hằng quý",
    ),
    "investment": (
        "Đẩy nhanh giải phóng mặt bằng các dự án trọng điểm trên địa bàn",
        "Phấn đấu giải ngân vốn đầu tư công được giao đạt trên 95 %",
    ),
    "admin": (
        "Rà soát, cắt giảm thủ tục hành chính thuộc thẩm quyền của địa phương",
        "Thực hiện sắp xếp đơn vị hành chính cấp xã theo kế hoạch",
    ),
    "business": ("Tổ chức đối thoại, tháo gỡ khó khăn cho doanh nghiệp trên địa bàn",),
    "social": ("Bảo đảm an sinh xã hội, chăm lo đời sống người dân dịp Tết",),
    "digital": ("Cập nhật, chia sẻ dữ liệu của địa phương lên Hệ thống thông tin báo cáo Chính phủ",),
    "housing": ("Hoàn thành xóa nhà tạm, nhà dột nát trên địa bàn", "Bố trí quỹ đất phát triển nhà ở xã hội"),
}


@dataclass(frozen=True)
class Places:
    """Provinces as a document of a given date names them: the 63 before 1/7/2025, the 34 after."""

    old: tuple[str, ...]
    new: tuple[str, ...]

    def on(self, day: date) -> tuple[str, ...]:
        return self.old if day < MERGER_2025 else self.new


def places(wh: Warehouse) -> Places:
    area = table("area")
    frame = wh.execute(area.filter(area.level == "province").select("code", "valid_to"))
    frame["valid_to"] = pd.to_datetime(frame["valid_to"]).dt.date
    return Places(
        tuple(sorted(frame.loc[frame["valid_to"] < OPEN_END, "code"])),
        tuple(sorted(frame.loc[frame["valid_to"] >= OPEN_END, "code"])),
    )


def _deadline(gen: random.Random, doc: date) -> date:
    return doc + timedelta(days=gen.choice((15, 30, 30, 45, 60, 90, 90, 120, 180)))


def _outcome(gen: random.Random, doc: date, deadline: date | None) -> dict[str, object]:
    """started_on / completed_on / reported_on as known on 31/12/2025."""
    started = doc + timedelta(days=gen.randint(2, 12))
    out: dict[str, object] = {"started_on": started if started <= END else None}
    if deadline is None:  # recurring: reported on every month, never completed
        out["reported_on"] = END if started <= END else None
        return out
    draw = gen.random()
    span = max((deadline - started).days, 1)
    if draw < 0.86:
        done = started + timedelta(days=round(span * gen.uniform(0.4, 1.0)))
    elif draw < 0.98:
        done = deadline + timedelta(days=gen.randint(3, 75))
    else:
        done = None  # still open however long it takes
    if done is not None and done <= END:
        out["completed_on"] = done
    elif started <= END:
        out["reported_on"] = END
    return out


def task_rows(pl: Places) -> pd.DataFrame:
    """The task layout of the demo documents (one row per task and assignee)."""
    rows = []
    for number, day, n_min, n_prov, recurring, themes in DOCUMENTS:
        doc = date.fromisoformat(day)
        gen = random.Random(f"{SEED}:{number}:{day}")
        pool = [t for theme in themes for t in MINISTRY_TASKS[theme]]
        for i in range(n_min):
            agency, content = pool[i % len(pool)]
            if doc < RESTRUCTURING:
                agency = BEFORE_2025.get(agency, agency)
            rows.append(
                _row(
                    gen,
                    number,
                    doc,
                    content if i < len(pool) else f"{content} (đợt {i // len(pool) + 1})",
                    recurring,
                    agency=agency,
                )
            )
        provinces = gen.sample(pl.on(doc), k=min(n_prov, len(pl.on(doc))))
        texts = [t for theme in themes for t in PROVINCE_TASKS[theme]]
        for i, area in enumerate(provinces):
            rows.append(_row(gen, number, doc, texts[i % len(texts)], recurring, area=area))
    return pd.DataFrame(rows)


def _row(
    gen: random.Random, number: str, doc: date, content: str, recurring: float, agency: str = "", area: str = ""
) -> dict[str, object]:
    deadline = None if gen.random() < recurring else _deadline(gen, doc)
    return {
        "document_number": number,
        "document_date": doc,
        "assignee_agency": agency,
        "assignee_area": area,
        "content": content,
        "deadline": deadline or "thường xuyên",
        **_outcome(gen, doc, deadline),
    }


def _csv(frame: pd.DataFrame) -> bytes:
    cols = [
        "document_number",
        "document_date",
        "assignee_agency",
        "assignee_area",
        "content",
        "deadline",
        "started_on",
        "completed_on",
        "reported_on",
    ]
    return frame.reindex(columns=cols).to_csv(index=False).encode("utf-8")


class DirectionDemo:
    """A seed source that writes direction tables (not observations): `write(wh)` does the whole demo."""

    name = "direction demo"

    def write(self, wh: Warehouse) -> list[LoadResult]:
        ensure_tables(wh)
        results = [write_direction(wh, programs_demo.frames(wh), BatchInfo("demo", "demo:programs-projects"))]
        results.append(write_direction(wh, event_frames(), BatchInfo("demo", "demo:emergencies")))
        result = load_tasks(wh, _csv(task_rows(places(wh))), "demo:tasks.csv", demo=True, scope=Scope.system())
        results.append(result) if result else None
        for event_id, number, day, title, tasks in dispatches(wh):
            results.append(record_dispatch(wh, event_id, number, day, tasks, title_vi=title, demo=True))
        return results


def batches(registry: Registry) -> Iterator[DirectionDemo]:
    """For connectors/seed.py: one item that writes itself."""
    del registry
    yield DirectionDemo()


__all__ = ["EVENTS", "DirectionDemo", "batches", "task_rows"]

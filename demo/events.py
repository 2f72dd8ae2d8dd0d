"""Demo emergencies of 2025 (flagged demo, names marked "minh họa"): who they affect, daily damage reports and the
Prime Minister's dispatches (công điện) with their tasks. Deterministic: seeded by event."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from warehouse.db import Warehouse

END = date(2025, 12, 31)
D = date.fromisoformat


@dataclass(frozen=True)
class DemoEvent:
    event_id: str
    kind: str
    name_vi: str
    name_en: str
    started_on: date
    ended_on: date | None
    severity: int
    lead: str
    provinces: tuple[str, ...]  # 2025 codes (each exists before and after 1/7/2025 where the event is earlier)
    scale: float  # how heavy the damage figures run
    summary_vi: str
    summary_en: str


EVENTS: tuple[DemoEvent, ...] = (
    DemoEvent(
        "EV-2025-03-CHAY",
        "fire",
        "Cháy nhà trọ nhiều tầng tại Hà Nội (minh họa)",
        "Fire in a rooming house, Ha Noi (demo)",
        D("2025-03-10"),
        D("2025-03-12"),
        2,
        "MPS",
        ("01",),
        0.2,
        "Cháy lớn về đêm, nhiều người mắc kẹt.",
        "A night fire trapped many residents.",
    ),
    DemoEvent(
        "EV-2025-06-SXH",
        "epidemic",
        "Dịch sốt xuất huyết (minh họa)",
        "Dengue outbreak (demo)",
        D("2025-06-02"),
        None,
        2,
        "MOH",
        ("01", "79", "92", "48"),
        0.0,
        "Số ca mắc tăng cao ở các đô thị lớn.",
        "Cases rising in the large cities.",
    ),
    DemoEvent(
        "EV-2025-07-BAO3",
        "storm",
        "Bão số 3 năm 2025 (minh họa)",
        "Typhoon no. 3 of 2025 (demo)",
        D("2025-07-20"),
        D("2025-07-27"),
        4,
        "MAE",
        ("31", "33", "37", "38", "40"),
        1.0,
        "Bão mạnh đổ bộ Bắc Bộ và Bắc Trung Bộ, mưa rất to.",
        "A strong typhoon hit the north and north-central.",
    ),
    DemoEvent(
        "EV-2025-08-LUQUET",
        "landslide",
        "Lũ quét, sạt lở đất miền núi phía Bắc (minh họa)",
        "Flash floods and landslides in the northern mountains (demo)",
        D("2025-08-04"),
        D("2025-08-18"),
        3,
        "MAE",
        ("08", "11", "12", "14", "15"),
        0.8,
        "Mưa lớn kéo dài gây lũ quét, sạt lở, chia cắt nhiều xã.",
        "Days of rain; flash floods cut off communes.",
    ),
    DemoEvent(
        "EV-2025-09-BAO10",
        "storm",
        "Bão số 10 năm 2025 (minh họa)",
        "Typhoon no. 10 of 2025 (demo)",
        D("2025-09-28"),
        D("2025-10-06"),
        4,
        "MAE",
        ("38", "40", "42", "44"),
        1.2,
        "Bão kèm mưa lớn gây ngập sâu ở Bắc Trung Bộ.",
        "Typhoon with heavy rain; deep floods in north-central.",
    ),
    DemoEvent(
        "EV-2025-10-LUMT",
        "flood",
        "Lũ lớn miền Trung (minh họa)",
        "Major floods in central Viet Nam (demo)",
        D("2025-10-26"),
        D("2025-11-20"),
        4,
        "MAE",
        ("46", "48", "51", "52", "56"),
        1.1,
        "Lũ lịch sử trên nhiều sông, ngập diện rộng.",
        "Record floods on several rivers, wide inundation.",
    ),
    DemoEvent(
        "EV-2025-12-TNGT",
        "traffic",
        "Tai nạn giao thông đặc biệt nghiêm trọng trên cao tốc (minh họa)",
        "Very serious expressway crash (demo)",
        D("2025-12-20"),
        D("2025-12-21"),
        1,
        "MPS",
        ("68",),
        0.15,
        "Xe khách va chạm xe tải trên cao tốc.",
        "A coach hit a truck on an expressway.",
    ),
    DemoEvent(
        "EV-2025-12-LUNTB",
        "flood",
        "Lũ muộn Nam Trung Bộ (minh họa)",
        "Late floods in the south-central (demo)",
        D("2025-12-14"),
        None,
        3,
        "MAE",
        ("56", "66", "68"),
        0.6,
        "Mưa lớn cuối mùa, lũ dâng cao, sạt lở đèo.",
        "Late-season rain; rivers high, mountain passes slipped.",
    ),
)

FIGURES_BY_KIND: dict[str, dict[str, float]] = {
    # per province at full scale: the total the reports add up to
    "storm": {
        "deaths": 4,
        "missing": 2,
        "injured": 25,
        "houses_damaged": 6000,
        "rice_ha_lost": 9000,
        "relief_bn_vnd": 40,
    },
    "flood": {
        "deaths": 5,
        "missing": 3,
        "injured": 15,
        "houses_damaged": 9000,
        "rice_ha_lost": 4000,
        "relief_bn_vnd": 60,
    },
    "landslide": {
        "deaths": 6,
        "missing": 4,
        "injured": 12,
        "houses_damaged": 800,
        "rice_ha_lost": 600,
        "relief_bn_vnd": 25,
    },
    "fire": {"deaths": 14, "missing": 0, "injured": 30, "houses_damaged": 1, "relief_bn_vnd": 2},
    "traffic": {"deaths": 9, "injured": 22, "relief_bn_vnd": 0.5},
    "epidemic": {"cases": 0},
}


def _report_days(ev: DemoEvent) -> list[date]:
    last = min(ev.ended_on or END, END, ev.started_on + timedelta(days=12))
    days = [ev.started_on + timedelta(days=i) for i in range((last - ev.started_on).days + 1)]
    return (
        days
        if ev.kind != "epidemic"
        else [ev.started_on + timedelta(days=7 * i) for i in range(31) if ev.started_on + timedelta(days=7 * i) <= END]
    )


def _figures(ev: DemoEvent) -> list[dict[str, Any]]:
    gen = random.Random(f"figures:{ev.event_id}")
    # event_figure.value is float64 for every figure (relief is in bn VND, fractional); counts are whole numbers
    rows: list[tuple[str, date, str, float]] = []
    days = _report_days(ev)
    for area in ev.provinces:
        weight = gen.uniform(0.5, 1.5)
        if ev.kind == "epidemic":  # weekly dengue cases, a summer hump
            for i, day in enumerate(days):
                cases = round(weight * 900 * max(0.1, 1 - abs(i - 14) / 16) * gen.uniform(0.8, 1.2))
                rows.append((area, day, "cases", cases))
            continue
        for figure, total in FIGURES_BY_KIND[ev.kind].items():
            # a fire or a crash has one place: its figures are the event's, not scaled per province
            size = 1.0 if ev.kind in ("fire", "traffic") else ev.scale * weight
            target = round(total * size, 1 if figure == "relief_bn_vnd" else 0)
            shares = [gen.random() ** 2 for _ in days]
            made = 0.0
            for day, share in zip(days, shares, strict=True):
                part = round(target * share / sum(shares), 1 if figure == "relief_bn_vnd" else 0)
                if part:
                    rows.append((area, day, figure, part))
                    made += part
            if figure == "missing" and made:  # some of the missing are found: the count comes down later
                rows.append((area, days[-1], figure, -round(made / 2)))
    return [
        {"event_id": ev.event_id, "area_code": a, "reported_on": d, "figure": f, "value": float(v), "demo": True}
        for a, d, f, v in rows
    ]


def event_frames() -> dict[str, pd.DataFrame]:
    """event, event_party (affected provinces and their committees, the lead agency) and event_figure rows."""
    events, parties, figures = [], [], []
    for ev in EVENTS:
        events.append(
            {
                "event_id": ev.event_id,
                "kind": ev.kind,
                "name_vi": ev.name_vi,
                "name_en": ev.name_en,
                "started_on": ev.started_on,
                "ended_on": ev.ended_on,
                "severity": ev.severity,
                "lead_agency": ev.lead,
                "summary_vi": ev.summary_vi,
                "summary_en": ev.summary_en,
                "demo": True,
            }
        )
        parties.append(
            {"event_id": ev.event_id, "area_code": None, "agency_code": ev.lead, "role": "lead", "since": ev.started_on}
        )
        parties += [
            {
                "event_id": ev.event_id,
                "area_code": a,
                "agency_code": f"UBND-{a}",
                "role": "affected",
                "since": ev.started_on,
            }
            for a in ev.provinces
        ]
        figures += _figures(ev)
    return {"event": pd.DataFrame(events), "event_party": pd.DataFrame(parties), "event_figure": pd.DataFrame(figures)}


#: What a dispatch asks, by kind of event: (assignee: agency code, or "*" for each affected province; task; days)
ASKS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "storm": (
        ("MAE", "Theo dõi chặt chẽ diễn biến bão, chỉ đạo các địa phương triển khai ứng phó", 3),
        ("MOD", "Sẵn sàng lực lượng, phương tiện tìm kiếm cứu nạn, hỗ trợ sơ tán dân", 3),
        ("MOIT", "Bảo đảm an toàn hồ đập thủy điện và hệ thống điện", 5),
        ("MOC", "Bảo đảm giao thông thông suốt trên các tuyến quốc lộ, cao tốc", 7),
        ("*", "Sơ tán dân khỏi vùng nguy hiểm, bảo đảm an toàn tính mạng người dân", 2),
        ("*", "Khắc phục hậu quả, hỗ trợ người dân ổn định đời sống, khôi phục sản xuất", 20),
    ),
    "flood": (
        ("MAE", "Điều tiết liên hồ chứa, cảnh báo lũ, sạt lở đất", 3),
        ("MOD", "Huy động lực lượng cứu hộ, tiếp tế lương thực cho vùng bị chia cắt", 5),
        ("MOF", "Xuất cấp gạo dự trữ quốc gia, bố trí kinh phí hỗ trợ khắc phục hậu quả", 10),
        ("*", "Bảo đảm an toàn cho người dân vùng ngập sâu, không để thiếu đói", 3),
        ("*", "Vệ sinh môi trường, phòng dịch bệnh sau lũ", 15),
    ),
    "landslide": (
        ("MAE", "Rà soát khu vực có nguy cơ sạt lở, lũ quét, cảnh báo người dân", 5),
        ("MOC", "Khẩn trương thông tuyến các đoạn quốc lộ bị sạt lở", 10),
        ("*", "Tìm kiếm người mất tích, di dời dân khỏi vùng nguy hiểm", 5),
    ),
    "epidemic": (
        ("MOH", "Chỉ đạo giám sát, phát hiện sớm, điều trị, giảm tử vong do sốt xuất huyết", 14),
        ("MOET", "Tuyên truyền phòng bệnh trong trường học", 30),
        ("*", "Tổ chức chiến dịch diệt lăng quăng, phun hóa chất tại ổ dịch", 14),
    ),
    "fire": (
        ("MPS", "Điều tra nguyên nhân, xử lý nghiêm vi phạm về phòng cháy, chữa cháy", 30),
        ("MOC", "Rà soát quy chuẩn an toàn cháy đối với nhà ở nhiều tầng, nhiều căn hộ", 60),
        ("*", "Tổng kiểm tra an toàn phòng cháy, chữa cháy nhà trọ, chung cư mini", 45),
    ),
    "traffic": (
        ("MPS", "Điều tra, làm rõ nguyên nhân vụ tai nạn, xử lý nghiêm vi phạm", 30),
        ("MOC", "Rà soát, khắc phục điểm đen, bất cập về tổ chức giao thông trên tuyến cao tốc", 45),
        ("*", "Tổ chức cấp cứu, điều trị người bị nạn, hỗ trợ gia đình nạn nhân", 5),
    ),
}
NUMBERS = {
    "EV-2025-03-CHAY": ("26/CĐ-TTg",),
    "EV-2025-06-SXH": ("80/CĐ-TTg",),
    "EV-2025-07-BAO3": ("112/CĐ-TTg", "115/CĐ-TTg"),
    "EV-2025-08-LUQUET": ("130/CĐ-TTg",),
    "EV-2025-09-BAO10": ("178/CĐ-TTg", "181/CĐ-TTg"),
    "EV-2025-10-LUMT": ("199/CĐ-TTg", "204/CĐ-TTg"),
    "EV-2025-12-TNGT": ("236/CĐ-TTg",),
    "EV-2025-12-LUNTB": ("232/CĐ-TTg",),
}


def dispatches(wh: Warehouse | None = None) -> list[tuple[str, str, date, str, list[dict[str, Any]]]]:
    """(event, number, date, title, tasks) of each demo dispatch; later dispatches of an event re-task the
    provinces for recovery. Outcomes: most done on time, some late, a few still open on 31/12/2025."""
    del wh
    out = []
    for ev in EVENTS:
        for n, number in enumerate(NUMBERS[ev.event_id]):
            gen = random.Random(f"dispatch:{number}")
            day = ev.started_on + timedelta(days=1 + 4 * n)
            asks = ASKS[ev.kind] if n == 0 else tuple(a for a in ASKS[ev.kind] if a[0] == "*")[-1:]
            tasks = []
            for who, content, days in asks:
                for assignee in ev.provinces if who == "*" else (who,):
                    deadline = day + timedelta(days=days)
                    task: dict[str, Any] = {
                        "content": content if n == 0 else f"{content} (đợt {n + 1})",
                        "deadline": deadline.isoformat(),
                    }
                    task["assignee_area" if who == "*" else "assignee_agency"] = assignee
                    draw = gen.random()
                    done = (
                        deadline - timedelta(days=gen.randint(0, max(days - 1, 0)))
                        if draw < 0.88
                        else (deadline + timedelta(days=gen.randint(2, 20)) if draw < 0.97 else None)
                    )
                    task["started_on"] = day.isoformat()
                    if done is not None and done <= END:
                        task["completed_on"] = max(done, day).isoformat()
                    tasks.append(task)
            title = f"Công điện về việc tập trung ứng phó, khắc phục hậu quả {ev.name_vi.split(' (')[0].lower()}"
            out.append((ev.event_id, number, day, title, tasks))
    return out

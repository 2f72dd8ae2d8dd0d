"""The after-action report of a closed (or running) scenario: the timeline, the figures, the tasks on time or late
and the reports on time or late per duty — as sheets of an XLSX workbook and as one printable HTML page."""

from __future__ import annotations

import html
import io

import pandas as pd

from analytics import scenario_status
from analytics.situation import Situation
from semantic import fmt
from semantic.playbook import Playbook

#: headers of the report, (vi, en)
WORDS = {
    "timeline": ("Diễn biến chỉ đạo", "Timeline"),
    "figures": ("Số liệu", "Figures"),
    "tasks": ("Nhiệm vụ", "Tasks"),
    "reports": ("Báo cáo theo nghĩa vụ", "Reports per duty"),
    "at": ("Thời điểm", "At"),
    "decision": ("Quyết định", "Decision"),
    "level": ("Cấp độ", "Level"),
    "who": ("Người quyết định", "By"),
    "note": ("Ghi chú", "Note"),
    "figure": ("Chỉ tiêu", "Figure"),
    "value": ("Giá trị", "Value"),
    "unit": ("Đơn vị tính", "Unit"),
    "status": ("Tình trạng", "Status"),
    "count": ("Số nhiệm vụ", "Tasks"),
    "duty": ("Nghĩa vụ báo cáo", "Duty"),
    "on_time": ("Đúng hạn", "On time"),
    "late": ("Muộn", "Late"),
    "missing": ("Chưa gửi", "Missing"),
    "due": ("Đang chờ", "Due"),
}
#: the tasks cube's statuses, as the tasks page says them
TASK_WORDS = {
    "done_on_time": ("Hoàn thành đúng hạn", "Done on time"),
    "done_late": ("Hoàn thành quá hạn", "Done late"),
    "overdue": ("Quá hạn chưa hoàn thành", "Overdue"),
    "in_progress": ("Đang thực hiện", "In progress"),
    "not_started": ("Chưa thực hiện", "Not started"),
}
DECISIONS = {"activated": ("Kích hoạt", "Activated"), "level": ("Đổi cấp độ", "Level changed")}
DECISIONS["closed"] = ("Kết thúc", "Closed")


def _w(key: str, lang: str) -> str:
    vi, en = WORDS[key]
    return vi if lang == "vi" else en


def _time(v: object, lang: str) -> str:
    return fmt.moment(pd.Timestamp(v), lang)


def sheets(sit: Situation, book: Playbook, lang: str = "vi") -> dict[str, pd.DataFrame]:
    """The report's tables, headed in `lang`: timeline, figures (totals of each reporter's latest report), tasks by
    status, reports per duty."""
    i = 0 if lang == "vi" else 1
    timeline = pd.DataFrame(
        {
            _w("at", lang): [_time(a, lang) for a in sit.log["at"]],
            _w("decision", lang): [DECISIONS.get(k, (k, k))[i] for k in sit.log["kind"]],
            _w("level", lang): sit.log["level"].astype(int).to_list(),
            _w("who", lang): sit.log["who"].to_list(),
            _w("note", lang): sit.log["note"].fillna("").to_list(),
        }
    )
    totals = sit.latest.groupby("figure")["value"].sum() if not sit.latest.empty else pd.Series(dtype=float)
    figures = pd.DataFrame(
        {
            _w("figure", lang): [f.name_vi if lang == "vi" else f.name_en for f in book.figures],
            _w("value", lang): [float(totals.get(f.code, 0.0)) for f in book.figures],
            _w("unit", lang): [f.unit for f in book.figures],
        }
    )
    by_status = sit.tasks["status"].value_counts() if not sit.tasks.empty else pd.Series(dtype=int)
    tasks = pd.DataFrame(
        {
            _w("status", lang): [TASK_WORDS[s][i] for s in TASK_WORDS],
            _w("count", lang): [int(by_status.get(s, 0)) for s in TASK_WORDS],
        }
    )
    per_duty = scenario_status.counts(sit.status)
    names = {d.code: (d.name_vi if lang == "vi" else d.name_en) for d in book.duties}
    reports = pd.DataFrame(
        {
            _w("duty", lang): [names.get(d, d) for d in per_duty["duty"]],
            **{_w(s, lang): per_duty[s].astype(int).to_list() for s in scenario_status.STATUSES},
        }
    )
    return {
        _w("timeline", lang): timeline,
        _w("figures", lang): figures,
        _w("tasks", lang): tasks,
        _w("reports", lang): reports,
    }


def to_xlsx(tables: dict[str, pd.DataFrame]) -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return out.getvalue()


def to_html(sit: Situation, book: Playbook, tables: dict[str, pd.DataFrame], lang: str = "vi") -> str:
    """One self-contained page to print (A4, no script, no external file)."""
    title = f"{'Báo cáo sau ứng phó' if lang == 'vi' else 'After-action report'}: {book.name(lang)}"
    closed = _time(sit.closed_at, lang) if sit.closed_at else ("đang điều hành" if lang == "vi" else "running")
    head = (
        f"<p>{html.escape(sit.run_id)} · {', '.join(sit.areas)} · {_time(sit.activated_at, lang)} – {closed}</p>"
        f"<p>{html.escape('; '.join(book.basis))}</p>"
    )

    def cell(v: object) -> str:
        return fmt.number(v, 0 if float(v).is_integer() else 1, lang) if isinstance(v, int | float) else str(v)

    body = "".join(
        f"<h2>{html.escape(name)}</h2>"
        + frame.to_html(index=False, formatters={c: cell for c in frame.columns}, escape=True, border=0)
        for name, frame in tables.items()
    )
    style = (
        "@page{size:A4;margin:15mm}body{font-family:'Times New Roman',serif;font-size:12pt}"
        "table{border-collapse:collapse;width:100%;margin-bottom:1em}th,td{border:1px solid #999;padding:3px 6px;"
        "text-align:left}h1{font-size:16pt}h2{font-size:13pt}"
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>{head}{body}</body></html>"
    )

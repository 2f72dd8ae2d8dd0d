"""The situation board's panels (map, reports against each duty, figures, tasks, log) and the leader's controls,
drawn from one analytics.situation.Situation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pandas as pd
import plotly.express as px
import streamlit as st

from analytics import after_action, scenario_status
from analytics.situation import Situation
from pages import direction_ui as dui
from pages import ui
from semantic import fmt
from semantic.errors import SemanticError
from semantic.playbook import Playbook, now_vn

STATUS_COLOR = {"on_time": "green", "late": "orange", "missing": "red", "due": "gray"}


def when(v: object) -> str:
    if v is None or pd.isna(v):
        return "–"
    return fmt.moment(pd.Timestamp(v), ui.ctx().lang)


def reporter_names(codes: pd.Series) -> pd.Series:
    names = ui.area_names(ui.boundary_day())
    return codes.map(lambda x: names.get(x, x))


def header(sit: Situation, book: Playbook) -> None:
    c = ui.ctx()
    cols = st.columns(4)
    cols[0].metric(c.t("situation_level"), f"{sit.level} — {book.level(sit.level).name(c.lang)}"[:40])
    cols[1].metric(c.t("situation_areas"), ", ".join(reporter_names(pd.Series(sit.areas))))
    cols[2].metric(c.t("situation_activated"), when(sit.activated_at))
    counts = sit.status["status"].value_counts()
    cols[3].metric(
        c.t("report_missing"),
        int(counts.get("missing", 0)),
        f"{c.t('report_late')}: {counts.get('late', 0)}",
        delta_color="off",
    )
    if sit.closed:
        st.info(f"{c.t('situation_frozen')} — {c.t('situation_closed')} {when(sit.closed_at)}", icon=":material/lock:")
    else:
        st.caption(f":green-badge[:material/radio_button_checked: {c.t('situation_live')}] {when(sit.now)}")
    if book.template:
        st.caption(c.t("template_note"))


def warnings(sit: Situation, book: Playbook) -> None:
    c = ui.ctx()
    found = scenario_status.alerts(book, sit.run_id, sit.status)
    if found:
        with st.container(border=True):
            st.markdown(f":material/warning: **{c.t('situation_warnings')}** ({len(found)})")
            for a in found[:8]:
                color = "red" if a.severity == "high" else "orange"
                st.markdown(
                    f":{color}-badge[{c.t('report_' + ('missing' if a.severity == 'high' else 'late'))}] "
                    f"{a.message_vi if c.lang == 'vi' else a.message_en}"
                )


def affected_map(sit: Situation, book: Playbook) -> None:
    c = ui.ctx()
    st.subheader(c.t("situation_map"))
    first = book.figures[0].code
    latest = sit.latest[sit.latest["figure"] == first]
    hit = pd.DataFrame({"area_code": list(sit.areas)}).merge(
        latest.rename(columns={"reporter": "area_code", "value": first})[["area_code", first]], how="left"
    )
    title = book.figures[0].name(c.lang)  # a playbook's figure, not necessarily an emergency cube's measure
    ui.plot(dui.affected_map(hit, first, title), key="situation_map", height=520)


def reports(sit: Situation, book: Playbook) -> None:
    c = ui.ctx()
    st.subheader(c.t("situation_reports"))
    names = {d.code: d.name_vi if c.lang == "vi" else d.name_en for d in book.duties}
    counts = scenario_status.counts(sit.status)
    cols = st.columns(len(scenario_status.STATUSES))
    for col, s in zip(cols, scenario_status.STATUSES, strict=True):
        col.metric(c.t(f"report_{s}"), int(counts[s].sum()) if not counts.empty else 0)
    if sit.status.empty:
        return
    s = sit.status.sort_values(["due_at", "duty", "reporter"], ascending=[False, True, True])
    shown = pd.DataFrame(
        {
            c.t("duty"): s["duty"].map(names),
            c.t("reporter"): reporter_names(s["reporter"]),
            c.t("slot"): s["slot"],
            c.t("due_at"): s["due_at"].map(when),
            c.t("received_at"): s["received_at"].map(when),
            c.t("task_status"): s["status"].map(lambda x: f"{c.t('report_' + x)}"),
        }
    )
    ui.table(shown, key="situation_reports", what=f"scenario_{sit.run_id}_reports")


def figures(sit: Situation, book: Playbook) -> None:
    c = ui.ctx()
    st.subheader(c.t("situation_figures"))
    if sit.over_time.empty:
        ui.empty()
        return
    label = {f.code: f.name_vi if c.lang == "vi" else f.name_en for f in book.figures}
    long = sit.over_time.assign(figure=sit.over_time["figure"].map(label))
    fig = px.line(
        long,
        x="at",
        y="value",
        facet_col="figure",
        facet_col_wrap=3,
        markers=True,
        line_shape="hv",
        labels={"at": "", "value": ""},
    )
    fig = fig.update_yaxes(matches=None, showticklabels=True).for_each_annotation(
        lambda a: a.update(text=a.text.split("=", 1)[-1])
    )
    ui.plot(fig, key="situation_over_time", height=420)
    st.markdown(f"**{c.t('situation_latest')}**")
    wide = sit.latest.pivot_table(index="reporter", columns="figure", values="value", aggfunc="sum").reset_index()
    shown = pd.DataFrame({c.t("reporter"): reporter_names(wide["reporter"])})
    for f in book.figures:
        if f.code in wide:
            shown[label[f.code]] = wide[f.code].map(lambda v: dui.number(v, 0 if float(v).is_integer() else 1))
    ui.table(shown, key="situation_latest", what=f"scenario_{sit.run_id}_figures")


def tasks(sit: Situation) -> None:
    c = ui.ctx()
    st.subheader(c.t("situation_tasks"))
    if sit.tasks.empty:
        ui.empty()
        return
    t = sit.tasks
    shown = pd.DataFrame(
        {
            c.t("document"): t["document_number"],
            c.t("assignee"): t["assignee_agency"],
            c.t("content"): t["content"],
            c.t("deadline"): t["deadline"].map(dui.day),
            c.t("task_status"): t["status"].map(dui.status),
        }
    )
    ui.table(
        shown,
        key="situation_tasks",
        what=f"scenario_{sit.run_id}_tasks",
        tones={c.t("task_status"): dui.status_tones()},
    )


def projects(sit: Situation, book: Playbook) -> None:
    """A key-project inspection: progress against plan, milestones, and earlier inspections' open tasks."""
    from analytics.inspection import inspection
    from pages import i18n as words

    c = ui.ctx()
    st.subheader(c.t("situation_projects"))
    seen = inspection(ui.query, sit)
    if seen.progress.empty:
        ui.empty()
    else:
        p = seen.progress
        shown = pd.DataFrame(
            {
                c.t("content"): p["project_name_vi"],
                c.t("situation_areas"): reporter_names(p["area_code"]),
                c.t("situation_month"): p["month"].map(dui.day),
                dui.measure_label("projects", "disbursed_ytd"): p["disbursed_ytd"].map(lambda v: dui.number(v, 1)),
                dui.measure_label("projects", "plan_ytd"): p["plan_ytd"].map(lambda v: dui.number(v, 1)),
                dui.measure_label("projects", "physical_pct"): p["physical_pct"].map(lambda v: dui.number(v, 1)),
                dui.measure_label("projects", "physical_plan_pct"): p["physical_plan_pct"].map(
                    lambda v: dui.number(v, 1)
                ),
            }
        )
        ui.table(shown, key="situation_projects", what=f"scenario_{sit.run_id}_projects")
    if not seen.milestones.empty:
        m = seen.milestones
        ui.table(
            pd.DataFrame(
                {
                    c.t("content"): m["name_vi"],
                    c.t("deadline"): m["planned_on"].map(dui.day),
                    c.t("completed_on"): m["done_on"].map(dui.day),
                    c.t("task_status"): m["status"].map(lambda s: dui.label(words.MILESTONE_STATUS, s)),
                }
            ),
            key="situation_milestones",
        )
    st.markdown(f"**{c.t('situation_carried')}** ({len(seen.carried)})")
    if not seen.carried.empty:
        t = seen.carried
        ui.table(
            pd.DataFrame(
                {
                    c.t("document"): t["document_number"],
                    c.t("assignee"): t["assignee_agency"],
                    c.t("content"): t["content"],
                    c.t("deadline"): t["deadline"].map(dui.day),
                    c.t("task_status"): t["status"].map(dui.status),
                }
            ),
            key="situation_carried",
            tones={c.t("task_status"): dui.status_tones()},
        )


def log(sit: Situation) -> None:
    c = ui.ctx()
    st.subheader(c.t("situation_log"))
    shown = pd.DataFrame(
        {
            c.t("at"): sit.log["at"].map(when),
            c.t("direct_title"): sit.log["kind"].map(lambda k: c.t(f"log_{k}")),
            c.t("direct_level"): sit.log["level"].astype(int),
            c.t("who"): sit.log["who"],
            c.t("note"): sit.log["note"].fillna(""),
        }
    )
    ui.table(shown, key="situation_log", what=f"scenario_{sit.run_id}_log")


def after_action_downloads(sit: Situation, book: Playbook) -> None:
    c = ui.ctx()
    st.subheader(c.t("after_action"))
    tables = after_action.sheets(sit, book, c.lang)
    a, b = st.columns(2)
    a.download_button(
        c.t("after_action_xlsx"), after_action.to_xlsx(tables), f"{sit.run_id}.xlsx", key="after_action_xlsx"
    )
    b.download_button(
        c.t("after_action_html"),
        after_action.to_html(sit, book, tables, c.lang),
        f"{sit.run_id}.html",
        mime="text/html",
        key="after_action_html",
    )


def report_form(sit: Situation, book: Playbook) -> None:
    """A province's or ministry's situation report against a duty it owes (upload rights; the scope decides whose)."""
    from connectors.tasks.scenario_reports import receive_report

    c = ui.ctx()
    owed = [
        (d, who)
        for d in book.duties
        for who in (sit.areas if d.reporter == "provinces" else (d.reporter,))
        if (
            c.scope.sees_area(who)
            if d.reporter == "provinces"
            else c.scope.sees_area(None) and c.scope.sees_agency(who)
        )
    ]
    if not owed or not c.scope.may("upload") or sit.closed:
        return
    with st.expander(c.t("report_send")):
        labels = {i: f"{(d.name_vi if c.lang == 'vi' else d.name_en)} — {who}" for i, (d, who) in enumerate(owed)}
        pick = st.selectbox(c.t("duty"), list(labels), format_func=labels.get, key="report_duty")
        duty, who = owed[pick]
        values = {
            f: st.number_input(
                f"{book.figure(f).name(c.lang)} ({book.figure(f).unit})", min_value=0.0, step=1.0, key=f"report_{f}"
            )
            for f in duty.figures
        }
        if st.button(c.t("report_go"), key="report_go"):

            def send() -> dict:
                got = receive_report(
                    ui.warehouse(), book, sit.run_id, duty.code, who, now_vn(), values, c.scope.who, scope=c.scope
                )
                return {
                    "slot": got.slot,
                    "due": when(got.due_at),
                    "state": c.t("report_late" if got.late else "report_on_time"),
                }

            attempt(send, c.t("report_sent"))


def attempt(action: Callable[[], dict], ok: str) -> None:
    """Run a leader's write; a refusal is said, never a traceback."""
    c = ui.ctx()
    try:
        st.success(ok.format(**action()))
    except SemanticError as exc:
        st.error(f"{c.t('error')}: {exc.message(c.lang)}")


def at_picker(key: str) -> datetime:
    c = ui.ctx()
    now = now_vn()
    a, b = st.columns(2)
    day = a.date_input(c.t("direct_day"), now.date(), key=f"{key}_day", format="DD/MM/YYYY")
    time = b.time_input(c.t("direct_time"), now.time().replace(second=0, microsecond=0), key=f"{key}_time")
    return datetime.combine(day, time)

"""Tải dữ liệu: ministry and province staff upload a file of indicator figures or of assigned tasks, read the
validation report and confirm the load, through the same connectors, rules and write path as `python -m connectors
load` (or `tasks`), within the user's own scope."""

from __future__ import annotations

from datetime import datetime, time

import streamlit as st

from connectors.intake import FORMATS, LoadReport
from connectors.worker import check_upload
from pages import (
    ui,
    upload_reports,
    upload_tasks,
    upload_template,
)
from pages.upload_tasks import confirm, show_check
from semantic.errors import SemanticError

c = ui.ctx()
st.title(c.t("nav_upload"))
# Hiding this page is convenience: intake.load and task_intake.load_task_file refuse a scope without upload rights,
# and their scope rules reject every row outside the user's province or ministry.
if not c.scope.may("upload"):
    st.error(c.t("upload_denied"))
    st.stop()
kind = st.radio(
    c.t("upload_kind"),
    ("observations", "tasks", "situation"),
    key="upload_kind",
    horizontal=True,
    format_func=lambda k: c.t(f"upload_kind_{k}"),
)
if kind == "tasks":
    upload_tasks.show(c)
    st.stop()
if kind == "situation":
    upload_reports.show(c)
    st.stop()
ui.upload_intro(c, "upload_intro", "upload_scope_note")

own = [*(c.scope.agency_codes_now() or ()), *(c.scope.own_areas() or ())]
col1, col2, col3, col4 = st.columns([2, 1, 1, 1])
if own:
    source = col1.selectbox(c.t("upload_source"), own, key="upload_source")
else:
    source = col1.text_input(c.t("upload_source"), "GSO", key="upload_source").strip().upper() or "GSO"
fmt_choice = col2.selectbox(
    c.t("upload_format"), FORMATS, key="upload_format", format_func=lambda f: c.t("upload_auto") if f == "auto" else f
)
decimal = col3.selectbox(  # auto: from the file itself, so a Vietnamese "3.650" is never read as 3,65
    c.t("upload_decimal"),
    ["auto", ",", "."],
    key="upload_decimal",
    format_func=lambda d: c.t("upload_auto") if d == "auto" else d,
)
encoding = col4.selectbox(
    c.t("upload_encoding"),
    ["auto", "utf-8", "utf-16", "cp1258", "cp1252"],
    key="upload_encoding",
    format_func=lambda e: c.t("upload_auto") if e == "auto" else e,
)
own_inds = upload_template.own_indicators(
    ui.model().registry, c.scope.agency_codes_now() or (), ui.provincial_indicators(ui.data_version())
)
st.download_button(  # a template per role: the staffer's own indicator codes, area and ministry, a Vietnamese guide
    f"⬇ {c.t('upload_template')}",
    data=upload_template.workbook(
        own_inds, (c.scope.own_areas() or ("VN",))[0], source if c.scope.agency_codes_now() else None
    ),
    file_name="mau-tai-du-lieu.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="upload_template",
    on_click="ignore",
)
published = st.date_input(c.t("upload_published"), value=None, key="upload_published", format="DD/MM/YYYY")
upload = st.file_uploader(c.t("upload_file"), type=["csv", "txt", "xlsx", "json"], key="upload_file")
if upload is None:
    st.stop()
data = upload.getvalue()


def run(dry_run: bool, accept_valid: bool = False) -> LoadReport | None:
    # in a worker process: a check of a large file must not hold this server's interpreter (other sessions)
    try:
        report, _ = check_upload(
            ui.warehouse().url,
            data,
            upload.name,
            source,
            scope=c.scope,
            who=c.scope.who,
            fmt=fmt_choice,
            encoding=None if encoding == "auto" else encoding,
            decimal=decimal,
            dry_run=dry_run,
            accept_valid=accept_valid,
            published_at=datetime.combine(published, time()) if published else None,
        )
        return report
    except SemanticError as exc:
        st.error(f"{c.t('error')}: {exc.message(c.lang)}")
        return None


key = (upload.name, len(data), source, fmt_choice, decimal, encoding, str(published))
pressed = st.button(c.t("upload_check"), type="primary", key="upload_check")
if pressed or st.session_state.get("upload_key") == key:
    kept = st.session_state.get("upload_report")
    # a rerun (any widget) shows the check of this very file again without sending it to a worker again
    report = kept[1] if not pressed and kept and kept[0] == key else run(dry_run=True)
    if report is None:
        st.stop()
    st.session_state["upload_key"] = key
    st.session_state["upload_report"] = (key, report)
    show_check(c, report, report.valid.drop(columns=[col for col in report.valid.columns if col.startswith("_")]))
    confirm(c, report, run, "upload", "upload_nothing")

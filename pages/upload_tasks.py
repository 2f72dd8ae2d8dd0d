"""The upload page's parts: the problems table both kinds of file show, and the task-file branch — check (nothing
written), read the problems or "all valid", confirm — through connectors.tasks.task_intake, the path of `python -m
connectors tasks`, within the user's own scope."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from connectors.intake import LoadReport
from connectors.tasks.task_intake import TaskReport
from connectors.worker import check_tasks
from pages import ui
from semantic.errors import SemanticError


def problems_table(report: LoadReport) -> pd.DataFrame:
    """One row per problem: where (file, row, column), the value, the rule and the message in the user's language."""
    c = ui.ctx()
    return pd.DataFrame(
        [
            (p.file, p.row, p.column, p.value, p.rule, p.message_vi if c.lang == "vi" else p.message_en)
            for p in report.problems
        ],
        columns=["file", c.t("col_row"), c.t("col_column"), c.t("col_value"), c.t("col_rule"), c.t("col_message")],
    )


def confirm(
    c: ui.Context, report: LoadReport, run: Callable[..., LoadReport | None], prefix: str, nothing: str
) -> None:
    """The load after a check: all valid rows, or (when some rows are bad) the valid ones once the user ticks it."""
    accept = False
    if report.problems and report.rows_valid:
        accept = st.checkbox(c.t("upload_accept_valid"), key=f"{prefix}_accept")
    ready = report.rows_valid > 0 and (accept or not report.problems)
    if st.button(c.t("upload_confirm"), disabled=not ready, key=f"{prefix}_confirm"):
        done = run(dry_run=False, accept_valid=accept)
        if done is not None:
            st.session_state.pop(f"{prefix}_key", None)
            if done.outcome in ("loaded", "partial", "unchanged"):
                st.success(f"{c.t('upload_done')} {done.summary(c.lang)}", icon=":material/check_circle:")
            else:
                st.error(done.summary(c.lang))
    elif not report.rows_valid:
        st.info(c.t(nothing))


def show_check(c: ui.Context, report: LoadReport | TaskReport, preview: pd.DataFrame) -> None:
    """What the check of a file found, before anything is written: the summary and notes, every problem or that
    all rows are valid, and the first valid rows (`preview`)."""
    st.subheader(report.summary(c.lang))
    for note in getattr(report, "notes", ()):
        st.caption(note)
    if report.problems:
        st.warning(c.t("upload_fix_first"), icon=":material/warning:")
        st.markdown(f"**{c.t('upload_problems')}** ({len(report.problems)})")
        st.dataframe(problems_table(report), hide_index=True, width="stretch")
    else:
        st.success(c.t("upload_all_valid"), icon=":material/check_circle:")
    if report.rows_valid:
        st.markdown(f"**{c.t('upload_valid_preview')}**")
        st.dataframe(preview.head(200), hide_index=True, width="stretch")


def show(c: ui.Context) -> None:
    ui.upload_intro(c, "upload_tasks_intro", "upload_tasks_scope_note")
    upload = st.file_uploader(c.t("upload_tasks_file"), type=["csv", "txt", "xlsx"], key="upload_task_file")
    if upload is None:
        return
    data = upload.getvalue()

    def run(dry_run: bool, accept_valid: bool = False) -> TaskReport | None:
        try:  # in a worker process, as the observation upload (connectors/worker.py)
            report, _ = check_tasks(
                ui.warehouse().url,
                data,
                upload.name,
                who=c.scope.who,
                accept_valid=accept_valid,
                dry_run=dry_run,
                scope=c.scope,
            )
            return report
        except SemanticError as exc:
            st.error(f"{c.t('error')}: {exc.message(c.lang)}")
            return None

    key = (upload.name, len(data))
    checked = st.button(c.t("upload_check"), type="primary", key="upload_task_check")
    if not checked and st.session_state.get("upload_task_key") != key:
        return
    report = run(dry_run=True)
    if report is None:
        return
    st.session_state["upload_task_key"] = key
    show_check(c, report, report.valid)
    confirm(c, report, run, "upload_task", "upload_tasks_nothing")

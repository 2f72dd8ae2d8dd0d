"""The upload page's situation-report branch: a file in the declared layout (connectors.tasks.scenario_reports.
REPORT_COLUMNS) is read and checked, then each report goes through the one report path (`receive`, as `python -m
connectors report` and POST /api/v1/scenarios/{run_id}/reports), within the user's own scope, received now."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from connectors.tasks.scenario_reports import read_report_file, receive_all
from pages import ui
from semantic.playbook import now_vn


def show(c: ui.Context) -> None:
    ui.upload_intro(c, "upload_sit_intro", "upload_scope_note")
    upload = st.file_uploader(c.t("upload_sit_file"), type=["csv", "txt", "xlsx"], key="upload_sit_file")
    if upload is None:
        return
    reports, problems = read_report_file(upload.getvalue(), upload.name)
    if problems:
        st.error(c.t("upload_sit_problems"), icon=":material/warning:")
        st.dataframe(
            pd.DataFrame(
                [(str(row) if row else "", vi if c.lang == "vi" else en) for row, en, vi in problems],
                columns=[c.t("col_row"), c.t("col_message")],
            ),
            hide_index=True,
            width="stretch",
        )
        return
    st.markdown(f"**{c.t('upload_sit_ready').format(n=len(reports))}**")
    st.dataframe(
        pd.DataFrame(
            [(r.run_id, r.duty, r.reporter, f, v) for r in reports for f, v in r.figures.items()],
            columns=["run_id", "duty", "reporter", "figure", "value"],
        ),
        hide_index=True,
        width="stretch",
    )
    if not st.button(c.t("upload_sit_send"), type="primary", key="upload_sit_send"):
        return
    for r, got, err in receive_all(ui.warehouse(), reports, now_vn(), c.scope.who, scope=c.scope):
        names = {"run": r.run_id, "duty": r.duty, "reporter": r.reporter}
        if got is not None:
            state = c.t("upload_sit_late" if got.late else "upload_sit_on_time")
            due = f"{got.due_at:%H:%M %d/%m/%Y}"
            st.success(
                c.t("upload_sit_received").format(**names, slot=got.slot, due=due, state=state),
                icon=":material/check_circle:",
            )
        else:
            st.error(c.t("upload_sit_refused").format(**names, why=err.message(c.lang)))  # type: ignore[union-attr]

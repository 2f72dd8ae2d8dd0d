"""Cảnh báo: every warning the registry's rules raise on the caller's data, by severity and kind."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.warnings import KINDS
from pages import (
    ui,
    warning_badges,
)
from semantic import fmt

c = ui.ctx()
st.title(c.t("warnings_title"))
st.caption(c.t("warnings_intro"))
if st.button(c.t("warnings_reevaluate"), icon=":material/refresh:"):
    warning_badges.reevaluate()
found = warning_badges.alerts()
if not found:
    st.success(c.t("warnings_none"))
    st.stop()

registry = ui.model().registry
kinds = sorted({a.kind for a in found}, key=KINDS.index)
for kind in kinds:
    group = [a for a in found if a.kind == kind]
    st.subheader(f"{c.t('kind_' + kind)} ({len(group)})")
    rows = pd.DataFrame(
        {
            c.t("severity"): [c.t(f"severity_{a.severity}") for a in group],
            c.t("area"): [a.area_code for a in group],
            c.t("period"): [
                fmt.period(a.period, registry[a.indicator_code].frequency, c.lang) if a.period else "" for a in group
            ],
            c.t("message"): [warning_badges.message(a) for a in group],
        }
    )
    ui.table(rows, key=f"warnings-{kind}")

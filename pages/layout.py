"""Layout rules the pages share: CSS for cards that wrap by width and values never cut (Streamlit has no setting for
either), the Vietnamese file-drop hint, and chart axes in the reader's words and formats."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pages import present

#: the app's few layout rules (injected once per run by style()): KPI cards wrap by width — at least 15rem each, as
#: many per row as fit (3 at 1440 px, 2 at 1024 px with the sidebar open, 1 on a phone) — and a value or label is
#: wrapped, never cut with an ellipsis; Streamlit's English file-drop hint is replaced by a Vietnamese one.
CSS = """
<style>
[class*="st-key-kpi_grid"] > div { flex: 1 1 15rem !important; min-width: min(15rem, 100%) !important; }
[class*="st-key-kpi_small"] > div { flex: 1 1 9rem !important; min-width: min(9rem, 100%) !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] > div,
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere;
}
[data-testid="stMetricValue"] { font-size: clamp(1.4rem, 2.2vw, 2rem) !important; }
[data-testid="stFileUploaderDropzoneInstructions"] > div > span { display: none !important; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after { content: "{drop}"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzone"] button p { display: none !important; }
[data-testid="stFileUploaderDropzone"] button::after { content: "{browse}"; }
</style>
"""


def is_dates(values: Any) -> bool:
    if values is None or len(values) == 0:
        return False
    first = values[0]
    return isinstance(first, date | pd.Timestamp | np.datetime64) or bool(
        isinstance(first, str) and present.ISO_DAY.match(first[:10]) and len(first) >= 10
    )


def readable_axes(fig: go.Figure, lang: str) -> None:
    """Axis titles that are raw column names ('period_start', 'value') become the reader's words; date axes read
    dd/mm/yyyy; numbers keep their digits (18.800, not 18,8k)."""
    dates = any(is_dates(getattr(t, "x", None)) for t in fig.data)

    def fix(axis: Any, is_x: bool) -> None:
        title = axis.title.text if axis.title is not None else None
        if title and title in present.HEADERS:
            axis.update(title_text=present.header(title, lang))
        if is_x and dates and axis.tickformat is None:
            axis.update(tickformat="%d/%m/%Y", hoverformat="%d/%m/%Y")
        elif not is_x and axis.tickformat is None:
            axis.update(tickformat=",.6~f")

    fig.for_each_xaxis(lambda a: fix(a, True))
    fig.for_each_yaxis(lambda a: fix(a, False))

"""Figures and tables of the forecast page: history with 80/95 % bands, the scorecard, past forecasts vs actuals."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.models import MODELS
from pages.i18n import text

BAND95, BAND80, LINE = "rgba(31,119,180,0.15)", "rgba(31,119,180,0.35)", "#1f77b4"


def band_figure(
    history: pd.DataFrame,
    points: pd.DataFrame,
    lang: str,
    unit: str,
    ceiling: float | None = None,
    floor: float | None = None,
) -> go.Figure:
    """`history`: period_start, value; `points`: period_start, mean, lo80, hi80, lo95, hi95."""
    fig = go.Figure()
    p = points.sort_values("period_start")
    x = list(p["period_start"]) + list(p["period_start"])[::-1]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=list(p["hi95"]) + list(p["lo95"])[::-1],
            fill="toself",
            fillcolor=BAND95,
            line={"width": 0},
            name=text("forecast_band95", lang),
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=list(p["hi80"]) + list(p["lo80"])[::-1],
            fill="toself",
            fillcolor=BAND80,
            line={"width": 0},
            name=text("forecast_band80", lang),
            hoverinfo="skip",
        )
    )
    h = history.sort_values("period_start")
    fig.add_trace(
        go.Scatter(
            x=h["period_start"], y=h["value"], mode="lines", line={"color": "#333"}, name=text("forecast_history", lang)
        )
    )
    if not h.empty:  # join the last actual to the first forecast so the line does not jump
        join = pd.concat(
            [h.tail(1)[["period_start", "value"]].rename(columns={"value": "mean"}), p[["period_start", "mean"]]]
        )
    else:
        join = p
    fig.add_trace(
        go.Scatter(
            x=join["period_start"],
            y=join["mean"],
            mode="lines+markers",
            line={"color": LINE, "dash": "dash"},
            name=text("forecast_mean", lang),
        )
    )
    for bound in (ceiling, floor):
        if bound is not None:
            fig.add_hline(
                y=bound,
                line={"color": "#d62728", "dash": "dot"},
                annotation_text=f"{text('forecast_target', lang)} {bound:g}",
            )
    fig.update_layout(
        height=380,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title=unit,
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def model_label(name: str, lang: str) -> str:
    spec = MODELS.get(name)
    return (spec.label_vi if lang == "vi" else spec.label_en) if spec else name


def scorecard(scores: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per model: MASE, ratio to the naive baseline, sMAPE, 80/95 % coverage, chosen."""
    s = scores.copy()
    naive = s.loc[s["model"] == "seasonal_naive", "mase"]
    base = float(naive.iloc[0]) if len(naive) else float("nan")
    out = pd.DataFrame(
        {
            text("forecast_model", lang): [model_label(m, lang) for m in s["model"]],
            "MASE": s["mase"].round(2),
            "MASE / naive": (s["mase"] / base).round(2),
            "sMAPE (%)": s["smape"].round(1),
            text("forecast_band80", lang): (100 * s["cov80"]).round(0),
            text("forecast_band95", lang): (100 * s["cov95"]).round(0),
            text("chosen", lang): ["✓" if c else "" for c in s["chosen"]],
        }
    )
    return out.sort_values("MASE").reset_index(drop=True)


def past_vs_actual(past: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Earlier runs' forecasts for periods that now have an actual: the error and whether the 80 % band held it."""
    if past.empty or history.empty:
        return pd.DataFrame()
    actual = history[["period_start", "value"]].rename(columns={"value": "actual"})
    actual["period_start"] = pd.to_datetime(actual["period_start"])
    p = past.copy()
    p["period_start"] = pd.to_datetime(p["period_start"])
    j = p.merge(actual, on="period_start", how="inner")
    j["error"] = j["actual"] - j["mean"]
    j["inside80"] = (j["actual"] >= j["lo80"]) & (j["actual"] <= j["hi80"])
    return j.sort_values(["trained_to", "period_start"]).reset_index(drop=True)

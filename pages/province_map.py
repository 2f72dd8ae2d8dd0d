"""The province choropleth as a Plotly figure that needs nothing from the internet.

Plotly's geo traces (go.Choropleth, go.Scattergeo) fetch a world topojson from cdn.plot.ly when the figure is drawn;
on a government intranet (and in the test browser) that request fails and the map stays blank. So each province is
a filled polygon on longitude/latitude axes (SVG, like a geo map at this scale), coloured from the colour scale, with
a colour bar, hover text, and the Hoàng Sa and Trường Sa archipelagos as labelled points.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from semantic.areas import ARCHIPELAGOS

NO_DATA = "#e5e7eb"
LON_RANGE = (102.0, 117.5)
LAT_RANGE = (8.0, 23.6)


def _rings(geometry: Mapping[str, Any]) -> Iterator[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        yield polygon[0]  # the outer ring: provinces here have no holes worth drawing at this scale


def figure(
    geo: Mapping[str, Any],
    values: Mapping[str, float],
    names: Mapping[str, str],
    labels: Mapping[str, str],
    unit: str,
    colorscale: str,
    title: str,
    number: Any,
) -> go.Figure:
    """`values`: code -> value (provinces without one are grey); `labels`: archipelago code -> its label;
    `number`: value -> text in the reader's format (for the hover)."""
    known = [v for v in values.values() if v is not None and not math.isnan(v)]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    span = (high - low) or 1.0
    fig = go.Figure()
    for feature in geo["features"]:
        code = feature["id"]
        value = values.get(code)
        has = value is not None and not math.isnan(value)
        color = sample_colorscale(colorscale, [(value - low) / span])[0] if has else NO_DATA
        xs: list[float | None] = []
        ys: list[float | None] = []
        for ring in _rings(feature["geometry"]):
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
        hover = f"{names.get(code, code)}: {number(value) if has else '–'}"
        fig.add_scatter(
            x=xs, y=ys, fill="toself", fillcolor=color, mode="lines", line=dict(color="white", width=0.6),
            name=code, meta="province", hoveron="fills", text=hover, hoverinfo="text", showlegend=False,
        )  # fmt: skip
    if known:  # the colour bar, carried by an invisible marker
        fig.add_scatter(
            x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False, meta="scale",
            marker=dict(colorscale=colorscale, cmin=low, cmax=high, color=[low], showscale=True,
                        colorbar=dict(title=unit, thickness=14)),
        )  # fmt: skip
    fig.add_scatter(
        x=[a["lon"] for a in ARCHIPELAGOS], y=[a["lat"] for a in ARCHIPELAGOS], mode="markers+text",
        text=[labels[a["code"]] for a in ARCHIPELAGOS], textposition="bottom center", meta="archipelagos",
        marker=dict(size=8, color="#1f2937"), textfont=dict(size=12, color="#1f2937"), hoverinfo="text",
        showlegend=False,
    )  # fmt: skip
    fig.update_xaxes(visible=False, range=list(LON_RANGE), fixedrange=False)
    # equal distances north-south and east-west around 16° N (the map's middle latitude)
    fig.update_yaxes(visible=False, range=list(LAT_RANGE), scaleanchor="x", scaleratio=1 / math.cos(math.radians(16)))
    fig.update_layout(title=title, plot_bgcolor="rgba(0,0,0,0)", showlegend=False, hovermode="closest")
    return fig


def provinces(fig_data: list[dict[str, Any]]) -> list[str]:
    """The province codes a drawn figure holds (for tests reading the figure back)."""
    return [t["name"] for t in fig_data if t.get("meta") == "province"]

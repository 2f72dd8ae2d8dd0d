"""`python -m connectors export`: what a caller may see, as SDMX-CSV 2.0 or the canonical CSV — the same files
`load` takes, so data goes back to ministries and provinces in the form it came in (two-way sharing)."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd

from connectors.readers.sdmx import to_sdmx_csv
from semantic.model import SemanticModel, default_model
from semantic.periods import period_key
from semantic.query import execute
from semantic.safetext import cell
from semantic.scope import Scope
from semantic.spec import QuerySpec
from warehouse.db import Warehouse

CANONICAL_OUT = (
    "indicator_code",
    "area_code",
    "period",
    "value",
    "agency_code",
    "category",
    "base",
    "unit",
    "status",
    "published_at",
)


def export_frame(
    wh: Warehouse,
    scope: Scope,
    indicators: tuple[str, ...],
    areas: tuple[str, ...] = (),
    time_from: str | None = None,
    time_to: str | None = None,
    compare: str | None = None,
    dimensions: tuple[str, ...] = (),
    as_of: date | None = None,
    boundaries: str = "as-was",
    model: SemanticModel | None = None,
) -> pd.DataFrame:
    """The rows through the one query path (scope applied, audited as a download)."""
    spec = QuerySpec(
        indicators=indicators,
        areas=areas,
        time_from=time_from,
        time_to=time_to,
        compare=compare,
        dimensions=dimensions,
        as_of=as_of,
        boundaries=boundaries,
    )
    return execute(spec, model or default_model(), scope, wh, action="download", what="export")


def to_canonical_csv(frame: pd.DataFrame) -> str:
    out = pd.DataFrame(
        {
            "indicator_code": frame["indicator_code"],
            "area_code": frame["area_code"],
            "period": [
                period_key(pd.Timestamp(s).date(), f) for s, f in zip(frame["period_start"], frame["freq"], strict=True)
            ],
            "value": frame["value"],
            "agency_code": frame["agency_code"],
            "category": frame["category"],
            "base": frame["base"],
            "unit": frame["unit"],
            "status": frame["status"].replace({"demo": "estimate"}),
            "published_at": pd.to_datetime(frame["vintage"]).dt.strftime("%Y-%m-%dT%H:%M:%S"),
        },
        columns=list(CANONICAL_OUT),
    )
    # the file goes to spreadsheets: text cells by the one rule (control characters out, formula leads neutralised)
    out = out.apply(lambda col: col.map(cell) if col.dtype == object or pd.api.types.is_string_dtype(col) else col)
    buf = io.StringIO()
    out.to_csv(buf, index=False, float_format="%.12g")
    return buf.getvalue()


def export(wh: Warehouse, scope: Scope, fmt: str = "sdmx-csv", **spec: object) -> str:
    frame = export_frame(wh, scope, **spec)  # type: ignore[arg-type]
    return to_sdmx_csv(frame) if fmt == "sdmx-csv" else to_canonical_csv(frame)

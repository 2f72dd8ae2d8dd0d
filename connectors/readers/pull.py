"""`python -m connectors pull CONFIG.yml`: a declared REST endpoint or SQL source, pulled incrementally since the
last vintage the warehouse holds from that source, then checked and loaded like any file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from connectors.base import Connector
from connectors.readers.rest import RestConnector, RestEndpoint
from connectors.readers.sql import SqlConnector, SqlSource
from semantic.errors import ModelError
from semantic.strict import parse, read_yaml
from warehouse.db import Warehouse
from warehouse.schema import table


def last_vintage(wh: Warehouse, source: str) -> datetime | None:
    """The latest vintage loaded from `source`: an incremental pull asks only for what came after it."""
    obs = table("observation")
    got = wh.execute(obs.filter(obs.source == source).vintage.max())
    return None if got is None or pd.isna(got) else pd.Timestamp(got).to_pydatetime()


def connector_from_config(path: Path, wh: Warehouse, incremental: bool = True) -> Connector:
    data = read_yaml(path)
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind == "rest":
        ep = parse(RestEndpoint, data, str(path))
        return RestConnector(ep, last_vintage(wh, ep.source) if incremental and ep.since_param else None)
    if kind == "sql":
        spec = parse(SqlSource, data, str(path))
        return SqlConnector(spec, last_vintage(wh, spec.source) if incremental and spec.since_column else None)
    raise ModelError(
        f"{path}: 'kind' must be rest or sql (got {kind!r})", f"{path}: 'kind' phải là rest hoặc sql (đang là {kind!r})"
    )

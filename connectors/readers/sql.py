"""A SQL source: any Ibis backend URL (PostgreSQL, MySQL, DuckDB, ...) with a declared mapping of its table or
query onto the canonical columns; incremental on a timestamp column."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import ibis
import pandas as pd
from pydantic import model_validator

from connectors.base import CANONICAL, ROW, Batch, Connector
from connectors.readers.rest import _env
from semantic.strict import Strict


class SqlSource(Strict):
    kind: Literal["sql"] = "sql"
    url: str  # an Ibis URL; may name environment variables: postgres://${DB_USER}:${DB_PASSWORD}@host/db
    source: str
    table: str | None = None
    query: str | None = None  # a SELECT, when a table is not enough
    columns: dict[str, str] = {}  # canonical column -> source column; unnamed: same name
    defaults: dict[str, str] = {}  # canonical column -> value for every row
    since_column: str | None = None  # incremental: rows whose column is after the last vintage loaded
    order_by: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _one(self) -> SqlSource:
        if (self.table is None) == (self.query is None):
            raise ValueError("a SQL source names exactly one of: table, query")
        return self


@dataclass
class SqlConnector(Connector):
    spec: SqlSource
    since: datetime | None = None
    format = "sql"

    def batches(self) -> Iterator[Batch]:
        s = self.spec
        con = ibis.connect(_env(s.url))
        try:
            t = con.table(s.table) if s.table else con.sql(s.query)
            picked = {}
            for c in CANONICAL:
                src = s.columns.get(c, c)
                if src in t.columns:
                    picked[c] = t[src].cast("string") if c != "value" else t[src].cast("float64")
            if s.since_column and self.since is not None:
                t = t.filter(t[s.since_column] > self.since)
            expr = t.select(**picked) if picked else t.select()
            if s.order_by:
                expr = t.order_by([t[o] for o in s.order_by]).select(**picked)
            frame = con.to_pyarrow(expr).to_pandas()
        finally:
            con.disconnect()
        for c in CANONICAL:
            if c not in frame.columns:
                frame[c] = s.defaults.get(c)
            elif c in s.defaults:
                frame[c] = frame[c].fillna(s.defaults[c])
        frame[ROW] = range(1, len(frame) + 1)
        digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).values.tobytes()).hexdigest()
        where = s.table or "query"
        since = f", since {self.since.isoformat()}" if self.since else ""
        yield Batch(
            s.source,
            f"{_redact(s.url)} {where}",
            digest,
            frame[[*CANONICAL, ROW]],
            columns={c: s.columns.get(c, c) for c in CANONICAL},
            notes=[f"{where}: {len(frame)} rows{since}"],
        )


def _redact(url: str) -> str:
    """A URL for messages and load_batch: never the password."""
    scheme, _, rest = url.partition("://")
    if "@" in rest:
        cred, _, host = rest.rpartition("@")
        return f"{scheme}://{cred.split(':', 1)[0]}@{host}"
    return url

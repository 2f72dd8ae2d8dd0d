"""The audit trail: who viewed, queried, downloaded or loaded what, with how many rows."""

from __future__ import annotations

import pyarrow as pa

from warehouse.db import Warehouse
from warehouse.load import now_utc


def record(wh: Warehouse, who: str, action: str, what: str, spec: str = "", scope: str = "", rows: int = 0) -> None:
    with wh.transaction():
        wh.insert(
            "audit",
            pa.table(
                {
                    "at": [now_utc()],
                    "who": [who],
                    "action": [action],
                    "what": [what],
                    "spec": [spec],
                    "scope": [scope],
                    "rows": [int(rows)],
                }
            ),
        )

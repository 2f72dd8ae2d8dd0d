"""`python -m connectors seed`: build the warehouse from data/ (reference tables, real series, demo series).

Idempotent: reference tables are replaced as a whole; observation batches go through the one write path, which
skips rows already known, so a second run adds no row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from semantic.registry import Registry, load_registry
from warehouse.db import Warehouse
from warehouse.lazy import lazy
from warehouse.load import BatchInfo, LoadResult, write_observations, write_reference

pd = lazy("pandas")

#: (fraction done 0..1, what is being done) — the terminal bar and st.progress both take this.
Progress = Callable[[float, str], None]


class SelfWriting(Protocol):
    """A seed item for tables other than observations (tasks, programs, events): it writes them itself."""

    def write(self, wh: Warehouse) -> list[LoadResult]: ...


#: A seed source: yields (batch info, canonical frame) pairs of observations, or items that write themselves.
BatchSource = Callable[[Registry], Iterator["tuple[BatchInfo, pd.DataFrame] | SelfWriting"]]


def _sources() -> list[tuple[str, BatchSource]]:
    from connectors.readers import gso, gso_history, worldbank
    from connectors.seed import population
    from demo import direction as direction_demo
    from demo import province as province_demo
    from demo import series as demo

    return [
        ("GSO", gso.batches),
        ("GSO workbooks 2010-2025", gso_history.batches),
        ("GSO population", population.batches),
        ("World Bank", worldbank.batches),
        ("demo", demo.batches),
        ("direction (demo)", direction_demo.batches),
        ("province (demo)", province_demo.batches),  # nothing unless DIEUHANH_PROFILE names a province
    ]


def seed(wh: Warehouse, progress: Progress | None = None, registry: Registry | None = None) -> list[LoadResult]:
    from connectors.seed import reference

    report = progress or (lambda _f, _m: None)
    default_registry = registry is None  # the default model's rollups fit only the default registry's data
    registry = registry or load_registry()
    report(0.0, "schema")
    wh.ensure_schema()
    report(0.05, "reference")
    write_reference(wh, reference.tables(registry))
    results: list[LoadResult] = []
    sources = _sources()
    for i, (name, source) in enumerate(sources):
        report(0.1 + 0.85 * i / len(sources), name)
        for item in source(registry):
            if isinstance(item, tuple):
                info, frame = item
                results.append(write_observations(wh, frame, info))
            else:  # a source of other tables (tasks, programs, events) writes itself
                results.extend(item.write(wh))
    if default_registry:
        from connectors.seed import forecasts_seed

        report(0.96, "forecasts")
        forecasts_seed.write(wh)  # Dự báo has forecasts from the first start (data/forecasts/, kind 'seed')
        # the model's pre-aggregations, declared once here; every later load rebuilds them in its transaction
        from semantic import preagg

        report(0.97, "rollups")
        preagg.ensure(wh)
    report(1.0, "done")
    return results


def ensure_seeded(wh: Warehouse, progress: Progress | None = None) -> bool:
    """Build the warehouse when it does not exist yet; True when it was built now."""
    if wh.exists():
        return False
    seed(wh, progress)
    return True

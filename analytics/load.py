"""Series for forecasting, read through the semantic query path: levels where they exist, else published rates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import pandas as pd

from analytics.series import OFFSETS, RATE_ORDER, Series, from_rows
from semantic.errors import QueryError
from semantic.registry import Indicator, Registry
from semantic.spec import QuerySpec

#: Runs one spec and returns its rows (None when the caller may not run it): the CLI passes semantic.query.execute
#: with the system scope, pages pass their cached, scoped query — so analytics never picks a scope itself.
Run = Callable[[QuerySpec], "pd.DataFrame | None"]

FREQS = tuple(OFFSETS)  # M, Q, Y: the frequencies forecast here


def select(
    registry: Registry, codes: Iterable[str] = (), group: str | None = None, demo: bool = False
) -> list[Indicator]:
    """The indicators named (unknown codes raise with the valid choices), or those of `group` published M/Q/Y;
    demo indicators only when asked (a backtest on generated data measures nothing)."""
    codes = [c for c in codes if c]
    if codes:
        return [registry[c] for c in dict.fromkeys(codes)]
    if group is None:
        raise QueryError("name --indicator or --group", "hãy chọn --indicator hoặc --group")
    groups = sorted({i.group for i in registry})
    if group not in groups:
        raise QueryError(
            f"unknown group '{group}'; valid choices: {', '.join(groups)}",
            f"nhóm '{group}' không tồn tại; hợp lệ: {', '.join(groups)}",
        )
    return [i for i in registry if i.group == group and i.frequency in FREQS and (demo or not i.demo)]


def _frames(run: Run, inds: list[Indicator], areas: tuple[str, ...], as_of: date | None, by_category: bool):
    dims = ("category",) if by_category else ()
    codes = tuple(i.code for i in inds)
    base = QuerySpec(indicators=codes, areas=areas, as_of=as_of, dimensions=dims)
    levels = run(base)
    frames = [] if levels is None else [levels]
    have = set() if levels is None or levels.empty else set(levels["indicator_code"])
    # no levels: the rates the source publishes, as published (a computed rate needs levels we do not have)
    for compare in ("ytd", *RATE_ORDER):
        want = tuple(i.code for i in inds if i.code not in have and compare in i.published)
        if not want:
            continue
        rows = run(QuerySpec(indicators=want, areas=areas, as_of=as_of, dimensions=dims, compare=compare))
        if rows is not None and not rows.empty:
            frames.append(rows[rows["base"] == compare])
    return frames


def load_series(
    run: Run,
    inds: list[Indicator],
    areas: tuple[str, ...] = ("VN",),
    as_of: date | None = None,
    categories: bool = True,
) -> list[Series]:
    """Every forecastable series of `inds` in `areas`: totals, and each category of indicators broken down by one."""
    inds = [i for i in inds if i.frequency in FREQS]
    if not inds:
        return []
    frames = _frames(run, inds, areas, as_of, False)
    cat_inds = [i for i in inds if i.breakdown == "category"]
    if categories and cat_inds:
        frames += _frames(run, cat_inds, areas, as_of, True)
    frames = [f for f in frames if f is not None and not f.empty]
    if not frames:
        return []
    rows = pd.concat(frames, ignore_index=True)
    if "category" not in rows:
        rows["category"] = None
    return from_rows(rows)

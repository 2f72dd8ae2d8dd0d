"""Data quality per indicator x reporting agency or province x period: completeness (expected from the frequency
and release calendar, against received), timeliness (first received by the due day), validation failures,
revisions, seasonal outliers — and the plan's coverage figure.

Every read is a QuerySpec handed to `run`, which the caller binds to the semantic layer with the caller's scope
(the CLI: semantic.query.execute; the page: its cached query): cubes in semantic/models/quality.yml, and the
indicator path for values. Nothing here touches the warehouse itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pandas as pd

from analytics.outliers import PERIODS, seasonal_outliers
from semantic.errors import QueryError
from semantic.periods import add, parse_period, period_end, period_key, truncate
from semantic.registry import Indicator, Registry
from semantic.scope import Scope
from semantic.spec import QuerySpec

#: runs a spec through the one query path with the caller's scope (audited), returning its rows
Run = Callable[[QuerySpec], pd.DataFrame]

#: the plan's goal (Decision 1012/QĐ-TTg): share of national statistical indicators delivered as digital data
GOALS = ((2025, 80.0), (2030, 100.0))
#: the columns of `summary`, in order: one line per indicator x reporter
#: who reports a line: the indicator (with its names) and the reporting unit
_WHO = ("indicator_code", "name_vi", "name_en", "reporter", "area_code", "agency_code")
SUMMARY_COLUMNS = (
    *_WHO,
    "expected",
    "received",
    "completeness_pct",
    "on_time_pct",
    "revisions",
    "rejected",
    "outliers",
    "demo",
)
COLUMNS = (
    *_WHO,
    "period",
    "freq",
    "due",
    "received",
    "first_received",
    "on_time",
    "revisions",
    "rejected",
    "outlier",
    "outlier_score",
    "demo",
)


def window(run: Run, period: str | None) -> tuple[date, date]:
    """(first day, last day) of the months reported on: the month asked for, else the 12 months up to the latest
    month with data in the caller's scope."""
    if period:
        start, _ = parse_period(period)
        return start, period_end(start, "M")
    got = run(
        QuerySpec(view="quality_received", measures=("values",), dimensions=("period",), order=("-period",), limit=1)
    )
    last = pd.Timestamp(got["period"].iloc[0]).date() if len(got) else date.today()
    last = truncate(last, "M")
    return add(last, "M", -11), period_end(last, "M")


def expected_periods(ind: Indicator, lo: date, hi: date, today: date) -> list[date]:
    """Starts of the periods of `ind` that end within [lo, hi] and are due by `today` (release calendar)."""
    freq = ind.frequency
    if freq == "D":
        days = pd.bdate_range(lo, hi).date  # daily market series are published on working days
        return [d for d in days if d + timedelta(days=ind.release_due_days) <= today]
    if freq not in ("M", "Q", "Y"):
        return []  # a multi-year period's alignment (2021-2025) is not in the registry: only what is received counts
    out = []
    p = truncate(lo, freq)
    while p <= hi:
        end = period_end(p, freq)
        if lo <= end <= hi and end + timedelta(days=ind.release_due_days) <= today:
            out.append(p)
        p = add(p, freq)
    return out


def quality_report(
    run: Run,
    registry: Registry,
    scope: Scope,
    period: str | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """One row per indicator x reporter (area, agency) x expected or received period."""
    today = today or date.today()
    lo, hi = window(run, period)
    reg = registry
    # the received cube, over the window and a year before it (who reports what is read from that history)
    received = run(
        QuerySpec(
            view="quality_received",
            measures=("values", "first_received", "vintages"),
            dimensions=("indicator", "area", "agency", "period", "freq"),
            time_from=period_key(add(truncate(lo, "M"), "M", -12), "M"),
            time_to=period_key(truncate(hi, "M"), "M"),
        )
    )
    received = received[received["indicator"].isin(reg.indicators)]
    received["period"] = pd.to_datetime(received["period"]).dt.date
    received["agency"] = pd.Series(
        [a if isinstance(a, str) else None for a in received["agency"]], index=received.index, dtype=object
    )
    rows = []
    keys = set(zip(received["indicator"], received["area"], received["agency"], strict=True))
    if scope.unrestricted:
        keys |= {(code, "VN", None) for code in reg.indicators}  # every indicator is due nationally
    got = {(r.indicator, r.area, r.agency, r.period): r for r in received.itertuples(index=False)}
    firsts: dict[tuple, date] = {}
    for c, a, g, p in got:
        firsts[(c, a, g)] = min(p, firsts.get((c, a, g), p))
    if scope.unrestricted:
        for code in reg.indicators:
            firsts.pop((code, "VN", None), None)  # national figures are due whether or not they ever came
    for code, area, agency in sorted(keys, key=lambda k: (k[0], k[1], k[2] or "")):
        ind = reg[code]
        first = firsts.get((code, area, agency))  # a reporter is expected from its first report on
        periods = {p for p in expected_periods(ind, lo, hi, today) if first is None or p >= first}
        periods |= {
            p for (c, a, g, p) in got if (c, a, g) == (code, area, agency) and lo <= period_end(p, ind.frequency) <= hi
        }
        for p in sorted(periods):
            r = got.get((code, area, agency, p))
            due = period_end(p, ind.frequency) + timedelta(days=ind.release_due_days)
            got_at = pd.Timestamp(r.first_received) if r is not None else None
            rows.append(
                {
                    "indicator_code": code,
                    "name_vi": ind.name_vi,
                    "name_en": ind.name_en,
                    "reporter": agency or (ind.owner if area == "VN" else area),
                    "area_code": area,
                    "agency_code": agency,
                    "period": period_key(p, ind.frequency),
                    "freq": ind.frequency,
                    "due": due,
                    "received": r is not None,
                    "first_received": got_at.date() if got_at is not None else None,
                    "on_time": None if got_at is None else bool(got_at < pd.Timestamp(due + timedelta(days=1))),
                    "revisions": int(r.vintages) - 1 if r is not None else 0,
                    "rejected": 0,
                    "outlier": False,
                    "outlier_score": np.nan,
                    "demo": ind.demo,
                    "_start": p,
                }
            )
    detail = pd.DataFrame(rows, columns=[*COLUMNS, "_start"])
    if detail.empty:
        return detail.drop(columns="_start")
    detail = _with_rejections(detail, run)
    detail = _with_outliers(detail, run, reg, lo, hi)
    return detail.drop(columns="_start").reset_index(drop=True)


def _with_rejections(detail: pd.DataFrame, run: Run) -> pd.DataFrame:
    rej = run(
        QuerySpec(view="quality_rejected", measures=("problems",), dimensions=("indicator", "area", "agency", "period"))
    )
    counts: dict[tuple, int] = {}
    for r in rej.itertuples(index=False):
        try:
            start, _ = parse_period(str(r.period))
        except QueryError:
            continue  # the period itself was unreadable: counted in the load log, not against a period
        agency = r.agency if isinstance(r.agency, str) else None
        key = (r.indicator, r.area, agency, start)
        counts[key] = counts.get(key, 0) + int(r.problems)
    keys = zip(detail["indicator_code"], detail["area_code"], _agencies(detail), detail["_start"], strict=True)
    detail["rejected"] = [counts.get(k, 0) for k in keys]
    return detail


def _with_outliers(detail: pd.DataFrame, run: Run, reg: Registry, lo: date, hi: date) -> pd.DataFrame:
    """Seasonal outliers of each total series (levels, else its first published comparison), with 4 years of
    history before the window to learn the season from."""
    groups: dict[tuple[str, str | None, str, str, str], list[str]] = {}
    for code in sorted({c for c in detail["indicator_code"] if reg[c].frequency in PERIODS}):
        ind = reg[code]
        base: str | None = None
        if "level" not in ind.published:  # a series GSO publishes only as changes (CPI): score its first one
            base = next((b for b in ind.published if b in ("yoy", "pop", "ytd_yoy") and b in ind.comparisons), None)
        # one query per aggregation signature (as the compiler groups indicators), not one per indicator
        groups.setdefault((ind.frequency, base, ind.time_agg, ind.space_agg, ind.weight or ""), []).append(code)
    start = period_key(date(lo.year - 4, 1, 1), "M")
    frames = []
    for (freq, compare, *_), codes in groups.items():
        spec = QuerySpec(
            indicators=tuple(codes),
            boundaries="as-was",
            time_from=start,
            time_to=period_key(truncate(hi, freq), freq),
            compare=compare,
        )
        try:
            frames.append(run(spec))
        except QueryError:  # one indicator of the group cannot answer: ask them one by one
            for code in codes:
                try:
                    frames.append(run(spec.with_(indicators=(code,))))
                except QueryError:
                    continue
    if not frames:
        return detail
    values = pd.concat(frames, ignore_index=True)
    scores: dict[tuple, tuple[float, bool]] = {}
    for (code, area), s in values.groupby(["indicator_code", "area_code"]):
        series = pd.Series(s["value"].to_numpy(), index=pd.to_datetime(s["period_start"])).sort_index()
        series = series[~series.index.duplicated(keep="last")]
        full = series.asfreq("MS" if reg[code].frequency == "M" else "QS")
        flags = seasonal_outliers(full, PERIODS[reg[code].frequency])
        scored = flags["score"].notna().to_numpy()
        # plain arrays, not a row object per period (iterrows was most of the page's cold run at every area)
        for ts, score, flag in zip(
            flags.index[scored], flags["score"].to_numpy()[scored], flags["outlier"].to_numpy()[scored], strict=True
        ):
            scores[(code, area, ts.date())] = (float(score), bool(flag))
    keys = [
        (c, a, p) if g is None else None
        for c, a, g, p in zip(
            detail["indicator_code"], detail["area_code"], _agencies(detail), detail["_start"], strict=True
        )
    ]
    detail["outlier_score"] = [scores.get(k, (np.nan, False))[0] if k else np.nan for k in keys]
    detail["outlier"] = [scores.get(k, (np.nan, False))[1] if k else False for k in keys]
    return detail


def _agencies(detail: pd.DataFrame) -> list[str | None]:
    """The agency column with None for 'no agency' (pandas 3 reads a mixed text column's None back as NaN)."""
    return [g if isinstance(g, str) else None for g in detail["agency_code"]]


def summary(detail: pd.DataFrame) -> pd.DataFrame:
    """Per indicator x reporter: expected, received, completeness %, on time %, revisions, failures, outliers."""
    if detail.empty:
        return pd.DataFrame(columns=list(SUMMARY_COLUMNS))
    g = detail.assign(agency_code=detail["agency_code"].fillna("")).groupby(
        ["indicator_code", "name_vi", "name_en", "reporter", "area_code", "agency_code", "demo"], sort=True
    )
    out = g.agg(
        expected=("period", "size"),
        received=("received", "sum"),
        on_time=("on_time", lambda s: int(s.fillna(False).sum())),
        revisions=("revisions", "sum"),
        rejected=("rejected", "sum"),
        outliers=("outlier", "sum"),
    ).reset_index()
    out["completeness_pct"] = (100.0 * out["received"] / out["expected"]).round(1)
    out["on_time_pct"] = np.where(
        out["received"] > 0, (100.0 * out["on_time"] / out["received"].clip(lower=1)).round(1), np.nan
    )
    out["agency_code"] = out["agency_code"].replace("", None)
    return out[list(SUMMARY_COLUMNS)]


def coverage(run: Run, registry: Registry, today: date | None = None) -> pd.DataFrame:
    """The plan's figure: of the registry's national statistical indicators, the share delivered as digital data
    (real values, not demo, in the warehouse), against the goals of 80 % by 2025 and 100 % by 2030."""
    stat = sorted(i.code for i in registry if i.statistical)
    got = run(QuerySpec(view="quality_received", measures=("real_values",), dimensions=("indicator",)))
    delivered = sorted(set(got.loc[got["real_values"] > 0, "indicator"]) & set(stat))
    share = round(100.0 * len(delivered) / len(stat), 1) if stat else 0.0
    year = (today or date.today()).year
    missing = ", ".join(sorted(set(stat) - set(delivered)))
    return pd.DataFrame(
        [
            {
                "goal_year": y,
                "goal_pct": goal,
                "coverage_pct": share,
                "delivered": len(delivered),
                "statistical": len(stat),
                "met": share >= goal,
                "due": y <= year,
                "missing": missing,
            }
            for y, goal in GOALS
        ]
    )

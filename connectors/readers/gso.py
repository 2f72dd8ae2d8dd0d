"""GSO's monthly and quarterly releases (data/gso/*.csv, compiled from GSO's workbooks) -> one canonical
observation batch per file. Each release's `Date` is the vintage of what that release published: its estimate for
the month, and its revision of the month before."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from connectors.base import Problem
from connectors.readers.gso_names import tidy
from connectors.readers.gso_spec import SPECS, Col, Spec, Unknown
from semantic.errors import ModelError
from semantic.registry import Registry
from semantic.vocab import RATE_BASES
from warehouse.load import BatchInfo, file_sha256
from warehouse.schema import READER_COLUMNS

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
GSO_DIR = ROOT / "data" / "gso"
MONTHLY = "GSO (Tổng cục Thống kê), monthly release"
QUARTERLY = "GSO (Tổng cục Thống kê), quarterly release"
FRAME_COLUMNS = READER_COLUMNS


@dataclass
class Parsed:
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def row_problem(spec: Spec, line: int, column: str, value: object, rule: str, en: str, vi: str) -> Problem:
    return Problem(f"data/gso/{spec.file}", int(line), column, str(value), rule, en, vi)


def place_rows(spec: Spec, raw: pd.DataFrame, out: Parsed) -> pd.DataFrame:
    """Label -> Target per row; unknown labels reported. A target met twice in one release: identical rows are
    kept once; the same figure printed at two precisions (a table's header rounds what its product list gives in
    full: 'Dầu thô' 35 and 35.256) keeps the precise row; different figures are reported and none is loaded."""
    rows = []
    for idx, r in raw.iterrows():
        t = spec.target(r["_name"], r)
        if isinstance(t, Unknown):
            out.problems.append(
                row_problem(spec, r["_line"], spec.name_col, r["_name"], "unknown_label", t.what_en, t.what_vi)
            )
        elif t is not None:
            rows.append((idx, t.indicator, t.area, t.agency, t.category))
    placed = pd.DataFrame(rows, columns=["_i", "_ind", "_area", "_agency", "_cat"]).set_index("_i")
    df = raw.loc[placed.index].join(placed)
    keys = [df[k].fillna("\x00") for k in ("Date", "_ind", "_area", "_agency", "_cat")]
    values = df[[c.column for c in spec.cols]].apply(pd.to_numeric, errors="coerce")
    drop: list[object] = []
    rounded = identical = 0
    for _, g in values.groupby(keys, sort=False):
        if len(g) < 2:
            continue
        distinct = g.round(9).drop_duplicates()
        best = _same_figure(distinct)
        if best is None:
            r = df.loc[g.index[0]]
            lines = ", ".join(str(n) for n in df.loc[g.index, "_line"])
            out.problems.append(
                row_problem(
                    spec,
                    r["_line"],
                    spec.name_col,
                    r["_name"],
                    "conflicting_duplicate",
                    f"release {r['Date']} has '{r['_name']}' on rows {lines} with different values; none is loaded",
                    f"kỳ công bố {r['Date']} có '{r['_name']}' ở các dòng {lines} với giá trị khác nhau; "
                    "không nạp dòng nào",
                )
            )
            drop.extend(g.index)
            continue
        identical += len(g) - len(distinct)
        rounded += len(distinct) - 1
        drop.extend(i for i in g.index if i != best)
    if identical:
        out.notes.append(f"{spec.file}: {identical} identical duplicate row(s) kept once")
    if rounded:
        out.notes.append(
            f"{spec.file}: {rounded} duplicate row(s) printing the same figure rounded: the precise one kept"
        )
    return df.drop(index=drop)


def _decimals(x: float) -> int:
    exponent = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return min(6, max(0, -int(exponent)))


def _same_figure(rows: pd.DataFrame) -> object | None:
    """The most precise row when every row states the same figures up to the coarser row's printed precision."""
    for col in rows.columns:
        vals = rows[col].tolist()
        if any(pd.isna(v) for v in vals):
            if not all(pd.isna(v) for v in vals):
                return None
            continue
        for a in vals:
            for b in vals:
                if abs(a - b) > 0.5 * 10.0 ** -min(_decimals(a), _decimals(b)) + 1e-9:
                    return None
    precision = rows.apply(lambda r: sum(_decimals(v) for v in r if pd.notna(v)), axis=1)
    return precision.idxmax()


def _index_form(spec: Spec, col: Col, df: pd.DataFrame, v: pd.Series, out: Parsed) -> pd.Series:
    """'Same period last year = 100' -> % change. A release's form is read off its national total: GSO prints the
    index form, but a release now and then holds a column already as % change (tongmuc 2018-03 YTD-YOY: 9.86)."""
    total = df["_ind"].eq(spec.total) & df["_area"].eq("VN") & df["_cat"].isna()
    per_release = v[total].groupby(df.loc[total, "Date"]).first()
    ambiguous = per_release[(per_release > 30) & (per_release < 50)]
    if len(ambiguous):
        raise ValueError(
            f"data/gso/{spec.file}: {col.column} in release(s) {list(ambiguous.index)} is neither an "
            f"index (~100) nor a % change (~0): {list(ambiguous.values)}"
        )
    percent_releases = set(per_release[per_release <= 30].index)
    for d in sorted(percent_releases):
        out.notes.append(f"{spec.file}: release {d} prints {col.column} as a % change, not as an index: taken as is")
    return v.where(df["Date"].isin(percent_releases), v - 100)


def _melt(spec: Spec, df: pd.DataFrame, out: Parsed, source: str = MONTHLY) -> pd.DataFrame:
    month = pd.to_datetime(df["Date"]).dt.to_period("M")
    parts = []
    for col in spec.cols:
        v = pd.to_numeric(df[col.column], errors="coerce")
        if col.index_form:
            v = _index_form(spec, col, df, v, out)
        period = (month - 1) if col.when == "pre" else month
        part = pd.DataFrame(
            {
                "indicator_code": col.indicator or df["_ind"],
                "area_code": df["_area"],
                "agency_code": df["_agency"],
                "category": df["_cat"],
                "period_start": period.dt.start_time.dt.date,
                "freq": "M",
                "base": col.base,
                "value": v,
                "status": col.status,
                "source": source,
                "vintage": pd.to_datetime(df["Date"]),
                "_line": df["_line"],
                "_col": col.column,
            }
        )
        if col.only:
            part = part[df["_ind"].isin(col.only)]
        parts.append(part[part["value"].notna()])
    frame = pd.concat(parts, ignore_index=True)
    return _drop_blank_rates(spec, frame, out)


def _drop_blank_rates(spec: Spec, frame: pd.DataFrame, out: Parsed) -> pd.DataFrame:
    """A rate of exactly −100 % where the row's own level is not zero is a blank cell the compiler of the file wrote
    as index 0 (xk 2018-05 YTD-YOY; iip 2015-07 MOM): reported and dropped. A true −100 % (level 0) stays."""
    levels = frame[frame["base"] == "level"].set_index(["_line", "period_start"])["value"]
    drop = pd.Series(False, index=frame.index)
    for i in frame.index[frame["base"].isin(RATE_BASES) & frame["value"].eq(-100.0)]:
        r = frame.loc[i]
        if levels.get((r["_line"], r["period_start"])) == 0:
            continue
        drop[i] = True
        out.problems.append(
            row_problem(
                spec,
                r["_line"],
                r["_col"],
                r["value"],
                "blank_as_minus_100",
                "−100 % where the level is not zero: a blank written as index 0; not loaded",
                "−100 % trong khi giá trị khác 0: ô trống bị ghi thành chỉ số 0; không nạp",
            )
        )
    return frame[~drop].reset_index(drop=True)


def _vdt_backfilled(df: pd.DataFrame) -> pd.DataFrame:
    """gso_vdt's M-YOY and MOM are computed from `Total-M`, a column filled from the NEXT release's revision of the
    month (or the estimate, where no revision came). They became known when `Total-M` did: the row's own release
    when Total-M is its estimate, else the next release (status revised). Never earlier: no look-ahead."""
    keys = ["_ind", "_area", "_agency", "_cat"]
    month = pd.to_datetime(df["Date"]).dt.to_period("M")
    nxt = df[keys + ["Total-Pre-Month", "Date"]].assign(_m=month - 1)
    nxt = nxt.rename(columns={"Total-Pre-Month": "_next_pre", "Date": "_next_date"})
    cur = df.assign(_m=month).merge(nxt, on=[*keys, "_m"], how="left")
    cur.index = df.index
    own = (cur["Total-M"] - cur["E-Total-M"]).abs() < 1e-6
    later = ~own & ((cur["Total-M"] - cur["_next_pre"]).abs() < 1e-6)
    parts = []
    for column, base in (("M-YOY", "yoy"), ("MOM", "pop")):
        for mask, when, status in ((own, "Date", "estimate"), (later, "_next_date", "revised")):
            if base == "pop" and when == "Date":
                continue  # the release's own E-MOM already says this, at this vintage
            sel = cur[mask & cur[column].notna()]
            parts.append(
                pd.DataFrame(
                    {
                        "indicator_code": sel["_ind"],
                        "area_code": sel["_area"],
                        "agency_code": sel["_agency"],
                        "category": sel["_cat"],
                        "period_start": sel["_m"].dt.start_time.dt.date,
                        "freq": "M",
                        "base": base,
                        "value": sel[column].astype(float),
                        "status": status,
                        "source": MONTHLY,
                        "vintage": pd.to_datetime(sel[when]),
                        "_line": sel["_line"],
                        "_col": column,
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def read_raw(path: Path, name_col: str) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype={name_col: str, "Date": str, "Trong Nước": str})
    raw["_line"] = raw.index + 2  # the header is line 1
    raw["_name"] = raw[name_col].map(tidy)
    return raw


def read(spec: Spec, folder: Path = GSO_DIR) -> Parsed:
    out = Parsed(pd.DataFrame())
    df = place_rows(spec, read_raw(folder / spec.file, spec.name_col), out)
    frame = _melt(spec, df, out)
    if spec.file == "gso_vdt.csv":
        frame = pd.concat([frame, _vdt_backfilled(df)], ignore_index=True)
    out.frame = frame
    return out


def _finish(parsed: Parsed, registry: Registry, file: str) -> pd.DataFrame:
    frame = parsed.frame
    unknown = sorted(set(frame["indicator_code"]) - set(registry.indicators))
    if unknown:
        raise ModelError(
            f"data/gso/{file}: indicators {unknown} are not in the registry (semantic/indicators/)",
            f"data/gso/{file}: chỉ tiêu {unknown} chưa có trong danh mục (semantic/indicators/)",
        )
    if parsed.problems:
        log.warning(
            "data/gso/%s: %d row problem(s) not loaded, e.g. %s",
            file,
            len(parsed.problems),
            parsed.problems[0].text("en"),
        )
    for p in parsed.problems:
        log.info(p.text("en"))
    for n in parsed.notes:
        log.info(n)
    frame = frame.sort_values(["indicator_code", "area_code", "period_start", "base", "vintage"], kind="stable")
    return frame[list(FRAME_COLUMNS)].reset_index(drop=True)


def read_all(folder: Path = GSO_DIR) -> dict[str, Parsed]:
    from connectors.readers.gso_quarterly import read_gdp, read_grdp

    parsed = {spec.file: read(spec, folder) for spec in SPECS}
    parsed["gso_gdp_ss.csv"] = read_gdp(folder)
    parsed["gso_grdp_growth_by_province_2023Q1.csv"] = read_grdp(folder)
    return parsed


def batches(
    registry: Registry, folder: Path = GSO_DIR, problems: list[Problem] | None = None
) -> Iterator[tuple[BatchInfo, pd.DataFrame]]:
    """One batch per GSO file, in a fixed order (loading twice adds nothing: the write path skips known rows).
    Rows not loaded are logged, and appended to `problems` when given (file, row, column, value, rule, vi/en)."""
    for file, parsed in read_all(folder).items():
        info = BatchInfo(
            source="GSO", file_name=f"data/gso/{file}", file_hash=file_sha256((folder / file).read_bytes())
        )
        frame = _finish(parsed, registry, file)
        if problems is not None:
            problems.extend(parsed.problems)
        yield info, frame

"""The dashboard suite on the synthetic warehouse: each query as specs for the semantic layer and as the SQL an
engineer would write by hand for the same numbers (latest vintage, 2025 boundaries, published comparisons
preferred), and a comparison of the two answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from bench.synth import PROVINCES, Size, kind_of
from semantic.spec import Filter, QuerySpec

LO = date(2023, 1, 1)  # the overview shows 3 years: this one, the last, and the one before for its comparisons
KEY = ["indicator_code", "area_code", "agency_code", "period_start"]


@dataclass(frozen=True)
class Case:
    """One dashboard query: the specs the page runs (one rerun), who runs them, and the hand-written SQL."""

    name: str
    persona: str
    specs: tuple[QuerySpec, ...]
    hand: tuple[str, ...]
    order_by_value: bool = False  # a ranking: the page sorts by value
    note: str = field(default="", compare=False)


def kpis(size: Size) -> tuple[str, ...]:
    """30 headline indicators: flows, stocks and indices (the overview shows no weighted rates)."""
    return tuple(f"M{i:04d}" for i in range(size.monthly) if kind_of(i) != "rate")[:30]


def breakdown_flows(size: Size) -> tuple[str, ...]:
    return tuple(f"M{i:04d}" for i in range(1, size.monthly, 20))[:5]


def daily(size: Size) -> tuple[str, ...]:
    return tuple(f"D{i:03d}" for i in range(min(5, size.daily)))


def _in(values: tuple[str, ...] | list[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _codes(codes: tuple[str, ...], kinds: set[str]) -> tuple[str, ...]:
    out = tuple(c for c in codes if c.startswith("M") and kind_of(int(c[1:])) in kinds)
    return out or ("-",)


def _current(
    codes: tuple[str, ...], bases: tuple[str, ...], read: date, hi_end: date | None, areas: tuple[str, ...] | None
) -> str:
    """Latest vintage of the totals, re-aggregated onto 2025 units: sums for additive levels, a single row
    carried over as it is otherwise."""
    hi = f" AND o.period_start <= DATE '{hi_end}'" if hi_end else ""
    where_area = f"WHERE m.dst_code IN {_in(areas)}" if areas else ""
    additive = _in(
        [c for c in codes if c.startswith("D0") and int(c[1:]) % 2 == 0] + list(_codes(codes, {"flow", "stock"}))
    )
    return f"""cur AS (
    SELECT o.indicator_code, o.area_code, o.period_start, o.period_end, o.base, o.value, o.status, o.vintage
    FROM observation o
    WHERE o.indicator_code IN {_in(codes)} AND o.base IN {_in(bases)} AND o.period_start >= DATE '{read}'{hi}
      AND o.agency_code IS NULL AND o.category IS NULL
    QUALIFY row_number() OVER (PARTITION BY o.indicator_code, o.area_code, o.period_start, o.base
                               ORDER BY o.vintage DESC) = 1
),
sp AS (
    SELECT * FROM (
        SELECT c.indicator_code, m.dst_code AS area_code, c.period_start, c.base,
               CASE WHEN c.base = 'level' AND c.indicator_code IN {additive} THEN sum(c.value * m.weight)
                    WHEN count(*) = 1 THEN max(c.value) END AS value,
               arg_max(c.status, c.vintage) AS status, max(c.vintage) AS vintage
        FROM cur c JOIN area_map m
          ON c.area_code = m.src_code AND c.period_end >= m.valid_from AND c.period_end < m.valid_to
        {where_area}
        GROUP BY c.indicator_code, m.dst_code, c.period_start, c.base
    ) WHERE value IS NOT NULL
)"""


def hand_level(codes: tuple[str, ...], areas: tuple[str, ...] | None, lo: date, hi: date | None = None) -> str:
    hi_end = None if hi is None else (pd.Timestamp(hi) + pd.offsets.MonthEnd(0)).date()
    upper = f" AND period_start <= DATE '{hi}'" if hi else ""
    return f"""WITH {_current(codes, ("level",), lo, hi_end, areas)}
SELECT indicator_code, area_code, NULL AS agency_code, period_start, value, status, vintage
FROM sp WHERE period_start >= DATE '{lo}'{upper}
ORDER BY indicator_code, area_code, period_start"""


def hand_yoy(codes: tuple[str, ...], areas: tuple[str, ...] | None, lo: date) -> str:
    read = date(lo.year - 1, 1, 1)
    return f"""WITH {_current(codes, ("level", "yoy"), read, None, areas)},
lvl AS (SELECT * FROM sp WHERE base = 'level'),
pub AS (SELECT indicator_code, area_code, period_start, value, status, vintage FROM sp WHERE base = 'yoy'),
comp AS (
    SELECT a.indicator_code, a.area_code, a.period_start, (a.value / nullif(b.value, 0) - 1) * 100 AS value,
           a.status, greatest(a.vintage, b.vintage) AS vintage
    FROM lvl a JOIN lvl b ON a.indicator_code = b.indicator_code AND a.area_code = b.area_code
     AND a.period_start = CAST(b.period_start + INTERVAL 1 YEAR AS DATE)
)
SELECT indicator_code, area_code, NULL AS agency_code, period_start, value, status, vintage FROM (
    SELECT * FROM pub
    UNION ALL
    SELECT * FROM comp c WHERE NOT EXISTS (
        SELECT 1 FROM pub p WHERE p.indicator_code = c.indicator_code AND p.area_code = c.area_code
          AND p.period_start = c.period_start)
) WHERE period_start >= DATE '{lo}'
ORDER BY indicator_code, area_code, period_start"""


def hand_ytd(codes: tuple[str, ...], areas: tuple[str, ...] | None, lo: date) -> str:
    read = date(lo.year - 1, 1, 1)
    return f"""WITH {_current(codes, ("level", "ytd"), read, None, areas)},
ytd AS (
    SELECT indicator_code, area_code, period_start,
           CASE WHEN indicator_code IN {_in(_codes(codes, {"stock"}))} THEN value
                WHEN count(value) OVER w < month(period_start) THEN NULL  -- a gap since January: no YTD figure
                WHEN indicator_code IN {_in(_codes(codes, {"flow"}))} THEN sum(value) OVER w
                ELSE avg(value) OVER w END AS value,
           status, max(vintage) OVER w AS vintage
    FROM sp WHERE base = 'level'
    WINDOW w AS (PARTITION BY indicator_code, area_code, year(period_start) ORDER BY period_start
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT indicator_code, area_code, NULL AS agency_code, period_start, value, status, vintage
FROM ytd WHERE period_start >= DATE '{lo}' AND value IS NOT NULL
ORDER BY indicator_code, area_code, period_start"""


def hand_explore(codes: tuple[str, ...], agencies: tuple[str, ...], statuses: tuple[str, ...]) -> str:
    return f"""WITH cur AS (
    SELECT o.indicator_code, o.area_code, o.agency_code, o.period_start, o.period_end, o.value, o.status, o.vintage
    FROM observation o
    WHERE o.indicator_code IN {_in(codes)} AND o.base = 'level'
      AND o.period_start >= DATE '2024-01-01' AND o.period_start <= DATE '2025-12-31'
      AND o.agency_code IN {_in(agencies)} AND o.status IN {_in(statuses)} AND o.category IS NULL
    QUALIFY row_number() OVER (PARTITION BY o.indicator_code, o.area_code, o.agency_code, o.period_start
                               ORDER BY o.vintage DESC) = 1
),
sp AS (
    SELECT c.indicator_code, m.dst_code AS area_code, c.agency_code, c.period_start, sum(c.value * m.weight) AS value,
           arg_max(c.status, c.vintage) AS status, max(c.vintage) AS vintage
    FROM cur c JOIN area_map m
      ON c.area_code = m.src_code AND c.period_end >= m.valid_from AND c.period_end < m.valid_to
    GROUP BY ALL
)
SELECT indicator_code, area_code, agency_code, CAST(date_trunc('quarter', period_start) AS DATE) AS period_start,
       sum(value) AS value, arg_max(status, vintage) AS status, max(vintage) AS vintage
FROM sp GROUP BY ALL
HAVING count(*) = 3  -- a quarter's sum only when all three months are there
ORDER BY indicator_code, area_code, agency_code, period_start"""


def extract_codes(size: Size) -> tuple[str, ...]:
    """As many monthly indicators as make ~1 M rows over every area and month (149 at full size)."""
    per = len(size.areas) * 12 * (2026 - size.first_year)
    return tuple(f"M{i:04d}" for i in range(min(size.monthly, -(-1_000_000 // per))))


def hand_extract(codes: tuple[str, ...], first: date) -> str:
    """The extract's rows in the extract's columns (what an engineer would COPY out of the raw facts)."""
    units = {"flow": "tỷ đồng", "stock": "tỷ đồng", "index": "điểm", "rate": "%"}
    unit = " ".join(f"WHEN '{c}' THEN '{units[kind_of(int(c[1:]))]}'" for c in codes)
    return f"""WITH {_current(codes, ("level",), first, None, None)}
SELECT indicator_code, area_code, NULL AS agency_code, NULL AS category, period_start, 'M' AS freq, base, value,
       CASE indicator_code {unit} END AS unit, status, vintage
FROM sp ORDER BY indicator_code, area_code, period_start"""


def overview_specs(codes: tuple[str, ...], area: str) -> tuple[QuerySpec, ...]:
    """What the overview page runs in one rerun: levels, vs same period last year, year to date."""
    start = f"{LO.year}-01"
    return (
        QuerySpec(indicators=codes, areas=(area,), time_from=start),
        QuerySpec(indicators=codes, areas=(area,), time_from=start, compare="yoy"),
        QuerySpec(indicators=codes, areas=(area,), time_from=start, compare="ytd"),
    )


def cases(size: Size) -> list[Case]:
    k = kpis(size)
    provinces = PROVINCES[: size.provinces]
    agencies, statuses = ("MOF", "MOC", "MOT", "MOIT"), ("official", "revised")
    flows = breakdown_flows(size)
    series_from = date(2011, 1, 1) if size.first_year <= 2011 else date(size.first_year, 1, 1)
    return [
        Case(
            "overview",
            "leader",
            overview_specs(k, "VN"),
            (hand_level(k, ("VN",), LO), hand_yoy(k, ("VN",), LO), hand_ytd(k, ("VN",), LO)),
        ),
        Case(
            "series_15y",
            "analyst",
            (QuerySpec(indicators=("M0000",), areas=provinces, time_from=f"{series_from:%Y-%m}"),),
            (hand_level(("M0000",), provinces, series_from),),
        ),
        Case(
            "ranking_month",
            "leader",
            (QuerySpec(indicators=("M0002",), areas=provinces, time_from="2025-12", time_to="2025-12"),),
            (
                hand_level(("M0002",), provinces, date(2025, 12, 1), date(2025, 12, 1)).replace(
                    "ORDER BY indicator_code, area_code, period_start", "ORDER BY value DESC, area_code"
                ),
            ),
            order_by_value=True,
        ),
        Case(
            "explore_3d_2f",
            "analyst",
            (
                QuerySpec(
                    indicators=flows,
                    dimensions=("indicator", "agency", "period"),
                    grain="quarter",
                    filters=(Filter("agency", "in", agencies), Filter("status", "in", statuses)),
                    time_from="2024-Q1",
                    time_to="2025-Q4",
                ),
            ),
            (hand_explore(flows, agencies, statuses),),
        ),
        Case(
            "persona_overview",
            "hungyen",
            overview_specs(k, "33"),
            (hand_level(k, ("33",), LO), hand_yoy(k, ("33",), LO), hand_ytd(k, ("33",), LO)),
        ),
    ]


def extract_case(size: Size) -> tuple[QuerySpec, str]:
    """The analyst's 1 M-row download: monthly indicators, every area, every month since the first year."""
    codes = extract_codes(size)
    first = date(size.first_year, 1, 1)
    return QuerySpec(indicators=codes, time_from=f"{first:%Y-%m}"), hand_extract(codes, first)


def rows(frame: pd.DataFrame) -> list[tuple]:
    """A frame's answer as comparable tuples: key, value (to 1e-6 relative), status, vintage."""
    out = []
    for r in frame.itertuples(index=False):
        agency = None if pd.isna(r.agency_code) else r.agency_code
        value = None if pd.isna(r.value) else float(f"{r.value:.9g}")
        out.append(
            (
                r.indicator_code,
                r.area_code,
                agency,
                pd.Timestamp(r.period_start).date(),
                value,
                r.status,
                pd.Timestamp(r.vintage).to_pydatetime(),
            )
        )
    return sorted(out, key=lambda t: (t[0], t[1], t[2] or "", t[3]))


def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return rows(a) == rows(b)

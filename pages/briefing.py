"""The overview as a printable one-page briefing (HTML, A4; the browser prints it or saves it as PDF): the cards with
their own periods, their status against the year's plan, the targets behind, and the overdue counts."""

from __future__ import annotations

import html as _html
from dataclasses import dataclass
from datetime import date

import pandas as pd

from pages.i18n import PLAN_STATUS, pick, text
from semantic import fmt, plan
from semantic.registry import Indicator, Registry

#: a plan status's colour on paper (the page's badges use Streamlit's names for the same lights)
INK = {"achieved": "#1b7f3b", "on_track": "#1b7f3b", "at_risk": "#b35c00", "off_track": "#b3261e", "no_data": "#666"}


@dataclass(frozen=True)
class Card:
    name: str
    period: str
    value: str
    unit: str
    change: str
    status: str | None


def card(ind: Indicator, latest: pd.Series, yoy: float | None, status: str | None, lang: str) -> Card:
    """One KPI card's facts, formatted as the page shows them."""
    is_rate = latest["unit"] == "%"
    value = fmt.percent(latest["value"], 2, lang) if is_rate else fmt.number(latest["value"], ind.decimals, lang)
    unit = "" if is_rate else (ind.unit if lang == "vi" else ind.unit_en)
    change = "" if yoy is None or pd.isna(yoy) else f"{fmt.percent(yoy, 2, lang)} {text('vs_last_year', lang)}"
    period = fmt.period(pd.Timestamp(latest["period_start"]).date(), latest["freq"], lang)
    return Card(ind.name_vi if lang == "vi" else ind.name_en, period, value, unit, change, status)


def html(
    cards: list[Card],
    behind: pd.DataFrame,
    name_col: str,
    counts: dict[str, int],
    month: date,
    lang: str,
    registry: Registry,
) -> str:
    """The briefing as one self-contained HTML page (no outside call: no fonts, scripts or images fetched)."""
    e = _html.escape
    rows = "".join(
        f"<tr><td>{e(x.name)}</td><td>{e(x.period)}</td><td class=n>{e(x.value)} {e(x.unit)}</td>"
        f"<td>{e(x.change)}</td><td style='color:{INK.get(x.status or '', '#666')}'>"
        f"{e(pick(PLAN_STATUS[x.status], lang)) if x.status else '–'}</td></tr>"
        for x in cards
    )
    late = (
        "".join(
            f"<li><b style='color:{INK[r['plan_status']]}'>{e(pick(PLAN_STATUS[r['plan_status']], lang))}</b> "
            f"{e(str(r[name_col]))} — {e(plan.actual_text(r, registry, lang))}</li>"
            for _, r in behind.iterrows()
        )
        or f"<li>{e(text('panel_none', lang))}</li>"
    )
    tallies = " · ".join(f"{e(text(k, lang))}: <b>{fmt.number(n, 0, lang)}</b>" for k, n in counts.items())
    head = [text(k, lang) for k in ("indicator", "period", "value", "vs_last_year", "vs_plan")]
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{e(text("briefing_title", lang))}</title>
<style>
@page {{ size: A4; margin: 12mm; }}
body {{ font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #111; }}
h1 {{ font-size: 15pt; margin: 0 0 2mm; }} h2 {{ font-size: 11.5pt; margin: 4mm 0 1mm; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ccc; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }}
td.n {{ text-align: right; white-space: nowrap; }} ul {{ margin: 0; padding-left: 5mm; }}
.note {{ color: #555; font-size: 9pt; }} @media print {{ .note.screen {{ display: none; }} }}
</style></head><body>
<h1>{e(text("briefing_title", lang))} — {e(fmt.period(month, "M", lang))}</h1>
<p class="note">{e(text("overview_each_card", lang))}</p>
<p class="note screen">{e(text("briefing_print", lang))}</p>
<table><tr>{"".join(f"<th>{e(h)}</th>" for h in head)}</tr>{rows}</table>
<h2>{e(text("overview_behind_title", lang).format(year=month.year))}</h2><ul>{late}</ul>
<h2>{e(text("panel_title", lang))}</h2><p>{tallies}</p>
</body></html>
"""

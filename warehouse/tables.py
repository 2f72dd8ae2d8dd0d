"""Tables owned by other parts of the warehouse (tasks, programs, events, forecasts): registered into the schema."""

from __future__ import annotations

import ibis

from warehouse.schema import register

# -- direction: tasks assigned by the Government / the Prime Minister ---------------------------------------------

#: One row per task of a directing document. `assignee_agency`/`assignee_area` are today's units (the scope and the
#: reports follow whoever holds the task now); `original_*` keep what the document said (a ministry or province that
#: has since merged).
register(
    "task",
    ibis.schema(
        {
            "task_id": "string",
            "document_number": "string",  # 01/NQ-CP, 123/CĐ-TTg, 45/TB-VPCP, 1234/VPCP-KTTH
            "document_kind": "string",  # nghi_quyet | quyet_dinh | chi_thi | cong_dien | thong_bao | van_ban
            "document_date": "date",
            "issuer": "string",  # CP (Government) | TTg (Prime Minister) | VPCP (Government Office)
            "assignee_agency": "string",
            "assignee_area": "string",  # 2025 province code when the assignee is a province's people's committee
            "original_agency": "string",
            "original_area": "string",
            "coordinating": "string",  # agency codes that coordinate, ';'-separated
            "content": "string",
            "deadline": "date",  # null: recurring ("thường xuyên")
            "recurring": "boolean",
            "event_id": "string",  # the emergency a dispatch (công điện) task answers, else null
            "dispatch_id": "string",
            "demo": "boolean",
            "source": "string",
            "batch_id": "string",
        }
    ),
)

#: A task's status history, append-only: assigned, started, progress (a report), completed. The status on a date is
#: derived from the events up to that date; "overdue" is never stored.
register(
    "task_event",
    ibis.schema(
        {
            "task_id": "string",
            "event_date": "date",
            "kind": "string",  # assigned | started | progress | completed
            "note": "string",
            "batch_id": "string",
        }
    ),
)

# -- national target programs and key national projects ----------------------------------------------------------

register(
    "program",
    ibis.schema(
        {
            "program_id": "string",
            "kind": "string",  # ntp (national target program) | key (key national projects)
            "name_vi": "string",
            "name_en": "string",
            "owner_agency": "string",
            "period_from": "date",
            "period_to": "date",
            "plan_capital": "float64",  # billion VND, whole period (state budget)
            "legal_basis": "string",
            "demo": "boolean",
        }
    ),
)

#: A project, or one province's/ministry's component of a program; `agency_code`/`area_code` carry the scope.
register(
    "project",
    ibis.schema(
        {
            "project_id": "string",
            "program_id": "string",
            "name_vi": "string",
            "name_en": "string",
            "agency_code": "string",
            "area_code": "string",
            "plan_capital": "float64",  # billion VND, total investment approved
            "started_on": "date",
            "planned_end": "date",
            "demo": "boolean",
        }
    ),
)

#: The monthly progress report of a project as filed: the month's disbursement, the year-to-date, the year's
#: allocated plan and the planned year-to-date (both as they stood that month), physical progress (cumulative %).
register(
    "project_progress",
    ibis.schema(
        {
            "project_id": "string",
            "month": "date",
            "disbursed": "float64",
            "disbursed_ytd": "float64",
            "plan_year": "float64",
            "plan_ytd": "float64",
            "physical_pct": "float64",
            "physical_plan_pct": "float64",
            "demo": "boolean",
        }
    ),
)

register(
    "project_milestone",
    ibis.schema(
        {
            "project_id": "string",
            "seq": "int32",
            "name_vi": "string",
            "name_en": "string",
            "planned_on": "date",
            "done_on": "date",
            "demo": "boolean",
        }
    ),
)

# -- emergencies -------------------------------------------------------------------------------------------------

register(
    "event",
    ibis.schema(
        {
            "event_id": "string",
            "kind": "string",  # storm | flood | landslide | epidemic | fire | traffic
            "name_vi": "string",
            "name_en": "string",
            "started_on": "date",
            "ended_on": "date",  # null: still going on
            "severity": "int32",  # 1..5 (disaster risk level, Decision 18/2021/QĐ-TTg)
            "lead_agency": "string",
            "summary_vi": "string",
            "summary_en": "string",
            "demo": "boolean",
        }
    ),
)

#: Who an event concerns: the provinces it affects (area + the province's committee) and the agencies that lead it or
#: were tasked by its dispatches. The events' access goes through these rows.
register(
    "event_party",
    ibis.schema(
        {
            "event_id": "string",
            "area_code": "string",
            "agency_code": "string",
            "role": "string",  # affected | lead | assigned
            "since": "date",
        }
    ),
)

#: Figures as reported: the change since the province's previous report (a missing person found dead is -1 missing,
#: +1 death), so sums over dates and provinces are the running totals.
register(
    "event_figure",
    ibis.schema(
        {
            "event_id": "string",
            "area_code": "string",
            "reported_on": "date",
            "figure": "string",  # deaths | missing | injured | cases | houses_damaged | rice_ha_lost | relief_bn_vnd
            "value": "float64",
            "demo": "boolean",
        }
    ),
)

#: Dispatches (công điện) issued on an event; their tasks are rows of `task` with this dispatch_id.
register(
    "dispatch",
    ibis.schema(
        {
            "dispatch_id": "string",
            "event_id": "string",
            "document_number": "string",
            "document_date": "date",
            "issuer": "string",
            "title_vi": "string",
            "demo": "boolean",
        }
    ),
)

# -- forecasts (analytics/): append-only vintages; "what did we forecast in March for June" is a query ---------------
#: One forecast run per series: the model chosen by backtest, its form, what it was trained on and its scores.
FORECAST_RUN = ibis.schema(
    {
        "run_id": "string",
        "indicator_code": "string",
        "area_code": "string",
        "category": "string",  # null: the total
        "base": "string",  # what was forecast: level | ytd (levels), yoy | ytd_yoy | pop (published rates)
        "freq": "string",
        "owner_agency": "string",  # the indicator's owner: the agency part of a scope sees its own forecasts
        "model": "string",
        "params": "string",  # JSON: the model's form (ETS components, ARIMA orders, ...)
        "horizon": "int32",
        "trained_to": "date",  # the last period the model saw
        "trained_on": "timestamp",  # the latest vintage among the rows it saw
        "generated_at": "timestamp",
        "kind": "string",  # live: trained on the data as known then | replay: on today's data cut at trained_to
        "mase": "float64",  # the model's backtest scores over the latest rolling origins
        "smape": "float64",
        "cov80": "float64",
        "cov95": "float64",
        "mase_naive": "float64",  # seasonal naive on the same origins
        "ratio": "float64",  # the selection procedure, scored out of sample: chosen / seasonal-naive MASE
        "origins": "int32",
        "status": "string",  # official | demo (the indicator's data are demo data)
    }
)
#: The forecast itself: one row per future period, with 80 % and 95 % prediction intervals.
FORECAST_POINT = ibis.schema(
    {
        "run_id": "string",
        "indicator_code": "string",
        "area_code": "string",
        "category": "string",
        "base": "string",
        "owner_agency": "string",
        "period_start": "date",
        "h": "int32",
        "mean": "float64",
        "lo80": "float64",
        "hi80": "float64",
        "lo95": "float64",
        "hi95": "float64",
        "generated_at": "timestamp",
    }
)
#: Every model's backtest scores in a run: the scorecard (model vs naive).
FORECAST_SCORE = ibis.schema(
    {
        "run_id": "string",
        "indicator_code": "string",
        "area_code": "string",
        "category": "string",
        "owner_agency": "string",
        "model": "string",
        "mase": "float64",
        "smape": "float64",
        "cov80": "float64",
        "cov95": "float64",
        "points": "int64",
        "chosen": "boolean",
        "generated_at": "timestamp",
    }
)
register("forecast_run", FORECAST_RUN)
register("forecast_point", FORECAST_POINT)
register("forecast_score", FORECAST_SCORE)

# -- the data-exchange API (python -m api): idempotent requests, subscriptions, deliveries -------------------------
# registered with the other parts' tables, so a warehouse built by the seed has them before the API first starts
import warehouse.exchange  # noqa: E402, F401
from warehouse import scenario_tables  # noqa: E402, F401 - scenario runs, their log and reports

"""Tables of scenario runs (an activated playbook): the run, its decision log, the situation reports received and
their figures. Times are Vietnam's wall clock (UTC+7) as the leader writes them, without a zone."""

from __future__ import annotations

import ibis

from warehouse.schema import register

#: One row per activation of a playbook: the event it created, the provinces it covers (';'-joined 2025 codes), when
#: and by whom, at what level. The current level and whether it is closed come from the log (append-only).
register(
    "scenario_run",
    ibis.schema(
        {
            "run_id": "string",
            "scenario": "string",  # the playbook's code
            "event_id": "string",
            "areas": "string",
            "activated_at": "timestamp",
            "activated_by": "string",
            "level": "int32",  # the level at activation
            "demo": "boolean",
            "batch_id": "string",
        }
    ),
)

#: The run's log of decisions: activated, level (a change, by a leader or a trigger), dispatch, closed.
register(
    "scenario_log",
    ibis.schema(
        {
            "run_id": "string",
            "event_id": "string",
            "at": "timestamp",
            "kind": "string",  # activated | level | dispatch | closed
            "level": "int32",
            "who": "string",
            "note": "string",
            "batch_id": "string",
        }
    ),
)

#: A situation report received against a duty: which slot (1 = the first report due `every_hours` after activation),
#: from which province (area_code) or agency, when. Its figures go to event_figure.
register(
    "scenario_report",
    ibis.schema(
        {
            "run_id": "string",
            "event_id": "string",
            "duty": "string",
            "area_code": "string",
            "agency_code": "string",
            "slot": "int32",
            "due_at": "timestamp",
            "received_at": "timestamp",
            "received_by": "string",
            "batch_id": "string",
        }
    ),
)

#: The figures a report carries, as totals to its time (a report every 6 h says "3 dead so far"): the latest report
#: of each province is its current count, the series of reports the figures over time.
register(
    "scenario_figure",
    ibis.schema(
        {
            "run_id": "string",
            "event_id": "string",
            "duty": "string",
            "area_code": "string",
            "agency_code": "string",
            "slot": "int32",
            "at": "timestamp",
            "figure": "string",
            "value": "float64",
            "batch_id": "string",
        }
    ),
)

KEYS: dict[str, tuple[str, ...]] = {
    "scenario_run": ("run_id",),
    "scenario_log": ("run_id", "at", "kind"),
    "scenario_report": ("run_id", "duty", "area_code", "agency_code", "slot"),
    "scenario_figure": ("run_id", "duty", "area_code", "agency_code", "slot", "figure"),
}

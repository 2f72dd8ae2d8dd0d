"""Tables owned by other parts of the warehouse (tasks, programs, events, forecasts): registered into the schema."""

from __future__ import annotations

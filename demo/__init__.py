"""Demo-data generators: plausible series, budgets, events, tasks and programs for demo mode,
written through the connectors' write path (never mixed with real data: every row is marked demo)."""

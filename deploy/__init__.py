"""Deployment examples: several app processes behind nginx on loopback (`python -m deploy`)."""

"""Checks: every rule a batch of observations passes before anything is written (all or nothing)."""

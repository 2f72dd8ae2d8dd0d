"""Connectors: sources -> canonical batches -> validation -> warehouse."""

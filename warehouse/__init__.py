"""Warehouse: physical schema, the one write path, lineage."""

"""Semantic layer: registry, model, QuerySpec, compile to Ibis, scope, formatting."""

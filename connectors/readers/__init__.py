"""Readers: each turns a file, a workbook or a pull into batches of the canonical long format."""

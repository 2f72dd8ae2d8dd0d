"""Direction data in: task files, dispatches, scenario runs and their situation reports."""

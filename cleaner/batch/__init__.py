"""Batch runs: walk inputs, plan tasks, run them on an executor, collect outputs and the report in order."""

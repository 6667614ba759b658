"""Showing what cleaning removed: marked-up text for a terminal or a web page, and diffs."""

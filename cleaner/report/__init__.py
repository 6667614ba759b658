"""The removed-span report: JSONL records, and restoring originals from clean text and records."""

"""The engine: text in, clean text and removed spans out. No I/O and no YAML here."""

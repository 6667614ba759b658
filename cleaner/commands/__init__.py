"""The ``cleaner`` command line: each module parses one command group's options and delegates."""

"""Frozen domain types, ids and errors: no I/O, no third-party imports."""

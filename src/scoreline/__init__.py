"""scoreline: statistics people trust, from raw game and community events."""

__version__ = "0.1.0"

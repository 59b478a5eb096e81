"""The daily rollups on a real database: re-processing, time zones, concurrency, commands."""

"""The REST API: FastAPI routes over the stored aggregates and rollups."""

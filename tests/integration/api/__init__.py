"""The REST API on both backends: every endpoint, every error, and its OpenAPI contract."""

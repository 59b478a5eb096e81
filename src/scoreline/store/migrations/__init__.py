"""Alembic migrations of the SQL store, for SQLite and PostgreSQL alike."""

"""Adapters for cs2 sources."""

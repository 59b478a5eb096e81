"""Adapters for valorant sources."""

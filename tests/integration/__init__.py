"""Tests against real databases, processes and servers."""

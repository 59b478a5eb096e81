"""Adapters from vendor formats to the canonical model, chosen by sniffing the content."""

from scoreline.ingest.sources import parse_source, supported_formats

__all__ = ["parse_source", "supported_formats"]

"""Daily rollups: bucket math, period arithmetic and derived figures (pure)."""

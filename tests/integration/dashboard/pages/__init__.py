"""Each dashboard page against the API answer it shows."""

"""The web dashboard: server-rendered pages over the same read services as the API."""

"""The `scoreline` command line."""

"""Worker processes, the runtime commands and their test-only handlers."""

"""Settings and security of the server."""

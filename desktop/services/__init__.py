"""Use cases of the desk, each in its own session: tickets, callers, catalogs, imports."""

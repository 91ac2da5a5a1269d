"""The business of a 1022 centre as plain Python: codes, tickets, callers, calls (stdlib only)."""

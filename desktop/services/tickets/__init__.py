"""Tickets: saving from the form, the one writer of rows, finding, the search index, a caller's history."""

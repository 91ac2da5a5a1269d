"""Importing historical tickets from a file: reading, parsing, writing in bulk."""

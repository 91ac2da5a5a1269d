"""The access record's vocabulary: the desk writes records with it, the server's trail accepts only it."""

from __future__ import annotations

# What was looked at: a citizen by number, a ticket, a search as typed, an export.
ACCESS_KINDS = ("phone", "ticket", "search", "export")
# Why: a call, a search, opening a ticket, a callback, a survey, an export, listening to a call's recording.
ACCESS_REASONS = ("call", "search", "open", "callback", "survey", "export", "recording")

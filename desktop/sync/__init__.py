"""Sync with the central server: numbered outbox pushes, the change-feed pull, conflicts (Qt-free)."""

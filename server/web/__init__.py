"""The units' web pages, served by the central server."""

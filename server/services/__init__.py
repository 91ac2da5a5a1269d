"""Use cases of the server: accounts, applying pushed mutations, the change feed, catalogs, presence."""

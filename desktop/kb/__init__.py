"""The knowledge base of administrative procedures without Qt: folding, the national format, search."""

"""The procedures (knowledge base) panel beside the form."""

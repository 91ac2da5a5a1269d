"""The ticket screens: the form, the lazy list and its filters, the caller's history, forwarding."""

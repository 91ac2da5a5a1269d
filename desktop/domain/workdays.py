"""Working days for the desk: the one calendar lives in protocol/ so the server's deadlines count alike."""

from protocol.workdays import WorkCalendar

__all__ = ["WorkCalendar"]

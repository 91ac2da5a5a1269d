"""The province's report (DOMAIN.md "The reports"): one engine for the desktop, the CLI and the server.

Qt-free and desktop-free: it depends on SQLAlchemy Core and the standard library only, and reads the
tables it is handed (`ReportSource`), so the server binds it to PostgreSQL and the desktop to SQLite.
The exports (`reports.export_xlsx`, `reports.export_docx`) also need openpyxl and python-docx.
"""

from reports.engine import build_report
from reports.period import Period
from reports.shape import Report
from reports.source import CallColumns, ReportSource, TicketColumns, UnitColumns, Vocabulary, report_codes

__all__ = [
    "CallColumns",
    "Period",
    "Report",
    "ReportSource",
    "TicketColumns",
    "UnitColumns",
    "Vocabulary",
    "build_report",
    "report_codes",
]

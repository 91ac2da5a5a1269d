"""File ▸ Import tickets from a CSV file…: the file dialog, the desk's import on the task runner with its
progress, and the result in words (how many, unverified numbers, or the bad lines: nothing imported)."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from desktop.services.bundle import TicketImporter
from desktop.services.imports.importer import (
    ImportAborted,
    ImportCancelled,
    ImportFileError,
    ImportProgress,
    ImportReport,
)
from desktop.ui.common.tasks import TaskRunner

SHOWN_PROBLEMS = 10  # in the message itself; the details list up to DETAILED_PROBLEMS
DETAILED_PROBLEMS = 500


def vn_number(value: int) -> str:
    """12345 -> 12.345."""
    return f"{value:,}".replace(",", ".")


class ImportDesk(QObject):
    """Owns the import action and one import at a time. The import itself (`Desk.import_tickets`, or any
    `TicketImporter`) publishes its change event; the screens refresh from that, not from here."""

    progressed = Signal(object)  # ImportProgress, emitted on the worker thread, shown on the GUI thread
    finished = Signal()  # the result is on screen (tests wait for it)

    def __init__(
        self,
        importer: TicketImporter,
        runner: TaskRunner,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._importer = importer
        self._runner = runner
        self._parent = parent
        self._stop = threading.Event()
        self._size = 0
        self.running = False
        self.file_dialog: QFileDialog | None = None
        self.progress: QProgressDialog | None = None
        self.result_box: QMessageBox | None = None
        self.action = QAction(self.tr("&Import tickets from a CSV file…"), parent)
        self.action.setObjectName("importTicketsAction")
        self.action.setStatusTip(
            self.tr("Add the tickets of a CSV file (historical tickets) to this desk; all or nothing")
        )
        self.action.triggered.connect(self.choose_file)
        self.progressed.connect(self.on_progressed, Qt.ConnectionType.QueuedConnection)

    def choose_file(self) -> None:
        if self.running:
            return
        dialog = QFileDialog(self._parent, self.tr("Import tickets from a CSV file"))
        dialog.setObjectName("importFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setNameFilters([self.tr("CSV files (*.csv)"), self.tr("All files (*)")])
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.start)
        self.file_dialog = dialog
        dialog.open()

    def start(self, file_name: str) -> None:
        """Runs the import on the task runner (never on the GUI thread) behind a window-modal progress."""
        if self.running or not file_name:
            return
        path = Path(file_name)
        try:
            self._size = max(path.stat().st_size, 1)
        except OSError:
            self._size = 1
        self.running = True
        self._stop.clear()
        progress = QProgressDialog(self._parent)
        progress.setObjectName("importProgress")
        progress.setWindowTitle(self.tr("Importing tickets"))
        progress.setLabelText(self.tr("Reading «%1»…").replace("%1", path.name))
        progress.setCancelButtonText(self.tr("&Stop (nothing is imported)"))
        progress.setRange(0, 1000)
        progress.setValue(0)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setWindowModality(
            Qt.WindowModality.WindowModal
        )  # no save meanwhile: the import holds the store
        progress.canceled.connect(self.on_progress_canceled)
        self.progress = progress
        progress.show()
        importer, stop, emit = self._importer, self._stop, self.progressed.emit

        def run() -> ImportReport:
            """Runs on a worker thread: the store, never a widget (progress goes by a queued signal)."""
            return importer(path, emit, stop.is_set)

        self._runner.run(run, self.on_import_done, self.on_import_failed)

    # -- while it runs -------------------------------------------------------------------------
    def on_progressed(self, done: ImportProgress) -> None:
        progress = self.progress
        if progress is None or self._stop.is_set():
            return
        progress.setValue(min(999, done.bytes_read * 1000 // self._size))
        text = self.tr("%1 rows read, %2 tickets ready to import").replace("%1", vn_number(done.rows_read))
        text = text.replace("%2", vn_number(done.imported))
        if done.bad:
            text += "\n" + self.tr("%1 bad rows so far: nothing will be imported").replace(
                "%1", vn_number(done.bad)
            )
        progress.setLabelText(text)

    def on_progress_canceled(self) -> None:
        self._stop.set()
        if self.progress is not None:
            self.progress.setLabelText(self.tr("Stopping: undoing what was read…"))

    # -- the result ----------------------------------------------------------------------------
    def _close_progress(self) -> None:
        self.running = False
        if self.progress is not None:
            self.progress.canceled.disconnect(self.on_progress_canceled)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def on_import_done(self, report: ImportReport) -> None:
        self._close_progress()
        lines = [
            self.tr("Imported %1 tickets.").replace("%1", vn_number(report.imported)),
        ]
        if report.already_present:
            lines.append(
                self.tr("%1 tickets were already on this desk and were left as they are.").replace(
                    "%1", vn_number(report.already_present)
                )
            )
        if report.total_rows == 0:
            lines.append(self.tr("The file has only its header line: no tickets in it."))
        icon = QMessageBox.Icon.Information
        if report.unverified:
            icon = QMessageBox.Icon.Warning
            shown = ", ".join(str(line) for line in report.unverified_lines)
            more = "…" if report.unverified > len(report.unverified_lines) else ""
            lines.append(
                self.tr(
                    "Note: %1 tickets have a phone number not yet in the carriers' number plan (lines %2). "
                    "They were imported; read the number back to the citizen before calling it."
                )
                .replace("%1", vn_number(report.unverified))
                .replace("%2", shown + more)
            )
        self._show_result(icon, self.tr("Import finished"), "\n\n".join(lines))

    def on_import_failed(self, error: BaseException) -> None:
        self._close_progress()
        if isinstance(error, ImportAborted):
            self._show_bad_rows(error.report)
        elif isinstance(error, ImportCancelled):
            self._show_result(
                QMessageBox.Icon.Information,
                self.tr("Import stopped"),
                self.tr("The import was stopped: no ticket was imported. Start it again when you are ready."),
            )
        elif isinstance(error, ImportFileError):
            self._show_result(
                QMessageBox.Icon.Critical,
                self.tr("The file cannot be imported"),
                self.tr("%1\n\nNo ticket was imported.").replace("%1", str(error)),
            )
        else:  # the store (disk full, locked...) or anything unexpected: the transaction rolled back
            self._show_result(
                QMessageBox.Icon.Critical,
                self.tr("The import failed"),
                self.tr(
                    "The tickets could not be written (%1). No ticket was imported. "
                    "Try again; if it persists, call IT."
                ).replace("%1", str(error)),
            )

    def _show_bad_rows(self, report: ImportReport) -> None:
        problems = report.problems
        first = "\n".join(f"• {problem}" for problem in problems[:SHOWN_PROBLEMS])
        text = (
            self.tr("%1 of the file's %2 ticket rows are wrong, so no ticket was imported:")
            .replace("%1", vn_number(report.skipped_bad))
            .replace("%2", vn_number(report.total_rows))
            + "\n\n"
            + first
        )
        hidden = report.skipped_bad - min(len(problems), SHOWN_PROBLEMS)
        if hidden > 0:
            text += "\n" + self.tr("… and %1 more (Show Details…)").replace("%1", vn_number(hidden))
        text += "\n\n" + self.tr(
            "Correct these lines in the file (line 1 is the header), save it as CSV UTF-8 and import it "
            "again."
        )
        details = ""
        if len(problems) > SHOWN_PROBLEMS:
            details = "\n".join(str(problem) for problem in problems[:DETAILED_PROBLEMS])
        self._show_result(QMessageBox.Icon.Warning, self.tr("Nothing imported: wrong rows"), text, details)

    def _show_result(self, icon: QMessageBox.Icon, title: str, text: str, details: str = "") -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self._parent)
        box.setObjectName("importResult")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.result_box = box
        box.finished.connect(self._forget_result)
        box.open()
        self.finished.emit()

    def _forget_result(self) -> None:
        self.result_box = None

"""Who is working: the operator's name from the server account, else a name chosen on this desk."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QMainWindow, QMenu

from desktop.domain.operator import Operator
from desktop.settings import Settings


class OperatorName(QObject):
    """The status bar's operator field and File ▸ Operator name…; asks once on a desk with no name."""

    def __init__(
        self,
        window: QMainWindow,
        menu: QMenu,
        label: QLabel,
        settings: Settings,
        save_settings: Callable[[Settings], None],
        who: Operator | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._label = label
        self._settings = settings
        self._save = save_settings
        self.who = who or Operator(settings.operator)  # the name the open services write under
        self.dialog: QInputDialog | None = None
        self.action = QAction(self.tr("Operator &name…"), window)
        self.action.setObjectName("operatorNameAction")
        self.action.setStatusTip(self.tr("The name written on the tickets and calls of this desk"))
        self.action.triggered.connect(self.ask)
        menu.insertAction(menu.actions()[0] if menu.actions() else None, self.action)  # type: ignore[arg-type]
        self._show()
        if settings.operator_source == "pc":
            QTimer.singleShot(0, self.ask)  # first start: the PC's login ("root") is nobody's name

    def _show(self) -> None:
        settings = self._settings
        name = self.who.name
        if settings.operator_source == "server":
            full_name = settings.sync_full_name
            name = f"{full_name} — {name}" if full_name and full_name != name else name
        text = self.tr("Operator: %1").replace("%1", name)
        if settings.operator_source == "server":
            text += " " + self.tr("(server account)")
        elif settings.operator_source == "pc":
            text += " " + self.tr("(PC login: File ▸ Operator name…)")
        self._label.setText(text)
        self._label.setToolTip(
            self.tr("Signed in to the server: the name is the server account's.")
            if settings.operator_source == "server"
            else self.tr("Change it in File ▸ Operator name…")
        )

    def ask(self) -> None:
        """A window-modal question that does not stop the desk (calls still ring meanwhile)."""
        if self.dialog is not None and self.dialog.isVisible():
            return
        dialog = QInputDialog(self._window)
        dialog.setObjectName("operatorNameDialog")
        dialog.setWindowTitle(self.tr("Operator name"))
        dialog.setLabelText(
            self.tr("Your name as it should appear on tickets, calls and the supervisor's dashboard:")
        )
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        current = self._settings.chosen_operator or (
            "" if self._settings.operator_source == "pc" else self._settings.operator
        )
        dialog.setTextValue(current)
        dialog.textValueSelected.connect(self.on_dialog_text_value_selected)
        self.dialog = dialog
        dialog.open()

    def on_dialog_text_value_selected(self, text: str) -> None:
        name = " ".join(text.split())
        if not name:
            return
        settings = self._settings
        if settings.operator_source == "server":
            settings.chosen_operator = name  # used again if this desk signs out of the server
            self._save(settings)
            self._show()
            return
        settings.operator, settings.operator_source = name, "setting"
        self.who.rename(name)  # the next ticket, call or survey is written under it: no restart
        self._save(settings)
        self._show()

    def on_signed_in(self) -> None:
        """Signed in to the server while the desk runs: the account's name from now on."""
        settings = self._settings
        if not (settings.sync_server and settings.sync_user):
            return
        if settings.operator_source == "setting":
            settings.chosen_operator = settings.operator  # kept for when the desk signs out
        settings.operator, settings.operator_source = settings.sync_user, "server"
        self.who.rename(settings.sync_user)
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.reject()  # the first-start question has its answer
        self._show()

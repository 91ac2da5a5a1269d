"""Small reusable widgets: combos of codes, a completer that ignores Vietnamese diacritics, action buttons,
a one-line label that never widens its panel."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QLabel, QLineEdit, QSizePolicy, QToolButton, QWidget

from desktop.domain.text import fold


class FoldedFilterModel(QSortFilterProxyModel):
    """Keeps the rows whose text contains every typed word, compared without diacritics."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._folded: dict[str, str] = {}

    def set_needle(self, typed: str) -> None:
        words = fold(typed).split()
        if words != self._words:
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        text = str(model.data(model.index(source_row, 0, source_parent)) or "")
        folded = self._folded.get(text)
        if folded is None:
            folded = self._folded[text] = fold(text)
        return all(word in folded for word in self._words)


class FoldedCompleter(QCompleter):
    """A completer over a combo's own items that matches `tan hong` with `Huyện Tân Hồng`."""

    def __init__(self, combo: QComboBox) -> None:
        self._proxy = FoldedFilterModel(combo)
        self._proxy.setSourceModel(combo.model())
        super().__init__(self._proxy, combo)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setMaxVisibleItems(12)

    def splitPath(self, path: str) -> list[str]:
        self._proxy.set_needle(path)
        return [""]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        return str(index.data() or "")


def make_searchable(combo: QComboBox) -> None:
    """An editable combo that completes without diacritics and never inserts what is typed."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setCompleter(FoldedCompleter(combo))


def code_combo(
    items: Iterable[tuple[str, Any]], parent: QWidget | None = None, *, any_label: str | None = None
) -> QComboBox:
    """A combo of (label, value); with `any_label` a first item meaning "no restriction" (value None)."""
    combo = QComboBox(parent)
    if any_label is not None:
        combo.addItem(any_label, None)
    for label, value in items:
        combo.addItem(label, value)
    return combo


def combo_edit(combo: QComboBox) -> QLineEdit:
    """The text field of an editable (searchable) combo."""
    edit = combo.lineEdit()
    if edit is None:
        raise ValueError(f"{combo.objectName() or 'the combo'} is not editable")
    return edit


def python_date(day: QDate) -> date:
    """A QDate as the date it shows (Qt's own conversion, typed)."""
    value = day.toPython()
    assert isinstance(value, date)
    return value


def current_value(combo: QComboBox, kind: Callable[[Any], Any] | None = None) -> Any:
    """The current item's value, turned back into its enum (Qt hands StrEnum/IntEnum back as str/int)."""
    value = combo.currentData()
    if value is None or kind is None:
        return value
    return kind(value)


def select_data(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


def find_by_text(combo: QComboBox, typed: str) -> int:
    """The item whose label is `typed`, exactly or without diacritics; -1 if none or ambiguous."""
    exact = combo.findText(typed.strip(), Qt.MatchFlag.MatchFixedString)
    if exact >= 0:
        return exact
    needle = fold(typed)
    if not needle:
        return -1
    hits = [i for i in range(combo.count()) if fold(combo.itemText(i)) == needle]
    return hits[0] if len(hits) == 1 else -1


def action_button(parent: QWidget, action: QAction, name: str) -> QToolButton:
    """A text button that triggers `action` (its shortcut and tooltip with it) and takes Tab focus."""
    button = QToolButton(parent)
    button.setObjectName(name)
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return button


class ElidedLabel(QLabel):
    """One line whose text never sets its panel's width: a caller's long name or a count that grows
    while the operator types would otherwise push the splitter (the side panel jumped by 90 px at
    1366×768). Too long a text ends in "…" and the whole text is the tooltip; `text()` is the whole text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._whole = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)  # min width 0

    def setText(self, text: str) -> None:
        self._whole = text
        self._fit()

    def text(self) -> str:
        return self._whole

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._whole) + 2 * self.margin() + 4, hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = max(0, self.contentsRect().width() - 2 * self.margin())
        shown = self.fontMetrics().elidedText(self._whole, Qt.TextElideMode.ElideRight, room)
        super().setText(shown)
        self.setToolTip(self._whole if shown != self._whole else "")

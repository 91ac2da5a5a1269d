"""The procedures panel: TTHC search as you type, a readable card, insert and link into the ticket."""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.kb import KbHit, Procedure, QaEntry, RequiredDocument
from desktop.services.bundle import KnowledgeReader
from desktop.ui.common.tasks import TaskRunner, default_runner
from desktop.ui.common.widgets import action_button

KB_DEBOUNCE_MS = 120
RESULT_LIMIT = 20
HIT_ROLE = Qt.ItemDataRole.UserRole + 1
CARD_CSS = """
body { color: #15293f; }
h2 { color: #1f3a5f; margin: 0 0 2px 0; }
h4 { color: #1f3a5f; margin: 10px 0 3px 0; }
.meta { color: #44546a; }
.code { font-weight: bold; color: #15293f; }
.note { color: #6b7a8c; }
th { background: #e9eef5; color: #25364a; text-align: left; }
"""


@dataclass(frozen=True)
class _Found:
    """What one query brought back: the hits and, for procedures, their level and field."""

    hits: list[KbHit]
    labels: dict[str, tuple[str, str]]


class KbPanel(QWidget):
    """Searches the knowledge base on a worker while the operator types; shows one record as a card.

    Each search carries a generation number: a result that comes back after a newer query was typed is
    dropped, and a query typed while another is still running waits (only the newest one) instead of
    piling up on the workers.
    """

    answer_chosen = Signal(str)  # a short answer for the ticket's answer field
    procedure_chosen = Signal(str)  # the TTHC code to put on the ticket
    loaded = Signal()
    results_shown = Signal(list)
    card_shown = Signal(object)

    def __init__(
        self,
        knowledge: KnowledgeReader | None,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kbPanel")
        self._knowledge = knowledge
        self._runner = runner or default_runner()
        self._state = "idle"  # idle, loading, ready, failed
        self._reload_when_loaded = False
        self._typed = ""
        self._generation = 0
        self._card_generation = 0
        self._in_flight = False
        self._queued: tuple[int, str] | None = None
        self.hits: list[KbHit] = []
        self.current: Procedure | QaEntry | None = None

        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("kbSearch")
        self.search_edit.setPlaceholderText(self.tr("Search procedures: cap lai cccd, gplx b2…  Ctrl+K"))
        self.search_edit.setToolTip(
            self.tr("Type without diacritics if you like; ↑/↓ choose, Enter opens the procedure")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("kbStatus")
        self.status_label.setWordWrap(True)

        self.results = QTreeWidget(self)
        self.results.setObjectName("kbResults")
        self.results.setHeaderLabels([self.tr("Code"), self.tr("Procedure"), self.tr("Level · field")])
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.setAlternatingRowColors(True)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.results.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.results.setColumnWidth(2, 150)

        self.card = QTextBrowser(self)
        self.card.setObjectName("kbCard")
        self.card.setOpenExternalLinks(True)
        self.card.document().setDefaultStyleSheet(CARD_CSS)
        self.card.document().setDocumentMargin(8)

        self.insert_action = self._action(
            "kbInsertAction",
            self.tr("&Insert into the answer"),
            "Ctrl+Shift+I",
            self.tr("Insert a short answer from this procedure into the ticket's answer"),
        )
        self.link_action = self._action(
            "kbLinkAction",
            self.tr("&Link procedure to the ticket"),
            "Ctrl+Shift+L",
            self.tr("Mark the ticket as about this administrative procedure and set its code"),
        )
        self.insert_button = action_button(self, self.insert_action, "kbInsertButton")
        self.link_button = action_button(self, self.link_action, "kbLinkButton")

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("kbSplitter")
        self.splitter.addWidget(self.results)
        self.splitter.addWidget(self.card)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        row = self.results.fontMetrics().height() + 6
        self.results.setMinimumHeight(3 * row)
        self.splitter.setSizes([8 * row, 14 * row])  # a handful of results above a card that can be read

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addStretch(1)
        buttons.addWidget(self.insert_button)
        buttons.addWidget(self.link_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.status_label)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(KB_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.on_debounce_timeout)
        self.search_edit.textChanged.connect(self.on_search_edit_text_changed)
        self.search_edit.installEventFilter(self)
        self.results.itemActivated.connect(self.on_results_item_activated)
        self.results.itemClicked.connect(self.on_results_item_activated)
        self.insert_action.triggered.connect(self.on_insert_action_triggered)
        self.link_action.triggered.connect(self.on_link_action_triggered)
        self._show_card(None)
        if knowledge is None:
            self._state = "failed"
            self.search_edit.setEnabled(False)
            self._set_status(self.tr("No knowledge base is open."))
        else:
            self._set_status(self.tr("Type a few words of the procedure, a nickname or an abbreviation."))

    def _action(self, name: str, text: str, shortcut: str, tip: str) -> QAction:
        """A window-wide action: the main window adds it to itself so it works whichever tab is shown."""
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shown = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({shown})")
        action.setStatusTip(tip)
        return action

    # -- public --------------------------------------------------------------------------------
    @property
    def is_loaded(self) -> bool:
        return self._state == "ready"

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()
        self.ensure_loaded()

    def ensure_loaded(self) -> None:
        """Builds the search index on a worker the first time the panel is used."""
        knowledge = self._knowledge
        if self._state != "idle" or knowledge is None:
            return
        self._state = "loading"
        self._set_status(self.tr("Loading the procedures knowledge base…"), busy=True)

        def warm_up() -> None:
            """Runs on a worker thread: reads every record and builds the index (about 1 s per 10k)."""
            knowledge.warm_up()

        self._runner.run(warm_up, self._on_loaded, self._on_load_failed)

    def reload_knowledge(self) -> None:
        """The knowledge base changed under the panel (a pull brought Q&A entries): its index is built
        again on a worker, then what the operator typed is searched again. A panel not opened yet
        builds its index from the store on first use anyway."""
        knowledge = self._knowledge
        if knowledge is None:
            return
        if self._state == "loading":  # the index being built may predate the change
            self._reload_when_loaded = True
            return
        knowledge.invalidate()
        if self._state != "idle":
            self._state = "idle"
            self.ensure_loaded()

    def answer_text(self) -> str:
        """What "insert" puts into the ticket: a few plain lines the operator can read out or trim."""
        shown = self.current
        if isinstance(shown, QaEntry):
            return shown.answer.strip()
        if shown is None:
            return ""
        lines = [self.tr("Procedure: %1 (code %2).").replace("%1", shown.title).replace("%2", shown.code)]
        agency = shown.implementing_agency or shown.competent_agency
        if agency:
            lines.append(self.tr("Where: %1.").replace("%1", agency.rstrip(".")))
        if shown.methods:
            no_deadline, no_fee = self.tr("deadline not published"), self.tr("fee not published")
            parts = [
                f"{method.channel.label}: {method.deadline or no_deadline}, "
                + (self.tr("fee %1").replace("%1", method.fee) if method.fee else no_fee)
                for method in shown.methods
            ]
            lines.append(self.tr("Deadline and fee: %1.").replace("%1", "; ".join(parts)))
        if shown.documents:
            papers = [self._document_text(document) for document in shown.documents]
            lines.append(self.tr("Documents: %1.").replace("%1", "; ".join(papers)))
        if shown.result:
            lines.append(self.tr("Result: %1.").replace("%1", shown.result.rstrip(".")))
        return "\n".join(lines)

    def linked_code(self) -> str:
        """The code "link" puts on the ticket: the procedure's, or the first procedure of a Q&A entry."""
        shown = self.current
        if isinstance(shown, Procedure):
            return shown.code
        if isinstance(shown, QaEntry) and shown.procedure_codes:
            return shown.procedure_codes[0]
        return ""

    # -- searching -----------------------------------------------------------------------------
    def on_search_edit_text_changed(self, text: str) -> None:
        self._typed = text
        self.ensure_loaded()
        self._debounce.start()

    def on_debounce_timeout(self) -> None:
        query = self._typed.strip()
        self._generation += 1
        if not query:
            self._queued = None
            self._show_results([], {})
            if self._state == "ready":
                self._set_status(self.tr("Type a few words of the procedure, a nickname or an abbreviation."))
            return
        if self._state != "ready":
            return  # _on_loaded searches for what is typed by then
        if self._in_flight:
            self._queued = (self._generation, query)  # replaces (cancels) any query waiting before it
            return
        self._start_search(self._generation, query)

    def _start_search(self, generation: int, query: str) -> None:
        knowledge = self._knowledge
        if knowledge is None:
            return
        self._in_flight = True

        def search() -> _Found:
            """Runs on a worker thread: the index search, then level and field of the procedures found."""
            hits = knowledge.search(query, RESULT_LIMIT)
            codes = [hit.code for hit in hits if hit.kind == "procedure"]
            return _Found(hits, knowledge.describe(codes) if codes else {})

        self._runner.run(
            search,
            partial(self._on_results, generation, query),
            partial(self._on_search_failed, generation),
        )

    def _on_results(self, generation: int, query: str, found: _Found) -> None:
        self._in_flight = False
        if generation == self._generation:
            self._show_results(found.hits, found.labels)
            if len(found.hits) >= RESULT_LIMIT:
                self._set_status(
                    self.tr("The best %1 results for “%2”; there may be more: type more words to narrow them")
                    .replace("%1", str(len(found.hits)))
                    .replace("%2", query)
                )
            elif found.hits:
                self._set_status(
                    self.tr("%1 results for “%2”").replace("%1", str(len(found.hits))).replace("%2", query)
                )
            else:
                self._set_status(self.tr("Nothing found for “%1”. Try other words.").replace("%1", query))
        self._run_queued()

    def _on_search_failed(self, generation: int, error: BaseException) -> None:
        self._in_flight = False
        if generation == self._generation:
            self._set_status(self.tr("Search failed: %1").replace("%1", str(error)), error=True)
        self._run_queued()

    def _run_queued(self) -> None:
        queued, self._queued = self._queued, None
        if queued is not None and queued[0] == self._generation:
            self._start_search(*queued)

    def _on_loaded(self, _result: object) -> None:
        self._state = "ready"
        if self._reload_when_loaded:
            self._reload_when_loaded = False
            self.reload_knowledge()
            return
        self._set_status(self.tr("Type a few words of the procedure, a nickname or an abbreviation."))
        self.loaded.emit()
        if self._typed.strip() and not self._debounce.isActive():
            self.on_debounce_timeout()

    def _on_load_failed(self, error: BaseException) -> None:
        self._state = "idle"  # the next keystroke tries again
        self._set_status(
            self.tr("Could not load the knowledge base: %1").replace("%1", str(error)), error=True
        )

    def _show_results(self, hits: list[KbHit], labels: dict[str, tuple[str, str]]) -> None:
        self.hits = hits
        self.results.clear()
        for hit in hits:
            if hit.kind == "qa":
                code, detail = self.tr("Q&A"), self.tr("Question and answer")
            else:
                level, field_name = labels.get(hit.code, ("", ""))
                code, detail = hit.code, " · ".join(part for part in (level, field_name) if part)
            item = QTreeWidgetItem([code, hit.title, detail])
            item.setData(0, HIT_ROLE, hit)
            item.setToolTip(1, hit.title)
            item.setToolTip(2, detail)
            self.results.addTopLevelItem(item)
        self.results.setCurrentItem(None)  # type: ignore[call-overload]  # Qt takes None: no current row
        self.results.clearSelection()
        if self.current is not None and not any(self._shows(hit) for hit in hits):
            # A card the new results no longer list would be inserted or linked by mistake.
            self._card_generation += 1
            self._show_card(None)
        self.results_shown.emit(hits)

    def _shows(self, hit: KbHit) -> bool:
        record = self.current
        if isinstance(record, QaEntry):
            return hit.kind == "qa" and hit.code == record.id
        return isinstance(record, Procedure) and hit.kind != "qa" and hit.code == record.code

    # -- keyboard ------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}
                self.move_in_results(step[Qt.Key(key)])
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
                self.open_current()
                return True
        return super().eventFilter(watched, event)

    def move_in_results(self, step: int) -> None:
        count = self.results.topLevelItemCount()
        if not count:
            return
        current = self.results.currentItem()
        row = (
            self.results.indexOfTopLevelItem(current) + step
            if current is not None
            else (0 if step > 0 else count - 1)
        )
        item = self.results.topLevelItem(max(0, min(row, count - 1)))
        if item is not None:
            self.results.setCurrentItem(item)
            self.results.scrollToItem(item)

    def open_current(self) -> None:
        """Opens the chosen result, or the first one when none is chosen yet."""
        if self._debounce.isActive():  # Enter right after typing: search now, open the top hit then
            self._debounce.stop()
            self.on_debounce_timeout()
        item = self.results.currentItem() or self.results.topLevelItem(0)
        if item is not None:
            self.results.setCurrentItem(item)
            self.open_hit(item.data(0, HIT_ROLE))

    def on_results_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.open_hit(item.data(0, HIT_ROLE))

    # -- the card ------------------------------------------------------------------------------
    def open_hit(self, hit: KbHit) -> None:
        knowledge = self._knowledge
        if knowledge is None:
            return
        self._card_generation += 1
        generation = self._card_generation

        def fetch() -> Procedure | QaEntry | None:
            """Runs on a worker thread: one record from the store."""
            if hit.kind == "qa":
                return knowledge.get_qa(hit.code)
            return knowledge.get(hit.code, hit.province)

        self._runner.run(
            fetch, partial(self._on_card_loaded, generation), partial(self._on_card_failed, generation)
        )

    def _on_card_loaded(self, generation: int, record: Procedure | QaEntry | None) -> None:
        if generation != self._card_generation:
            return
        self._show_card(record)

    def _on_card_failed(self, generation: int, error: BaseException) -> None:
        if generation == self._card_generation:
            self._set_status(self.tr("Could not open the record: %1").replace("%1", str(error)), error=True)

    def _show_card(self, record: Procedure | QaEntry | None) -> None:
        self.current = record
        if isinstance(record, Procedure):
            self.card.setHtml(self.procedure_html(record))
        elif isinstance(record, QaEntry):
            self.card.setHtml(self.qa_html(record))
        else:
            self.card.setHtml(
                "<p class='note'>"
                + html.escape(self.tr("Choose a result (↑/↓ then Enter) to see the procedure here."))
                + "</p>"
            )
        self.insert_action.setEnabled(bool(self.answer_text()))
        self.link_action.setEnabled(bool(self.linked_code()))
        if record is not None:
            self.card_shown.emit(record)

    def procedure_html(self, procedure: Procedure) -> str:
        esc = html.escape
        parts = [f"<h2>{esc(procedure.title)}</h2>"]
        code_caption = esc(self.tr("Code"))
        meta = [f"{code_caption} <span class='code'>{esc(procedure.code)}</span>"]
        meta += [esc(text) for text in (procedure.level, procedure.field) if text]
        if procedure.province:
            meta.append(esc(procedure.province))
        parts.append(f"<p class='meta'>{' · '.join(meta)}</p>")
        agency = procedure.implementing_agency or procedure.competent_agency
        if agency:
            parts.append(self._row(self.tr("Agency"), agency))
        if procedure.submit_address:
            parts.append(self._row(self.tr("Where to submit"), procedure.submit_address))
        if procedure.methods:
            parts.append(self._heading(self.tr("How to submit, deadline and fee")))
            rows = [
                "<tr>"
                + "".join(
                    f"<th>{esc(text)}</th>"
                    for text in (self.tr("Method"), self.tr("Deadline"), self.tr("Fee"))
                )
                + "</tr>"
            ]
            for method in procedure.methods:
                fee = esc(method.fee or "—")
                if method.fee_note:
                    fee += f"<br><span class='note'>{esc(method.fee_note)}</span>"
                rows.append(
                    f"<tr><td>{esc(method.channel.label)}</td><td>{esc(method.deadline or '—')}</td>"
                    f"<td>{fee}</td></tr>"
                )
            parts.append(
                "<table border='1' cellspacing='0' cellpadding='4' width='100%' "
                "style='border-color:#cfd8e3; border-collapse:collapse'>" + "".join(rows) + "</table>"
            )
        if procedure.documents:
            parts.append(self._heading(self.tr("Documents")))
            group = None
            items: list[str] = []
            for document in procedure.documents:
                if document.group != group:
                    if items:
                        parts.append("<ol>" + "".join(items) + "</ol>")
                        items = []
                    group = document.group
                    if group:
                        parts.append(f"<p><i>{esc(group)}</i></p>")
                items.append(f"<li>{esc(self._document_text(document))}</li>")
            parts.append("<ol>" + "".join(items) + "</ol>")
        if procedure.conditions:
            parts.append(self._heading(self.tr("Conditions")) + f"<p>{esc(procedure.conditions)}</p>")
        if procedure.steps:
            parts.append(self._heading(self.tr("Steps")))
            parts.append("<ol>" + "".join(f"<li>{esc(step)}</li>" for step in procedure.steps) + "</ol>")
        if procedure.result:
            parts.append(self._heading(self.tr("Result")) + f"<p>{esc(procedure.result)}</p>")
        if procedure.legal_basis:
            parts.append(self._heading(self.tr("Legal basis")))
            laws = [
                f"<li>{esc(law.title)}"
                + (f" <span class='note'>({esc(law.number)})</span>" if law.number else "")
                + "</li>"
                for law in procedure.legal_basis
            ]
            parts.append("<ul>" + "".join(laws) + "</ul>")
        if procedure.source_url:
            portal = esc(self.tr("National public-service portal"))
            parts.append(f"<p class='note'><a href='{esc(procedure.source_url)}'>{portal}</a></p>")
        return "".join(parts)

    @staticmethod
    def _heading(text: str) -> str:
        return f"<h4>{html.escape(text)}</h4>"

    @staticmethod
    def _row(caption: str, text: str) -> str:
        return f"<p><b>{html.escape(caption)}:</b> {html.escape(text)}</p>"

    def qa_html(self, entry: QaEntry) -> str:
        esc = html.escape
        caption = esc(self.tr("Question and answer"))
        parts = [
            f"<p class='meta'>{caption}</p>",
            f"<h2>{esc(entry.question)}</h2>",
            "".join(
                f"<p>{esc(paragraph)}</p>" for paragraph in entry.answer.split("\n") if paragraph.strip()
            ),
        ]
        if entry.procedure_codes:
            codes = ", ".join(f"<span class='code'>{esc(code)}</span>" for code in entry.procedure_codes)
            related = esc(self.tr("Related procedures"))
            parts.append(f"<p class='meta'>{related}: {codes}</p>")
        return "".join(parts)

    def _document_text(self, document: RequiredDocument) -> str:
        counts = []
        if document.originals:
            counts.append(self.tr("%1 original").replace("%1", str(document.originals)))
        if document.copies:
            counts.append(self.tr("%1 copy").replace("%1", str(document.copies)))
        text = document.name
        if document.form:
            text += " [" + self.tr("form %1").replace("%1", document.form) + "]"
        if counts:
            text += f" ({', '.join(counts)})"
        return text

    # -- status and actions --------------------------------------------------------------------
    def _set_status(self, text: str, *, busy: bool = False, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setProperty("kind", "error" if error else "busy" if busy else "")
        style = self.status_label.style()
        style.unpolish(self.status_label)
        style.polish(self.status_label)

    @property
    def status_text(self) -> str:
        return self.status_label.text()

    @property
    def is_loading(self) -> bool:
        return self._state == "loading"

    def on_insert_action_triggered(self) -> None:
        text = self.answer_text()
        if text:
            self.answer_chosen.emit(text)

    def on_link_action_triggered(self) -> None:
        code = self.linked_code()
        if code:
            self.procedure_chosen.emit(code)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.ensure_loaded()

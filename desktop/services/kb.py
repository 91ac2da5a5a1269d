"""The knowledge-base service: import (national file, starter KB), search as the operator types, full records.

`search` and `get` may run on a worker thread: each call has its own session, and the in-memory index is
built once (under a lock) then only read. Call `warm_up()` on a worker at start so the first keystroke
does not pay for the build.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from desktop.domain.clock import now_vn
from desktop.domain.kb import KbHit, Procedure, QaEntry
from desktop.kb.folding import kb_fold
from desktop.kb.index import IndexSource, KbIndex
from desktop.kb.national import open_text, read_national
from desktop.kb.records import procedure_from_json, procedure_to_json, qa_from_json
from desktop.resources import resources_dir
from desktop.store.local import LocalStore
from desktop.store.models import KbAlias, KbProcedure, KbQa, KbQaProcedure, Meta

STARTER_KEY = "kb:starter"
BATCH = 1000


@dataclass
class ImportReport:
    """What an import did: records added and updated, and each skipped line with its reason."""

    added: int = 0
    updated: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _now() -> datetime:
    return now_vn()


def _search_text(procedure: Procedure) -> str:
    return json.dumps(
        {"aliases": " ; ".join(procedure.aliases), "field": procedure.field, "result": procedure.result},
        ensure_ascii=False,
    )


class KnowledgeBase:
    """Procedures, abbreviations and Q&A of one store, and the search over them."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store
        self._index: KbIndex | None = None
        self._lock = threading.Lock()

    # ---- writing ------------------------------------------------------------------------------------

    def import_national(self, path: Path, on_record: Callable[[int], None] | None = None) -> ImportReport:
        """Read a national JSONL file (gzipped or not); a bad line is reported in the result, not raised.

        `on_record(line)` is called after each line (for a progress bar). Records replace the stored
        record of the same code and province; aliases written here are kept when the file has none.
        """
        report = ImportReport()
        batch: list[Procedure] = []
        with open_text(path) as stream, self._store.writes.begin() as session:
            for result in read_national(stream):
                if result.procedure is None:
                    report.skipped.append((result.line, result.error))
                else:
                    batch.append(result.procedure)
                if len(batch) >= BATCH:
                    self._upsert(session, batch, "national", report)
                    batch = []
                if on_record is not None:
                    on_record(result.line)
            self._upsert(session, batch, "national", report)
        self.invalidate()
        return report

    def add_procedures(self, procedures: Iterable[Procedure], source: str = "server") -> ImportReport:
        report = ImportReport()
        with self._store.writes.begin() as session:
            self._upsert(session, list(procedures), source, report)
        self.invalidate()
        return report

    def _upsert(
        self, session: Session, procedures: list[Procedure], source: str, report: ImportReport
    ) -> None:
        if not procedures:
            return
        unique = {(p.code, p.province): p for p in procedures}  # the last line of a code wins
        codes = sorted({code for code, _ in unique})
        existing: dict[tuple[str, str], tuple[int, str]] = {}
        for start in range(0, len(codes), 500):
            rows = session.execute(
                select(KbProcedure.id, KbProcedure.code, KbProcedure.province, KbProcedure.record).where(
                    KbProcedure.code.in_(codes[start : start + 500])
                )
            )
            existing.update({(row.code, row.province): (row.id, row.record) for row in rows})
        now = _now()
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for key, procedure in unique.items():
            known = existing.get(key)
            if known is not None and not procedure.aliases:
                kept = json.loads(known[1]).get("aliases") or []
                if kept:
                    procedure = procedure_from_json({**procedure_to_json(procedure), "aliases": kept})
            row = {
                "code": procedure.code,
                "province": procedure.province,
                "title": procedure.title,
                "level": procedure.level[:100],
                "field": procedure.field[:200],
                "effective_from": procedure.effective_from,
                "effective_to": procedure.effective_to,
                "source": source,
                "record": json.dumps(procedure_to_json(procedure), ensure_ascii=False),
                "search_text": _search_text(procedure),
                "updated_at": now,
            }
            if known is None:
                inserts.append(row)
            else:
                updates.append({"id": known[0], **row})
        if inserts:
            session.execute(insert(KbProcedure), inserts)
        if updates:
            session.execute(update(KbProcedure), updates)
        report.added += len(inserts)
        report.updated += len(updates)

    def add_aliases(self, aliases: dict[str, list[str]]) -> int:
        """Abbreviations and everyday names; an alias already stored keeps its expansions."""
        added = 0
        with self._store.writes.begin() as session:
            for term, expansions in aliases.items():
                folded = kb_fold(term)
                if folded and session.get(KbAlias, folded) is None:
                    session.add(
                        KbAlias(
                            folded=folded, term=term, expansions=json.dumps(expansions, ensure_ascii=False)
                        )
                    )
                    added += 1
        self.invalidate()
        return added

    def add_qa(self, entries: Iterable[QaEntry], author: str = "") -> int:
        """Q&A entries, replacing one with the same id, with their links to procedure codes."""
        count = 0
        with self._store.writes.begin() as session:
            for entry in entries:
                session.execute(delete(KbQaProcedure).where(KbQaProcedure.qa_id == entry.id))
                session.merge(
                    KbQa(
                        id=entry.id,
                        question=entry.question,
                        answer=entry.answer,
                        tags=json.dumps(list(entry.tags), ensure_ascii=False),
                        author=author,
                        updated_at=_now(),
                    )
                )
                session.flush()
                for code in dict.fromkeys(entry.procedure_codes):
                    session.add(KbQaProcedure(qa_id=entry.id, code=code))
                count += 1
        self.invalidate()
        return count

    # ---- reading ------------------------------------------------------------------------------------

    def invalidate(self) -> None:
        """Forget the index; the next search rebuilds it from the store."""
        with self._lock:
            self._index = None

    def warm_up(self) -> KbIndex:
        """Build the index now (runs on a worker thread; takes about a second per 10k records)."""
        with self._lock:
            if self._index is None:
                self._index = self._build_index()
            return self._index

    def search(self, query: str, limit: int = 10) -> list[KbHit]:
        """Procedures (and Q&A entries) for what the operator has typed, best first. Any thread."""
        index = self._index or self.warm_up()
        return index.search(query, limit)

    def get(self, code: str, province: str = "") -> Procedure | None:
        """The record of `code`: the province's variant when there is one, else the national record."""
        with self._store.sessions() as session:
            rows = session.execute(
                select(KbProcedure.province, KbProcedure.record).where(
                    KbProcedure.code == code, KbProcedure.province.in_({province, ""})
                )
            ).all()
        if not rows:
            with self._store.sessions() as session:
                rows = session.execute(
                    select(KbProcedure.province, KbProcedure.record)
                    .where(KbProcedure.code == code)
                    .order_by(KbProcedure.province)
                    .limit(1)
                ).all()
        if not rows:
            return None
        best = max(rows, key=lambda row: row.province == province)
        return procedure_from_json(json.loads(best.record))

    def get_qa(self, qa_id: str) -> QaEntry | None:
        with self._store.sessions() as session:
            row = session.get(KbQa, qa_id)
            if row is None:
                return None
            codes = session.scalars(select(KbQaProcedure.code).where(KbQaProcedure.qa_id == qa_id)).all()
        return QaEntry(row.id, row.question, row.answer, tuple(codes), tuple(json.loads(row.tags)))

    def qa_for(self, code: str) -> list[QaEntry]:
        """The Q&A entries linked to a procedure code."""
        with self._store.sessions() as session:
            ids = session.scalars(select(KbQaProcedure.qa_id).where(KbQaProcedure.code == code)).all()
        return [entry for entry in (self.get_qa(qa_id) for qa_id in ids) if entry is not None]

    def describe(self, codes: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Level and field of each procedure code (the national record's when there is one). Any thread."""
        wanted = sorted(set(codes))
        found: dict[str, tuple[str, str, str]] = {}
        with self._store.sessions() as session:
            for start in range(0, len(wanted), 500):
                rows = session.execute(
                    select(
                        KbProcedure.code, KbProcedure.province, KbProcedure.level, KbProcedure.field
                    ).where(KbProcedure.code.in_(wanted[start : start + 500]))
                )
                for row in rows:
                    known = found.get(row.code)
                    if known is None or (known[0] and not row.province):
                        found[row.code] = (row.province, row.level, row.field)
        return {code: (level, field_name) for code, (_, level, field_name) in found.items()}

    def count(self) -> int:
        with self._store.sessions() as session:
            return len(session.scalars(select(KbProcedure.id)).all())

    def _build_index(self) -> KbIndex:
        with self._store.sessions() as session:
            aliases = {
                row.folded: json.loads(row.expansions) for row in session.execute(select(KbAlias)).scalars()
            }
            questions: dict[str, list[str]] = {}
            qa_sources: list[IndexSource] = []
            for qa in session.execute(select(KbQa)).scalars():
                tags = " ; ".join(json.loads(qa.tags))
                qa_sources.append(
                    IndexSource(qa.id, qa.question, kind="qa", fields={"aliases": tags, "body": qa.answer})
                )
            for link in session.execute(select(KbQaProcedure.code, KbQa.question).join(KbQa)):
                questions.setdefault(link.code, []).append(link.question)
            rows = session.execute(
                select(KbProcedure.code, KbProcedure.province, KbProcedure.title, KbProcedure.search_text)
            )
            sources = [
                IndexSource(
                    row.code,
                    row.title,
                    row.province,
                    fields={
                        **json.loads(row.search_text),
                        "questions": " ; ".join(questions.get(row.code, ())),
                    },
                )
                for row in rows
            ]
        return KbIndex([*sources, *qa_sources], aliases)


def read_starter(directory: Path | None = None) -> dict[str, Any]:
    folder = directory or resources_dir() / "kb"
    data: dict[str, Any] = json.loads((folder / "starter.json").read_text(encoding="utf-8"))
    data["abbreviations"] = json.loads((folder / "abbreviations.json").read_text(encoding="utf-8"))
    return data


def ensure_starter_kb(store: LocalStore, directory: Path | None = None) -> bool:
    """Load the shipped starter KB once per version (call from LocalStore.open); never overwrites.

    A procedure already in the store (imported from the national file or synced) is left as it is.
    Returns whether anything was loaded.
    """
    starter = read_starter(directory)
    version = int(starter["version"])
    with store.sessions() as session:
        loaded = session.scalar(select(Meta.value).where(Meta.key == STARTER_KEY))
    if loaded is not None and int(loaded) >= version:
        return False
    kb = KnowledgeBase(store)
    kb.add_aliases(starter["abbreviations"]["aliases"])
    procedures = [procedure_from_json(item) for item in starter["procedures"]]
    with store.sessions() as session:
        present = set(session.scalars(select(KbProcedure.code).where(KbProcedure.province == "")).all())
        present_qa = set(session.scalars(select(KbQa.id)).all())
    kb.add_procedures([p for p in procedures if p.code not in present], source="starter")
    kb.add_qa([qa for qa in map(qa_from_json, starter["qa"]) if qa.id not in present_qa])
    with store.writes.begin() as session:
        session.merge(Meta(key=STARTER_KEY, value=str(version)))
    return True

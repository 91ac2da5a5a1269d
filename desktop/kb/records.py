"""Procedures and Q&A entries to and from plain JSON: the stored record and the starter KB's format."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from desktop.domain.kb import Channel, LegalBasis, Procedure, QaEntry, RequiredDocument, SubmissionMethod


def procedure_to_json(procedure: Procedure) -> dict[str, Any]:
    document = asdict(procedure)
    for method in document["methods"]:
        method["channel"] = method["channel"].value
    for key in ("effective_from", "effective_to"):
        value = document[key]
        document[key] = value.isoformat() if value else None
    return document


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(str(item) for item in value or ())


def procedure_from_json(document: dict[str, Any]) -> Procedure:
    """The inverse of `procedure_to_json`; also reads the starter KB, where most keys may be left out."""
    methods = tuple(
        SubmissionMethod(
            channel=Channel(item["channel"]),
            deadline=item.get("deadline", ""),
            deadline_amount=item.get("deadline_amount"),
            deadline_unit=item.get("deadline_unit", ""),
            fee=item.get("fee", ""),
            fee_vnd=item.get("fee_vnd"),
            fee_note=item.get("fee_note", ""),
            description=item.get("description", ""),
        )
        for item in document.get("methods", ())
    )
    documents = tuple(
        RequiredDocument(
            name=item["name"],
            form=item.get("form", ""),
            originals=int(item.get("originals", 0)),
            copies=int(item.get("copies", 0)),
            group=item.get("group", ""),
        )
        for item in document.get("documents", ())
    )
    legal = tuple(
        LegalBasis(title=item.get("title", "") or item.get("number", ""), number=item.get("number", ""))
        for item in document.get("legal_basis", ())
    )
    return Procedure(
        code=str(document["code"]),
        title=str(document["title"]),
        province=document.get("province", "") or "",
        decision_number=document.get("decision_number", ""),
        level=document.get("level", ""),
        kind=document.get("kind", ""),
        field=document.get("field", ""),
        target_groups=_strings(document.get("target_groups")),
        competent_agency=document.get("competent_agency", ""),
        implementing_agency=document.get("implementing_agency", ""),
        submit_address=document.get("submit_address", ""),
        steps=_strings(document.get("steps")),
        methods=methods,
        documents=documents,
        legal_basis=legal,
        conditions=document.get("conditions", ""),
        result=document.get("result", ""),
        related=document.get("related", ""),
        source_url=document.get("source_url", ""),
        aliases=_strings(document.get("aliases")),
        effective_from=_day(document.get("effective_from")),
        effective_to=_day(document.get("effective_to")),
    )


def qa_from_json(document: dict[str, Any]) -> QaEntry:
    return QaEntry(
        id=str(document["id"]),
        question=str(document["question"]),
        answer=str(document["answer"]),
        procedure_codes=_strings(document.get("procedure_codes")),
        tags=_strings(document.get("tags")),
    )

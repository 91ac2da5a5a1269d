"""The knowledge base as plain data: a procedure record (methods, documents, legal basis), Q&A, hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from desktop.domain.codes import _Labelled, enum_from_vocabulary

if TYPE_CHECKING:

    class Channel(_Labelled):
        """A way of submitting a file (hình thức nộp); codes and labels from the vocabulary."""

        IN_PERSON = "truc_tiep"
        ONLINE = "truc_tuyen"
        POST = "buu_chinh"

else:
    Channel = enum_from_vocabulary("submission_channel", module=__name__)


@dataclass(frozen=True)
class SubmissionMethod:
    """One way of submitting, with its own deadline and fee (one row of `cách thức thực hiện`)."""

    channel: Channel
    deadline: str = ""  # as published: "15 Ngày làm việc", "" when not given
    deadline_amount: float | None = None
    deadline_unit: str = ""  # "Ngày làm việc", "Ngày", "Giờ", "Tháng"...
    fee: str = ""  # "Miễn phí", "50,000 Việt Nam Đồng", "Không có thông tin"
    fee_vnd: int | None = None  # 0 when free, None when unknown or not a single amount
    fee_note: str = ""
    description: str = ""


@dataclass(frozen=True)
class RequiredDocument:
    """A paper of the file (thành phần hồ sơ), the form to fill when there is one, and how many."""

    name: str
    form: str = ""
    originals: int = 0
    copies: int = 0
    group: str = ""  # the case it belongs to when the file differs by case ("Trường hợp ...")


@dataclass(frozen=True)
class LegalBasis:
    """A legal text the procedure rests on (căn cứ pháp lý)."""

    title: str
    number: str = ""  # "15/2023/NĐ-CP"


@dataclass(frozen=True)
class Procedure:
    """An administrative procedure (thủ tục hành chính): the national record or a province's variant."""

    code: str
    title: str
    province: str = ""  # "" for the national record
    decision_number: str = ""
    level: str = ""  # "Cấp bộ", "Cấp tỉnh", "Cấp xã"
    kind: str = ""
    field: str = ""
    target_groups: tuple[str, ...] = ()
    competent_agency: str = ""
    implementing_agency: str = ""
    submit_address: str = ""
    steps: tuple[str, ...] = ()
    methods: tuple[SubmissionMethod, ...] = ()
    documents: tuple[RequiredDocument, ...] = ()
    legal_basis: tuple[LegalBasis, ...] = ()
    conditions: str = ""
    result: str = ""
    related: str = ""
    source_url: str = ""
    aliases: tuple[str, ...] = ()  # what callers call it: "làm sổ đỏ", "đổi bằng lái"
    effective_from: date | None = None
    effective_to: date | None = None

    def in_force(self, day: date) -> bool:
        """Whether the record applies on `day` (open-ended when a bound is missing)."""
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to


@dataclass(frozen=True)
class QaEntry:
    """A question callers ask and the answer operators agreed on, linked to procedures by code."""

    id: str
    question: str
    answer: str
    procedure_codes: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class KbHit:
    """One search result: a procedure (by code) or a Q&A entry, with its score (higher is better)."""

    code: str
    title: str
    score: float
    kind: str = "procedure"  # or "qa"
    province: str = ""

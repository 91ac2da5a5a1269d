"""The national procedure format (dichvucong.gov.vn, JSONL): its flattened tables parsed into a Procedure."""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from desktop.domain.kb import Channel, LegalBasis, Procedure, RequiredDocument, SubmissionMethod

NO_INFO = "Không có thông tin"
_METHODS_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_DOCS_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
_CHANNELS = {channel.label: channel for channel in Channel}  # the labels the national pages print
_UNITS = "Ngày làm việc|Giờ làm việc|Ngày|Giờ|Tháng|Năm|Tuần|Phút"
_FEE = r"Miễn phí|Không có thông tin|[\d.,]+ (?:Việt Nam Đồng|VNĐ|Đồng|đồng)"
# A row starts with its channel, then the deadline (a number, maybe with a unit), then the fee.
_ROW = re.compile(
    rf"(?P<channel>{'|'.join(re.escape(label) for label in _CHANNELS)})"
    r"(?P<deadline>(?P<amount>\d+(?:[.,]\d+)?)(?![\d.,])(?! (?:Việt Nam Đồng|VNĐ|Đồng))"
    rf"(?: (?P<unit>{_UNITS}))?)?"
    rf"(?P<fee>{_FEE})"
)
_COPIES = re.compile(r"(\d+) bản (chính|sao)(?:\s*,\s*(\d+) bản (chính|sao))?")
_FORM = re.compile(r"(\S+\.(?:docx?|pdf|xlsx?|rtf|odt))$", re.IGNORECASE)
# "15/2023/NĐ-CP", "05/2022/QĐ-TTg", "54/2014/QH13"; a capital followed by a small letter starts a title.
_GLUED = re.compile(r"[a-zà-ỹđ](?=[A-ZĐ0-9])")
_DOC_NUMBER = re.compile(r"\d{1,4}/\d{4}/[A-ZĐ]+(?:\d{2})?(?:-(?:TTg|[A-ZĐ](?![a-zà-ỹđ]))+)*")
_RESULT_TAIL = re.compile(r"Mã: KQ\.|Từ khóa|Chọn cơ quan thực hiện")
_STEP = re.compile(r"\s*(?=Bước \d+\s*[:.])")


class NationalFormatError(ValueError):
    """A record that cannot be read; the message (Vietnamese) says why."""


@dataclass(frozen=True)
class ReadResult:
    """One line of a national file: the procedure, or why the line was skipped."""

    line: int
    procedure: Procedure | None = None
    error: str = ""


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise NationalFormatError(f"trường {key} không phải chuỗi")
    value = value.strip()
    return "" if value == NO_INFO else value


def _amount(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _vnd(fee: str) -> int | None:
    if fee == "Miễn phí":
        return 0
    match = re.match(r"([\d.,]+) ", fee)
    if not match:
        return None
    digits = re.sub(r"[.,]", "", match.group(1))
    return int(digits) if digits.isdigit() else None


def _split_note(rest: str) -> tuple[str, str]:
    """A fee note in balanced parentheses at the start of `rest`, and what follows it."""
    if not rest.startswith("("):
        return "", rest.strip()
    depth = 0
    for i, ch in enumerate(rest):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return rest[1:i].strip(), rest[i + 1 :].strip()
    return rest[1:].strip(), ""


def parse_methods(flat: str) -> tuple[SubmissionMethod, ...]:
    """`Hình thức nộp...Trực tuyến5 Ngày làm việcMiễn phí(ghi chú)mô tảTrực tiếp...` as rows."""
    body = flat.removeprefix(_METHODS_HEADER)
    rows = list(_ROW.finditer(body))
    methods = []
    for i, row in enumerate(rows):
        end = rows[i + 1].start() if i + 1 < len(rows) else len(body)
        note, description = _split_note(body[row.end() : end])
        unit = row.group("unit") or ""
        amount = _amount(row.group("amount")) if row.group("amount") else None
        fee = row.group("fee")
        methods.append(
            SubmissionMethod(
                channel=_CHANNELS[row.group("channel")],
                deadline=f"{row.group('amount')} {unit}".strip() if amount else "",
                deadline_amount=amount or None,
                deadline_unit=unit if amount else "",
                fee="" if fee == NO_INFO else fee,
                fee_vnd=_vnd(fee),
                fee_note=note,
                description=description,
            )
        )
    return tuple(methods)


def parse_documents(flat: str) -> tuple[RequiredDocument, ...]:
    """Papers by group: `<case>Tên giấy tờ...Số lượng<name><form>1 bản chính,1 bản sao<name>...`."""
    parts = flat.split(_DOCS_HEADER)
    documents: list[RequiredDocument] = []
    group = parts[0].strip(" -")
    for part in parts[1:]:
        cursor = 0
        trailing = part
        for match in _COPIES.finditer(part):
            name = part[cursor : match.start()].strip(" ;\n")
            cursor = match.end()
            trailing = part[cursor:]
            if not name:
                continue
            form = ""
            found = _FORM.search(name)
            if found:
                # The form's file name runs straight on from the paper's name: `cấp lạiMau01.docx`.
                start = found.start()
                glued = _GLUED.search(found.group(1))
                if glued:
                    start += glued.end()
                form = name[start:]
                name = name[:start].strip(" ;\n")
            counts = {"chính": 0, "sao": 0}
            counts[match.group(2)] += int(match.group(1))
            if match.group(3):
                counts[match.group(4)] += int(match.group(3))
            documents.append(RequiredDocument(name, form, counts["chính"], counts["sao"], group))
        group = trailing.strip(" -;\n")  # text after the last paper heads the next group
    return tuple(documents)


def parse_legal_basis(flat: str) -> tuple[LegalBasis, ...]:
    """`Tên văn bản pháp lýMã văn bản<title><number><title><number>...` as (title, number) pairs.

    A title may quote its own number (`Luật 54/2014/QH13` then the column `54/2014/QH13`); the column
    is the number that runs straight into the next title or ends the text.
    """
    body = flat.removeprefix(_LEGAL_HEADER).strip()
    found: list[LegalBasis] = []
    cursor = 0
    for match in _DOC_NUMBER.finditer(body):
        number, end = match.group(0), match.end()
        following = body[end : end + 1]
        inline = following.isspace() or following in ",;.)" or body.startswith(number, end)
        if following and inline:
            continue
        title = " ".join(body[cursor : match.start()].split()).strip(" -")
        cursor = end
        found.append(LegalBasis(title or number, number))
    tail = " ".join(body[cursor:].split()).strip(" -")
    if tail:
        found.append(LegalBasis(tail, ""))
    return tuple(found)


def parse_steps(flat: str) -> tuple[str, ...]:
    lines = [line.strip() for line in flat.splitlines()]
    if len(lines) <= 1:
        lines = [part.strip() for part in _STEP.split(flat)]
    return tuple(line for line in lines if line)


def parse_result(flat: str) -> str:
    match = _RESULT_TAIL.search(flat)
    return (flat[: match.start()] if match else flat).strip()


def _list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def parse_record(record: Any) -> Procedure:
    """A national record (a JSON object) as a Procedure; NationalFormatError when it is not one."""
    if not isinstance(record, dict):
        raise NationalFormatError("dòng không phải một đối tượng JSON")
    code = _text(record, "ma_thu_tuc")
    title = _text(record, "ten_thu_tuc")
    if not code:
        raise NationalFormatError("thiếu mã thủ tục (ma_thu_tuc)")
    if len(code) > 40:
        raise NationalFormatError(f"mã thủ tục quá dài: {code[:50]!r}")
    if not title:
        raise NationalFormatError(f"thủ tục {code} thiếu tên (ten_thu_tuc)")
    return Procedure(
        code=code,
        title=" ".join(title.split()),
        province=_text(record, "tinh_thanh"),
        decision_number=_text(record, "so_quyet_dinh"),
        level=_text(record, "cap_thuc_hien"),
        kind=_text(record, "loai_thu_tuc"),
        field=_text(record, "linh_vuc"),
        target_groups=_list(_text(record, "doi_tuong_thuc_hien")),
        competent_agency=_text(record, "co_quan_co_tham_quyen"),
        implementing_agency=_text(record, "co_quan_thuc_hien"),
        submit_address=_text(record, "dia_chi_tiep_nhan"),
        steps=parse_steps(_text(record, "trinh_tu_thuc_hien")),
        methods=parse_methods(_text(record, "cach_thuc_thuc_hien")),
        documents=parse_documents(_text(record, "thanh_phan_ho_so")),
        legal_basis=parse_legal_basis(_text(record, "can_cu_phap_ly")),
        conditions=_text(record, "yeu_cau_dieu_kien"),
        result=parse_result(_text(record, "ket_qua_xu_ly")),
        related=_text(record, "thu_tuc_lien_quan"),
        source_url=_text(record, "detail_url"),
    )


def open_text(path: Path) -> IO[str]:
    """The file as UTF-8 text, gunzipped when it starts with gzip's magic bytes (whatever its name)."""
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    if gzipped:
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig")
    return path.open(encoding="utf-8-sig")


def read_national(stream: IO[str]) -> Iterator[ReadResult]:
    """Each non-blank line of a national JSONL stream, parsed or with the reason it was skipped."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            yield ReadResult(number, parse_record(json.loads(line)))
        except json.JSONDecodeError as error:
            yield ReadResult(number, error=f"JSON không hợp lệ ({error.msg}, cột {error.colno})")
        except NationalFormatError as error:
            yield ReadResult(number, error=str(error))

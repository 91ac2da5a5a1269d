"""Reading an import file: encodings (a UTF-8 BOM, Windows code pages, UTF-16 told apart), lines
decoded one by one so a decoding error names its line, and CSV errors said in Vietnamese."""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Iterator
from functools import cache
from typing import Any, BinaryIO

ENCODING_HINT = "--encoding cp1258"
CSV_ERRORS = {
    "',' expected after '\"'": (
        'sau dấu ngoặc kép đóng phải là dấu phẩy (dấu ngoặc kép trong ô phải viết đôi: "")'
    ),
    "unexpected end of data": "dấu ngoặc kép mở ở dòng này không được đóng đến hết tệp",
    "field larger than field limit": "một ô dài quá giới hạn (thường do dấu ngoặc kép không được đóng)",
    "new-line character seen in unquoted field": "ký tự xuống dòng lạ (CR) trong ô không có ngoặc kép",
    "line contains NUL": "dòng có ký tự NUL (tệp có thể là UTF-16 hoặc không phải tệp văn bản)",
}


class ImportFileError(Exception):
    """The file cannot be read as an import file (missing, wrong encoding, missing columns)."""


class LineReader:
    """Decoded lines of the file (line endings kept, for csv) and the bytes read so far.

    For encodings where a newline is the byte 0x0A (UTF-8, Windows code pages) each physical line is
    decoded on its own, so a decoding error names its exact line.
    """

    def __init__(self, binary: BinaryIO, encoding: str) -> None:
        self._binary = binary
        self._encoding = encoding
        self.bytes_read = 0
        self.lines_read = 0

    def __iter__(self) -> Iterator[str]:
        if _newline_is_byte_0a(self._encoding):
            return self._by_line()
        return self._by_block()

    def _by_line(self) -> Iterator[str]:
        decode = codecs.getincrementaldecoder(self._encoding)("strict").decode
        for raw in self._binary:
            self.bytes_read += len(raw)
            self.lines_read += 1
            try:
                decoded = decode(raw)
            except UnicodeDecodeError as error:
                raise self._decode_error(error, self.lines_read) from error
            yield decoded
        try:
            tail = decode(b"", True)
        except UnicodeDecodeError as error:
            raise self._decode_error(error, self.lines_read) from error
        if tail:
            yield tail

    def _by_block(self) -> Iterator[str]:
        decode = codecs.getincrementaldecoder(self._encoding)("strict").decode
        pending = ""
        while True:
            block = self._binary.read(1 << 16)
            self.bytes_read += len(block)
            try:
                decoded = pending + decode(block, not block)
            except UnicodeDecodeError as error:
                raise self._decode_error(error, self.lines_read + 1 + pending.count("\n")) from error
            lines = decoded.split("\n")
            pending = lines.pop()
            for line in lines:
                self.lines_read += 1
                yield line + "\n"
            if not block:
                break
        if pending:
            self.lines_read += 1
            yield pending

    def _decode_error(self, error: UnicodeDecodeError, line: int) -> ImportFileError:
        bad = error.object[error.start : error.start + 1].hex().upper()
        if codecs.lookup(self._encoding).name in ("utf-8", "utf-8-sig"):
            return ImportFileError(
                f"dòng {line}: tệp không phải UTF-8 (byte 0x{bad} không đọc được theo UTF-8). "
                "Có lẽ tệp được lưu bằng bảng mã Windows (Windows-1258 hoặc Windows-1252, thường gặp khi "
                "lưu CSV từ Excel): hãy lưu lại tệp dạng «CSV UTF-8» hoặc chạy lại với "
                f"{ENCODING_HINT}."
            )
        return ImportFileError(
            f"dòng {line}: không đọc được tệp theo bảng mã {self._encoding} (byte 0x{bad}). "
            "Hãy kiểm tra bảng mã của tệp và chạy lại với --encoding đúng (utf-8, cp1258, utf-16...)."
        )


@cache
def _newline_is_byte_0a(encoding: str) -> bool:
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig"):
        return True
    try:
        return '\n,"a'.encode(encoding) == b'\n,"a'
    except UnicodeError:
        return False


def codec_for(encoding: str) -> str:
    """The codec to read with: UTF-8 accepts (and drops) a byte order mark."""
    try:
        name = codecs.lookup(encoding.strip()).name
    except LookupError as error:
        raise ImportFileError(
            f"Không biết bảng mã «{encoding}». "
            "Dùng utf-8 (mặc định), cp1258 (Windows tiếng Việt) hoặc utf-16."
        ) from error
    return "utf-8-sig" if name in ("utf-8", "utf-8-sig") else name


def header_delimiter(path: str | os.PathLike[str], codec: str) -> str:
    """ ";" for a CSV saved by Excel with Vietnamese regional settings (its list separator), else ","."""
    with open(path, "rb") as binary:
        first_line = binary.readline(65536)
    header = first_line.decode(codec, errors="replace")
    return ";" if header.count(";") > header.count(",") else ","


def check_file_start(start: bytes, codec: str) -> None:
    if codec == "utf-8-sig" and start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise ImportFileError(
            "Tệp được lưu bằng bảng mã UTF-16 (Excel gọi là «Unicode Text»), không phải UTF-8. "
            "Hãy lưu lại tệp dạng «CSV UTF-8» hoặc chạy lại với --encoding utf-16."
        )


def read_header(reader: Any) -> list[str]:
    try:
        header: list[str] = next(reader)
    except StopIteration:
        raise ImportFileError("Tệp rỗng: không có dòng tiêu đề (ma_phieu, ngay_tiep_nhan, ...).") from None
    except csv.Error as error:
        raise ImportFileError(f"dòng 1: không đọc được dòng tiêu đề ({csv_reason(error)}).") from error
    return header


def csv_reason(error: csv.Error) -> str:
    message = str(error)
    for english, vietnamese in CSV_ERRORS.items():
        if english in message:
            return vietnamese
    return f"lỗi định dạng CSV: {message}"

"""The desk's log file: rotating, in the platform's log folder, with personal data masked before writing.

Names cannot be recognised by a pattern, so the code never logs them; phone numbers, citizen ID
numbers and e-mail addresses can, and are masked here even if some code (or a library's exception
text) lets one through.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from platformdirs import user_data_dir, user_log_dir

from desktop.settings import APP_NAME

LOG_FILENAME = "tongdai1022.log"
MAX_BYTES = 2_000_000
BACKUPS = 5
MASK = "«đã ẩn»"

# starts only where a word starts: tried at every character, a long token cost time squared per line
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# +84 / 84 / 0 then 8-10 digits, with the spaces, dots or dashes people write them with
_PHONE = re.compile(r"(?<![\w+])(?:\+84|84|0)(?:[ .-]?\d){8,10}(?!\d)")
_DIGITS = re.compile(r"(?<!\d)\d{7,}(?!\d)")  # citizen ID (12), old ID (9), numbers without a prefix


def mask_personal(text: str) -> str:
    """`text` with phone numbers, ID numbers and e-mail addresses replaced by a mark."""
    text = _EMAIL.sub(MASK, text)
    text = _PHONE.sub(MASK, text)
    return _DIGITS.sub(MASK, text)


class MaskingFormatter(logging.Formatter):
    """Masks the message, the traceback and the stack: whatever reaches the file."""

    def format(self, record: logging.LogRecord) -> str:
        masked = logging.makeLogRecord(record.__dict__)
        masked.msg, masked.args = mask_personal(record.getMessage()), None
        masked.exc_text = None
        return super().format(masked)

    def formatException(self, ei: object) -> str:
        return mask_personal(super().formatException(ei))  # type: ignore[arg-type]

    def formatStack(self, stack_info: str) -> str:
        return mask_personal(super().formatStack(stack_info))


def log_dir(data_dir: Path) -> Path:
    """The platform's log folder for the default data folder; `DATA/logs` for one chosen with
    --data-dir or TONGDAI1022_HOME (a test, a second desk on one PC: their logs stay apart)."""
    if data_dir.resolve() == Path(user_data_dir(APP_NAME, appauthor=False)).resolve():
        return Path(user_log_dir(APP_NAME, appauthor=False))
    return data_dir / "logs"


def log_files(data_dir: Path) -> list[Path]:
    folder = log_dir(data_dir)
    return sorted(folder.glob(LOG_FILENAME + "*")) if folder.is_dir() else []


class _FolderOnFirstRecord(logging.handlers.RotatingFileHandler):
    """Makes its folder (0700) when the first record comes, not at start: a command that logs nothing
    leaves no folder behind."""

    def _open(self):  # type: ignore[no-untyped-def]
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return super()._open()


_installed: logging.Handler | None = None


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Sends the desk's log records to the rotating file (once per process) and returns its path. A folder
    that cannot be written costs the log, never the desk: failures to write are dropped."""
    global _installed
    folder = log_dir(data_dir)
    path = folder / LOG_FILENAME
    if _installed is not None:
        return path
    handler = _FolderOnFirstRecord(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
    )
    handler.handleError = lambda record: None  # type: ignore[method-assign]  # a full disk must not stop the desk
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    _installed = handler
    return path


def stop_logging() -> None:
    """Removes the file handler (tests that set it up in their own process)."""
    global _installed
    if _installed is not None:
        logging.getLogger().removeHandler(_installed)
        _installed.close()
        _installed = None

"""One definition of writing a ticket (`desktop/services/tickets/rows.py`): every column of the ticket
table is synced or the desk's own bookkeeping, and a new plain field is a change to the few files
`NEW_FIELD_FILES` names — the form's service, the importer, the sync apply and the outbox reader
carry it without being edited (shown on a copy of the tree with the field added)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from desktop.domain.codes import (
    Channel,
    DissatisfactionReason,
    Level,
    RequestType,
    Satisfaction,
    TicketStatus,
)
from desktop.domain.ticket import TicketDraft, draft_from_stored, stored_fields
from desktop.services.tickets.rows import (
    BULK_COLUMNS,
    COLUMNS,
    LOCAL_COLUMNS,
    SNAPSHOT_FIELDS,
    STAMP_COLUMNS,
)

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = Path("desktop/store/migrations/versions")
FIELD = "public_note"

# What a new plain (non-searched, free) ticket field touches on the desk, the protocol's list included.
# The form's widget (desktop/ui/tickets/form.py) is the fifth desk file; a text field also gets its
# limit and label in protocol/contract.py, and the server its column and migration (server/models.py,
# a server migration): docs/ARCHITECTURE.md counts them.
NEW_FIELD_FILES = (
    "protocol/records.py",
    "desktop/domain/ticket.py",
    "desktop/store/models.py",
    str(MIGRATIONS / "9999_public_note.py"),
)


def test_every_ticket_column_is_synced_or_the_desks_own_or_the_servers_stamp() -> None:
    unplaced = set(COLUMNS) - set(SNAPSHOT_FIELDS) - LOCAL_COLUMNS - STAMP_COLUMNS
    assert unplaced == set(), (
        "a ticket column is synced (protocol.TICKET_FIELDS), local (LOCAL_COLUMNS) "
        "or stamped by the server (protocol.STAMPED_TICKET_FIELDS)"
    )
    assert set(COLUMNS) >= set(SNAPSHOT_FIELDS) | STAMP_COLUMNS
    assert set(SNAPSHOT_FIELDS).isdisjoint(LOCAL_COLUMNS | STAMP_COLUMNS)
    assert "citizen_id" not in BULK_COLUMNS and len(BULK_COLUMNS) == len(COLUMNS) - 1


# A statement or Core construct that writes the tickets table (reads are everyone's).
_WRITES_TICKETS = re.compile(
    r"INSERT INTO tickets\b|UPDATE tickets\b|DELETE FROM tickets\b"
    r"|(insert|update|delete)\((models\.)?Ticket\)"
)
# The erasure's redaction names the personal columns on purpose: it is the one other writer.
_OTHER_WRITERS = {"desktop/services/erasure.py"}


def test_only_the_ticket_rows_module_writes_ticket_rows() -> None:
    writers = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "desktop").rglob("*.py")
        if "migrations" not in path.parts and _WRITES_TICKETS.search(path.read_text(encoding="utf-8"))
    }
    assert writers == {"desktop/services/tickets/rows.py", *_OTHER_WRITERS}


def test_a_stored_ticket_reads_back_as_the_draft_it_was_saved_from() -> None:
    draft = TicketDraft(
        content="Hỏi thủ tục cấp lại CCCD",
        phone="+84912345678",
        channel=Channel.ZALO,
        request_type=RequestType.COMPLAINT,
        level=Level.TWO,
        unit_code="so-tu-phap",
        answer="Đã hướng dẫn",
        status=TicketStatus.RESOLVED,
        satisfaction=Satisfaction.DISSATISFIED,
        dissatisfaction_reason=next(iter(DissatisfactionReason)),
    )
    row = {**stored_fields(draft), "phone": draft.phone, "received_at": None}
    assert draft_from_stored(row.__getitem__) == draft
    unrated = {**row, "satisfaction": Satisfaction.NOT_RATED.value, "dissatisfaction_reason": ""}
    assert draft_from_stored(unrated.__getitem__).dissatisfaction_reason is None


def _insert_after(path: Path, anchor: str, addition: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(anchor) == 1, f"{path}: the anchor {anchor!r} moved"
    path.write_text(text.replace(anchor, anchor + addition), encoding="utf-8")


def _head_revision(versions: Path) -> str:
    revisions, parents = set(), set()
    for script in versions.glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revisions.add(re.search(r'^revision: str = "(\w+)"', source, re.M).group(1))  # type: ignore[union-attr]
        parent = re.search(r'^down_revision: str \| None = "(\w+)"', source, re.M)
        if parent:
            parents.add(parent.group(1))
    (head,) = revisions - parents
    return head


def add_the_field(tree: Path) -> None:
    """The change an engineer makes for a new plain text field, in exactly NEW_FIELD_FILES."""
    records, ticket, models, migration = (tree / name for name in NEW_FIELD_FILES)
    _insert_after(records, "TICKET_FIELDS: tuple[str, ...] = (\n", f'    "{FIELD}",\n')
    _insert_after(ticket, "    call_id: str | None = None\n", f'    {FIELD}: str = ""\n')
    _insert_after(
        ticket, '        "call_id": draft.call_id,\n', f'        "{FIELD}": draft.{FIELD}.strip(),\n'
    )
    _insert_after(
        models,
        "    call_id: Mapped[str | None] = mapped_column(String(36), default=None)\n",
        f'    {FIELD}: Mapped[str] = mapped_column(Text, default="")\n',
    )
    migration.write_text(
        f'''"""A public note on tickets."""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{_head_revision(migration.parent)}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("{FIELD}", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("tickets", "{FIELD}")
''',
        encoding="utf-8",
    )


def test_a_new_plain_field_reaches_every_writer_and_reader_of_a_ticket_from_four_files(
    tmp_path: Path,
) -> None:
    tree = tmp_path / "tree"
    for package in ("desktop", "protocol", "reports"):
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__"))
    (tree / "resources").symlink_to(ROOT / "resources")
    add_the_field(tree)
    # The copy first; then tests/ for the suite's helpers (they import `desktop`, which is the copy's).
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(ROOT / "tests")])}
    child = Path(__file__).with_name("new_field_child.py")
    done = subprocess.run(
        [sys.executable, str(child), str(tmp_path), FIELD],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen["form_read_back"] == ["công khai", "đã sửa"]
    created, edited = seen["history"]
    assert created == ["tao", created[1]] and created[1][FIELD] == [None, "công khai"]
    assert edited == ["sua", {FIELD: ["công khai", "đã sửa"]}]
    assert seen["pushed_create"] == "công khai"
    assert seen["pushed_update"] == {"changes": {FIELD: "đã sửa"}, "before": {FIELD: "công khai"}}
    assert seen["pushed_import"] == ""  # the file has no such column: the draft's default
    assert seen["stored"]["NHAP-1"] == ""
    assert seen["pulled"] == ["từ máy chủ", "máy chủ sửa"]

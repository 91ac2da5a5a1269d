"""A desk killed mid-burst of saves loses nothing it said was saved, and leaves no half-saved ticket."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from store_keys import open_test_store

REPO = Path(__file__).resolve().parents[2]
WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from desktop.domain.ticket import TicketDraft
    from desktop.services.tickets.service import TicketService
    sys.path.insert(0, "tests")
    from store_keys import open_test_store

    service = TicketService(open_test_store(Path(sys.argv[1])), operator="dtv-crash")
    number = int(sys.argv[2])
    while True:
        number += 1
        draft = TicketDraft(
            content=f"Hỏi thủ tục cấp lại căn cước công dân, lần {number}",
            phone=f"0912{number % 1_000_000:06d}",
            citizen_name="Nguyễn Thị Lan",
        )
        print(service.create(draft).id, flush=True)
    """
)

HISTORY_PER_TICKET = "SELECT ticket_id, count(*) FROM ticket_history GROUP BY ticket_id"
OUTBOX_PER_TICKET = "SELECT entity_id, count(*) FROM outbox WHERE entity = 'ticket' GROUP BY entity_id"


def _burst_then_kill(data_dir: Path, first: int, wanted: int, rng: random.Random) -> list[str]:
    """Run the writer until it has said `wanted` tickets were saved, SIGKILL it; every id it printed."""
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data_dir), str(first)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    ids: list[str] = []
    try:
        while len(ids) < wanted:
            line = child.stdout.readline()
            if not line:
                pytest.fail(f"the writer stopped by itself: {child.stderr.read() if child.stderr else ''}")
            ids.append(line.strip())
        time.sleep(rng.uniform(0, 0.02))  # a different moment of the next save each round
    finally:
        os.kill(child.pid, signal.SIGKILL)
        rest, _ = child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL
    # Lines the writer printed before it died are committed saves too; a torn last line is not an id.
    ids += [line for line in rest.split("\n")[:-1] if len(line) == 36]
    return ids


@pytest.mark.slow
def test_saves_survive_a_kill_mid_burst(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    open_test_store(data_dir).close()
    rng = random.Random(1022)
    saved: list[str] = []
    for round_, wanted in enumerate((300, 330, 360), 1):
        saved += _burst_then_kill(data_dir, round_ * 100_000, wanted, rng)
        store = open_test_store(data_dir)  # runs the migrations, recovers the WAL
        try:
            with store.engine.connect() as db:
                assert db.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                tickets = set(db.execute(text("SELECT id FROM tickets")).scalars())
                history = dict(db.execute(text(HISTORY_PER_TICKET)).all())
                outbox = dict(db.execute(text(OUTBOX_PER_TICKET)).all())
        finally:
            store.close()
        assert len(set(saved)) == len(saved)
        missing = [ticket_id for ticket_id in saved if ticket_id not in tickets]
        assert not missing, f"{len(missing)} tickets reported saved are gone"
        assert all(history.get(ticket_id) == 1 for ticket_id in saved)
        assert all(outbox.get(ticket_id) == 1 for ticket_id in saved)
        # No ticket without its history and outbox rows; beyond the ids printed, at most the save
        # committed at the kill (one per round) before the writer could print its id.
        assert set(history) == tickets
        assert set(outbox) == tickets
        assert 0 <= len(tickets) - len(saved) <= round_

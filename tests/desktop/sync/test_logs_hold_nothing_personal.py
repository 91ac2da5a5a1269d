"""After a run that provokes every failure of issue #13, neither the server's log nor the desk's log file
holds a password, a token, a request body or a citizen's personal data, yet both recorded the failures."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from server_lab import PASSWORD, REPO, Desk, ServerProcess, new_id, ticket

from desktop.logs import log_files
from desktop.services.imports.parse import REQUIRED_COLUMNS
from protocol import PROTOCOL_VERSION

SECRET_PASSWORD = "Mk-Bi-Mat-123!"
SECRET_TOKEN = "tok-Bi-Mat-9f8e7d6c5b4a39281706"
NAME = "Hoàng Thị Bảo Mật"
ADDRESS = "Số 77 đường Bí Mật, ấp Kín Đáo, xã Thầm Lặng"
CITIZEN_ID = "079123456789"
PHONES = ("0912 777 888", "0912777888", "+84 912 777 888", "+84912777888", "0912.777.888", "84912777888")
CONTENT = "Khiếu nại về hàng xóm tên Bảo Mật ở ấp Kín Đáo"

# Everything that must never reach a log, and the bare digits of the phone in any written form.
NEVER_LOGGED = (
    SECRET_PASSWORD,
    SECRET_TOKEN,
    NAME,
    "Bảo Mật",
    ADDRESS,
    "Kín Đáo",
    CITIZEN_ID,
    CONTENT,
    *PHONES,
)
PHONE_DIGITS = "912777888"


def citizen(code: str, **overrides: Any) -> dict[str, Any]:
    personal = {
        "phone": "+84912777888",
        "citizen_id": CITIZEN_ID,
        "citizen_name": NAME,
        "citizen_address": ADDRESS,
        "content": CONTENT,
    }
    return ticket(code, **{**personal, **overrides})


def push_hostile_tickets(server: ServerProcess) -> None:
    """Tickets with every kind of bad value, pushed by a raw client: the server refuses each one, a
    formula as unit code and an ID number as field code included (not in the catalog)."""
    desk = Desk(server, "dtv2")
    pushes = [
        citizen("BM-1", received_at="0001-01-01T05:00:00+07:00"),
        citizen("BM-2", resolved_at="9999-12-31T23:59:59-14:00", received_at="9999-12-31T23:59:59+14:00"),
        citizen("BM-3", unit_code='=HYPERLINK("http://evil.example/x","Xem")'),
        citizen("BM-4", unit_code="u\x00" + PHONES[1]),
        citizen("BM-5", citizen_name=NAME * 40),  # over the contract's length
        citizen("BM-6", content=CONTENT + " \ud800"),  # a lone surrogate
        citizen("BM-7", level=10**30, satisfaction=SECRET_PASSWORD, channel=PHONES[0]),
        citizen("BM-8", field_code=CITIZEN_ID, deadline="9999-12-31"),
    ]
    mutations = [desk.mutation("ticket", "create", new_id(), values) for values in pushes]
    batch = {"client_id": desk.client_id, "protocol_version": PROTOCOL_VERSION, "mutations": mutations}
    answer = desk.http.post("/api/v1/sync/push", content=json.dumps(batch), headers=JSON)  # \ud800 escaped
    assert answer.status_code == 200, answer.text
    assert [result["status"] for result in answer.json()["results"]] == ["rejected"] * len(pushes), (
        answer.text
    )


def provoke_the_server(server: ServerProcess) -> None:
    """Every other failure the issue lists, each carrying the secrets and the citizen's data."""
    desk = Desk(server, "dtv1")
    admin = Desk(server, "admin")
    # a number JSON cannot hold, next to a name and a phone, and a body over the size limit
    body = json.dumps({"client_id": desk.client_id, "protocol_version": PROTOCOL_VERSION, "mutations": []})
    raw = body.replace('"mutations": []', f'"mutations": [], "x": 1e309, "ghi_chu": "{NAME} {PHONES[0]}"')
    assert desk.http.post("/api/v1/sync/push", content=raw, headers=JSON).status_code == 422
    huge = {"client_id": desk.client_id, "protocol_version": PROTOCOL_VERSION, "pad": PHONES[1] * 900_000}
    assert desk.http.post("/api/v1/sync/push", json=huge).status_code == 413
    old = desk.push([desk.mutation("ticket", "create", new_id(), citizen("BM-9"))], version=0)
    assert old.status_code in (400, 409, 426), old.text
    # an admin typo: a merge target that does not exist, named after the citizen
    merged = admin.http.put("/api/v1/catalog/unit/tong_dai", json={"merged_into": PHONES[3], "name": NAME})
    assert merged.status_code in (400, 404, 409, 422), merged.text
    # a forged desk id: dtv2 presents dtv1's desk id with another key
    forged = httpx.post(
        f"{server.base}/api/v1/login",
        json={**Desk.credentials(desk), "username": "dtv2", "desk_key": "k" * 40},
    )
    assert forged.status_code == 403, forged.text
    # wrong logins, many times: the secret password, a password typed into the name field, a phone as name
    for name, password in [("dtv1", SECRET_PASSWORD)] * 6 + [
        (SECRET_PASSWORD, PASSWORD),
        (PHONES[1], SECRET_PASSWORD),
        (CITIZEN_ID, SECRET_PASSWORD),
        (NAME, SECRET_TOKEN),
    ]:
        wrong = httpx.post(
            f"{server.base}/api/v1/login",
            json={"username": name, "password": password, "client_id": "desk-bm", "desk_key": "b" * 40},
        )
        assert wrong.status_code in (401, 429), wrong.text
    surrogate = f'{{"username": "dtv1\\ud800", "password": "{SECRET_PASSWORD}", "client_id": "desk-bm"}}'
    assert httpx.post(f"{server.base}/api/v1/login", content=surrogate, headers=JSON).status_code == 422
    # a wrong token, in the header and as a query string
    stolen = {"Authorization": f"Bearer {SECRET_TOKEN}"}
    assert httpx.get(f"{server.base}/api/v1/sync/pull", headers=stolen).status_code == 401
    assert (
        httpx.get(f"{server.base}/api/v1/sync/pull?token={SECRET_TOKEN}&phone={PHONES[1]}").status_code == 401
    )
    # the citizen's number where a number is looked up
    assert desk.http.get(f"/api/v1/calls?phone={PHONES[1]}").status_code in (200, 404, 405, 422)


JSON = {"Content-Type": "application/json"}


def tongdai(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args, "--data-dir", str(data_dir)],
        cwd=REPO,
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def provoke_the_desk(data_dir: Path, server: ServerProcess, tmp_path: Path) -> None:
    """The desk's own failures: a CSV of absurd rows (the import names the lines), a wrong password,
    then a sync that pushes what was imported."""
    sheet = tmp_path / "phieu.csv"
    header = [*REQUIRED_COLUMNS, "dia_chi"]  # the import's own columns, and an address
    rows = [
        ["BM-D1", "0001-01-01T05:00:00+07:00", "dien_thoai", PHONES[0], NAME, "hoi_thong_tin", "1", "0", "",
         "dang_xu_ly", "chua_danh_gia", "", CONTENT, ADDRESS],
        ["BM-D2", "9999-12-31T23:59:59+14:00", "dien_thoai", PHONES[2], NAME, "hoi_thong_tin", "1", "0", "",
         "dang_xu_ly", "chua_danh_gia", "", CONTENT, ADDRESS],
        ["BM-D3", "2024-03-01T08:30:00+07:00", "dien_thoai", PHONES[4], NAME * 20, "hoi_thong_tin", "1", "0",
         '=HYPERLINK("http://evil.example/x","Xem")', "dang_xu_ly", "chua_danh_gia", "", CONTENT, ADDRESS],
        ["BM-D4", "2024-03-01T08:30:00+07:00", "dien_thoai", PHONES[5], NAME, "hoi_thong_tin", "9", "0", "",
         "dang_xu_ly", SECRET_PASSWORD, "", CONTENT + "\x00", ADDRESS],
        ["BM-D5", "2024-03-02T08:30:00+07:00", "dien_thoai", PHONES[0], NAME, "hoi_thong_tin", "1", "0", "",
         "dang_xu_ly", "chua_danh_gia", "", CONTENT, ADDRESS],
    ]  # fmt: skip
    with sheet.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    refused = tongdai(data_dir, "import-tickets", str(sheet))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
    imported = tongdai(data_dir, "import-tickets", str(sheet), "--skip-bad")
    assert imported.returncode == 0, imported.stderr
    sync = ["sync", "--server", server.base, "--user", "dtv1", "--json"]
    wrong = tongdai(data_dir, *sync, "--password-env", "MK_SAI", MK_SAI=SECRET_PASSWORD)
    assert wrong.returncode == 1 and json.loads(wrong.stdout)["online"] is False, wrong.stdout + wrong.stderr
    elsewhere = tongdai(
        data_dir, "sync", "--server", "http://127.0.0.1:9", "--user", "dtv1", "--json",
        "--password-env", "MK", MK=PASSWORD,
    )  # fmt: skip
    assert elsewhere.returncode == 1, elsewhere.stdout + elsewhere.stderr
    right = tongdai(data_dir, *sync, "--password-env", "MK", MK=PASSWORD)
    assert right.returncode == 0 and json.loads(right.stdout)["pending"] == 0, right.stdout + right.stderr
    assert json.loads(right.stdout)["pulled"] >= 1, (
        right.stdout
    )  # its own ticket back; the hostile ones refused
    for kind in ("xlsx", "docx"):  # the exports that a formula or a control character used to break
        period = ["--from", "2024-01-01", "--to", "2024-12-31", "--no-progress"]
        report = tongdai(data_dir, "report", *period, "--out", str(tmp_path / f"bao-cao.{kind}"))
        assert report.returncode == 0, report.stdout + report.stderr


def leaks(log: bytes) -> list[str]:
    text = log.decode("utf-8", "replace").casefold()  # a log may fold a typed name to lower case
    found = [value for value in NEVER_LOGGED if value.casefold() in text]
    return found + ([PHONE_DIGITS] if PHONE_DIGITS in re.sub(r"[\s.\-]", "", text) else [])


def test_the_logs_of_a_run_that_provoked_every_failure_hold_nothing_personal(
    server: ServerProcess, tmp_path: Path
) -> None:
    data_dir = tmp_path / "desk"
    push_hostile_tickets(server)
    provoke_the_desk(data_dir, server, tmp_path)  # before the wrong logins below lock the accounts out
    provoke_the_server(server)

    server_log = server.log_bytes()
    desk_logs = b"".join(path.read_bytes() for path in log_files(data_dir))

    assert b"login wrong" in server_log and b"login desk_taken" in server_log  # the failures were recorded
    assert b"failed: LoginRefused" in desk_logs and b"failed: ServerUnreachable" in desk_logs, desk_logs[
        -2000:
    ]
    assert leaks(server_log) == [], server_log.decode("utf-8", "replace")[-3000:]
    assert leaks(desk_logs) == [], desk_logs.decode("utf-8", "replace")[-3000:]

"""Run by test_ticket_rows.py inside a copy of the tree with one ticket field added: the form's service,
the importer, the sync apply and the outbox reader each write or read a ticket, and this prints (JSON)
what each did with the new field.

Usage: python new_field_child.py WORK_DIR FIELD
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop.domain.ticket import TicketDraft
from desktop.services.imports.importer import import_tickets_csv
from desktop.services.tickets.service import TicketService
from desktop.store.cipher import StoreKey
from desktop.store.local import LocalStore
from desktop.sync.apply import apply_page
from desktop.sync.outbox_reader import number_new_mutations, read_batch
from protocol import Change

CSV = (
    "ma_phieu,ngay_tiep_nhan,kenh,so_dien_thoai,ho_ten,loai_yeu_cau,cap_do,la_tthc,"
    "don_vi_xu_ly,trang_thai,danh_gia,ly_do_khong_hai_long,noi_dung\n"
    "NHAP-1,2021-03-02T08:15:00+07:00,dien_thoai,0912345678,Nguyễn Văn An,hoi_thong_tin,1,0,,"
    "dang_xu_ly,,,Hỏi giờ làm việc\n"
)
PULLED_ID = "aaaaaaaa-0000-4000-8000-000000000001"


def pulled(version: int, value: str) -> Change:
    fields: dict[str, Any] = {
        "code": "MAYCHU-1",
        "received_at": "2026-11-20T08:30:00+07:00",
        "channel": "dien_thoai",
        "phone": "+84987000111",
        "citizen_id": "server-side-id",
        "citizen_name": "Trần Văn Bình",
        "citizen_address": "",
        "request_type": "hoi_thong_tin",
        "level": 1,
        "is_tthc": False,
        "tthc_code": "",
        "field_code": None,
        "unit_code": None,
        "content": "Phản ánh đèn đường hỏng",
        "answer": "",
        "status": "dang_xu_ly",
        "satisfaction": "chua_danh_gia",
        "dissatisfaction_reason": None,
        "deadline": None,
        "resolved_at": None,
        "call_id": None,
        "id": PULLED_ID,
        "version": version,
        "created_by": "dtv-khac",
        "updated_by": "dtv-khac",
        "created_at": "2026-11-20T08:31:00+07:00",
        "updated_at": "2026-11-20T08:31:00+07:00",
    }
    fields[FIELD] = value
    return Change(cursor=version, entity="ticket", entity_id=PULLED_ID, version=version, fields=fields)


work, FIELD = Path(sys.argv[1]), sys.argv[2]
store = LocalStore.open(work / "data", key=StoreKey.random())  # a throwaway store
service = TicketService(store, operator="dtv-lan")
created = service.create(TicketDraft(content="Hỏi lịch tiếp dân", phone="0912345678", **{FIELD: "công khai"}))
edited = service.update(created.id, replace(created.draft, **{FIELD: "đã sửa"}), created.version)
csv_path = work / "nhap.csv"
csv_path.write_text(CSV, encoding="utf-8")
import_tickets_csv(store, csv_path, operator="dtv-lan")
apply_page(store, [pulled(1, "từ máy chủ")], cursor=1)
with store.engine.connect() as connection:
    first_pull = connection.execute(
        text(f"SELECT {FIELD} FROM tickets WHERE id = :id"), {"id": PULLED_ID}
    ).scalar_one()
apply_page(store, [pulled(2, "máy chủ sửa")], cursor=2)
with store.writes.begin() as session:
    number_new_mutations(session, 100)
    pushed = {(m.op, m.entity_id): m.payload for m in read_batch(session, 1, 100)}
with store.engine.connect() as connection:
    stored = {code: value for code, value in connection.execute(text(f"SELECT code, {FIELD} FROM tickets"))}
    history = [
        (action, json.loads(changes))
        for action, changes in connection.execute(
            text("SELECT action, changes FROM ticket_history WHERE ticket_id = :id ORDER BY id"),
            {"id": created.id},
        )
    ]
store.close()
imported_id = next(entity_id for (op, entity_id) in pushed if op == "import")
print(
    json.dumps(
        {
            "form_read_back": [getattr(created.draft, FIELD), getattr(edited.draft, FIELD)],
            "stored": stored,
            "history": history,
            "pushed_create": pushed[("create", created.id)].get(FIELD),
            "pushed_update": pushed[("update", created.id)],
            "pushed_import": pushed[("import", imported_id)].get(FIELD),
            "pulled": [first_pull, stored["MAYCHU-1"]],
        },
        ensure_ascii=False,
    )
)

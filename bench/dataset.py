"""The benchmark data: realistic Vietnamese tickets as a CSV in the DOMAIN.md import format, and the store."""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import REPO, BenchError, Size, data_root, log
from desktop.domain.clock import VN_TZ
from desktop.domain.codes import Channel, DissatisfactionReason, Level, RequestType, Satisfaction
from desktop.domain.codes import TicketStatus as Status
from desktop.domain.ticket import TicketDraft
from desktop.services.store_unlock import KEY_INFO_FILENAME
from desktop.store import cipher
from desktop.store.engine import _apply_pragmas, head_revision
from desktop.store.local import LocalStore

SEED = 1022
HEADER = [
    "ma_phieu", "ngay_tiep_nhan", "kenh", "so_dien_thoai", "ho_ten", "loai_yeu_cau", "cap_do", "la_tthc",
    "don_vi_xu_ly", "trang_thai", "danh_gia", "ly_do_khong_hai_long", "noi_dung",
]  # fmt: skip
UNITS = json.loads((REPO / "resources/catalogs/units.json").read_text(encoding="utf-8"))["units"]
# Table 1 of seeds/000 (Đồng Tháp 2020-2021), in the catalog's order: tickets at level 1, 2, 3 per unit.
UNIT_LEVELS = [
    (46, 3, 0), (4, 7, 1), (63, 0, 0), (207, 57, 0), (2, 5, 0), (0, 5, 1), (30, 151, 14), (939, 251, 45),
    (21, 51, 0), (129, 97, 1), (1, 1, 0), (3, 20, 0), (17, 17, 2), (31, 22, 0), (21, 0, 0), (1699, 0, 0),
    (1, 1, 0), (32, 13, 0), (1, 1, 0), (1, 0, 0), (26, 1, 0), (100, 18, 0), (188, 90, 14), (52, 1, 0),
    (2, 0, 0), (90, 29, 1), (36, 20, 4), (17, 11, 1), (1, 1, 0), (60, 19, 6), (24, 28, 2), (134, 12, 2),
    (14, 3, 0), (11, 2, 0), (121, 54, 3), (1, 0, 0), (30683, 0, 0), (29, 0, 0), (352, 782, 85),
    (97, 229, 129), (91, 199, 11), (97, 247, 11), (120, 390, 36), (74, 137, 5), (87, 125, 37),
    (131, 297, 14), (129, 219, 62), (346, 1129, 84), (94, 215, 10), (139, 413, 130), (7, 2, 3), (76, 11, 1),
]  # fmt: skip
MISSPELLED = {"UBND huyện Hong Ngự", "UBND huyện Lập Vò", "UBND huyện Tân Hong"}  # as table 1 wrote them
CHANNELS = {  # table 2 of seeds/000
    Channel.PHONE: 35266, Channel.ZALO: 2860, Channel.WEBSITE: 2586, Channel.FACEBOOK: 1617,
    Channel.EMAIL: 438, Channel.APP_MOBILE: 11,
}  # fmt: skip
REQUEST_TYPES = {  # totals row of table 1
    RequestType.INFORMATION: 35059, RequestType.FEEDBACK: 4764, RequestType.REGISTRATION: 478,
    RequestType.LATE_HANDLING: 356, RequestType.ATTITUDE: 114, RequestType.SUGGESTION: 198,
    RequestType.COMPLAINT: 178, RequestType.OTHER: 1582,
}  # fmt: skip
PREFIXES = [  # Viettel, Vinaphone, MobiFone, Vietnamobile (089 and 099 left out: partly unassigned)
    "086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039", "088", "091", "094",
    "081", "082", "083", "084", "085", "090", "093", "070", "076", "077", "078", "079", "056", "058", "092",
]  # fmt: skip
SURNAMES = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9, "Phạm": 7, "Huỳnh": 5, "Hoàng": 2, "Phan": 4, "Võ": 4, "Vũ": 1,
    "Đặng": 2, "Bùi": 2, "Đỗ": 1, "Hồ": 1, "Ngô": 1, "Dương": 1, "Lý": 1, "Trương": 1, "Đinh": 1,
}  # fmt: skip
MIDDLE = (
    ["Văn", "Hữu", "Minh", "Thanh", "Quốc", "Công", "Đức"],
    ["Thị", "Ngọc", "Thanh", "Thu", "Kim", "Mỹ"],
)
GIVEN = (
    ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Minh", "Nam", "Phúc", "Quang", "Sơn",
     "Tài", "Thắng", "Trung", "Tuấn", "Vinh", "Hiếu", "Lộc"],
    ["Anh", "Châu", "Diễm", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "My", "Ngân", "Nhung", "Phương",
     "Thảo", "Trang", "Tuyết", "Vy", "Yến", "Hằng", "Loan"],
)  # fmt: skip
PLACES = [
    "phường 1, TP Cao Lãnh", "xã Mỹ Tân, TP Cao Lãnh", "phường 2, TP Sa Đéc", "xã Tân Khánh Đông, TP Sa Đéc",
    "phường An Thạnh, TP Hồng Ngự", "thị trấn Mỹ Thọ, huyện Cao Lãnh", "xã Bình Hàng Trung, huyện Cao Lãnh",
    "thị trấn Lai Vung", "xã Tân Thành, huyện Lai Vung", "thị trấn Lấp Vò",
    "xã Bình Thạnh Trung, huyện Lấp Vò", "thị trấn Tràm Chim, huyện Tam Nông",
    "thị trấn Sa Rài, huyện Tân Hồng", "thị trấn Thanh Bình",
    "thị trấn Mỹ An, huyện Tháp Mười", "xã Tân Phú Trung, huyện Châu Thành", "thị trấn Cái Tàu Hạ",
]  # fmt: skip
PROCEDURES = [
    "cấp lại căn cước công dân", "đăng ký khai sinh", "đăng ký kết hôn",
    "cấp giấy chứng nhận quyền sử dụng đất",
    "chuyển mục đích sử dụng đất", "cấp giấy phép xây dựng nhà ở riêng lẻ", "đăng ký thường trú",
    "cấp phiếu lý lịch tư pháp", "đổi giấy phép lái xe", "đăng ký hộ kinh doanh", "hưởng trợ cấp thất nghiệp",
    "cấp thẻ BHYT cho trẻ em dưới 6 tuổi", "xác nhận tình trạng hôn nhân", "đăng ký khai tử",
]  # fmt: skip
ISSUES = [
    "đường đoạn qua {p} bị hư hỏng, nhiều ổ gà", "mất điện kéo dài nhiều giờ tại {p}",
    "nước sinh hoạt bị đục, có mùi tại {p}", "đèn đường không sáng tại {p}",
    "tiếng ồn karaoke ban đêm tại {p}", "rác thải tồn đọng chưa được thu gom tại {p}",
    "sạt lở bờ sông gần nhà dân tại {p}", "cống thoát nước bị nghẹt gây ngập tại {p}",
]  # fmt: skip
CONTENT = {
    RequestType.INFORMATION: ["Hỏi thủ tục {t}: hồ sơ gồm những gì, nộp ở đâu, bao lâu có kết quả.",
                              "Hỏi tình trạng hồ sơ {t} đã nộp tại {p}.", "Hỏi lịch tiêm vắc xin tại {p}.",
                              "Hỏi mức đóng bảo hiểm xã hội tự nguyện và cách đăng ký."],
    RequestType.FEEDBACK: ["Phản ánh " + issue + "." for issue in ISSUES],
    RequestType.REGISTRATION: ["Đăng ký lịch hẹn làm thủ tục {t} tại {p}.",
                               "Đăng ký nhận hỗ trợ người lao động gặp khó khăn, địa chỉ {p}."],
    RequestType.LATE_HANDLING: ["Hồ sơ {t} nộp tại {p} đã quá hạn hẹn trả kết quả mà chưa được giải quyết."],
    RequestType.ATTITUDE: ["Phản ánh cán bộ tiếp nhận hồ sơ {t} tại {p} có thái độ chưa đúng mực."],
    RequestType.SUGGESTION: ["Góp ý nên niêm yết rõ thời gian giải quyết thủ tục {t} tại {p}."],
    RequestType.COMPLAINT: ["Khiếu nại việc giải quyết tranh chấp đất đai tại {p}."],
    RequestType.OTHER: ["Cảm ơn tổng đài đã hỗ trợ.", "Hỏi số điện thoại đường dây nóng của {p}."],
}  # fmt: skip
TAILS = ["", "", " Đề nghị cơ quan chức năng kiểm tra, xử lý.", " Đề nghị được hướng dẫn cụ thể.",
         " Người dân mong sớm nhận được phản hồi."]  # fmt: skip
START = int(datetime(2020, 1, 1, tzinfo=VN_TZ).timestamp())
END = int(datetime(2025, 10, 31, tzinfo=VN_TZ).timestamp())
RATINGS_FROM = int(datetime(2021, 1, 1, tzinfo=VN_TZ).timestamp())  # satisfaction is asked from 2021
APP_FROM = int(datetime(2021, 11, 1, tzinfo=VN_TZ).timestamp())  # the app channel opened then
HOURS = list(zip(range(6, 22), [1, 6, 10, 10, 9, 8, 4, 6, 9, 9, 8, 5, 2, 2, 1, 1], strict=True))


@dataclass(frozen=True)
class GeneratedTicket:
    """One generated ticket, with both what the CSV says and what a form would hold."""

    code: str
    received_at: str  # ISO 8601 with +07:00
    channel: Channel
    phone: str  # as typed, in one of the forms callers arrive in; "" for none
    name: str
    request_type: RequestType
    level: Level
    is_tthc: bool
    tthc_code: str
    unit_code: str
    unit_text: str  # the unit as the old system wrote it: name, alias or misspelling
    status: Status
    satisfaction: Satisfaction
    reason: DissatisfactionReason | None
    content: str
    answer: str

    def csv_row(self) -> list[str]:
        return [
            self.code, self.received_at, self.channel.value, self.phone, self.name,
            self.request_type.value, str(int(self.level)), "1" if self.is_tthc else "0", self.unit_text,
            self.status.value, self.satisfaction.value, self.reason.value if self.reason else "",
            self.content,
        ]  # fmt: skip

    def draft(self) -> TicketDraft:
        return TicketDraft(
            content=self.content,
            phone=self.phone,
            citizen_name=self.name,
            channel=self.channel,
            request_type=self.request_type,
            level=self.level,
            is_tthc=self.is_tthc,
            tthc_code=self.tthc_code,
            unit_code=self.unit_code,
            answer=self.answer,
            status=self.status,
            satisfaction=self.satisfaction,
            dissatisfaction_reason=self.reason,
        )


def _cumulative(weights: list[int]) -> list[int]:
    total, out = 0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _typed(rng: random.Random, mobile: str) -> str:
    """A mobile number in one of the forms callers arrive in: 0912345678, 0912 345 678, +84..., 84..."""
    form = rng.random()
    if form < 0.70:
        return mobile
    if form < 0.80:
        return f"{mobile[:4]} {mobile[4:7]} {mobile[7:]}"
    if form < 0.88:
        return "+84" + mobile[1:]
    if form < 0.95:
        return "84" + mobile[1:]
    return f"{mobile[:4]}.{mobile[4:7]}.{mobile[7:]}"


class Generator:
    """Tickets of `size.citizens` callers with a heavy tail (a few call hundreds of times), seeded."""

    def __init__(self, size: Size, seed: int = SEED) -> None:
        self.rng = rng = random.Random(seed)
        mobiles: set[str] = set()
        while len(mobiles) < size.citizens:
            mobiles.add(rng.choice(PREFIXES) + f"{rng.randrange(10**7):07d}")
        self.mobiles = sorted(mobiles)
        rng.shuffle(self.mobiles)
        self.size = size
        self.unit_cum = _cumulative([sum(levels) for levels in UNIT_LEVELS])
        self.level_cum = [_cumulative(list(levels)) for levels in UNIT_LEVELS]
        self.channels, self.channel_cum = list(CHANNELS), _cumulative(list(CHANNELS.values()))
        self.types, self.type_cum = list(REQUEST_TYPES), _cumulative(list(REQUEST_TYPES.values()))
        self.surnames, self.surname_cum = list(SURNAMES), _cumulative(list(SURNAMES.values()))
        self.hours, self.hour_cum = [h for h, _ in HOURS], _cumulative([w for _, w in HOURS])
        self.names = [self._name() for _ in self.mobiles]

    def _name(self) -> str:
        rng, female = self.rng, self.rng.random() < 0.5
        surname = rng.choices(self.surnames, cum_weights=self.surname_cum)[0]
        return f"{surname} {rng.choice(MIDDLE[female])} {rng.choice(GIVEN[female])}"

    def callers(self, count: int) -> list[int]:
        """Every caller once (so every number is known), the rest with weight (rank+1)^-0.6."""
        rng, known = self.rng, len(self.mobiles)
        callers = list(range(known)) if count >= known else []
        cum = list(_cumulative_float([(i + 1) ** -0.6 for i in range(known)]))
        callers += rng.choices(range(known), cum_weights=cum, k=count - len(callers))
        rng.shuffle(callers)
        return callers

    def timestamps(self, count: int) -> list[int]:
        """Sorted moments between 2020 and late 2025, in office hours mostly."""
        rng = self.rng
        days = sorted(rng.randrange(START, END, 86400) for _ in range(count))
        hours = rng.choices(self.hours, cum_weights=self.hour_cum, k=count)
        return [day + hour * 3600 + rng.randrange(3600) for day, hour in zip(days, hours, strict=True)]

    def tickets(self, count: int | None = None, *, first: int = 0) -> Iterator[GeneratedTicket]:
        count = count or self.size.tickets
        callers = self.callers(count)
        moments = self.timestamps(count)
        for number, (stamp, caller) in enumerate(zip(moments, callers, strict=True), first + 1):
            yield self.ticket(number, stamp, caller)

    def ticket(self, number: int, stamp: int, caller: int) -> GeneratedTicket:
        rng = self.rng
        received = datetime.fromtimestamp(stamp, VN_TZ).isoformat()
        channel = rng.choices(self.channels, cum_weights=self.channel_cum)[0]
        if channel is Channel.APP_MOBILE and stamp < APP_FROM:
            channel = Channel.PHONE
        has_phone = channel in (Channel.PHONE, Channel.ZALO) or rng.random() < 0.5
        unit = rng.choices(range(len(UNITS)), cum_weights=self.unit_cum)[0]
        level = Level(rng.choices((1, 2, 3), cum_weights=self.level_cum[unit])[0])
        request_type = rng.choices(self.types, cum_weights=self.type_cum)[0]
        is_tthc = rng.random() < 0.1041
        open_ = rng.random() < (0.0003 if level is Level.ONE else 0.017)
        status = Status.IN_PROGRESS if open_ else Status.RESOLVED
        satisfaction, reason = Satisfaction.NOT_RATED, None
        if status is Status.RESOLVED and stamp >= RATINGS_FROM:
            roll = rng.random()
            silent = 0.25 if channel in (Channel.ZALO, Channel.FACEBOOK) else 0.01
            if roll < silent:
                satisfaction = Satisfaction.NO_RESPONSE
            elif roll < silent + 0.0031:
                satisfaction, reason = Satisfaction.DISSATISFIED, rng.choice(list(DissatisfactionReason))
            else:
                satisfaction = Satisfaction.SATISFIED
        procedure, place = rng.choice(PROCEDURES), rng.choice(PLACES)
        content = rng.choice(CONTENT[request_type]).format(t=procedure, p=place) + rng.choice(TAILS)
        item = UNITS[unit]
        roll = rng.random()
        unit_text = item["name"]
        if item["aliases"] and roll < 0.15:
            misspelled = [alias for alias in item["aliases"] if alias in MISSPELLED]
            unit_text = rng.choice(misspelled if misspelled and roll < 0.10 else item["aliases"])
        return GeneratedTicket(
            code=f"DT{received[2:4]}{received[5:7]}{received[8:10]}-{number:07d}",
            received_at=received,
            channel=channel,
            phone=_typed(rng, self.mobiles[caller]) if has_phone else "",
            name=self.names[caller] if rng.random() < 0.95 else "",
            request_type=request_type,
            level=level,
            is_tthc=is_tthc,
            tthc_code=f"1.{rng.randrange(10**6):06d}" if is_tthc else "",
            unit_code=item["code"],
            unit_text=unit_text,
            status=status,
            satisfaction=satisfaction,
            reason=reason,
            content=content,
            answer=f"Đã hướng dẫn công dân về {procedure}." if status is Status.RESOLVED else "",
        )


def _cumulative_float(weights: list[float]) -> Iterator[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def write_csv(path: Path, size: Size, seed: int = SEED) -> None:
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ticket.csv_row() for ticket in Generator(size, seed).tickets())
    temporary.replace(path)


def csv_for(size: Size) -> Path:
    """The cached CSV of `size` tickets, written once."""
    path = data_root() / f"tickets-{size.tickets}.csv"
    if not path.exists():
        log(f"writing {path.name} ({size.label}) ...")
        started = time.perf_counter()
        write_csv(path, size)
        log(f"wrote {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def import_into(data_dir: Path, csv_path: Path) -> tuple[int, float]:
    """Import the CSV through the desk's importer into a new store; (tickets imported, seconds)."""
    try:
        from desktop.services.imports.importer import import_tickets_csv
    except ImportError as error:
        raise BenchError(
            f"desktop.services.imports.importer.import_tickets_csv is missing: {error}"
        ) from error
    store = open_bench_store(data_dir)
    try:
        started = time.perf_counter()
        report = import_tickets_csv(store, csv_path, operator="bench-import", skip_bad=False)
        elapsed = time.perf_counter() - started
    finally:
        store.close()
    return report.imported, elapsed


def add_calls(db_path: Path) -> None:
    """A call log beside the imported tickets: the call behind each phone ticket, and 1 in 20 missed."""
    uuid = (
        "lower(hex(randomblob(4))||'-'||hex(randomblob(2))||'-4'||substr(hex(randomblob(2)),2)||'-'"
        "||hex(randomblob(2))||'-'||hex(randomblob(6)))"
    )
    connection = cipher.connect(db_path, bench_store_key(db_path.parent), isolation_level=None)
    try:
        connection.execute("BEGIN")
        connection.execute(
            "INSERT INTO calls (id, direction, phone, citizen_id, operator, started_at, answered_at,"
            f" ended_at, outcome, ticket_id) SELECT {uuid}, 'vao', phone, citizen_id, created_by,"
            " received_at, received_at, received_at, 'da_tra_loi', id FROM tickets"
            " WHERE channel = 'dien_thoai' AND phone != ''"
        )
        connection.execute(
            f"INSERT INTO calls (id, direction, phone, citizen_id, operator, started_at, outcome)"
            f" SELECT {uuid}, 'vao', phone, citizen_id, '', received_at, 'nho' FROM tickets"
            f" WHERE phone != '' AND pk % 20 = 0"
        )
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def _stamp() -> str:
    return f"schema {head_revision()}, encrypted with {'; '.join(cipher.CIPHER_SETTINGS)}"


def cached_store(size: Size) -> Path | None:
    """The cached store of `size` if it was built at the current schema (else it is rebuilt)."""
    ready = data_root() / f"store-{size.tickets}" / "READY"
    if ready.exists() and _stamp() in ready.read_text(encoding="utf-8"):
        return ready.parent
    return None


def store_for(size: Size, *, built: tuple[Path, int, float] | None = None) -> Path:
    """The data dir of a store holding the imported CSV of `size` plus its calls, built once and cached.

    `built` hands over a store the import benchmark has just made: (data dir, imported, seconds).
    A store built at an older schema is built again (opening it would migrate and copy it aside).
    """
    use_bench_keyring()
    final = data_root() / f"store-{size.tickets}"
    if cached_store(size):
        return final
    building = data_root() / f"store-{size.tickets}.building"
    if built is None:
        shutil.rmtree(building, ignore_errors=True)
        log(f"building the {size.label} store by importing the CSV ...")
        imported, seconds = import_into(building, csv_for(size))
    else:
        building, imported, seconds = built
    if imported != size.tickets:
        raise BenchError(f"the importer imported {imported} of {size.tickets} generated tickets")
    log(f"imported {imported} tickets in {seconds:.1f} s; adding calls ...")
    add_calls(building / "tongdai1022.sqlite3")
    note = f"{_stamp()}: {imported} tickets imported in {seconds:.1f} s\n"
    (building / "READY").write_text(note, encoding="utf-8")
    shutil.rmtree(final, ignore_errors=True)
    building.rename(final)
    return final


def use_bench_keyring() -> None:
    """This process and the desks it starts keep store keys in the benchmarks' keyring file."""
    from bench.bench_keyring import BACKEND, FILE_ENV

    os.environ.setdefault(FILE_ENV, str(data_root() / "bench-keyring.json"))
    os.environ["PYTHON_KEYRING_BACKEND"] = BACKEND


def bench_store_key(data_dir: Path) -> cipher.StoreKey:
    """The key of a benchmark store, made on first use and kept in the benchmarks' keyring, as a desk
    on a PC with a keyring keeps its own."""
    from bench.bench_keyring import BenchKeyring
    from desktop.keyring_service import KeyringService
    from desktop.services.store_unlock import SERVICE, StoreUnlock

    use_bench_keyring()
    return StoreUnlock(data_dir, KeyringService(SERVICE, BenchKeyring())).key()


def open_bench_store(data_dir: Path) -> LocalStore:
    return LocalStore.open(data_dir, key=bench_store_key(data_dir))


def raw_connection(db_path: Path) -> Any:
    """A bare SQLCipher connection to the store (same key) with its own pragmas (WAL, synchronous=FULL...),
    autocommit: the baseline reads the same encrypted pages as the desk."""
    connection = cipher.connect(db_path, bench_store_key(db_path.parent), isolation_level=None)
    _apply_pragmas(connection, None)
    return connection


def copy_store(source: Path, target: Path) -> Path:
    """A private copy of a cached store's data dir, for benchmarks that write."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for path in [*source.glob("tongdai1022.sqlite3*"), source / KEY_INFO_FILENAME]:
        shutil.copyfile(path, target / path.name)
    return target

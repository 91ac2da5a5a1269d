"""The report's tables as the province lays them out (seeds/000 appendix), for both the XLSX and the DOCX.

A table is a title, header rows (with merged cells), body rows and a totals row; a cell is a count
(`int`), a percentage (`Percent`, in percent: 99.73) or text. The exports only draw them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reports import labels
from reports.shape import OnTimeFigures, Report, percent
from reports.vn_numbers import vn_decimal, vn_int, vn_percent

NOTE_HEADING = "Ghi chú"  # a table's last column of free words, drawn as wide as the screen has left


@dataclass(frozen=True)
class Percent:
    value: float  # 99.73 means 99,73%


@dataclass(frozen=True)
class Measure:
    """A figure that is not a count, already written the province's way (`50%`, `5,5`; `-` for none):
    drawn right-aligned like a number."""

    text: str


Cell = int | Percent | Measure | str


@dataclass(frozen=True)
class Head:
    """A header cell spanning `columns` × `rows` cells."""

    text: str
    columns: int = 1
    rows: int = 1


@dataclass(frozen=True)
class Table:
    title: str
    sheet: str  # the XLSX sheet's name (31 characters at most)
    header: list[list[Head]]
    body: list[list[Cell]]
    totals: list[Cell]

    @property
    def width(self) -> int:
        return sum(head.columns for head in self.header[0])


def _sum(rows: list[list[Cell]], column: int) -> int:
    return sum(row[column] for row in rows if isinstance(row[column], int))  # type: ignore[misc]


def by_unit(report: Report) -> Table:
    units = report["units"]
    levels = list(units[0]["levels"]) if units else ["1", "2", "3", "4"]
    types = list(units[0]["types"]) if units else list(labels.REQUEST_TYPES)
    body: list[list[Cell]] = [
        [
            number,
            row["unit"],
            row["total"],
            row["resolved"],
            row["in_progress"],
            *row["levels"].values(),
            *row["types"].values(),
            Percent(row["resolved_pct"]),
            Percent(percent(row["in_progress"], row["total"])),
            "",
        ]
        for number, row in enumerate(units, 1)
    ]
    totals = report["totals"]
    counts = [_sum(body, column) for column in range(2, 5 + len(levels) + len(types))]
    return Table(
        title="1. Tổng hợp số lượng ghi nhận tiếp nhận phản ánh, kiến nghị theo cơ quan, đơn vị, địa phương",
        sheet="1. Theo đơn vị",
        header=[
            [
                Head("STT", rows=2),
                Head("Đơn vị", rows=2),
                Head("Tổng", rows=2),
                Head("Tình hình giải quyết", columns=2),
                Head("Cấp độ", columns=len(levels)),
                Head("Loại yêu cầu", columns=len(types)),
                Head("Tỷ lệ xử lý", columns=2),
                Head(NOTE_HEADING, rows=2),
            ],
            [
                Head("Đã xử lý"),
                Head("Đang xử lý"),
                *(Head(f"Cấp {level}") for level in levels),
                *(Head(labels.label(labels.REQUEST_TYPES, code)) for code in types),
                Head("Tỷ lệ đã xử lý"),
                Head("Tỷ lệ đang xử lý"),
            ],
        ],
        body=body,
        totals=[
            "",
            "Tổng số",
            *counts,
            Percent(totals["resolved_pct"]),
            Percent(percent(totals["in_progress"], totals["tickets"])),
            "",
        ],
    )


def by_channel(report: Report) -> Table:
    channels = report["channels"]
    whole = sum(channels.values())
    body: list[list[Cell]] = [
        [number, labels.label(labels.CHANNELS, code), count, Percent(percent(count, whole))]
        for number, (code, count) in enumerate(channels.items(), 1)
    ]
    return Table(
        title="2. Số lượng tiếp nhận qua các kênh tiếp nhận",
        sheet="2. Kênh tiếp nhận",
        header=[[Head("STT"), Head("Kênh tiếp nhận"), Head("Số lượng"), Head("Tỷ lệ")]],
        body=body,
        totals=["", "Tổng", whole, Percent(100.0 if whole else 0.0)],
    )


def tthc(report: Report) -> Table:
    t = report["totals"]
    other, other_resolved = t["tickets"] - t["tthc"], t["resolved"] - t["tthc_resolved"]
    return Table(
        title="3. Số lượng ghi nhận và giải quyết là thủ tục hành chính",
        sheet="3. Thủ tục hành chính",
        header=[
            [
                Head("STT"),
                Head("Loại yêu cầu nhận"),
                Head("Số lượng"),
                Head("Tỷ lệ"),
                Head("Giải quyết"),
                Head("Tỷ lệ"),
            ]
        ],
        body=[
            [
                1,
                "Thủ tục hành chính",
                t["tthc"],
                Percent(percent(t["tthc"], t["tickets"])),
                t["tthc_resolved"],
                Percent(percent(t["tthc_resolved"], t["resolved"])),
            ],
            [
                2,
                "Khác TTHC",
                other,
                Percent(percent(other, t["tickets"])),
                other_resolved,
                Percent(percent(other_resolved, t["resolved"])),
            ],
        ],
        totals=[
            "",
            "Tổng",
            t["tickets"],
            Percent(100.0 if t["tickets"] else 0.0),
            t["resolved"],
            Percent(100.0 if t["resolved"] else 0.0),
        ],
    )


def attitude_late(report: Report) -> Table:
    body: list[list[Cell]] = []
    for number, row in enumerate(report["attitude_late"], 1):
        both = row["attitude"] + row["late"]
        body.append(
            [
                number,
                row["unit"],
                both,
                row["attitude"],
                row["late"],
                Percent(percent(row["attitude"], both)),
                Percent(percent(row["late"], both)),
                "",
            ]
        )
    both, attitude, late = (_sum(body, column) for column in (2, 3, 4))
    return Table(
        title="4. Số lượng các phản ánh trễ hạn và thái độ hành vi theo đơn vị",
        sheet="4. Thái độ, chậm trễ",
        header=[
            [
                Head("STT", rows=2),
                Head("Đơn vị", rows=2),
                Head("Tổng", rows=2),
                Head("Tình hình giải quyết", columns=2),
                Head("Tỷ lệ", columns=2),
                Head(NOTE_HEADING, rows=2),
            ],
            [Head("Thái độ"), Head("Chậm trễ"), Head("Tỷ lệ thái độ"), Head("Tỷ lệ chậm trễ")],
        ],
        body=body,
        totals=[
            "",
            "Tổng số",
            both,
            attitude,
            late,
            Percent(percent(attitude, both)),
            Percent(percent(late, both)),
            "",
        ],
    )


def satisfaction(report: Report) -> Table:
    rows = report["satisfaction"]
    reasons = list(rows[0]["khong_hai_long"]) if rows else list(labels.REASONS)
    body: list[list[Cell]] = [
        [
            number,
            row["unit"],
            row["tickets"],
            row["rated"],
            row["unresolved_unrated"],
            row["hai_long"],
            *row["khong_hai_long"].values(),
            row["khong_phan_hoi"],
            Percent(percent(row["hai_long"], row["rated"])),
            "",
        ]
        for number, row in enumerate(rows, 1)
    ]
    counts = [_sum(body, column) for column in range(2, 7 + len(reasons))]
    rated, happy = counts[1], counts[3]
    return Table(
        title="5. Tổng hợp kết quả đánh giá hài lòng/chưa hài lòng đối với các phiếu đã xử lý theo đơn vị",
        sheet="5. Hài lòng",
        header=[
            [
                Head("STT", rows=2),
                Head("Đơn vị", rows=2),
                Head("Tổng số", rows=2),
                Head("Tổng số phiếu đã đánh giá", rows=2),
                Head("Tổng số phiếu đang giải quyết chưa đánh giá", rows=2),
                Head("Hài lòng", rows=2),
                Head("Không hài lòng, nguyên nhân", columns=len(reasons)),
                Head("Người phản ánh không phản hồi thông tin được cung cấp", rows=2),
                Head("Tỷ lệ hài lòng", rows=2),
                Head(NOTE_HEADING, rows=2),
            ],
            [Head(labels.label(labels.REASONS, code)) for code in reasons],
        ],
        body=body,
        totals=["", "Tổng cộng", *counts, Percent(percent(happy, rated)), ""],
    )


def calls(report: Report) -> Table:
    c = report["calls"]
    return Table(
        title="6. Số lượng cuộc gọi",
        sheet="6. Cuộc gọi",
        header=[[Head("STT"), Head("Cuộc gọi"), Head("Số lượng")]],
        body=[
            [1, "Cuộc gọi vào", c["inbound"]],
            [2, "Trong đó: cuộc gọi vào nhỡ, không được trả lời", c["missed"]],
            [3, "Cuộc gọi ra", c["outbound"]],
        ],
        totals=["", "Tổng số cuộc gọi (vào và ra)", c["inbound"] + c["outbound"]],
    )


NONE = "-"  # a rate or median of nothing (no answer yet)
ON_TIME_SHEETS = ("7. Xử lý đúng hạn", "8. Theo địa bàn")  # the sheets of the server's tables 7 and 8


def _rate(figures: OnTimeFigures) -> Measure:
    rate = figures["on_time_rate"]
    return Measure(NONE if rate is None else vn_percent(rate))


def _median(figures: OnTimeFigures) -> Measure:
    days = figures["median_working_days"]
    return Measure(NONE if days is None else vn_decimal(days))


def _on_time_counts(figures: OnTimeFigures) -> list[Cell]:
    return [
        figures["forwarded"],
        figures["answered_on_time"],
        figures["answered_late"],
        figures["waiting"],
        figures["overdue_now"],
        figures["returned"],
        _rate(figures),
        _median(figures),
    ]


_ON_TIME_HEADS = [
    Head("Số phiếu chuyển xử lý", rows=2),
    Head("Đã trả lời", columns=2),
    Head("Đang theo dõi kết quả xử lý", columns=2),
    Head("Trả lại (không thuộc thẩm quyền)", rows=2),
    Head("Tỷ lệ xử lý đúng hạn", rows=2),
    Head("Số ngày làm việc xử lý (trung vị)", rows=2),
]
_ON_TIME_SUBHEADS = [Head("Đúng hạn"), Head("Trễ hạn"), Head("Trong hạn"), Head("Quá hạn")]


def on_time_by_unit(report: Report) -> Table:
    """Each unit's forwarded tickets against their deadlines: the index's "xử lý đúng hạn"."""
    on_time = report["on_time"]
    body: list[list[Cell]] = [
        [number, row["unit"], *_on_time_counts(row), _carried_note(row)]
        for number, row in enumerate(on_time["units"], 1)
    ]
    return Table(
        title="7. Tiến độ xử lý phản ánh, kiến nghị theo cơ quan, đơn vị, địa phương (chuyển trong kỳ)",
        sheet=ON_TIME_SHEETS[0],
        header=[
            [Head("STT", rows=2), Head("Đơn vị", rows=2), *_ON_TIME_HEADS, Head(NOTE_HEADING, rows=2)],
            _ON_TIME_SUBHEADS,
        ],
        body=body,
        totals=["", "Tổng số", *_on_time_counts(on_time["total"]), _carried_note(on_time["total"])],
    )


def _carried_note(figures: OnTimeFigures) -> str:
    """What the unit still holds from before the period: counted in none of the row's columns."""
    carried = figures.get("carried_over", 0)
    if not carried:
        return ""
    overdue = figures.get("carried_over_overdue", 0)
    return f"Còn {vn_int(carried)} phiếu từ các kỳ trước chuyển sang ({vn_int(overdue)} quá hạn)"


def by_area(report: Report) -> Table:
    """ "Tiến độ xử lý phản ánh, kiến nghị theo địa bàn hành chính": by the citizen's commune or ward."""
    areas = report["areas"]
    body: list[list[Cell]] = [
        [number, row["area"], row["tickets"], row["resolved"], row["in_progress"], *_on_time_counts(row)]
        for number, row in enumerate(areas, 1)
    ]
    counts = [_sum(body, column) for column in range(2, 11)]
    answered_on_time, answered_late = counts[4], counts[5]
    answered = answered_on_time + answered_late
    rate = Measure(vn_percent(percent(answered_on_time, answered)) if answered else NONE)
    return Table(
        title="8. Tiến độ xử lý phản ánh, kiến nghị theo địa bàn hành chính (địa chỉ của người phản ánh)",
        sheet=ON_TIME_SHEETS[1],
        header=[
            [
                Head("STT", rows=2),
                Head("Địa bàn (xã, phường)", rows=2),
                Head("Số phiếu tiếp nhận", rows=2),
                Head("Tình hình giải quyết", columns=2),
                *_ON_TIME_HEADS,
            ],
            [Head("Đã xử lý"), Head("Đang xử lý"), *_ON_TIME_SUBHEADS],
        ],
        body=body,
        # A median does not add up over areas: the units' table gives the overall one.
        totals=["", "Tổng số", *counts, rate, Measure("")],
    )


BUILDERS = (by_unit, by_channel, tthc, attitude_late, satisfaction, calls)
ON_TIME_BUILDERS = (on_time_by_unit, by_area)  # only for a report that carries forwardings (the server's)


def builders_of(report: Report) -> tuple[Callable[[Report], Table], ...]:
    """The tables `report` has: the province's six, and the on-time ones when it carries them."""
    return BUILDERS + (ON_TIME_BUILDERS if "on_time" in report and "areas" in report else ())


def all_tables(report: Report) -> list[Table]:
    return [build(report) for build in builders_of(report)]

"""The monthly bulletin's paragraphs (seeds/001), with the period's figures in Vietnamese number style."""

from __future__ import annotations

from datetime import date

from reports import labels
from reports.shape import Report, percent
from reports.vn_numbers import vn_int, vn_percent


def _day(iso: str) -> str:
    return f"{date.fromisoformat(iso):%d/%m/%Y}"


def activity(report: Report) -> str:
    """'Từ ngày ... đến ngày ..., Tổng đài 1022 đã tiếp nhận và thực hiện N cuộc gọi (gồm: ...'."""
    calls, channels, totals = report["calls"], report["channels"], report["totals"]
    phone = "dien_thoai"
    others = sum(count for code, count in channels.items() if code != phone)
    received = ", ".join(
        f"{labels.label(labels.CHANNELS_IN_TEXT, code)}: {vn_int(count)} ý kiến"
        for code, count in channels.items()
        if code == phone or count
    )
    tickets, tthc = vn_int(totals["tickets"]), vn_int(totals["tthc"])
    if calls["inbound"] or calls["outbound"] or calls["missed"]:
        heard = (
            f"tiếp nhận và thực hiện {vn_int(calls['inbound'] + calls['outbound'])} cuộc gọi (gồm: "
            f"{vn_int(calls['inbound'])} cuộc gọi vào, {vn_int(calls['outbound'])} cuộc gọi ra), "
        )
    else:  # no call at all in a hotline's period means no call log (imported tickets), not a silent month
        heard = "tiếp nhận (chưa có nhật ký cuộc gọi của kỳ này), "
    return (
        f"Từ ngày {_day(report['period']['from'])} đến ngày {_day(report['period']['to'])}, Tổng đài 1022 đã "
        f"{heard}"
        f"{vn_int(others)} lượt tương tác qua các kênh 1022: Email, Zalo, Facebook, Website, App Mobile của "
        f"người dân, doanh nghiệp. Theo đó, Điện thoại viên tổ chức tiếp nhận và lập {tickets} "
        f"phiếu xử lý ý kiến, phản ánh, kiến nghị của tổ chức, cá nhân. Trong đó, có {tthc} "
        f"phản ánh, kiến nghị, hỏi đáp thông tin liên quan đến TTHC. Các phản ánh, kiến nghị tiếp nhận qua "
        f"{received}."
    )


def satisfaction(report: Report) -> str:
    """The survey sentence; as in the bulletin, its shares are of the tickets whose survey is over
    (satisfied + dissatisfied + no response), the in-progress ones left out."""
    rows = report["satisfaction"]
    happy = sum(row["hai_long"] for row in rows)
    unhappy = sum(row["rated"] - row["hai_long"] for row in rows)
    silent = sum(row["khong_phan_hoi"] for row in rows)
    surveyed = happy + unhappy + silent
    open_ = vn_int(report["totals"]["in_progress"])
    return (
        f"Kết quả xử lý ghi nhận, có {vn_int(happy)}/{vn_int(surveyed)} phiếu trả lời ý kiến, giải quyết "
        f"phản ánh, kiến nghị (không tính {open_} phiếu đang giải quyết) được tổ "
        f"chức, cá nhân đánh giá hài lòng về kết quả giải quyết hoặc thông tin phản hồi là hữu ích (đạt "
        f"{vn_percent(percent(happy, surveyed))}), {vn_int(unhappy)} phiếu đánh giá chưa hài lòng hoặc thông "
        f"tin phản hồi là chưa hữu ích đối với người hỏi (chiếm {vn_percent(percent(unhappy, surveyed))}), "
        f"{vn_int(silent)} phiếu người phản ánh không phản hồi về thông tin được cung cấp (chiếm "
        f"{vn_percent(percent(silent, surveyed))})."
    )

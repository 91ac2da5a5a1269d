"""The monthly bulletin's paragraphs (seeds/001), with the period's figures in Vietnamese number style."""

from __future__ import annotations

from datetime import date

from reports import labels
from reports.shape import OnTimeFigures, Report, percent
from reports.vn_numbers import vn_decimal, vn_int, vn_percent


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


def on_time(report: Report) -> list[str]:
    """The units' and the areas' progress (the national index's "xử lý đúng hạn" and "theo địa bàn hành
    chính"), as the province's notes say it; nothing for a report without forwardings (the desk's)."""
    if "on_time" not in report or "areas" not in report:
        return []
    total = report["on_time"]["total"]
    answered = total["answered_on_time"] + total["answered_late"]
    rate = total["on_time_rate"]
    days = total["median_working_days"]
    tickets = report["on_time"].get("tickets_forwarded", total["forwarded"])
    carried = total.get("carried_over", 0)
    followed = total["waiting"] + total["overdue_now"] + carried
    lots = f" ({vn_int(total['forwarded'])} lượt chuyển)" if total["forwarded"] != tickets else ""
    answers = (
        f"đã trả lời {vn_int(answered)} phiếu, trong đó đúng hạn {vn_int(total['answered_on_time'])} phiếu, "
        f"trễ hạn {vn_int(total['answered_late'])} phiếu "
        + (f"(tỷ lệ phản ánh, kiến nghị xử lý đúng hạn đạt {vn_percent(rate)})" if rate is not None else "")
        + (f", thời gian xử lý trung vị {vn_decimal(days)} ngày làm việc" if days is not None else "")
    )
    from_before = f", {vn_int(carried)} phiếu từ các kỳ trước chuyển sang" if carried else ""
    sentences = [
        f"Trong kỳ, Tổng đài 1022 đã chuyển {vn_int(tickets)} phản ánh, kiến nghị{lots} đến các cơ quan, "
        f"đơn vị, địa phương xử lý; {answers}; còn {vn_int(followed)} phản ánh, kiến nghị đang theo dõi "
        f"kết quả xử lý từ cơ quan, đơn vị, địa phương (trong đó {vn_int(_overdue(total))} phiếu quá hạn"
        f"{from_before}); {vn_int(total['returned'])} phiếu được trả lại do không thuộc thẩm quyền."
    ]
    late_units = [row for row in report["on_time"]["units"] if _overdue(row) or row["answered_late"]]
    if late_units:
        named = ", ".join(
            f"{row['unit']} ({vn_int(row['answered_late'])} trễ hạn, {vn_int(_overdue(row))} quá hạn)"
            for row in sorted(late_units, key=lambda r: -(r["answered_late"] + _overdue(r)))[:5]
        )
        sentences.append(f"Các cơ quan, đơn vị, địa phương có phản ánh, kiến nghị trễ hạn, quá hạn: {named}.")
    return sentences


def _overdue(figures: OnTimeFigures) -> int:
    """Overdue now: the period's forwardings and those carried over from before it."""
    return figures["overdue_now"] + figures.get("carried_over_overdue", 0)

"""Vietnam time in Qt widgets: what an operator types or sees is Vietnam time whatever the PC's zone."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone

from desktop.domain.clock import VN_TZ, now_vn, to_vn

# A fixed +07:00 offset, not the IANA zone: Vietnam keeps no daylight saving, and a fixed offset
# cannot be shifted by a DST gap of the PC's own zone (02:30 on a US spring-forward night).
VN_QT_ZONE = QTimeZone.fromSecondsAheadOfUtc(7 * 3600)


def to_qt_vn(moment: datetime) -> QDateTime:
    """An aware datetime as a QDateTime showing its Vietnam wall-clock time."""
    local = to_vn(moment)
    return QDateTime(
        QDate(local.year, local.month, local.day),
        QTime(local.hour, local.minute, local.second),
        VN_QT_ZONE,
    )


def from_qt_vn(value: QDateTime) -> datetime:
    """The Vietnam time a QDateTime stands for, as an aware datetime (+07:00)."""
    in_vn = value.toTimeZone(VN_QT_ZONE)
    date, time = in_vn.date(), in_vn.time()
    return datetime(
        date.year(), date.month(), date.day(), time.hour(), time.minute(), time.second(), tzinfo=VN_TZ
    )


def today_vn() -> QDate:
    """Today's date in Vietnam (the PC's own date may already be tomorrow or still yesterday)."""
    today = now_vn().date()
    return QDate(today.year, today.month, today.day)

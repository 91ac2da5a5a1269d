"""The registration indicator of the status bar: ready, connecting or failed, why and what to do."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

from desktop.telephony import RegistrationChanged, RegistrationState


def _t(text: str) -> str:
    return QCoreApplication.translate("PhoneStatus", text)


def describe(event: RegistrationChanged | None, configured: bool) -> tuple[str, str, str]:
    """(text, tooltip with the reason and what to do, kind) for a registration state."""
    if not configured:
        return (
            _t("Switchboard: not configured"),
            _t("Enter the SIP account in Phone → Switchboard account (F8)."),
            "off",
        )
    if event is None:
        return _t("Switchboard: connecting…"), _t("Registering with the switchboard."), "busy"
    state = event.state
    reason = f"{event.code} {event.reason}".strip() if event.code else event.reason
    if state is RegistrationState.REGISTERED:
        return _t("Switchboard: ready"), _t("Registered; calls to 1022 ring here."), "ok"
    if state is RegistrationState.REGISTERING:
        return _t("Switchboard: connecting…"), _t("Registering with the switchboard."), "busy"
    if state is RegistrationState.UNREACHABLE:
        tip = _t(
            "The switchboard does not answer (%1). The desk keeps trying by itself; calls cannot ring "
            "here meanwhile. If it lasts, check the network cable and tell IT."
        ).replace("%1", reason or _t("no answer"))
        return _t("Switchboard: no connection, retrying"), tip, "error"
    if state is RegistrationState.AUTH_FAILED:
        tip = _t(
            "The switchboard refused the extension or password (%1). Correct them in Phone → "
            "Switchboard account (F8); the desk will not retry by itself."
        ).replace("%1", reason or "403")
        return _t("Switchboard: wrong extension or password"), tip, "error"
    if state is RegistrationState.STOPPED:
        return _t("Switchboard: stopped"), _t("The phone is switched off."), "off"
    return _t("Switchboard: not registered"), _t("Not registered (%1).").replace("%1", reason or "-"), "error"


_COLOURS = {"ok": "#1b7f3b", "busy": "#8a6d00", "error": "#b3261e", "off": "#555555"}


def show_registration(label: QLabel, event: RegistrationChanged | None, configured: bool) -> str:
    """Updates the status-bar label; returns the kind (ok, busy, error, off)."""
    text, tip, kind = describe(event, configured)
    label.setText(("● " if kind != "off" else "○ ") + text)
    label.setToolTip(tip)
    label.setProperty("registration", kind)
    label.setStyleSheet(f"color: {_COLOURS[kind]}; font-weight: bold;")
    return kind

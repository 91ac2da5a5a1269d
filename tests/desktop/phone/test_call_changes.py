"""A call that ends tells the desk once, through its change event: the callback queue refreshes from it."""

from __future__ import annotations

from pathlib import Path

from desktop.changes import OpChanges, Origin

SCENARIOS = Path(__file__).with_name("scenarios")
KNOWN = "0912345678;phone-context=+84@198.18.0.9"  # an RFC 3966 local number: stored +84912345678


def caller_keys(from_uri: str) -> list[str]:
    user = from_uri.split("@")[0].split(";")[0]
    return ["-s", "1022", "-key", "from", from_uri, "-key", "caller", user, "-key", "display", "Nguoi goi",
            "-key", "codecs", "8 101"]  # fmt: skip


def test_an_abandoned_call_publishes_one_change_and_the_queue_shows_the_caller_from_it(
    qtbot, make_desk, kamailio, sipp
):
    desk = make_desk(kamailio, record=False)
    qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)
    seen: list[OpChanges] = []
    desk.window.changes.subscribe(seen.append)

    run = sipp.uac(str(SCENARIOS / "uac_from_cancel.xml"), kamailio.port, *caller_keys(KNOWN), "-d", "500")
    popup = desk.phone.popup
    qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=5000)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=5000)
    assert run.wait(10) == 0, run.output()

    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [OpChanges(Origin.LOCAL, calls=True, callbacks=True, callers=frozenset({"+84912345678"}))]
    qtbot.waitUntil(
        lambda: "+84912345678" in [item.phone for item in desk.phone.callbacks.items], timeout=5000
    )

"""`doctor`'s keyring check (#16 point 5): a working keyring, none, and one that writes secrets in the
clear, each said with what to do (its sound check is in test_sound_devices.py, with the sound server)."""

from __future__ import annotations

import pytest
from keyring.backends.fail import Keyring as NoKeyring
from keyrings.alt.file import PlaintextKeyring
from memory_keyring import MemoryKeyring

from desktop.commands.doctor import OK, WARN, check_keyring
from desktop.keyring_service import PLAINTEXT_MESSAGE


@pytest.mark.parametrize(
    ("backend", "status", "advice"),
    [
        (MemoryKeyring(), OK, ""),
        (NoKeyring(), WARN, "GNOME Keyring"),
        (PlaintextKeyring(), WARN, PLAINTEXT_MESSAGE),
    ],
    ids=["a working keyring", "none", "plain text in a file"],
)
def test_doctor_says_whether_the_keyring_keeps_secrets_safely(
    monkeypatch: pytest.MonkeyPatch, backend: object, status: str, advice: str
) -> None:
    import keyring

    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    found = check_keyring()
    assert found.status == status, found
    assert advice in found.advice

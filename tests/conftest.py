"""Suite-wide: every process the tests start knows the test stores' passphrase (tests/store_keys.py)."""

from __future__ import annotations

import os

from store_keys import TEST_PASSPHRASE

from desktop.services.store_unlock import PASSPHRASE_ENV

os.environ.setdefault(PASSPHRASE_ENV, TEST_PASSPHRASE)
